"""Reading with no connection: the service worker, the manifest, the offline page, the trimmed theme styles.

After one visit, every page, the search and the warning signs work with the network gone; a new build
is picked up after a reload; the worker keeps only whole, correct files of its own build and asks no
other host for anything; the site works the same under a sub-path. The theme's stylesheets lose only
rules that cannot style anything on the pages.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import shutil
import struct
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from factsite import offline, theme_css
from factsite.cli import cmd_build
from factsite.render import labels

from .conftest import ROOT
from .sites import page_files, page_paths
from .support import SITE

FILES_LINE = re.compile(r'^  "(\./[^"]*)": "([0-9a-f]+)",$', re.M)


def worker_files(site: Path) -> dict[str, str]:
    return dict(FILES_LINE.findall((site / offline.WORKER).read_text(encoding="utf-8")))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --- what the build writes ------------------------------------------------------------------------

def test_the_worker_keeps_every_file_the_pages_use_and_nothing_else(built_site: Path) -> None:
    files = worker_files(built_site)
    built = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file())
    expected = {offline.address(path) for path in built if offline.kept(path)}
    assert set(files) == expected
    pages = {offline.address(p.relative_to(built_site).as_posix()) for p in page_files(built_site)}
    assert pages <= set(files) and len(pages) >= 17
    for needed in ("./", "./when-to-see-a-doctor/", "./offline.html", "./search/search_index.json",
                   "./manifest.webmanifest", "./assets/offline.js", "./assets/search/worker.js",
                   "./assets/search/engine.js", "./assets/search/minisearch.js", "./assets/search/english.js",
                   "./sitemap.xml"):
        assert needed in files, needed
    assert any(f.endswith(".css") for f in files) and any("/bundle." in f for f in files)
    for path in files:
        assert not path.endswith((".gz", ".br", ".map", ".txt")), path
        assert not path.startswith(("./api/", "./404.html", "./sw.js", "./_headers", "./_nginx")), path
    # Each file by the hash of its content, and the version by the hash of them all.
    for path, digest in files.items():
        file = built_site / path.removeprefix("./")
        file = file / "index.html" if path.endswith("/") else file
        assert hashlib.sha256(file.read_bytes()).hexdigest().startswith(digest), path
    assert f'const VERSION = "{offline.build_version(files)}";' in (built_site / offline.WORKER).read_text()


def test_the_worker_is_the_commented_template_with_the_build_filled_in(built_site: Path) -> None:
    written = (built_site / offline.WORKER).read_text(encoding="utf-8")
    template = offline.WORKER_TEMPLATE.read_text(encoding="utf-8")
    restored = re.sub(r'const VERSION = "[0-9a-f]+";', 'const VERSION = "";', written)
    restored = re.sub(r"const FILES = \{ // filled in by the build\n(  .*\n)*\};",
                      "const FILES = {}; // filled in by the build", restored)
    assert restored == template
    assert template.count("\n//") > 10, "the worker explains itself"


def test_a_change_to_any_kept_file_gives_a_new_version(tmp_path: Path, built_site: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    before = worker_files(site)
    (site / "assets" / "site.css").write_text("/* changed */", encoding="utf-8")
    offline.write_service_worker(site)
    after = worker_files(site)
    assert [p for p in before if before[p] != after[p]] == ["./assets/site.css"]
    assert offline.build_version(before) != offline.build_version(after)


def test_the_manifest_and_its_icons(built_site: Path) -> None:
    manifest = json.loads((built_site / offline.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["name"] == "Leg Cramps Guide" and manifest["short_name"]
    assert manifest["start_url"] == manifest["scope"] == "./", "relative: the site may live under a sub-path"
    assert manifest["display"] == "standalone" and manifest["lang"] == "en"
    sizes = set()
    for icon in manifest["icons"]:
        assert not icon["src"].startswith(("/", "http")), icon
        width, height = png_size(built_site / icon["src"])
        assert icon["sizes"] == f"{width}x{height}" and icon["type"] == "image/png"
        sizes.add((width, icon.get("purpose", "any")))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes
    assert png_size(built_site / "assets" / "icons" / "apple-touch-icon.png") == (180, 180)
    for page in [*page_files(built_site), built_site / "404.html", built_site / "offline.html"]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        link = soup.select_one('link[rel="manifest"]')
        assert link is not None and str(link["href"]).endswith("manifest.webmanifest"), page
        assert soup.select_one('link[rel="apple-touch-icon"]') is not None, page


def test_every_page_registers_the_worker_from_the_sites_own_file(built_site: Path) -> None:
    for page in [*page_files(built_site), built_site / "404.html", built_site / "offline.html"]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = [s for s in soup.find_all("script", src=True) if str(s["src"]).endswith("assets/offline.js")]
        assert len(scripts) == 1 and scripts[0].has_attr("defer"), page
        assert not str(scripts[0]["src"]).startswith(("http", "//")), page
    script = (built_site / "assets" / "offline.js").read_text(encoding="utf-8")
    assert 'new URL("../sw.js", script.src)' in script, "the worker's address must come from the script's own"


def test_the_offline_page_gives_the_emergency_numbers_and_links_to_the_warning_signs(built_site: Path) -> None:
    soup = BeautifulSoup((built_site / "offline.html").read_text(encoding="utf-8"), "html.parser")
    wording = labels()
    emergency = soup.select_one(".tier--emergency")
    assert emergency is not None
    assert emergency.h2 is not None and emergency.h2.get_text(strip=True) == wording["TIER_HEADING"]["emergency"]
    assert all(number in emergency.get_text() for number in ("999", "911", "112"))
    warning = SITE.page("when-to-see-a-doctor")
    assert warning is not None
    signs = [s for s in warning.facts.signs if s.tier == "emergency"]
    links = emergency.select("li a")
    assert [a.get_text(strip=True) for a in links] == [s.sign for s in signs]
    assert [a["href"] for a in links] == [f"/when-to-see-a-doctor/#{s.id}" for s in signs]
    assert wording["TIER_NOTE"]["urgent"] in soup.get_text()
    assert soup.select_one('.see-doctor a[href="/when-to-see-a-doctor/"]') is not None
    assert soup.select_one('meta[name="robots"][content="noindex"]') is not None
    # Shown at any address, so every link and asset starts from the site's root, like the 404 page's.
    for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src")):
        for el in soup.find_all(tag):
            value = str(el.get(attribute, ""))
            if value and not value.startswith(("#", "https:", "mailto:")):
                assert value.startswith("/"), f"<{tag} {attribute}={value}>"


# --- the theme's stylesheets ------------------------------------------------------------------------

def used(markup: Iterable[str] = (), scripts: Iterable[str] = ()) -> theme_css.Used:
    return theme_css.Used(frozenset(markup), frozenset({"html", "body", "a", "div"}), frozenset(scripts), frozenset())


@pytest.mark.parametrize(("selector", "expected"), [
    (".md-header", True),
    (".md-header .absent", False),
    (".absent:hover", False),
    (":not(.absent) .md-header", True),  # a class inside :not() is never needed
    (".md-header:is(.absent, .md-header)", True),
    ("[data-md-color-scheme=slate] .md-header", True),
    ("[data-md-color-scheme=indigo] .md-header", False),
    ('[data-md-color-scheme="slate"]', True),
    ("[dir=rtl] .md-header", False),
    (".md-typeset kbd", False),  # an element no page holds and no script names
    (".md-typeset table:not([class])", True),  # named by a script
    (".md-annotation__index", False),  # a theme feature the pages do not use, though the script names it
    (".md-tooltip2", True),  # content.tooltips: the script builds it around any abbreviation
    ("html .md-header::before", True),
])
def test_a_selector_goes_only_when_nothing_can_match_it(selector: str, expected: bool) -> None:
    seen = used(markup={"md-header", "md-typeset", "data-md-color-scheme", "slate"},
                scripts={"md-tooltip2", "md-annotation__index", "table", "class"})
    assert theme_css.can_match(selector, seen) is expected


def test_trimming_keeps_what_is_used_and_the_properties_it_reads() -> None:
    css = ('@charset "UTF-8";:root{--a:1px;--b:var(--a);--gone:url("data:image/svg+xml;charset=utf-8,<svg/>");'
           "--shared:2px}.md-header{margin:var(--b)}.absent{padding:var(--gone)}"
           "@media screen{.absent,.md-header{color:red}.absent{color:blue}}@keyframes x{0%{opacity:0}to{opacity:1}}"
           "/* a comment, {braces} */.md-typeset[data-x='a}b']{top:0}")
    other = ".md-header{left:var(--shared)}"
    seen = used(markup={"md-header", "md-typeset", "data-x", "a"})
    trimmed, second = theme_css.trim([css, other], seen)
    assert trimmed == ('@charset "UTF-8";:root{--a:1px;--b:var(--a);--shared:2px}.md-header{margin:var(--b)}'
                       "@media screen{.md-header{color:red}}@keyframes x{0%{opacity:0}to{opacity:1}}"
                       ".md-typeset[data-x='a}b']{top:0}")
    assert second == other
    assert theme_css.trim([trimmed, other], seen) == [trimmed, other], "trimming twice changes nothing"


def test_the_trimmed_stylesheets_have_new_names_and_every_page_uses_them(built_site: Path) -> None:
    sheets = sorted(p.relative_to(built_site).as_posix() for p in (built_site / "assets" / "stylesheets").glob("*.css"))
    assert [re.sub(r"\.[0-9a-f]{8}\.", ".HASH.", s) for s in sheets] == \
        ["assets/stylesheets/main.HASH.min.css", "assets/stylesheets/palette.HASH.min.css"]
    for sheet in sheets:
        data = (built_site / sheet).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:8] in sheet, "named by its new content"
        assert not (built_site / (sheet + ".map")).exists()
    shipped = theme_stylesheets()
    assert sum(len(t) for t in shipped.values()) > 2 * sum((built_site / s).stat().st_size for s in sheets)
    for page in [*page_files(built_site), built_site / "404.html", built_site / "offline.html"]:
        links = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select('link[rel="stylesheet"]')
        hrefs = [str(link["href"]).rsplit("assets/", 1)[-1] for link in links]
        assert [f"assets/{h}" for h in hrefs if h.startswith("stylesheets/")] == sheets, page


def test_the_sites_own_stylesheet_is_served_without_its_comments_and_keeps_every_rule(built_site: Path) -> None:
    source = (ROOT / "docs" / "assets" / "site.css").read_text(encoding="utf-8")
    served = (built_site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "/*" in source and "/*" not in served
    assert len(served) < 0.9 * len(source)
    assert theme_css.write(theme_css.parse(served)[0]) == theme_css.write(theme_css.parse(
        theme_css.without_comments(source))[0]), "only the comments go"


def theme_stylesheets() -> dict[str, str]:
    """The theme's stylesheets as the theme ships them."""
    import material

    folder = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.min.css"))}


def selectors(css: str) -> set[str]:
    found: set[str] = set()

    def walk(nodes: list[theme_css.Node]) -> None:
        for node in nodes:
            if node.kind == "group":
                walk(node.children or [])
            elif node.kind == "rule" and not node.prelude.startswith("@"):
                found.update(s.strip() for s in theme_css.split_top_level(node.prelude, ","))

    walk(theme_css.parse(theme_css.without_comments(css))[0])
    return found


# The selector as a query for any element it could style in any state: pseudo-elements and state
# pseudo-classes (:hover, :checked, ::before) removed, which can only make it match more.
QUERYABLE = re.compile(r"::?-?[a-zA-Z][\w-]*(?!\()")

DROPPED_MATCH_JS = """(selectors) => {
  const found = [];
  let checked = 0;
  for (const [original, query] of selectors) {
    let hit = null;
    if (!query) continue;
    try { hit = document.querySelector(query); checked++; } catch (e) { continue; }
    if (hit) found.push(original + "  (" + hit.tagName.toLowerCase() + "." + hit.className + ")");
  }
  return {found, checked};
}"""


@pytest.mark.browser
def test_no_dropped_theme_rule_could_style_anything_on_any_page(browser: Any, built_site: Path,
                                                                 served_site: Any) -> None:
    kept: set[str] = set()
    for sheet in (built_site / "assets" / "stylesheets").glob("*.css"):
        kept |= selectors(sheet.read_text(encoding="utf-8"))
    dropped = sorted(set().union(*map(selectors, theme_stylesheets().values())) - kept)
    assert len(dropped) > 300
    queries = [[s, QUERYABLE.sub("", s).strip().rstrip(">+~ ").strip()] for s in dropped]
    problems: list[str] = []
    checked = 0
    for scheme, viewport in (("light", {"width": 360, "height": 640}), ("dark", {"width": 1280, "height": 800})):
        context = browser.new_context(color_scheme=scheme, viewport=viewport, service_workers="block")
        page = context.new_page()
        try:
            for path in [*page_paths(built_site), "/404.html", "/offline.html"]:
                page.goto(served_site(path), wait_until="networkidle")
                states = ["as loaded"]
                if viewport["width"] < 600:
                    page.locator("label.md-header__button[for=__drawer]").click()
                    states.append("menu open")
                else:
                    term = page.locator("article abbr[title]:visible").first
                    if term.count():
                        term.hover()
                        states.append("tooltip shown")
                page.wait_for_timeout(200)
                result = page.evaluate(DROPPED_MATCH_JS, queries)
                problems += [f"{path} [{scheme}, {states[-1]}]: {hit}" for hit in result["found"]]
                checked = max(checked, result["checked"])
            # The search, open with results and with "no results".
            for query in ("charley horse", "zzzzqqq"):
                page.goto(served_site("/causes/"), wait_until="networkidle")
                if viewport["width"] < 600:
                    page.locator("label.md-header__button[for=__search]").click()
                else:
                    page.locator(".md-search__input").click()
                page.keyboard.type(query, delay=10)
                page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
                page.wait_for_timeout(300)
                result = page.evaluate(DROPPED_MATCH_JS, queries)
                problems += [f"search {query!r} [{scheme}]: {hit}" for hit in result["found"]]
        finally:
            context.close()
    assert checked > 300, "too few dropped selectors could be checked"
    assert not problems, "dropped theme rules that match an element:\n" + "\n".join(problems[:40])


# --- in Chromium: a server that can fail or be slow on demand ----------------------------------------

@dataclass
class Server:
    """A loopback server for a site folder, which records the paths asked for and can be told to
    answer some with an error status or after a delay."""

    base: str
    asked: list[str] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)
    delay: dict[str, float] = field(default_factory=dict)

    def url(self, path: str = "/") -> str:
        return self.base.rstrip("/") + path


class _Handler(http.server.SimpleHTTPRequestHandler):
    server_state: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        # As for a page whose lifetime has run out: the browser asks again each time, so every answer
        # below (an error, a delay) reaches the worker instead of a copy in the browser's HTTP cache.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server_state.asked.append(path)
        time.sleep(self.server_state.delay.get(path, 0))
        if path in self.server_state.status:
            self.send_error(self.server_state.status[path])
            return
        super().do_GET()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[Server]:
    state = Server("")
    handler = type("Handler", (_Handler,), {"server_state": state})
    httpd = _QuietServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def worker_ready(page: Any) -> None:
    """Wait until the page's worker is active (its install has kept every file) and answers the page."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)


def stores(page: Any) -> list[str]:
    return list(page.evaluate("() => caches.keys()"))


def wait_until(page: Any, predicate: str, seconds: float = 30) -> None:
    """Poll an async predicate in the page (wait_for_function does not wait for a promise's value)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {predicate}"
        time.sleep(0.2)


def install_settled(page: Any, server: Server) -> None:
    """Wait until the worker has been fetched and its install has ended: it is active, or it failed (and
    its registration is gone)."""
    deadline = time.monotonic() + 30
    while "/sw.js" not in server.asked:
        assert time.monotonic() < deadline, "the page never asked for its worker"
        time.sleep(0.1)
    wait_until(page, "() => navigator.serviceWorker.getRegistration().then((r) => !r || (!r.installing && !r.waiting))")


@pytest.fixture
def site_copy(built_site: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    shutil.copytree(built_site, folder)
    return folder


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 640})
    yield context
    context.close()


def search(page: Any, query: str) -> int:
    page.locator("label.md-header__button[for=__search]").click()
    page.keyboard.type(query, delay=10)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    return int(page.locator(".md-search-result__item").count())


@pytest.mark.browser
def test_after_one_visit_every_page_the_search_and_the_warning_signs_work_offline(
        context: Any, built_site: Path) -> None:
    paths = [p for p in [*page_paths(built_site), "/404.html", "/offline.html"] if p != "/404.html"]
    foreign: list[str] = []
    with serving(built_site) as server:
        own = urlsplit(server.base).netloc
        context.on("request", lambda r: None if urlsplit(r.url).netloc in (own, "") else foreign.append(r.url))
        page = context.new_page()
        page.goto(server.url("/causes/"))  # one page, and nothing else, with a connection
        worker_ready(page)
    context.set_offline(True)  # and the server is gone too
    for path in paths:
        response = page.goto(server.url(path))
        assert response is not None and response.status == 200, path
        assert page.locator("h1").first.inner_text().strip(), path
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") != "static", path
    page.goto(server.url("/when-to-see-a-doctor/"))
    for tier in ("emergency", "urgent", "routine"):
        assert page.locator(f".tier--{tier}").count() == 1
    assert "999" in page.locator(".tier--emergency h2").inner_text()
    page.goto(server.url("/night-cramps/"))
    assert search(page, "charley horse") >= 1
    page.locator(".md-search-result__item a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().strip()
    page.goto(server.url("/causes/?h=cramp"))  # a result's link marks the words on the page it opens
    page.locator("article mark").first.wait_for(timeout=15_000)
    assert foreign == []


@pytest.mark.browser
def test_an_address_never_kept_shows_the_offline_page_and_its_links_work(context: Any, built_site: Path) -> None:
    with serving(built_site) as server:
        page = context.new_page()
        page.goto(server.url("/"))
        worker_ready(page)
    context.set_offline(True)
    response = page.goto(server.url("/a/page/never/kept/"))
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "You are offline"
    assert "999" in page.locator(".tier--emergency").inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") != "static"
    for shown in ("p.see-doctor a", ".tier--emergency h2"):  # on a phone's first screen, as on every page
        box = page.locator(shown).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + 40 <= 640, f"{shown} below the first screen"
    page.locator(".tier--emergency li a").first.click()
    page.wait_for_url("**/when-to-see-a-doctor/#*")
    assert page.locator(".tier--emergency").count() == 1
    # A folder without its slash and a page's index.html are the kept page.
    for path, expected in (("/causes", "/causes/"), ("/causes/index.html", "/causes/index.html")):
        page.goto(server.url(path))
        assert urlsplit(page.url).path == expected
        assert page.locator("h1").first.inner_text() != "You are offline", path


@pytest.mark.browser
def test_a_new_build_is_picked_up_after_a_reload_and_unchanged_files_are_not_fetched_again(
        context: Any, site_copy: Path) -> None:
    with serving(site_copy) as server:
        page = context.new_page()
        page.goto(server.url("/causes/"))
        worker_ready(page)
        [old] = stores(page)
        # A new build: one page changed, and its worker.
        causes = site_copy / "causes" / "index.html"
        causes.write_text(causes.read_text(encoding="utf-8").replace("</h1>", " (new build)</h1>", 1),
                          encoding="utf-8")
        offline.write_service_worker(site_copy)
        server.asked.clear()
        page.reload()
        assert "(new build)" in page.locator("h1").first.inner_text()  # pages come from the network first
        wait_until(page, f"() => caches.keys().then((k) => k.length === 1 && k[0] !== {json.dumps(old)})")
        assert set(server.asked) == {"/causes/", "/sw.js"}, f"only the changed page and the worker: {server.asked}"
    context.set_offline(True)
    page.reload()
    assert "(new build)" in page.locator("h1").first.inner_text()
    page.goto(server.url("/glossary/"))  # an unchanged page, carried over from the old copy
    assert page.locator("h1").first.inner_text().strip()


@pytest.mark.browser
@pytest.mark.parametrize("problem", ["missing", "server error", "another build's file", "redirected"])
def test_nothing_is_kept_unless_every_file_arrives_whole_and_from_this_build(
        context: Any, site_copy: Path, problem: str) -> None:
    with serving(site_copy) as server:
        if problem == "missing":
            shutil.rmtree(site_copy / "glossary")
        elif problem == "server error":
            server.status["/assets/site.css"] = 500
        elif problem == "another build's file":
            (site_copy / "search" / "search_index.json").write_text('{"config": {}, "docs": []}', encoding="utf-8")
        else:  # the worker asks for a folder without its slash; the server redirects
            text = (site_copy / "sw.js").read_text(encoding="utf-8")
            (site_copy / "sw.js").write_text(text.replace('"./faq/":', '"./faq":'), encoding="utf-8")
        page = context.new_page()
        page.goto(server.url("/causes/"))
        install_settled(page, server)
        assert stores(page) == [], "a partial or mixed copy was kept"
        assert page.evaluate("navigator.serviceWorker.controller") is None
        page.reload()  # the site still works, as if there were no worker
        assert page.locator("h1").first.inner_text().strip()


@pytest.mark.browser
def test_answers_are_never_written_to_the_store_and_errors_fall_back_to_the_kept_copy(
        context: Any, site_copy: Path) -> None:
    count_js = "() => caches.keys().then((k) => caches.open(k[0])).then((c) => c.keys()).then((r) => r.length)"
    with serving(site_copy) as server:
        page = context.new_page()
        page.goto(server.url("/"))
        worker_ready(page)
        kept = page.evaluate(count_js)
        missing = page.goto(server.url("/no-such-page/"))
        assert missing is not None and missing.status == 404  # online, the server's answer, as it is
        server.status["/faq/"] = 503
        down = page.goto(server.url("/faq/"))
        assert down is not None and down.status == 200, "a server error shows the kept copy"
        assert page.locator("h1").first.inner_text().strip()
        server.status["/treatments/"] = 404
        gone = page.goto(server.url("/treatments/"))
        assert gone is not None and gone.status == 404, "a page the server no longer has is not shown from the copy"
        assert page.evaluate(count_js) == kept, "something was written to the store while answering"
    context.set_offline(True)
    page.goto(server.url("/no-such-page/"))
    assert page.locator("h1").inner_text() == "You are offline", "the 404 answer was kept"


@pytest.mark.browser
def test_a_slow_page_comes_from_the_kept_copy_after_a_few_seconds(context: Any, site_copy: Path) -> None:
    with serving(site_copy) as server:
        page = context.new_page()
        page.goto(server.url("/"))
        worker_ready(page)
        server.delay["/prevention/"] = 15
        started = time.monotonic()
        page.goto(server.url("/prevention/"), timeout=12_000)
        waited = time.monotonic() - started
        assert page.locator("h1").first.inner_text().strip()
        assert 2.5 < waited < 8, f"the kept copy came after {waited:.1f} s"


@pytest.mark.browser
def test_the_site_works_offline_under_a_sub_path(browser: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1/guide/")
    root = tmp_path / "root"
    assert cmd_build(ROOT, root / "guide", links=False) == 0
    offline_page = (root / "guide" / "offline.html").read_text(encoding="utf-8")
    assert 'href="/guide/when-to-see-a-doctor/"' in offline_page
    context = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        with serving(root) as server:
            page = context.new_page()
            page.goto(server.url("/guide/causes/"))
            worker_ready(page)
            scope = page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.scope)")
            assert scope == server.url("/guide/")
        context.set_offline(True)
        for path in ("/guide/", "/guide/when-to-see-a-doctor/", "/guide/glossary/"):
            assert page.goto(server.url(path)) is not None
            assert page.locator("h1").first.inner_text().strip() != "You are offline", path
        page.goto(server.url("/guide/not/kept/"))
        assert page.locator("h1").inner_text() == "You are offline"
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") != "static"
        page.locator(".see-doctor a").click()
        page.wait_for_url("**/guide/when-to-see-a-doctor/")
        assert page.locator(".tier--emergency").count() == 1
    finally:
        context.close()


@pytest.mark.browser
def test_search_loads_nothing_until_the_reader_reaches_for_it(browser: Any, served_site: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, service_workers="block")
    asked: list[str] = []
    context.on("request", lambda r: asked.append(urlsplit(r.url).path))
    try:
        page = context.new_page()
        page.goto(served_site("/causes/"), wait_until="networkidle")
        page.wait_for_timeout(500)
        assert not [p for p in asked if "/search/" in p], f"fetched for search before anyone searched: {asked}"
        assert search(page, "charley horse") >= 1
        assert {"/assets/search/worker.js", "/search/search_index.json"} <= set(asked)
    finally:
        context.close()
