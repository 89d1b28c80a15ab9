"""First-view weight of every page, against a minimal hand-written page with the same text.

    .venv/bin/python -m benchmarks.weight

Builds the site into a temporary folder, serves it on 127.0.0.1 and opens each page in
Debian's Chromium with an empty cache. Every request the page and its workers make until the
network is quiet is mapped back to its file, and the file is compressed here with gzip -9 and
brotli -q 11, as a compressing server would send it (the test server itself does not compress).
The baseline, built in the same run, is one hand-written HTML file per page holding the same
article (same text and links, no theme classes), a plain header, footer and page list, and
1.5 KB of inline CSS: the least a browser must fetch to show the same words.
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import brotli  # a pinned dependency of the project
from bs4 import BeautifulSoup

from factsite.cli import cmd_build
from factsite.loopback import serve_folder
from tests.harness import chromium
from tests.sites import page_paths

from .results import publish

ROOT = Path(__file__).resolve().parents[1]
TARGET_GZIP = 100 * 1024
KINDS = ("html", "css", "js", "search index", "font/image", "other")

MINIMAL_CSS = """
body{margin:0;font:1rem/1.55 system-ui,sans-serif;color:#1a1a1a;background:#fff}
a{color:#00536b}a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1em;top:1em;background:#fff;padding:.5em}
header,footer{background:#00536b;color:#fff;padding:.6em 1em}header a,footer a{color:#fff}
.wrap{display:grid;grid-template-columns:1fr;gap:1em;max-width:70em;margin:0 auto;padding:1em}
@media(min-width:60em){.wrap{grid-template-columns:14em 1fr}}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:.3em 0}
main{max-width:42em}.see-doctor,.warning-box,.in-short{border-left:.3em solid #b00020;background:#fff4e0;
padding:.4em 1em;margin:1em 0}.in-short{border-color:#00536b;background:#eef6f8}
.tier{border:2px solid #00536b;padding:.2em 1em;margin:1em 0}.tier--emergency{background:#b00020;color:#fff}
.tier--emergency a{color:#fff}ol.sources li{overflow-wrap:anywhere}sup a{text-decoration:none}
@media(prefers-color-scheme:dark){body{background:#1e2129;color:#e8e8e8}a{color:#7fd3ea}
.see-doctor,.warning-box{background:#33230b}.in-short{background:#10262e}}
"""


@dataclass
class Weight:
    requests: int = 0
    raw: int = 0
    gz: int = 0
    br: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    foreign: list[str] = field(default_factory=list)


def gz_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def br_size(data: bytes) -> int:
    return len(brotli.compress(data, quality=11))


def kind_of(path: str) -> str:
    if path.endswith("search_index.json"):
        return "search index"
    suffix = Path(path).suffix.lower()
    if path.endswith("/") or suffix == ".html":
        return "html"
    return {".css": "css", ".js": "js", ".woff2": "font/image", ".woff": "font/image", ".ttf": "font/image",
            ".png": "font/image", ".svg": "font/image", ".ico": "font/image", ".jpg": "font/image",
            ".webp": "font/image"}.get(suffix, "other")


def file_for(site: Path, url_path: str) -> Path:
    rel = unquote(url_path).lstrip("/")
    target = site / rel
    return target / "index.html" if rel == "" or rel.endswith("/") or target.is_dir() else target


def measure_page(browser: object, base: str, site: Path, path: str) -> Weight:
    own = urlsplit(base).netloc
    urls: list[str] = []
    context = browser.new_context(viewport={"width": 360, "height": 640})  # type: ignore[attr-defined]
    context.on("request", lambda r: urls.append(r.url))
    page = context.new_page()
    page.goto(base.rstrip("/") + path, wait_until="networkidle")
    page.wait_for_timeout(1000)
    page.wait_for_load_state("networkidle")
    context.close()
    w = Weight()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):
            continue
        w.requests += 1
        if parts.netloc != own:
            w.foreign.append(url)
            continue
        data = file_for(site, parts.path).read_bytes()
        w.raw += len(data)
        g = gz_size(data)
        w.gz += g
        w.br += br_size(data)
        w.by_kind[kind_of(parts.path)] += g
    return w


def page_list(site: Path) -> list[tuple[str, str]]:
    """Every page as (URL path, its title without the site's name): the minimal pages' page list."""
    nav = []
    for path in page_paths(site):
        soup = BeautifulSoup(file_for(site, path).read_text(encoding="utf-8"), "html.parser")
        nav.append((path, (soup.title.get_text() if soup.title else path).split(" - ")[0]))
    return nav


def minimal_page(site: Path, html_file: Path, pages: list[tuple[str, str]]) -> bytes:
    """A hand-written page with the same article: plain elements, only href/id/class/lang kept."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article")
    assert article is not None, html_file
    for el in article.select("a.headerlink, .md-content__button, script, style"):
        el.decompose()
    keep = {"href", "id", "title"}
    for el in article.find_all(True):
        cls = [c for c in el.get_attribute_list("class") if c and not c.startswith("md-")
               and c in {"see-doctor", "warning-box", "in-short", "tier", "tier--emergency", "tier--urgent",
                         "tier--routine", "sources"}]
        el.attrs = {k: v for k, v in el.attrs.items() if k in keep}
        if cls:
            el["class"] = " ".join(cls)
    title = soup.title.get_text() if soup.title else ""
    meta = soup.select_one('meta[name="description"]')
    description = str(meta["content"]) if meta else ""
    nav = "".join(f'<li><a href="{href}">{name}</a></li>' for href, name in pages)
    body = re.sub(r"\n\s*\n+", "\n", article.decode_contents())
    doc = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>'
           f'<meta name="description" content="{description}"><link rel="icon" href="data:,">'
           f"<style>{MINIMAL_CSS.strip()}</style></head><body>"
           f'<a class="skip" href="#main">Skip to content</a><header><a href="/">Leg Cramps Guide</a></header>'
           f'<div class="wrap"><nav aria-label="Pages"><ul>{nav}</ul></nav><main id="main">{body}</main></div>'
           f"<footer>Health information, not medical advice. No ads, no tracking.</footer></body></html>")
    return doc.encode("utf-8")


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        if cmd_build(ROOT, site, links=False) != 0:
            return 1
        nav = page_list(site)
        paths = [path for path, _ in nav]
        rows = []
        started = time.perf_counter()
        with serve_folder(site) as base, chromium() as browser:
            for path in paths:
                w = measure_page(browser, base, site, path)
                mini = minimal_page(site, file_for(site, path), nav)
                rows.append((path, w, gz_size(mini), br_size(mini), len(mini)))
        elapsed = time.perf_counter() - started
        index = (site / "search" / "search_index.json").read_bytes()
        index_gz, index_br = gz_size(index), br_size(index)

    lines = ["| page | requests | HTML | CSS | JS | search index | total gzip | total brotli | minimal gzip "
             "(1 request) | ratio gzip |", "|---|---|---|---|---|---|---|---|---|---|"]
    for path, w, mgz, _mbr, _mraw in rows:
        k = w.by_kind
        lines.append(f"| `{path}` | {w.requests} | {kb(k['html'])} | {kb(k['css'])} | {kb(k['js'])} | "
                     f"{kb(k['search index'])} | **{kb(w.gz)}** | {kb(w.br)} | {kb(mgz)} | {w.gz / mgz:.1f}× |")
    worst = max(rows, key=lambda r: r[1].gz)
    foreign = sorted({u for r in rows for u in r[1].foreign})
    total_gz = [r[1].gz for r in rows]
    ratios = [r[1].gz / r[2] for r in rows]
    verdict = "met" if worst[1].gz <= TARGET_GZIP else "NOT met"
    markdown = f"""
Command: `.venv/bin/python -m benchmarks.weight` ({len(rows)} pages, {elapsed:.0f} s). First view in Debian
Chromium at 360×640 with an empty cache: every request until the network is quiet (page, CSS, JS, the search
worker and what it fetches), each file compressed here with gzip -9 / brotli -q 11. Sizes in KB (1,024 B).
The baseline is a hand-written single-file page per row with the same article, a page list and inline CSS,
built in the same run.

Target: first view ≤ 100 KB gzip on every page: **{verdict}** (heaviest `{worst[0]}`: {kb(worst[1].gz)} KB gzip,
{kb(worst[1].br)} KB brotli, {worst[1].requests} requests). Median {kb(sorted(total_gz)[len(total_gz) // 2])} KB
gzip. Theme overhead against the minimal page: {min(ratios):.1f}× to {max(ratios):.1f}× (gzip). Requests to
other hosts: {len(foreign)}{': ' + ', '.join(foreign) if foreign else ''}.

The search index ({kb(len(index))} KB raw, {kb(index_gz)} KB gzip, {kb(index_br)} KB brotli) is held back until the
reader reaches for search (`docs/overrides/main.html`), so it is not part of the first view unless the search
index column shows it; a first search adds it once: heaviest page plus index
{kb(worst[1].gz + (0 if worst[1].by_kind['search index'] else index_gz))} KB gzip.

{chr(10).join(lines)}
"""
    publish("Page weight (first view)", markdown)
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
