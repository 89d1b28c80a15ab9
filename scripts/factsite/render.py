"""Typed facts -> Markdown pages, through the Jinja templates beside this module.

Pure functions: facts in, {file name: Markdown} out. No MkDocs import and no file
writes, so the same output can feed MkDocs, another engine, or a golden test.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape

from .schema import Claim, FactFile, Sign
from .validate import WARNING_PAGE, Page, Site

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


def long_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def yaml_value(value: object) -> str:
    """A front-matter value; JSON is valid YAML and quotes everything safely."""
    return json.dumps(value, ensure_ascii=False)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is Markdown; every field goes through md_text or html_text instead
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=md_text, html=html_text, attr=attr_value, long_date=long_date, yaml=yaml_value)
    env.globals["WARNING_PAGE"] = WARNING_PAGE
    return env


class Citations:
    """Numbers a page's sources in the order they are first cited."""

    def __init__(self, items: Iterable[Claim | Sign]) -> None:
        self.order: list[str] = []
        for item in items:
            for sid in item.sources:
                if sid not in self.order:
                    self.order.append(sid)

    def numbered(self, item: Claim | Sign) -> list[tuple[int, str]]:
        """The item's sources as (number, id), lowest number first."""
        return sorted((self.order.index(sid) + 1, sid) for sid in set(item.sources))


def _cited_items(facts: FactFile) -> list[Claim | Sign]:
    return [*facts.claims(), *facts.signs]


def glossary_lines(site: Site, markdown: str) -> list[tuple[str, str]]:
    """Glossary terms that appear in the page, for hover definitions (Markdown abbreviations)."""
    return [(g.term, g.definition) for g in site.glossary
            if re.search(rf"(?<!\w){re.escape(g.term)}(?!\w)", markdown)]


def render_page(page: Page, site: Site, env: jinja2.Environment) -> str:
    facts = page.facts
    signs = site.page(WARNING_PAGE)
    sign_by_id = {s.id: s for s in signs.facts.signs} if signs else {}
    cites = Citations(_cited_items(facts))
    body = env.get_template("page.md.j2").render(
        page=page,
        facts=facts,
        cites=cites,
        citation_urls=[site.sources[sid].url for sid in cites.order],  # schema.org citation list
        sources=site.sources,
        labels=site.evidence,
        box_signs=[sign_by_id[i] for i in facts.page.warning_signs],
    )
    return _with_glossary(body, site, env)


def _with_glossary(body: str, site: Site, env: jinja2.Environment) -> str:
    return body + env.get_template("_glossary_terms.md.j2").render(terms=glossary_lines(site, body))


def render_site(site: Site) -> dict[str, str]:
    """Every generated page of the site: {"causes.md": "...", ...}."""
    env = environment()
    pages = {f"{p.slug}.md": render_page(p, site, env) for p in site.pages}
    cited_by: dict[str, list[Page]] = {sid: [] for sid in site.sources}
    for p in site.pages:
        for sid in Citations(_cited_items(p.facts)).order:
            cited_by[sid].append(p)
    terms = sorted({(t.strip(), p.slug, p.facts.page.title) for p in site.pages for t in p.facts.page.search_terms},
                   key=lambda t: (t[0].lower(), t[2]))
    extras: dict[str, tuple[str, dict[str, Any]]] = {
        "sources.md": ("sources.md.j2", {"site": site, "cited_by": cited_by}),
        "glossary.md": ("glossary.md.j2", {"site": site}),
        "symptom-index.md": ("symptom-index.md.j2", {"terms": terms}),
    }
    for name, (template, context) in extras.items():
        pages[name] = env.get_template(template).render(**context)
    return pages


def nav(site: Site) -> list[dict[str, object]]:
    """The menu: topic pages by their `order`, then the reference pages."""
    topics: list[dict[str, object]] = [{(p.facts.page.nav_title or p.facts.page.title): f"{p.slug}.md"}
              for p in sorted(site.pages, key=lambda p: (p.facts.page.order, p.slug))]
    reference = [{"Symptom index": "symptom-index.md"}, {"Glossary": "glossary.md"}, {"Sources": "sources.md"},
                 {"About and editorial policy": "about.md"}]
    return [*topics, {"Reference": reference}]
