"""Findability: titles, descriptions, canonical URLs, sitemap, MedicalWebPage JSON-LD, the 404 page."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from mkdocs.utils.yaml import yaml_load

from factsite.model import WARNING_PAGE

from .conftest import ROOT
from .sites import page_files
from .support import SITE, TOPICS, soup_of

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def site_url() -> str:
    """site_url as mkdocs.yml resolves it in this environment (SITE_URL, else the default)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        url = str(yaml_load(f)["site_url"])
    return url if url.endswith("/") else url + "/"


def url_of(site: Path, page: Path) -> str:
    rel = page.parent.relative_to(site).as_posix()
    return site_url() + ("" if rel == "." else f"{rel}/")


def pages_soup(site: Path) -> dict[Path, BeautifulSoup]:
    return {p: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in page_files(site)}


def json_ld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    return [json.loads(s.get_text()) for s in soup.select('script[type="application/ld+json"]')]


def test_every_page_has_a_unique_title_and_description(built_site: Path) -> None:
    titles: dict[str, Path] = {}
    descriptions: dict[str, Path] = {}
    pages = pages_soup(built_site)
    pages[built_site / "404.html"] = BeautifulSoup((built_site / "404.html").read_text(encoding="utf-8"),
                                                   "html.parser")
    for path, soup in pages.items():
        title = soup.title.get_text(strip=True) if soup.title else ""
        meta = soup.select_one('meta[name="description"]')
        description = str(meta["content"]).strip() if meta else ""
        assert title, f"{path}: no <title>"
        assert 20 <= len(description) <= 200, f"{path}: description missing or of odd length: {description!r}"
        assert title not in titles, f"{path} and {titles.get(title)} share the title {title!r}"
        if path.name != "404.html":
            assert description not in descriptions, \
                f"{path} and {descriptions.get(description)} share the description {description!r}"
        titles[title] = path
        descriptions[description] = path


def test_canonical_urls_and_the_sitemap_agree_on_every_page(built_site: Path) -> None:
    pages = pages_soup(built_site)
    expected = set()
    for path, soup in pages.items():
        link = soup.select_one('link[rel="canonical"]')
        assert link is not None, f"{path}: no canonical URL"
        assert link["href"] == url_of(built_site, path)
        expected.add(url_of(built_site, path))
    tree = ET.parse(built_site / "sitemap.xml")
    locs = [el.text for el in tree.getroot().findall("s:url/s:loc", SITEMAP_NS)]
    assert len(locs) == len(set(locs))
    assert set(locs) == expected
    assert (built_site / "sitemap.xml.gz").exists()


def test_the_sitemap_dates_topic_pages_by_their_last_review(built_site: Path) -> None:
    tree = ET.parse(built_site / "sitemap.xml")
    lastmod = {u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS)
               for u in tree.getroot().findall("s:url", SITEMAP_NS)}
    assert SITE is not None
    for p in SITE.pages:
        loc = site_url() + ("" if p.slug == "index" else f"{p.slug}/")
        assert lastmod[loc] == p.facts.page.reviewed


@pytest.mark.parametrize("slug", TOPICS)
def test_topic_pages_carry_medical_web_page_json_ld(built_site: Path, slug: str) -> None:
    soup = soup_of(built_site, slug)
    blocks = [b for b in json_ld(soup) if b.get("@type") == "MedicalWebPage"]
    assert len(blocks) == 1, f"{slug}: expected one MedicalWebPage block"
    ld = blocks[0]
    assert SITE is not None
    facts = next(p.facts for p in SITE.pages if p.slug == slug)
    assert ld["@context"] == "https://schema.org"
    assert ld["lastReviewed"] == facts.page.reviewed
    assert ld["name"] == facts.page.title
    assert ld["description"] == facts.page.description
    canonical = soup.select_one('link[rel="canonical"]')
    assert canonical is not None and ld["url"] == canonical["href"]


@pytest.mark.parametrize("slug", TOPICS)
def test_json_ld_citations_match_the_pages_sources_list(built_site: Path, slug: str) -> None:
    soup = soup_of(built_site, slug)
    ld = next(b for b in json_ld(soup) if b.get("@type") == "MedicalWebPage")
    listed = [a["href"] for a in soup.select("article ol.sources > li a[href^='http']")]
    assert listed
    assert ld.get("citation") == listed


def test_non_topic_pages_do_not_claim_a_medical_review(built_site: Path) -> None:
    for slug in ("about", "sources", "glossary", "symptom-index"):
        assert not [b for b in json_ld(soup_of(built_site, slug)) if b.get("@type") == "MedicalWebPage"], slug


def test_the_404_page_leads_to_the_warning_signs_and_to_search(built_site: Path) -> None:
    soup = BeautifulSoup((built_site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.title is not None and "not found" in soup.title.get_text().lower()
    assert soup.select_one('meta[name="robots"][content="noindex"]') is not None
    article = soup.select_one("article")
    assert article is not None
    hrefs = [str(a["href"]) for a in article.select("a[href]")]
    # Absolute paths: the server shows this page at any missing address, however deep.
    assert any(h.startswith("/") and h.rstrip("/").endswith(WARNING_PAGE) for h in hrefs), hrefs
    form = article.select_one("form[role=search]")
    assert form is not None and str(form["action"]).startswith("/")
    assert form.select_one("input[name=q]") is not None
    label, field = form.select_one("label"), form.select_one("input[name=q]")
    assert label is not None and field is not None and label["for"] == field["id"]


@pytest.mark.browser
def test_searching_from_the_404_page_shows_results(browser: Any, served_site: Callable[[str], str]) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 640})
    try:
        page.goto(served_site("/404.html"))
        page.locator("#not-found-query").fill("charley horse")
        page.keyboard.press("Enter")
        page.wait_for_url("**/?q=charley+horse")
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        assert page.locator(".md-search-result__item").count() >= 1
    finally:
        page.close()



# Notes when the theme's script opens its request for the search index (main.html then holds it back
# until the reader reaches for search), so the test knows the request would have gone by now.
ASKED_FOR_THE_INDEX = """
window.__indexAsked = false;
const open = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (method, url) {
  if (String(url).includes("search_index.json")) window.__indexAsked = true;
  return open.apply(this, arguments);
};
"""


@pytest.mark.browser
def test_search_index_waits_for_the_reader_then_search_works(browser: Any,
                                                              served_site: Callable[[str], str]) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 640})
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "search_index.json" in r.url else None)
    page.add_init_script(ASKED_FOR_THE_INDEX)
    try:
        page.goto(served_site("/causes/"), wait_until="networkidle")
        assert fetched == [], "the search index was fetched before anyone searched"
        # Moving over the page wakes the theme's script, which asks for the index: still held back.
        page.mouse.move(100, 400)
        page.wait_for_function("window.__indexAsked", timeout=15_000)
        page.wait_for_load_state("networkidle")
        assert fetched == [], "the search index was fetched before anyone searched"
        page.locator("label.md-header__button[for=__search]").click()  # the phone's search button
        page.keyboard.type("charley horse", delay=20)
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        assert len(fetched) == 1
        # A result link highlights the words on the page it opens, which needs the index at once.
        page.goto(served_site("/causes/?h=cramp"), wait_until="networkidle")
        page.locator("article mark").first.wait_for(timeout=15_000)
        assert len(fetched) == 2
    finally:
        page.close()
