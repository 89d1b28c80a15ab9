"""In a real browser (Debian's Chromium): the warning-signs link is on screen at once and works."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from factsite.model import WARNING_PAGE

from .support import TOPICS

pytestmark = pytest.mark.browser
OTHER_PAGES = [p for p in TOPICS if p != WARNING_PAGE] + ["sources", "glossary", "symptom-index", "about"]


def url_path(slug: str) -> str:
    return "/" if slug == "index" else f"/{slug}/"


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 640}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_doctor_link_is_in_the_first_viewport_and_lands(browser: Any, served_site: Callable[[str], str],
                                                        viewport: dict[str, int]) -> None:
    page = browser.new_page(viewport=viewport)
    try:
        for slug in OTHER_PAGES:
            page.goto(served_site(url_path(slug)))
            link = page.locator("p.see-doctor a")
            box = link.bounding_box()
            assert box is not None, f"{slug}: no visible link"
            assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], f"{slug}: link below the fold"
        link.click()
        page.wait_for_url(f"**/{WARNING_PAGE}/")
        assert page.locator("h1").inner_text() == "When to see a doctor"
    finally:
        page.close()


def test_a_warning_box_link_lands_on_its_sign(browser: Any, served_site: Callable[[str], str]) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 640})
    try:
        page.goto(served_site("/pregnancy/"))
        page.locator(".warning-box a").first.click()
        page.wait_for_url(f"**/{WARNING_PAGE}/#*")
        anchor = page.url.split("#", 1)[1]
        target = page.locator(f"[id='{anchor}']")
        assert target.count() == 1
        box = target.bounding_box()
        assert box is not None and 0 <= box["y"] < 640
    finally:
        page.close()


def test_the_themes_script_waits_for_the_reader_and_then_works(browser: Any, served_site: Callable[[str], str]) -> None:
    """The theme's bundle is not part of the first view; the first key, scroll or touch brings it, and a
    key that woke it still does what it does (here "/" opens the search with the box focused)."""
    for wake in ("key", "tap", "scroll"):
        page = browser.new_page(viewport={"width": 360, "height": 640})
        scripts: list[str] = []
        page.on("request", lambda r, seen=scripts: seen.append(r.url) if r.resource_type == "script" else None)
        try:
            page.goto(served_site(f"/{WARNING_PAGE}/"))
            page.wait_for_load_state("networkidle")
            assert not [u for u in scripts if "/bundle." in u], "the bundle loaded before the reader did anything"
            if wake in ("key", "tap"):
                if wake == "key":
                    page.keyboard.press("/")
                else:  # the phone's search button shows, and works, before the script has come
                    page.locator("label.md-header__button[for=__search]").click()
                page.wait_for_function("document.activeElement && document.activeElement.matches('.md-search__input')")
                page.keyboard.type("swollen calf")
                page.wait_for_selector(".md-search-result__item")
            else:
                page.mouse.wheel(0, 400)
                # Only the theme's script puts the page's title in the header once the heading scrolls away.
                page.wait_for_selector(".md-header__title--active", state="attached")
            assert len([u for u in scripts if "/bundle." in u]) == 1
        finally:
            page.close()
