"""The built site, parsed: citations resolve on their own page, warning links resolve everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from factsite.cli import cmd_build
from factsite.model import WARNING_PAGE

from .conftest import copy_project
from .sites import page_files
from .support import SITE, TOPICS, html_path, soup_of


@pytest.mark.parametrize("slug", TOPICS)
def test_every_claim_links_to_an_entry_of_its_pages_sources_list(built_site: Path, slug: str) -> None:
    page = soup_of(built_site, slug)
    article = page.select_one("article")
    assert article is not None
    listed = {li["id"] for li in article.select("ol.sources > li")}
    cites = article.select("sup.cite")
    page_model = next(p for p in SITE.pages if p.slug == slug)
    # Everything the page cites, once; the comparison table repeats each choice's risks.
    in_table = sum(o.risks is not None for o in page_model.facts.options)
    assert len(cites) == len(SITE.cited(page_model)) + in_table
    linked = set()
    for sup in cites:
        links = sup.select("a")
        assert links, f"a citation without a link on {slug}"
        for a in links:
            target = str(a["href"]).removeprefix("#")
            assert target in listed, f"{slug}: citation {a['href']} has no entry in the Sources list"
            linked.add(target)
    assert linked == listed, f"{slug}: sources listed but never cited: {listed - linked}"


def test_every_page_links_to_the_warning_signs_page(built_site: Path) -> None:
    pages = page_files(built_site)
    assert len(pages) >= len(TOPICS) + 4
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if path == html_path(built_site, WARNING_PAGE):
            continue
        link = page.select_one("p.see-doctor a")
        assert link is not None, f"{path} has no link to the warning signs"
        assert str(link["href"]).rstrip("/").endswith(WARNING_PAGE)


def test_every_link_to_a_sign_resolves(built_site: Path) -> None:
    signs_page = soup_of(built_site, WARNING_PAGE)
    anchors = {el["id"] for el in signs_page.select("[id]")}
    checked = 0
    for path in page_files(built_site):
        for a in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select("a[href]"):
            href = str(a["href"])
            if f"{WARNING_PAGE}/#" in href:
                assert href.split("#", 1)[1] in anchors, f"{path}: {href} points at no sign"
                checked += 1
    assert checked >= 10


def test_signs_are_grouped_most_urgent_first(built_site: Path) -> None:
    tiers = [div["class"][1] for div in soup_of(built_site, WARNING_PAGE).select("div.tier")]
    assert tiers == ["tier--emergency", "tier--urgent", "tier--routine"]


@pytest.mark.build
def test_html_in_content_comes_out_inert(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert cmd_build(project, project / "site", links=False) == 0
    page = (project / "site" / "causes" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in page
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page
    assert "<b>Bold?</b>" not in page
