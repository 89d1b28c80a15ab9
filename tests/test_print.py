"""Print: a page prints as its article, with the warning box and sources, web addresses written out,
black on white in either palette, and without navigation or search."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.browser

HIDDEN_IN_PRINT = [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search", ".md-footer"]
DISPLAY = "(sel) => [...document.querySelectorAll(sel)].map((el) => getComputedStyle(el).display)"


@pytest.fixture(params=["light", "dark"])
def printed(request: pytest.FixtureRequest, browser: Any, served_site: Callable[[str], str]) -> Iterator[Any]:
    """A function opening a page as it prints, in the light or dark palette."""
    context = browser.new_context(color_scheme=request.param, viewport={"width": 1280, "height": 800})
    page = context.new_page()

    def open_page(path: str) -> Any:
        page.goto(served_site(path))
        page.emulate_media(media="print")
        return page

    yield open_page
    context.close()


def test_navigation_and_search_are_not_printed(printed: Any) -> None:
    page = printed("/pregnancy/")
    for selector in HIDDEN_IN_PRINT:
        shown = page.evaluate(DISPLAY, selector)
        assert shown, f"{selector} not found on the page"
        assert set(shown) == {"none"}, f"{selector} would be printed"
    page.emulate_media(media="screen")
    assert "none" not in page.evaluate(DISPLAY, ".md-header"), "the header is hidden on screen too"


def test_warning_box_and_sources_are_printed_with_addresses(printed: Any) -> None:
    page = printed("/pregnancy/")
    assert page.locator(".warning-box").is_visible()
    assert page.locator("p.see-doctor").is_visible()
    sources = page.locator("article ol.sources > li")
    assert sources.count() >= 3
    first = sources.first
    assert first.is_visible()
    href = first.locator("a").get_attribute("href")
    assert href and href.startswith("https://") and href in first.inner_text(), "a source's address is not written out"


def test_links_to_other_sites_print_their_address(printed: Any) -> None:
    page = printed("/causes/")
    page.evaluate("""() => { const p = document.createElement('p');
        p.innerHTML = '<a id="probe" href="https://www.nhs.uk/conditions/leg-cramps/">NHS page</a>';
        document.querySelector('article').append(p); }""")
    after = page.evaluate("getComputedStyle(document.getElementById('probe'), '::after').content")
    assert "https://www.nhs.uk/conditions/leg-cramps/" in after
    in_sources = page.evaluate("getComputedStyle(document.querySelector('ol.sources a'), '::after').content")
    assert "http" not in in_sources, "source addresses would be printed twice"


def test_urgency_tiers_print_black_on_white(printed: Any) -> None:
    page = printed("/when-to-see-a-doctor/")
    for tier in ("emergency", "urgent", "routine"):
        box = page.locator(f".tier--{tier}")
        assert box.is_visible()
        colours = box.evaluate("""(el) => [...el.querySelectorAll('li, h2, h3, a, strong')].map((e) => {
            const s = getComputedStyle(e); return [s.color, s.backgroundColor]; })""")
        assert colours
        for fg, bg in colours:
            assert fg == "rgb(0, 0, 0)", f"{tier}: text prints as {fg}"
            assert bg in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), f"{tier}: background prints as {bg}"


def test_a_page_prints_to_pdf(printed: Any) -> None:
    page = printed("/when-to-see-a-doctor/")
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
