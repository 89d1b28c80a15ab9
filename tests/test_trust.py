"""Trust a reader can check: who publishes the guide, who reviewed a page, what changed, where to report.

Nothing here may be invented, so each is a mechanism: the tests fill it with the visibly fictional
publisher and reviewer of tests/fixtures/published, and check what a build shows with and without them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from factsite.cli import cmd_build
from factsite.load import load_file
from factsite.schema import Publisher
from factsite.validate import _parse, check, is_public

from .conftest import FIXTURES, ROOT, copy_project

PUBLISHED = FIXTURES / "published"
ATOM = "{http://www.w3.org/2005/Atom}"


def published_project(dest: Path) -> Path:
    """The valid fixture with the fictional publisher, and the fictional review on causes.yml."""
    project = copy_project(dest)
    shutil.copy(PUBLISHED / "data" / "publisher.yml", project / "data" / "publisher.yml")
    causes = project / "content" / "causes.yml"
    review = (PUBLISHED / "review.yml").read_text(encoding="utf-8").split("\n", 1)[1]
    causes.write_text(causes.read_text(encoding="utf-8") + review, encoding="utf-8")
    return project


def built(project: Path) -> Path:
    assert cmd_build(project, project / "site", links=False) == 0
    return project / "site"


@pytest.fixture(scope="module")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(published_project(tmp_path_factory.mktemp("published") / "project"))


@pytest.fixture(scope="module")
def preview_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(copy_project(tmp_path_factory.mktemp("preview") / "project"))


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def json_ld(page: BeautifulSoup) -> dict[str, object]:
    block = page.select_one('script[type="application/ld+json"]')
    assert block is not None
    data: dict[str, object] = json.loads(block.get_text())
    return data


# --- the publisher -------------------------------------------------------------------------------

def test_the_example_publisher_file_is_valid_and_the_fixture_is_fictional() -> None:
    for path in (ROOT / "data" / "_publisher.example.yml", PUBLISHED / "data" / "publisher.yml"):
        loaded = load_file(path, path.name)
        assert loaded.problems == [] and loaded.document is not None
        parsed, problems = _parse(loaded.document, Publisher)
        assert problems == [] and parsed is not None, path
    fixture = (PUBLISHED / "data" / "publisher.yml").read_text(encoding="utf-8")
    assert fixture.count("ictional") >= 4 and not (ROOT / "data" / "publisher.yml").exists()


@pytest.mark.parametrize(("url", "public"), [
    ("http://127.0.0.1:8000/", False), ("http://localhost:8000/", False), ("https://legcramps.example/guide/", False),
    ("https://www.example.org/", False), ("https://site.test/", False), (None, False),
    ("https://legcramps-guide.org/", True), ("https://www.nhs.uk/", True),
])
def test_which_addresses_are_public(url: str | None, public: bool) -> None:
    assert is_public(url) is public


def test_a_build_for_a_public_address_refuses_without_a_publisher(project: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "factsite", "build", "--no-links"], cwd=project, text=True,
                          capture_output=True, check=False,
                          env={**os.environ, "SITE_URL": "https://legcramps-guide.org/", "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 1
    assert ("data/publisher.yml:1:1: a site built for https://legcramps-guide.org/ must say who publishes it, and "
            "where to report a mistake (copy data/_publisher.example.yml to data/publisher.yml and fill in the real "
            "details)") in done.stderr
    assert not (project / "site").exists()
    assert check(project, site_url="http://127.0.0.1:8000/").ok


def test_a_published_build_names_its_publisher_everywhere(published_site: Path) -> None:
    for path in ("", "causes/", "sources/", "changes/"):
        footer = soup(published_site, path).select_one(".md-copyright__publisher")
        assert footer is not None and "Published by Fictional Test Publisher" in footer.get_text(" ", strip=True)
    about = soup(published_site, "about").select_one("article")
    assert about is not None
    text = about.get_text(" ", strip=True)
    for expected in ("published by Fictional Test Publisher", "Funding: Fictional funding", "Interests: None",
                     "reports@publisher.example.org", "What happens to a report: Fictional handling"):
        assert expected in text, expected
    assert "Preview" not in text
    ld = json_ld(soup(published_site, "causes"))
    assert ld["publisher"] == {"@type": "Organization", "name": "Fictional Test Publisher"}


def test_a_preview_says_plainly_that_the_publisher_is_not_set(preview_site: Path) -> None:
    for path in ("", "causes/", "about/"):
        footer = soup(preview_site, path).select_one(".md-copyright__publisher")
        assert footer is not None and "Preview: publisher details not set" in footer.get_text(" ", strip=True)
    about = soup(preview_site, "about").get_text(" ", strip=True)
    assert "Preview: publisher details not set" in about
    assert "No doctor, nurse or pharmacist has reviewed these pages yet" in about
    assert not soup(preview_site, "causes").select("a.report-link")
    assert "publisher" not in json_ld(soup(preview_site, "causes"))


# --- reviews --------------------------------------------------------------------------------------

def test_a_reviewed_page_names_its_reviewer_with_the_register_link(published_site: Path) -> None:
    page = soup(published_site, "causes")
    dates = page.select_one(".page-dates--reviewed")
    assert dates is not None
    text = dates.get_text(" ", strip=True)
    assert text.startswith("Reviewed by Dr Fictional Reviewer, General practitioner (fictional), on 22 November 2026")
    assert "Fictional Medical Register, registration 0000000" in text
    link = dates.select_one('a[href="https://register.example.org/0000000"]')
    assert link is not None and "noreferrer" in (link.get("rel") or [])
    ld = json_ld(page)
    assert ld["reviewedBy"] == [{"@type": "Person", "name": "Dr Fictional Reviewer",
                                 "jobTitle": "General practitioner (fictional)"}]
    unreviewed = soup(published_site, "").select_one(".page-dates")
    assert unreviewed is not None and "No clinician has reviewed this page yet" in unreviewed.get_text()
    assert "reviewedBy" not in json_ld(soup(published_site, ""))
    about = soup(published_site, "about").get_text(" ", strip=True)
    assert "A clinician has reviewed 1 of the 3 pages" in about


# --- what changed ------------------------------------------------------------------------------------

def test_each_page_shows_its_last_change_with_the_full_list_one_tap_away(preview_site: Path) -> None:
    page = soup(preview_site, "causes")
    details = page.select_one("details.page-changes")
    assert details is not None and details.summary is not None
    assert details.summary.get_text(strip=True) == "Last changed 22 November 2026"  # what changed: one tap away
    assert [li.get_text(" ", strip=True) for li in details.select("li")] == ["22 November 2026 : First published."]
    assert json_ld(page)["dateModified"] == "2026-11-22"


def test_the_recent_changes_page_and_feed_list_every_change(preview_site: Path) -> None:
    project = preview_site.parent
    result = check(project)
    assert result.site is not None
    total = sum(len(p.facts.changes) for p in result.site.pages)
    listed = soup(preview_site, "changes").select("article li")
    assert len(listed) == total
    feed = ET.fromstring((preview_site / "feed.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == total
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == total
    for entry in entries:
        link = entry.find(f"{ATOM}link")
        assert link is not None
        path = urlsplit(link.get("href", "")).path
        assert (preview_site / path.lstrip("/") / "index.html").is_file() or path == "/", path
        assert (entry.findtext(f"{ATOM}updated") or "").endswith("T00:00:00Z")
    assert feed.findtext(f"{ATOM}author/{ATOM}name")
    head = soup(preview_site, "causes").select_one('link[rel="alternate"][type="application/atom+xml"]')
    assert head is not None


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.test",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t.test"})


@pytest.mark.skipif(not shutil.which("git"), reason="needs git")
def test_changed_claims_need_a_change_entry(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACTSITE_CHANGES_SINCE", raising=False)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first")
    causes = project / "content" / "causes.yml"
    original = causes.read_text(encoding="utf-8")
    assert check(project).ok

    causes.write_text(original.replace("Most cramps have no clear cause.", "Most cramps have no known cause."),
                      encoding="utf-8")
    assert [str(p) for p in check(project).problems] == [
        "content/causes.yml:10:1: changes: the claims or the review date changed since HEAD, but changes: has no "
        "new entry (add an entry for today with a one-line summary of what changed for readers)"]

    with_entry = causes.read_text(encoding="utf-8").replace(
        "changes:\n", 'changes:\n  - date: "2026-11-22"\n    summary: Reworded the first statement.\n', 1)
    causes.write_text(with_entry, encoding="utf-8")
    assert check(project).ok

    # Words a reader never sees as a statement (search terms) need no entry.
    causes.write_text(original.replace("leg cramp causes", "leg cramp reasons"), encoding="utf-8")
    assert check(project).ok
    # The review date moving is a change readers see.
    causes.write_text(original.replace('reviewed: "2026-11-22"', 'reviewed: "2026-11-23"'), encoding="utf-8")
    assert not check(project).ok
    # Compared with another commit when told to.
    monkeypatch.setenv("FACTSITE_CHANGES_SINCE", "no-such-commit")
    assert check(project).ok


# --- reporting a problem ------------------------------------------------------------------------------

def test_every_statement_has_a_report_link_naming_its_page_and_id(published_site: Path) -> None:
    project = published_site.parent
    result = check(project)
    assert result.site is not None
    for page in result.site.pages:
        path = "" if page.slug == "index" else page.slug
        html = soup(published_site, path)
        links = html.select("article a.report-link")
        ids = [c.id for c in page.facts.claims()] + [s.id for s in page.facts.signs]
        assert len(links) == len(ids), page.slug
        for link, claim_id in zip(links, ids, strict=True):
            href = str(link["href"])
            assert href.startswith("mailto:reports@publisher.example.org?"), href
            fields = parse_qs(urlsplit(href).query)
            assert claim_id in unquote(fields["subject"][0]) and claim_id in fields["body"][0]
            assert f"(/{path}/)".replace("//", "/") in fields["body"][0]
            assert link.get("aria-label") == "Report a problem with this statement"
        page_link = html.select_one(".report-page a")
        assert page_link is not None and "Report a problem with this page" in page_link.get_text()
