"""The search index as the site's own search engine reads it (docs/assets/search/engine.js).

Material's search plugin writes search/search_index.json: one entry per page and per section, its
text as HTML. The theme's main script fetches that file when the reader reaches for search and
hands it, unchanged, to the search worker, which is ours (docs/assets/search/worker.js). So after
MkDocs has written the file, we rewrite it in place with what our engine needs to rank:

- plain text instead of HTML, so the worker escapes everything it shows and no markup from the
  index can reach the results list;
- for every entry, its page's title and the page's `search_terms` (each page's own words for it);
- for a warning sign, its tier, so a query that names a sign can put that sign first;
- for a section that repeats what another page says (the warning box, the words on the page, the
  cramp card), a `copy` mark, so a query matches the page that says it before the pages that repeat it;
- the lay vocabulary (data/vocabulary.yml): the words readers use, mapped to the words on the pages.

Material's own fields (`location`, `title`, `text`) keep their meaning, so the theme's results
list renders our answers as it rendered lunr's.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .model import WARNING_PAGE, Site
from .render import tool_links

CARD_PAGE = "cramp-card"  # the card's own page: there the card is not a copy
INDEX = Path("search") / "search_index.json"
GLOSSARY = "glossary"
# Sections every topic page carries, copied from elsewhere: the warning signs that matter for the
# page (from the warning-signs page), the glossary's words the page uses, and the cramp card.
COPIED = {"get-help", "words", "cramp-now"}
# The words on a page come in alphabetical groups headed "C to P"; each group is a section too.
WORD_GROUP = re.compile(r"[A-Z] to [A-Z]")
# Material's own worker; ours replaces it (docs/overrides/main.html), so it is not shipped.
MATERIAL_SEARCH = (Path("assets") / "javascripts" / "workers", Path("assets") / "javascripts" / "lunr")


class _Text(HTMLParser):
    """The words of an index entry; citation numbers (<sup>) left out, they would match "3" or "10"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_sup = 0

    def handle_data(self, data: str) -> None:
        if not self.in_sup:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "sup":
            self.in_sup += 1
        elif tag in {"p", "li", "br", "dt", "dd", "tr", "td", "th", "div"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup" and self.in_sup:
            self.in_sup -= 1


def plain(html: str) -> str:
    """The text a reader sees, on one line: tags dropped, entities decoded."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s+", " ", "".join(parser.parts))).strip()


def _slug(location: str) -> str:
    path = location.split("#", 1)[0].strip("/")
    return path.split("/")[0] if path else "index"


def documents(material_docs: list[dict[str, Any]], site: Site) -> list[dict[str, Any]]:
    """Material's entries with plain text, page title, page search terms and warning-sign tiers."""
    signs = {s.id: s.tier for p in site.pages for s in p.facts.signs}
    titles: dict[str, str] = {}
    terms = {p.slug: list(p.facts.page.search_terms) for p in site.pages}
    # A tool page with no search terms of its own (the printable card) is found by the name its
    # links give it ("During a cramp: a card to print").
    tools = {target.removesuffix(".md"): [title] for target, title in tool_links(site)}
    for doc in material_docs:
        if "#" not in doc["location"]:
            titles[_slug(doc["location"])] = plain(doc["title"])
    out = []
    for doc in material_docs:
        slug = _slug(doc["location"])
        entry: dict[str, Any] = {
            "location": doc["location"],
            "title": plain(doc["title"]),
            "text": plain(doc.get("text", "")),
            "page": titles.get(slug, ""),
            # Generated pages (sources, glossary, ...) carry their words as Material tags.
            "terms": terms.get(slug, doc.get("tags", tools.get(slug, []))),
        }
        anchor = doc["location"].partition("#")[2]
        if slug not in {GLOSSARY, CARD_PAGE} and (anchor in COPIED or WORD_GROUP.fullmatch(entry["title"])):
            entry["copy"] = True
        if slug == WARNING_PAGE and anchor in signs:
            entry["tier"] = signs[anchor]
        if slug == GLOSSARY and anchor:
            # One entry per word, not one for the whole list: "what does idiopathic mean" should
            # find that word's definition, as a warning sign finds its own section.
            entry["text"] = _intro(entry["text"], site)
            out.append(entry)
            out += [{"location": f"{GLOSSARY}/#{g.anchor}", "title": g.term, "text": g.definition,
                     "page": entry["page"], "terms": []} for g in site.glossary]
            continue
        out.append(entry)
    return out


def _intro(text: str, site: Site) -> str:
    """The glossary's text before its first term."""
    first = min((text.find(g.term) for g in site.glossary if g.term in text), default=-1)
    return text[:first].strip() if first > 0 else text


def rewrite(site_dir: Path, site: Site) -> None:
    """Rewrite the built search index in place for our engine, and drop Material's unused worker."""
    path = site_dir / INDEX
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"] = documents(index["docs"], site)
    index["config"]["vocabulary"] = [{"lay": list(v.lay), "means": list(v.means), "see": v.see}
                                     for v in site.vocabulary]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for folder in MATERIAL_SEARCH:
        shutil.rmtree(site_dir / folder, ignore_errors=True)
