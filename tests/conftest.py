"""Shared fixtures: project copies to break on purpose, and one build of the real site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from factsite.cli import cmd_build
from factsite.loopback import serve_folder

from .support import FIXTURES, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# In CI the property tests draw the same examples every run, so a red build can be reproduced and
# a green one is not luck; locally they keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def copy_project(dest: Path, content_from: Path = FIXTURES / "valid") -> Path:
    """A buildable project in `dest`: the real config, docs and hook, with content and data from `content_from`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    # The real drawings belong to the real data/figures.yml; a fixture's data describes its own (none).
    drawings = None if content_from == ROOT else shutil.ignore_patterns("figures")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=drawings)
    (dest / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "mkdocs_hooks.py", dest / "scripts" / "mkdocs_hooks.py")
    shutil.copytree(content_from / "content", dest / "content")
    shutil.copytree(content_from / "data", dest / "data")
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the valid fixture project, safe to modify."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def real_project(tmp_path: Path) -> Path:
    """A copy of the real project's content, safe to modify."""
    return copy_project(tmp_path / "project", ROOT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once through the same path as `make build` (without the link check)."""
    site = tmp_path_factory.mktemp("real") / "site"
    assert cmd_build(ROOT, site, links=False) == 0
    return site


@pytest.fixture(scope="session")
def browser() -> object:
    """Debian's Chromium through Playwright. Skipped only outside CI when Chromium is missing."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; browser tests may not be skipped in CI (make test installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[Callable[[str], str]]:
    """The built site on a loopback HTTP server; returns a function mapping a path to its URL."""
    with serve_folder(built_site) as base:

        def url(path: str = "/") -> str:
            return base.rstrip("/") + path

        yield url
