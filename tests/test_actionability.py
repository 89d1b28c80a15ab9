"""What a reader can act on, in the built site and a real browser: the main message first, the
"Cramp right now?" card in the first phone screen, drawings with alt text that print, and a cramp
diary that keeps its entries on the reader's device without a single request."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from factsite.model import WARNING_PAGE
from factsite.validate import check

from .support import ROOT, TOPICS

CARD_PAGES = sorted(p.stem for p in (ROOT / "content").glob("[!_]*.yml")
                    if "action_card: true" in p.read_text(encoding="utf-8"))


def url_path(slug: str) -> str:
    return "/" if slug == "index" else f"/{slug}/"


def page_html(site: Path, slug: str) -> BeautifulSoup:
    path = site / "index.html" if slug == "index" else site / slug / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_card_is_on_the_pages_the_reader_needs_it() -> None:
    assert {"index", "treatments", "night-cramps", "pregnancy", "exercise-cramps"} <= set(CARD_PAGES)


@pytest.mark.parametrize("slug", TOPICS)
def test_every_topic_page_leads_with_its_audience_and_main_message(built_site: Path, slug: str) -> None:
    article = page_html(built_site, slug).select_one("article")
    assert article is not None
    blocks = [el for el in article.find_all(recursive=False) if isinstance(el, Tag) and el.name != "a"]
    names = [(el.name, " ".join(el.get("class") or [])) for el in blocks[:4]]
    # The "When to see a doctor" link first (the warning page is that page), then the title, who
    # the page is for, and the main message.
    if slug != WARNING_PAGE:
        assert names.pop(0) == ("p", "see-doctor")
        blocks.pop(0)
    assert names[0][0] == "h1" and names[1] == ("p", "lead") and names[2] == ("div", "main-message"), names
    site = check(ROOT).site
    assert site is not None and (page := site.page(slug)) is not None
    assert blocks[1].get_text(strip=True) == page.facts.page.description
    assert page.facts.main.text in blocks[2].get_text(" ", strip=True)
    assert blocks[2].select("sup.cite a"), "the main message cites its sources"


@pytest.mark.parametrize("slug", CARD_PAGES)
def test_the_card_ends_with_its_signs_in_the_same_words_and_tiers_as_the_warning_page(
        built_site: Path, slug: str) -> None:
    card = page_html(built_site, slug).select_one(".action-card")
    assert card is not None
    steps = card.select("ol > li")
    site = check(ROOT).site
    assert site is not None and site.card is not None
    assert len(steps) == len(site.card.steps), "the signs are not numbered as more steps"
    signs = page_html(built_site, WARNING_PAGE)
    shown = card.select("ol ~ ul > li")
    for sign_id, step in zip([sign.id for sign in site.card_signs()], shown, strict=True):
        link = step.select_one("a[href*='when-to-see-a-doctor']")
        assert link is not None and str(link["href"]).endswith(f"#{sign_id}")
        heading = signs.select_one(f"#{sign_id}")
        tier = heading.find_parent("div", class_="tier") if heading else None
        assert tier is not None, f"{sign_id} is not on the warning-signs page"
        label = {"tier--emergency": "Call 999", "tier--urgent": "Get help today", "tier--routine": "Book"}
        wanted = next(text for cls, text in label.items() if cls in (tier.get("class") or []))
        assert step.get_text().strip().startswith(wanted), (sign_id, step.get_text())
    assert all(item.select("sup.cite a") for item in [*steps, *shown]), "every step and sign cites its sources"


def test_every_drawing_has_alt_text_and_no_live_markup(built_site: Path) -> None:
    pages = [p for p in built_site.rglob("index.html")]
    drawings = [svg for p in pages for svg in BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
                .select("svg.fig__svg")]
    assert len({d["aria-label"] for d in drawings}) >= 8
    for svg in drawings:
        assert svg["role"] == "img" and len(svg["aria-label"]) > 20
        assert not svg.find_all(["script", "foreignobject", "image", "a", "style"])
        assert not [k for el in svg.find_all(True) for k in el.attrs if k.startswith("on") or k == "style"]
    captions = [c for p in pages for c in BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
                .select("figure.fig figcaption")]
    assert captions and all(c.select("sup.cite a") for c in captions), "every caption cites the advice it draws"


def test_the_diary_is_a_blank_table_without_javascript(built_site: Path) -> None:
    page = page_html(built_site, "cramp-diary")
    blank = page.select_one(".diary-table--blank table")
    assert blank is not None and len(blank.select("tbody tr")) >= 8
    headers = [th.get_text(strip=True) for th in blank.select("th")]
    assert headers == ["Date", "Time", "Which muscle", "Which leg", "How long it lasted",
                       "Swelling, warmth or redness after", "What you were doing", "Medicines that day", "What helped"]
    after = page.select_one(".diary-signs")
    assert after is not None and after.select("a[href*='when-to-see-a-doctor']"), "the printed diary: when not to wait"
    form = page.select_one("[data-diary]")
    assert form is not None and form.has_attr("hidden"), "the form shows only when its script runs"
    scripts = [str(s["src"]) for s in page.select("script[src]")]
    assert any(s.endswith("assets/tools/tools.js") for s in scripts)
    other = page_html(built_site, "causes")
    assert not any(str(s["src"]).endswith("tools.js") for s in other.select("script[src]")), "only tool pages load it"


# --- in a real browser ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("slug", ["index", *[s for s in CARD_PAGES if s != "index"]])
def test_the_card_starts_in_the_first_phone_screen(browser: Any, served_site: Callable[[str], str],
                                                   slug: str) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 640})
    try:
        page.goto(served_site(url_path(slug)))
        main = page.locator(".main-message").bounding_box()
        title = page.locator(".action-card__title").bounding_box()
        first = page.locator(".action-card li").first.bounding_box()
        assert main and title and first
        assert main["y"] + main["height"] <= 640, "the main message is fully in the first screen"
        if slug == "index":  # the overview: the first step and its drawing too
            assert first["y"] + first["height"] <= 640, f"first step ends at {first['y'] + first['height']}"
        else:
            assert title["y"] + title["height"] <= 640
    finally:
        page.close()


@pytest.mark.browser
def test_drawings_print_black_on_white_in_either_palette(browser: Any, served_site: Callable[[str], str]) -> None:
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 360, "height": 640}, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(served_site("/prevention/"))
            page.emulate_media(media="print")
            colours = page.evaluate("""() => [...document.querySelectorAll('svg.fig__svg')].map(svg => {
                const box = svg.getBoundingClientRect();
                const accent = svg.querySelector('.fig-accent');
                return {line: getComputedStyle(svg).color, visible: box.width > 50 && box.height > 30,
                        accent: accent ? getComputedStyle(accent).fill : null};
            })""")
            assert colours, "the page shows drawings"
            for c in colours:
                assert c["visible"] and c["line"] == "rgb(0, 0, 0)", (scheme, c)
                assert c["accent"] in (None, "rgb(200, 200, 200)"), (scheme, c)
        finally:
            context.close()


@pytest.mark.browser
def test_the_pee_colours_stay_the_same_in_either_palette_and_on_paper(browser: Any,
                                                                       served_site: Callable[[str], str]) -> None:
    # The colour is the message: it must not follow the text colour the way the line drawings do.
    seen = []
    for scheme, media in (("light", "screen"), ("dark", "screen"), ("dark", "print")):
        context = browser.new_context(viewport={"width": 360, "height": 640}, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(served_site("/exercise-cramps/"))
            page.emulate_media(media=media)
            seen.append(page.evaluate("""() => ['fig-pale-yellow', 'fig-dark-yellow', 'fig-brown'].map(name => {
                const shape = document.querySelector('svg.fig__svg .' + name);
                return shape ? getComputedStyle(shape).fill : null;
            })"""))
        finally:
            context.close()
    assert seen[0] == seen[1] == seen[2], seen
    fills = [tuple(int(n) for n in re.findall(r"\d+", fill)) for fill in seen[0]]
    assert [sum(rgb) for rgb in fills] == sorted((sum(rgb) for rgb in fills), reverse=True), fills  # light to dark


@pytest.mark.browser
def test_the_printable_card_fits_on_one_page(browser: Any, served_site: Callable[[str], str]) -> None:
    page = browser.new_page()
    try:
        page.goto(served_site("/cramp-card/"))
        for paper in ("A4", "Letter"):
            pdf = page.pdf(format=paper, print_background=False)
            assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, f"more than one {paper} page"
    finally:
        page.close()


@pytest.mark.browser
def test_a_diary_entry_is_saved_on_the_device_without_a_request_and_survives_a_reload(
        browser: Any, served_site: Callable[[str], str]) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    requests: list[str] = []
    try:
        page.goto(served_site("/cramp-diary/"), wait_until="networkidle")
        with page.expect_response("**/sitemap.xml"):  # the theme's script, woken, reads it once
            page.mouse.move(100, 300)
        page.wait_for_load_state("networkidle")
        page.on("request", lambda r: requests.append(r.url))
        page.fill("#diary-date", "2026-12-01")
        page.fill("#diary-time", "03:10")
        page.select_option("#diary-muscle", "Calf")
        note = page.locator("[data-diary-sign]")
        assert not note.is_visible() and not page.locator("[data-diary-entries]").is_visible()
        page.select_option("#diary-swelling", "Yes")
        assert note.is_visible(), "a swollen, warm or red leg shows the warning signs"
        page.select_option("#diary-swelling", "No")
        assert not note.is_visible()
        page.select_option("#diary-length", "Over 10 minutes")
        assert note.is_visible(), "a cramp over 10 minutes shows the warning signs"
        page.fill("#diary-doing", "<b>asleep</b>")
        page.click("text=Save this entry")
        page.wait_for_selector("[data-diary-entries]:not([hidden])")
        assert requests == [], f"saving made requests: {requests}"
        page.reload(wait_until="networkidle")
        row = page.locator("[data-diary-entries] tbody tr").first
        assert row.locator("td").nth(0).inner_text() == "2026-12-01"
        assert row.locator("td").nth(6).inner_text() == "<b>asleep</b>", "typed text stays text"
        with page.expect_download() as download:
            page.click("text=Save as a spreadsheet file")
        csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert csv.splitlines()[0].startswith('"Date","Time","Which muscle"') and "2026-12-01" in csv
        page.once("dialog", lambda d: d.accept())
        page.click("text=Delete all entries")
        page.wait_for_selector("[data-diary-entries][hidden]", state="attached")
        page.reload()
        assert page.locator("[data-diary-entries] tbody tr").count() == 0
    finally:
        context.close()
