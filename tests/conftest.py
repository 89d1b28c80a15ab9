"""Shared fixtures: project copies to break on purpose, and one build of the real site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from factsite.cli import cmd_build
from factsite.loopback import serve_folder

from .harness import CHROMIUM, chromium
from .support import FIXTURES, ROOT

# Fixtures that run a full site build. A test that uses one, directly or through another fixture, is
# marked `build`; a test that builds in its own body carries @pytest.mark.build.
BUILD_FIXTURES = {"built_site", "hostile_site", "published_site", "preview_site"}

# In CI the property tests draw the same examples every run, so a red build can be reproduced and
# a green one is not luck; locally they keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.build)


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
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright. Skipped only outside CI when Chromium is missing."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; browser tests may not be skipped in CI (make test installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[Callable[[str], str]]:
    """The built site on a loopback HTTP server; returns a function mapping a path to its URL."""
    with serve_folder(built_site) as base:

        def url(path: str = "/") -> str:
            return base.rstrip("/") + path

        yield url
