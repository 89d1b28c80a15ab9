"""Accessibility in a real browser: axe-core on every built page, light and dark, phone and desktop;
the emergency tier's contrast; the skip link and the focus ring from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest

from .sites import page_paths

pytestmark = pytest.mark.browser

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices (which include the
# search dialog's accessible name, aria-dialog-name). Nothing is allow-listed.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
SCHEMES = {"light": "default", "dark": "slate"}
VIEWPORTS = {"phone": {"width": 360, "height": 640}, "desktop": {"width": 1280, "height": 800}}

# Contrast of each text node inside `root` against the first opaque background behind it.
CONTRAST_JS = """
(root) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] === 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    const fg = rgb(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    out.push({text: n.textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05)});
  }
  return out;
}
"""




def test_no_axe_violations_on_any_page_in_either_palette_at_either_size(
        browser: Any, built_site: Path, served_site: Callable[[str], str]) -> None:
    # One tab per palette and size; axe runs in all four at once (each tab has its own renderer).
    tabs = {}
    for scheme in SCHEMES:
        for size, viewport in VIEWPORTS.items():
            context = browser.new_context(color_scheme=scheme, viewport=viewport)
            context.add_init_script(path=str(AXE_JS))
            tabs[(scheme, size)] = (context, context.new_page())
    paths = [*page_paths(built_site), "/404.html", "/offline.html"]
    assert len(paths) >= 17
    found: list[str] = []
    try:
        for path in paths:
            for (scheme, _size), (_, tab) in tabs.items():
                tab.goto(served_site(path))
                assert tab.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[scheme], \
                    f"{path}: the palette does not follow prefers-color-scheme: {scheme}"
                tab.evaluate("""(tags) => { window.__axe = null;
                    axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
                       .then((r) => { window.__axe = r.violations; }); }""", AXE_TAGS)
            for (scheme, size), (_, tab) in tabs.items():
                tab.wait_for_function("window.__axe !== null", timeout=30_000)
                for v in tab.evaluate("window.__axe"):
                    nodes = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
                    found.append(f"{path} [{scheme}, {size}] {v['id']} ({v['impact']}): {nodes}")
    finally:
        for context, _ in tabs.values():
            context.close()
    assert not found, "axe-core violations:\n" + "\n".join(found)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_every_urgency_tier_keeps_text_contrast_of_at_least_4_5(
        browser: Any, served_site: Callable[[str], str], scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORTS["phone"])
    try:
        page = context.new_page()
        page.goto(served_site("/when-to-see-a-doctor/"))
        for tier in ("emergency", "urgent", "routine"):
            box = page.locator(f".tier--{tier}")
            assert box.count() == 1, f"no {tier} tier"
            texts = box.evaluate(CONTRAST_JS)
            assert len(texts) >= 3, f"{tier}: too little text measured"
            low = [t for t in texts if t["ratio"] < 4.5]
            assert not low, f"{scheme} {tier}: text below 4.5:1: {low[:5]}"
    finally:
        context.close()


def test_the_palette_follows_the_device_without_the_themes_script(
        browser: Any, served_site: Callable[[str], str]) -> None:
    """Dark phones get the dark palette from the first paint, not once the theme's bundle has run,
    and a page that is open follows a change of the device's setting."""
    # Service workers blocked: request routing never sees what a worker answers.
    context = browser.new_context(color_scheme="dark", viewport=VIEWPORTS["phone"], service_workers="block")
    try:
        context.route("**/assets/javascripts/bundle.*", lambda route: route.abort())
        page = context.new_page()
        page.goto(served_site("/night-cramps/"))
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        page.emulate_media(color_scheme="light")
        page.wait_for_function("document.body.dataset.mdColorScheme === 'default'", timeout=5_000)
        assert page.locator("[data-md-component=palette]").count() == 0, "a palette switch that cannot work"
    finally:
        context.close()


def test_contrast_check_catches_low_contrast(browser: Any, served_site: Callable[[str], str]) -> None:
    """The measurement above can fail: grey text on the red emergency box is caught."""
    page = browser.new_page()
    try:
        page.goto(served_site("/when-to-see-a-doctor/"))
        page.add_style_tag(content=".md-typeset .tier--emergency * { color: #777 !important; }")
        texts = page.locator(".tier--emergency").evaluate(CONTRAST_JS)
        assert any(t["ratio"] < 4.5 for t in texts)
    finally:
        page.close()


def outline_width(page: Any) -> float:
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth); }""")
    return float(style)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_skip_link_and_focus_ring_work_from_the_keyboard(
        browser: Any, served_site: Callable[[str], str], size: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS[size])
    try:
        page.goto(served_site("/causes/"))
        page.keyboard.press("Tab")
        skip = page.locator("a.md-skip")
        assert page.evaluate("document.activeElement.classList.contains('md-skip')"), "Tab does not reach the skip link"
        box = skip.bounding_box()
        assert box is not None and box["y"] >= 0 and box["width"] > 20, "the focused skip link is not on screen"
        assert outline_width(page) >= 2, "the skip link has no visible focus ring"
        target = str(skip.get_attribute("href")).split("#", 1)[1]
        page.keyboard.press("Enter")
        page.wait_for_url(f"**#{target}")
        heading = page.locator(f"[id='{target}']")
        assert heading.evaluate("el => el.closest('article') !== null"), "the skip link does not lead into the article"
        # Keep tabbing: the next focus lands in the main content, not back in the header, and shows a ring.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('article') !== null"), \
            "after skipping, Tab does not continue in the article"
        assert outline_width(page) >= 2, "a focused link in the article has no visible focus ring"
    finally:
        page.close()


def test_the_search_dialog_has_a_name(built_site: Path) -> None:
    html = (built_site / "causes" / "index.html").read_text(encoding="utf-8")
    assert 'role="dialog" aria-label="Search"' in html
