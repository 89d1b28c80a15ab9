"""Search in the reader's own words: the query set, and the real search box in Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from benchmarks.search_quality import QUERIES, SearchBox, heldout_split, load_heldout, load_queries, slug_of
from factsite.validate import check

from .conftest import ROOT

# Mixed on purpose: a lay name, a misspelling, stop words, a word form, a medicine, a red flag.
SAMPLE = {
    "charley horse": "index",
    "charlie horse": "index",
    "calf knot at night": "night-cramps",
    "leg cramps pregnant": "pregnancy",
    "cramps in pregnancy": "pregnancy",
    "statin leg pain": "medicines",
    "excercise cramps": "exercise-cramps",
    "knot in my calf": "index",
    "swollen calf": "when-to-see-a-doctor",
    "restless legs": "look-alike-conditions",
}


def site_slugs() -> set[str]:
    result = check(ROOT)
    assert result.site is not None
    return {p.slug for p in result.site.pages} | {"sources", "glossary", "symptom-index", "about"}


def test_query_set_is_well_formed_and_every_page_exists() -> None:
    queries = load_queries()
    assert len(queries) >= 60
    slugs = site_slugs()
    unknown = [(q.query, s) for q in queries for s in sorted(q.accepted) if s not in slugs]
    assert not unknown, f"expected pages that do not exist: {unknown}"
    assert all(q.expect not in q.also for q in queries)


def test_a_malformed_query_set_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "queries.yml"
    bad.write_text("queries:\n  - {query: cramp, expect: index}\n  - {query: cramp, expect: faq}\n"
                   "  - {query: night, exepct: night-cramps}\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_queries(bad)
    assert "duplicate query: 'cramp'" in str(err.value) and "queries[2]" in str(err.value)


def test_topic_pages_sources_lists_are_left_out_of_the_search_index(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = {entry["location"]: entry for entry in index["docs"]}
    for slug in site_slugs():
        page = "" if slug == "index" else f"{slug}/"
        assert entries[page].get("terms"), f"{slug}: its search terms are not in the index"
    listed = [loc for loc in entries if loc.endswith("#sources") and not loc.startswith("sources/")]
    assert listed == [], "a topic page's Sources list is in the search index"
    assert any(loc.startswith("sources/#") for loc in entries), "the Sources page itself must stay searchable"


def test_slug_of_result_links() -> None:
    assert slug_of("http://127.0.0.1:8000/") == "index"
    assert slug_of("http://127.0.0.1:8000/causes/#alcohol") == "causes"
    assert slug_of("http://127.0.0.1:8000/night-cramps/?h=night") == "night-cramps"
    assert QUERIES.exists()


@pytest.fixture(scope="module")
def search_box(browser: Any, served_site: Callable[[str], str]) -> Any:
    box = SearchBox(browser, served_site("/"))
    yield box
    box.close()


@pytest.mark.browser
@pytest.mark.parametrize("query", list(SAMPLE))
def test_query_finds_its_page_first(search_box: Any, query: str) -> None:
    slugs, _ = search_box.search(query)
    assert slugs, f"{query!r}: no results"
    assert slugs[0] == SAMPLE[query], f"{query!r}: expected {SAMPLE[query]} first, got {slugs[:4]}"


@pytest.mark.browser
def test_search_from_the_keyboard_alone(browser: Any, served_site: Callable[[str], str]) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(served_site("/causes/"))
        page.keyboard.press("/")  # Material's shortcut opens the search and focuses the box
        box = page.locator("input.md-search__input")
        assert box.evaluate("el => el === document.activeElement")
        page.keyboard.type("nocturnal leg cramps", delay=20)
        first = page.locator(".md-search-result__list > li a.md-search-result__link").first
        first.wait_for(state="visible")
        page.keyboard.press("ArrowDown")
        focused = page.evaluate("document.activeElement.getAttribute('href')")
        assert focused and urlsplit(focused).path.rstrip("/").endswith("/night-cramps")
        page.keyboard.press("Enter")
        page.wait_for_url("**/night-cramps/**")
        assert page.locator("h1").inner_text() == "Night-time leg cramps"
        page.keyboard.press("/")
        page.keyboard.type("statins", delay=20)
        page.locator(".md-search-result__list > li").first.wait_for(state="visible")
        page.keyboard.press("Enter")  # Enter in the box goes to the best result
        page.wait_for_url("**/medicines/**")
    finally:
        page.close()


@pytest.mark.browser
def test_search_makes_no_request_beyond_loopback(browser: Any, served_site: Callable[[str], str]) -> None:
    urls: list[str] = []
    box = SearchBox(browser, served_site("/"), on_request=lambda r: urls.append(r.url))
    try:
        for query in ("charley horse", "leg cramps pregnant", "dvt"):
            assert box.search(query)[0]
        box.page.locator(".md-search-result__list > li a").first.click()
        box.page.wait_for_load_state("networkidle")
    finally:
        box.close()
    assert any(u.endswith("/search/search_index.json") for u in urls), "the search index was never fetched"
    assert any(u.endswith("/assets/search/worker.js") for u in urls), "the search worker was never loaded"
    assert any(u.endswith("/assets/search/minisearch.js") for u in urls), "the search engine was never loaded"
    others = sorted({u for u in urls if urlsplit(u).hostname != "127.0.0.1"})
    assert not others, f"requests to other hosts: {others}"


def test_the_held_out_set_names_real_pages_and_splits_the_same_way_every_time() -> None:
    site = check(ROOT).site
    assert site is not None
    slugs = {p.slug for p in site.pages} | {"glossary", "sources", "symptom-index", "about"}
    queries = load_heldout()
    assert len(queries) >= 200
    assert not [q.query for q in queries if not q.accepted <= slugs]
    assert len({q.query.lower() for q in queries}) == len(queries)
    tune, test = heldout_split(queries)
    assert (tune, test) == heldout_split(load_heldout())
    assert not {q.query for q in tune} & {q.query for q in test} and len(tune) + len(test) == len(queries)
