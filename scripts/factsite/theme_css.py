"""The theme's stylesheets, cut down to the rules this build's pages can use.

Material ships one stylesheet for every feature it has (code blocks, content tabs, tags, version
selectors, 20 colour palettes...). This site uses few of them, and the stylesheet was a third of a
page's first view. After the build, each theme stylesheet loses the selectors that cannot match
anything on this build's pages:

- a selector needing a class, or an attribute (or attribute value), that no page's markup holds and
  no script of the build names: no element can ever have it;
- a selector needing an element (`kbd`, `pre`, `table`) that no page holds and no script names;
- a selector needing a class of a theme feature this site does not switch on (THEME_FEATURES), when
  no page's markup holds that class: the theme's script names those classes, but only builds such
  elements around markup of the same feature, which the pages do not have;

then the custom properties (`--md-...`) that nothing uses any more. A rule keeps every selector that
can match; a selector's parts inside `:not()`, `:is()`, `:where()` or `:has()` never count against it.
The result is written under a new name with its own hash (`main.<hash>.min.css`), and the pages
point at it, so a browser that kept the old file for a year can never apply it to the new pages.

Run on every build, over that build's pages: a page that starts to use a class brings its rules back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# The theme's stylesheets as the theme names them (assets/stylesheets/main.57a0d79d.min.css).
THEME_STYLESHEET = re.compile(r"^assets/stylesheets/(main|palette)\.[0-9a-f]{8}\.min\.css$")

# Theme features this site does not switch on, by the classes of what they draw. Their classes count
# only when a page's markup holds them, not because the theme's script names them.
THEME_FEATURES = {
    "md-annotation": "code annotations (content.code.annotate), built from code blocks",
    "md-clipboard": "copy buttons (content.code.copy), added to code blocks",
    "md-code__": "code block buttons, added to code blocks",
    "highlight": "highlighted code blocks (pymdownx.highlight)",
    "tabbed-": "content tabs (pymdownx.tabbed), built from their markup",
    "md-tag": "page tags (the tags plugin), drawn from tags in the page or search index",
    "md-version": "the version selector (extra.version)",
    "md-source": "the repository link (repo_url), filled from the repository's markup",
    "md-status": "page status badges (a page's status in front matter)",
    "md-top": "the back-to-top button (navigation.top)",
    "md-progress": "the loading bar (navigation.instant.progress)",
    "md-tabs": "navigation tabs (navigation.tabs)",
    "md-banner": "the announcement bar (the announce block)",
    "md-social": "social links (extra.social)",
}

_WORD = re.compile(r"[\w-]+")


class _Markup(HTMLParser):
    """Every word of a page's markup that a selector can name: element and attribute names, the words
    of attribute values (classes, data-* values), and the words of its inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: set[str] = set()
        self.elements: set[str] = set()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.add(tag)
        self._in_script = tag == "script"
        for name, value in attrs:
            self.words.add(name)
            self.words.update(_WORD.findall(value or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.words.update(_WORD.findall(data))


@dataclass(frozen=True)
class Used:
    """What the pages and scripts of a build can put in front of a selector."""

    markup: frozenset[str]  # words of the pages' markup and inline scripts
    elements: frozenset[str]  # element names in the pages
    scripts: frozenset[str]  # words of the build's script files
    properties: frozenset[str]  # custom properties the site's own stylesheets and the scripts read or set

    def word(self, word: str) -> bool:
        if word.startswith(tuple(THEME_FEATURES)):
            return word in self.markup
        return word in self.markup or word in self.scripts

    def element(self, name: str) -> bool:
        return name in self.elements or name in self.scripts


def used_in(site: Path) -> Used:
    markup: set[str] = set()
    elements: set[str] = set()
    scripts: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        parser = _Markup()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        markup |= parser.words
        elements |= parser.elements
    for script in sorted(site.rglob("*.js")):
        scripts.update(_WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    properties = {w for w in markup | scripts if w.startswith("--")}
    for sheet in sorted(site.rglob("*.css")):
        if not THEME_STYLESHEET.match(sheet.relative_to(site).as_posix()):
            properties |= _custom_properties_used(sheet.read_text(encoding="utf-8"))
    return Used(frozenset(markup), frozenset(elements), frozenset(scripts), frozenset(properties))


# --- a small reader for minified CSS: rules, at-rule groups, statements ------------------------------

@dataclass
class Node:
    kind: str  # "rule" (selectors { declarations }), "group" (@media/@supports { nodes }), "statement"
    prelude: str
    body: str = ""
    children: list[Node] | None = None


_GROUPS = re.compile(r"@(media|supports|layer|container|document)\b")


def _skip_string(css: str, i: int) -> int:
    """The index just past the string that starts at css[i]."""
    quote, i = css[i], i + 1
    while css[i] != quote:
        i += 2 if css[i] == "\\" else 1
    return i + 1


def _block_end(css: str, i: int) -> int:
    """The index of the `}` closing the block whose `{` is at css[i] (strings and nesting respected)."""
    depth = 0
    while True:
        c = css[i]
        if c in "\"'":
            i = _skip_string(css, i)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1


def without_comments(css: str) -> str:
    """The stylesheet without its comments (the source map's address among them)."""
    out, i, start = [], 0, 0
    while i < len(css):
        if css[i] in "\"'":
            i = _skip_string(css, i)
        elif css.startswith("/*", i):
            out.append(css[start:i])
            i = start = css.index("*/", i + 2) + 2
        else:
            i += 1
    out.append(css[start:])
    return "".join(out)


def parse(css: str, i: int = 0) -> tuple[list[Node], int]:
    """The nodes of a stylesheet without comments, from css[i] to the `}` closing the enclosing block."""
    nodes: list[Node] = []
    start = i
    while i < len(css):
        c = css[i]
        if c in "\"'":
            i = _skip_string(css, i)
        elif c == "{":
            prelude = css[start:i].strip()
            if _GROUPS.match(prelude):
                children, i = parse(css, i + 1)
                nodes.append(Node("group", prelude, children=children))
            else:
                end = _block_end(css, i)
                nodes.append(Node("rule", prelude, css[i + 1:end]))
                i = end + 1
            start = i
        elif c == "}":
            return nodes, i + 1
        elif c == ";" and css[start:i].strip().startswith("@"):
            nodes.append(Node("statement", css[start:i].strip()))
            i += 1
            start = i
        else:
            i += 1
    return nodes, i


def write(nodes: list[Node]) -> str:
    out = []
    for node in nodes:
        if node.kind == "group":
            out.append(f"{node.prelude}{{{write(node.children or [])}}}")
        elif node.kind == "statement":
            out.append(f"{node.prelude};")
        else:
            out.append(f"{node.prelude}{{{node.body}}}")
    return "".join(out)


def split_top_level(text: str, separator: str) -> list[str]:
    """Split on `separator` outside brackets and strings (selector lists, declaration lists)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


# --- which selectors can match ----------------------------------------------------------------------

_FUNCTIONAL = re.compile(r"::?[\w-]+\(")
_ATTRIBUTE = re.compile(r"\[\s*([\w-]+)\s*(?:[~|^$*]?=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\]\s]*))\s*[is]?\s*)?\]")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ELEMENT = re.compile(r"(?<![\w#.:-])([a-z][a-z0-9]*)(?![\w(-])")


def _without_functions(selector: str) -> str:
    """The selector without the arguments of :not(), :is(), :where(), :has(), ::slotted(), :nth-...()."""
    out, i = [], 0
    while i < len(selector):
        match = _FUNCTIONAL.match(selector, i)
        if match:
            depth, i = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(selector[i], 0)
                i += 1
            continue
        out.append(selector[i])
        i += 1
    return "".join(out)


def can_match(selector: str, used: Used) -> bool:
    """False only if no element on any page can ever match the selector."""
    required = _without_functions(selector)
    for name, *values in _ATTRIBUTE.findall(required):
        value = next((v for v in values if v), "")
        if not used.word(name) or (_WORD.fullmatch(value) and not used.word(value)):
            return False
    required = _ATTRIBUTE.sub(" ", required)
    if not all(used.word(name) for name in _CLASS.findall(required)):
        return False
    required = re.sub(r"[.#][\w-]+|::?[\w-]+", " ", required)
    return all(used.element(name) for name in _ELEMENT.findall(required))


def _keep_rules(nodes: list[Node], used: Used) -> list[Node]:
    kept = []
    for node in nodes:
        if node.kind == "group":
            children = _keep_rules(node.children or [], used)
            if children:
                kept.append(Node("group", node.prelude, children=children))
        elif node.kind == "rule" and not node.prelude.startswith("@"):
            selectors = [s for s in split_top_level(node.prelude, ",") if can_match(s.strip(), used)]
            if selectors:
                kept.append(Node("rule", ",".join(selectors), node.body))
        else:  # @font-face, @keyframes, @page, @charset: kept as they are
            kept.append(node)
    return kept


def _custom_properties_used(css: str) -> set[str]:
    return set(re.findall(r"var\(\s*(--[\w-]+)", css))


def _keep_properties(nodes: list[Node], wanted: set[str]) -> list[Node]:
    kept = []
    for node in nodes:
        if node.kind == "group":
            children = _keep_properties(node.children or [], wanted)
            if children:
                kept.append(Node("group", node.prelude, children=children))
        elif node.kind == "rule" and not node.prelude.startswith("@"):
            declarations = [d for d in split_top_level(node.body, ";")
                            if not d.strip().startswith("--") or d.split(":", 1)[0].strip() in wanted]
            body = ";".join(declarations)
            if body.strip():
                kept.append(Node("rule", node.prelude, body))
        else:
            kept.append(node)
    return kept


def trim(sheets: list[str], used: Used) -> list[str]:
    """The stylesheets without the rules no page can use, and without custom properties nothing reads.

    Taken together: one sheet may read a property another sets (palette.css reads main.css's --md-hue).
    """
    trees = [_keep_rules(parse(without_comments(css))[0], used) for css in sheets]
    while True:  # a property may be read only by another property that goes: repeat until stable
        before = [write(nodes) for nodes in trees]
        wanted = set().union(*map(_custom_properties_used, before)) | used.properties
        trees = [_keep_properties(nodes, wanted) for nodes in trees]
        if [write(nodes) for nodes in trees] == before:
            return before


@dataclass(frozen=True)
class Trimmed:
    name: str  # the new file's path in the site
    before: int  # bytes
    after: int


def trim_theme_stylesheets(site: Path) -> list[Trimmed]:
    """Trim each theme stylesheet of the built site, rename it by its new hash, and point the pages at it."""
    sheets = sorted(p for p in site.rglob("*.css") if THEME_STYLESHEET.match(p.relative_to(site).as_posix()))
    if not sheets:
        return []
    used = used_in(site)
    renamed: dict[str, str] = {}
    results = []
    texts = [sheet.read_text(encoding="utf-8") for sheet in sheets]
    for sheet, before, after in zip(sheets, texts, trim(texts, used), strict=True):
        digest = hashlib.sha256(after.encode("utf-8")).hexdigest()[:8]
        target = sheet.with_name(re.sub(r"\.[0-9a-f]{8}\.min\.css$", f".{digest}.min.css", sheet.name))
        target.write_text(after, encoding="utf-8")
        if target != sheet:
            sheet.unlink()
            sheet.with_name(sheet.name + ".map").unlink(missing_ok=True)  # it maps the untrimmed file
            renamed[sheet.name] = target.name
        results.append(Trimmed(target.relative_to(site).as_posix(), len(before.encode()), len(after.encode())))
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        changed = text
        for old, new in renamed.items():
            changed = changed.replace(f"/stylesheets/{old}\"", f"/stylesheets/{new}\"")
        if changed != text:
            page.write_text(changed, encoding="utf-8")
    return results


def drop_comments(sheet: Path) -> None:
    """The site's own stylesheet, served without its comments: they explain each rule to editors in
    the source, and were a third of what every page downloads for it."""
    if sheet.is_file():
        sheet.write_text(without_comments(sheet.read_text(encoding="utf-8")), encoding="utf-8")
