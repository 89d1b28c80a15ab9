"""Privacy: no page asks any host but the site's own for anything (no fonts, CDNs, trackers)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from .sites import page_paths

pytestmark = pytest.mark.browser

# Attributes through which a browser fetches something by itself. Plain <a href> links to
# sources are fine: nothing is fetched until the reader chooses to follow one.
FETCHING = {"script": "src", "img": "src", "iframe": "src", "audio": "src", "video": "src", "source": "src",
            "embed": "src", "object": "data", "input": "src", "track": "src"}
FETCHING_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload",
                      "manifest", "apple-touch-icon"}


def foreign_requests(browser: Any, base: str, paths: list[str], search: str | None = None,
                     extra_html: str | None = None) -> list[str]:
    """Load each page (and optionally use search); every request to another host is recorded and blocked."""
    own = urlsplit(base).netloc
    seen: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).netloc == own or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            seen.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    context.on("request", lambda r: None if urlsplit(r.url).netloc in (own, "") else seen.append(r.url))
    try:
        page = context.new_page()
        for path in paths:
            page.goto(base.rstrip("/") + path, wait_until="networkidle")
            if extra_html:
                page.evaluate("(h) => document.body.insertAdjacentHTML('beforeend', h)", extra_html)
                # Loaded or refused: either way the browser has asked for each image by then.
                page.wait_for_function("[...document.images].every(image => image.complete)")
        if search:
            page.locator("input.md-search__input").fill(search)
            page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return sorted(set(seen))


def test_no_page_contacts_another_host(browser: Any, built_site: Path, served_site: Callable[[str], str]) -> None:
    paths = [*page_paths(built_site), "/404.html", "/offline.html"]
    assert foreign_requests(browser, served_site("/"), paths, search="cramp") == []


def test_the_request_guard_catches_a_foreign_request(browser: Any, served_site: Callable[[str], str]) -> None:
    tracker = '<img src="https://tracker.invalid/pixel.gif" alt="">'
    assert foreign_requests(browser, served_site("/"), ["/"], extra_html=tracker) == \
        ["https://tracker.invalid/pixel.gif"]


def test_no_built_file_points_a_fetch_at_another_host(built_site: Path) -> None:
    """The static half of the same rule, over every HTML file (covers what a test browser might not trigger)."""
    found = []
    for path in sorted(built_site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in FETCHING.items():
            for el in soup.find_all(tag):
                if str(el.get(attr, "")).startswith(("http:", "https:", "//")):
                    found.append(f"{path.relative_to(built_site)}: <{tag} {attr}={el[attr]}>")
        for el in soup.find_all("link"):
            rels = set(el.get_attribute_list("rel"))
            if rels & FETCHING_LINK_RELS and str(el.get("href", "")).startswith(("http:", "https:", "//")):
                found.append(f"{path.relative_to(built_site)}: <link rel={' '.join(rels)} href={el['href']}>")
        for el in soup.find_all(style=True):
            if "url(http" in str(el["style"]) or "url(//" in str(el["style"]):
                found.append(f"{path.relative_to(built_site)}: inline style fetches {el['style']}")
    for css in sorted(built_site.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        if "@import url(http" in text or "url(https://" in text or "url(http://" in text:
            found.append(f"{css.relative_to(built_site)} loads from another host")
    assert not found, "\n".join(found)
