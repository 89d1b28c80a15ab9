"""Typed facts -> Markdown pages, through the Jinja templates beside this module.

Pure functions: facts in, {file name: Markdown} out. No MkDocs import and no file
writes, so the same output can feed MkDocs, another engine, or a golden test.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import escape

from .model import WARNING_PAGE, Cites, Page, Site
from .schema import Change, GlossaryEntry, HelpLine, Publisher, Tier

TIERS: list[Tier] = ["emergency", "urgent", "routine"]  # most urgent first

TEMPLATES = Path(__file__).parent / "templates"

# Characters that Python-Markdown would treat as syntax inside running text.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")
_LINE_START = re.compile(r"^(\s*)(\d+)\.")


def md_text(value: str) -> str:
    """Plain text from YAML, made inert: HTML shows as text and Markdown syntax as characters."""
    out = html.escape(_MD_SPECIAL.sub(r"\\\1", value), quote=False)
    out = _LINE_START.sub(r"\1\2\\.", out)  # "1. x" at the start would become a list
    return out.replace("-", "\\-", 1) if out.startswith("-") else out


def html_text(value: str) -> str:
    """Plain text placed inside raw HTML blocks, where Markdown is not processed."""
    return str(escape(value))


# What a Markdown attribute value (`{ aria-label="..." }`) may hold. Backslash escapes do not work
# there, and Markdown reads links, raw HTML and emphasis in it before the attribute list, so any
# other character becomes a space: a screen reader's label needs no brackets or markup.
_ATTR_UNSAFE = re.compile(r"[^\w\s.,:;'’‘“”?!%+=/()\-–—]|_")


def attr_value(value: str) -> str:
    """Text for a quoted Markdown attribute, with everything that is syntax to Markdown or HTML removed."""
    return " ".join(_ATTR_UNSAFE.sub(" ", value).split())


def md_url(value: str) -> str:
    """An address inside a Markdown link: parentheses and angle brackets would end it early."""
    return value.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def first_sentence(text: str) -> str:
    """A warning sign's meaning, cut to its first sentence: what the sign may mean, for a short list."""
    return re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]


def long_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def yaml_value(value: object) -> str:
    """A front-matter value; JSON is valid YAML and quotes everything safely."""
    return json.dumps(value, ensure_ascii=False)


def report_url(publisher: Publisher | None, page: Page, claim_id: str | None = None) -> str | None:
    """Where a reader reports a problem with a page or one statement on it, with both filled in.

    An e-mail address gets a subject and a body that name the page and the statement; a form gets
    them as ?page=...&claim=... . Nothing else is added: no tracking, no reader's data.
    """
    if publisher is None:
        return None
    channel = publisher.reports
    if channel.email:
        what = f"statement {claim_id}" if claim_id else "the page"
        body = (f"Page: {page.facts.page.title} (/{page.address})\nAbout: {what}\n\n"
                "What is wrong, and a source if you have one:\n")
        subject = f"Problem on {page.facts.page.title}" + (f" ({claim_id})" if claim_id else "")
        return f"mailto:{channel.email}?subject={quote(subject)}&body={quote(body)}"
    assert channel.form is not None
    query = urlencode({"page": page.slug, **({"claim": claim_id} if claim_id else {})})
    return channel.form + ("&" if urlsplit(channel.form).query else "?") + query


def newest_first(changes: Iterable[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: c.date, reverse=True)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is Markdown; every field goes through md_text or html_text instead
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=md_text, html=html_text, attr=attr_value, long_date=long_date, yaml=yaml_value,
                       url=md_url, first_sentence=first_sentence)
    env.globals["WARNING_PAGE"] = WARNING_PAGE
    return env


def labels() -> dict[str, Any]:
    """The reader-facing wording of the closed lists (templates/_labels.md.j2), for pages made elsewhere."""
    module = environment().get_template("_labels.md.j2").module
    return {name: getattr(module, name) for name in ("EVIDENCE", "RECOMMENDATION", "TIER_HEADING", "TIER_NOTE",
                                                      "TIER_SHORT", "TIERS")}


class Citations:
    """Numbers a page's sources in the order they are first cited."""

    def __init__(self, items: Iterable[Cites]) -> None:
        self.order: list[str] = []
        for item in items:
            for sid in item.sources:
                if sid not in self.order:
                    self.order.append(sid)

    def numbered(self, item: Cites) -> list[tuple[int, str]]:
        """The item's sources as (number, id), lowest number first."""
        return sorted((self.order.index(sid) + 1, sid) for sid in set(item.sources))


def glossary_lines(site: Site, markdown: str) -> list[tuple[str, str]]:
    """Glossary terms that appear in the page, for hover definitions (Markdown abbreviations)."""
    return [(g.term, g.definition) for g in site.glossary
            if re.search(rf"(?<!\w){re.escape(g.term)}(?!\w)", markdown)]


def render_page(page: Page, site: Site, env: jinja2.Environment) -> str:
    facts = page.facts
    signs = site.page(WARNING_PAGE)
    sign_by_id = {s.id: s for s in signs.facts.signs} if signs else {}
    cites = Citations(site.cited(page))
    review = max(facts.reviews, key=lambda r: r.date) if facts.reviews else None
    body = env.get_template("page.md.j2").render(
        page=page,
        facts=facts,
        changes=newest_first(facts.changes),
        review=review,
        reviewers=[{"name": r.name, "profession": r.profession} for r in facts.reviews],
        report=lambda claim_id=None: report_url(site.publisher, page, claim_id),
        cites=cites,
        citation_urls=[site.sources[sid].url for sid in cites.order],  # schema.org citation list
        sources=site.sources,
        labels=site.evidence,
        box_signs=sorted((sign_by_id[i] for i in facts.page.warning_signs), key=lambda s: TIERS.index(s.tier)),
        card_at_top=site.card_place(page) == "top",
        card_at_end=site.card_place(page) == "end",
        figures=site.figures,
        card=site.card,
        card_signs=site.card_signs() if site.card else [],
        tools=tool_links(site),
    )
    words = env.get_template("_words.md.j2").render(groups=word_groups(words_on_page(site, article_text(body))))
    return _with_glossary(body.replace(WORDS_MARKER, words, 1), site, env)


WORDS_MARKER = "<!-- words on this page -->\n"


def article_text(body: str) -> str:
    """What a reader reads on a rendered page: no front matter, no citation labels, no Sources list."""
    text = body.split("\n---\n", 1)[-1].split("\n## Sources", 1)[0]
    return re.sub(r'<sup class="cite">.*?</sup>', "", text)


def word_groups(words: list[GlossaryEntry], size: int = 7) -> list[tuple[str, list[GlossaryEntry]]]:
    """The words in alphabetical runs of at most `size`, each named by its first and last letters."""
    ordered = sorted(words, key=lambda w: w.term.lower())
    runs = [ordered[i:i + size] for i in range(0, len(ordered), size)]
    if len(runs) == 1:
        return [("", runs[0])]
    return [(f"{run[0].term[0].upper()} to {run[-1].term[0].upper()}", run) for run in runs]


def words_on_page(site: Site, article: str) -> list[GlossaryEntry]:
    """The glossary words a page uses (or their plurals), in the order a reader meets them."""
    found = []
    for entry in site.glossary:
        hit = re.search(rf"(?<!\w){re.escape(entry.term)}(s|es)?(?!\w)", article, re.IGNORECASE)
        if hit:
            found.append((hit.start(), entry))
    return [entry for _, entry in sorted(found, key=lambda f: f[0])]


def help_groups(site: Site) -> list[tuple[str, list[HelpLine]]]:
    """data/help.yml's lines under their group headings, groups in the order the file first names them."""
    groups: dict[str, list[HelpLine]] = {}
    for line in site.help:
        groups.setdefault(line.group, []).append(line)
    return list(groups.items())


def tool_links(site: Site) -> list[tuple[str, str]]:
    """(link target, title) of every tool: the printable card, then the pages that are tools."""
    card = [("cramp-card.md", "During a cramp: a card to print")] if site.card else []
    return card + [(f"{p.slug}.md", p.facts.page.title) for p in site.in_menu_order() if p.facts.page.tool]


def _with_glossary(body: str, site: Site, env: jinja2.Environment) -> str:
    return body + env.get_template("_glossary_terms.md.j2").render(terms=glossary_lines(site, body))


# Titles of the pages not made from content/, for links to them from the symptom index.
GENERATED_TITLES = {"glossary": "Glossary", "symptom-index": "Symptom index", "sources": "Sources",
                    "changes": "Recent changes", "about": "About this guide", "cramp-card": "During a cramp",
                    "more-help": "More help"}


def symptom_terms(site: Site) -> set[tuple[str, str, str]]:
    """(words, link target, page title): every page's search terms, and the lay phrases that name a page."""
    terms = {(t.strip(), f"{p.slug}.md", p.facts.page.title) for p in site.pages for t in p.facts.page.search_terms}
    for entry in site.vocabulary:
        if entry.see is None:
            continue
        slug, _, anchor = entry.see.partition("#")
        page = site.page(slug)
        title = page.facts.page.title if page else GENERATED_TITLES[slug]
        terms |= {(phrase.strip(), f"{slug}.md" + (f"#{anchor}" if anchor else ""), title) for phrase in entry.lay}
    return terms


def render_site(site: Site) -> dict[str, str]:
    """Every generated page of the site: {"causes.md": "...", ...}."""
    env = environment()
    pages = {f"{p.slug}.md": render_page(p, site, env) for p in site.pages}
    cited_by: dict[str, list[Page]] = {sid: [] for sid in site.sources}
    for p in site.pages:
        for sid in Citations(site.cited(p)).order:
            cited_by[sid].append(p)
    terms = sorted(symptom_terms(site), key=lambda t: (t[0].lower(), t[2], t[1], t[0]))
    extras: dict[str, tuple[str, dict[str, Any]]] = {
        "sources.md": ("sources.md.j2", {"site": site, "cited_by": cited_by}),
        "glossary.md": ("glossary.md.j2", {"site": site}),
        "symptom-index.md": ("symptom-index.md.j2", {"terms": terms}),
        "changes.md": ("changes.md.j2", {"changes": all_changes(site)}),
    }
    if site.help:
        extras["more-help.md"] = ("more-help.md.j2", {"help_groups": help_groups(site)})
    if site.card is not None:
        items = [*site.card_items(), *(site.figures[f].entry for f in site.card.more)]
        extras["cramp-card.md"] = ("cramp-card.md.j2", {
            "card": site.card, "card_signs": site.card_signs(), "figures": site.figures,
            "cites": Citations(items), "sources": site.sources, "labels": site.evidence,
            "report": lambda claim_id=None: None})
    for name, (template, context) in extras.items():
        pages[name] = env.get_template(template).render(**context)
    return pages


def all_changes(site: Site) -> list[tuple[Change, Page]]:
    """Every page's changes, newest first; pages in menu order within a day."""
    return sorted(((c, p) for p in site.in_menu_order() for c in p.facts.changes), key=lambda cp: cp[0].date,
                  reverse=True)


def atom_feed(site: Site, site_url: str, site_name: str) -> str:
    """An Atom feed of every change, for clinicians and anyone who republishes the content.

    Built only from the content, so two builds of the same content give the same bytes.
    """
    base = site_url if site_url.endswith("/") else site_url + "/"
    changes = all_changes(site)
    author = site.publisher.name if site.publisher else site_name
    seen: dict[tuple[str, str], int] = {}
    entries = []
    for change, page in changes:
        n = seen[(page.slug, change.date)] = seen.get((page.slug, change.date), 0) + 1
        url = base + page.address
        entries.append(
            "  <entry>\n"
            f"    <id>{xml_escape(url)}#change-{change.date}-{n}</id>\n"
            f"    <title>{xml_escape(page.facts.page.title)}: {xml_escape(change.summary[:80])}</title>\n"
            f'    <link rel="alternate" href="{xml_escape(url)}"/>\n'
            f"    <updated>{change.date}T00:00:00Z</updated>\n"
            f"    <summary>{xml_escape(change.summary)}</summary>\n"
            "  </entry>\n")
    updated = changes[0][0].date if changes else "1970-01-01"
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <id>{xml_escape(base)}feed.xml</id>\n"
            f"  <title>{xml_escape(site_name)}: recent changes</title>\n"
            f'  <link rel="self" href="{xml_escape(base)}feed.xml"/>\n'
            f'  <link rel="alternate" href="{xml_escape(base)}changes/"/>\n'
            f"  <updated>{updated}T00:00:00Z</updated>\n"
            f"  <author><name>{xml_escape(author)}</name></author>\n"
            + "".join(entries) + "</feed>\n")


def publisher_section(site: Site, part: str) -> str:
    """A part of the about page: "publisher" (who publishes and pays for the guide, and who reviewed
    it), "reports" (where to send a report, and what happens to it), "review-status" (how many pages
    a clinician has reviewed), "tools" (the tools the site has)."""
    reviewed = sorted({(r.name, r.profession, r.registered_with, r.registration, r.register_url)
                       for p in site.pages for r in p.facts.reviews})
    return environment().get_template("_publisher.md.j2").render(
        part=part, publisher=site.publisher, reviewers=reviewed,
        reviewed_pages=[p for p in site.pages if p.facts.reviews], pages=site.pages, tools=tool_links(site))


def medical_web_page(meta: Mapping[str, Any], url: str | None, site_name: str, site_url: str | None, language: str,
                     publisher: Mapping[str, str] | None) -> dict[str, Any]:
    """A topic page's schema.org MedicalWebPage (its JSON-LD), from the page's front matter and the site's
    settings. Built here rather than in docs/overrides/main.html, which only prints it: a template that
    assembles a dict with .update() does not run under MiniJinja (Zensical's template engine)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": meta.get("title"),
        "description": meta.get("description"),
        "url": url,
        "inLanguage": language,
        "lastReviewed": meta.get("reviewed"),
        "audience": {"@type": "PeopleAudience", "audienceType": "Patient"},
        "about": {"@type": "MedicalCondition", "name": "Leg cramps",
                  "alternateName": ["Muscle cramp", "Charley horse", "Nocturnal leg cramps"]},
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
    }
    if meta.get("citations"):
        data["citation"] = meta["citations"]
    if meta.get("last_changed"):
        data["dateModified"] = meta["last_changed"]
    if meta.get("reviewed_by"):
        data["reviewedBy"] = [{"@type": "Person", "name": r["name"], "jobTitle": r["profession"]}
                              for r in meta["reviewed_by"]]
    if publisher:
        data["publisher"] = {"@type": "Organization" if publisher["kind"] == "organisation" else "Person",
                             "name": publisher["name"]}
    return data


def nav(site: Site) -> list[dict[str, object]]:
    """The menu: topic pages by their `order`, then the reference pages."""
    topics: list[dict[str, object]] = [{(p.facts.page.nav_title or p.facts.page.title): f"{p.slug}.md"}
              for p in site.in_menu_order()]
    help_page = [{"More help: phone lines and support groups": "more-help.md"}] if site.help else []
    reference = [{"Symptom index": "symptom-index.md"}, {"Glossary": "glossary.md"}, *help_page,
                 {"Sources": "sources.md"}, {"Recent changes": "changes.md"},
                 {"About and editorial policy": "about.md"}]
    tools: list[dict[str, object]] = [{"Cramp card to print": "cramp-card.md"}] if site.card else []
    return [*topics, *tools, {"Reference": reference}]
