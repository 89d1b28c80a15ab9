"""What several test modules share, written once: the project's paths, the checked real content,
running the command line, reading built pages and headers.

Test modules import from here, from the modules the benchmarks share (harness: Chromium, nginx,
ports and waiting; sites: a built site's pages, digests and comparison; search_box), from
invalid_cases (the invalid fixtures) and from conftest (fixtures), never from one another. This
module checks the real content when imported, so benchmarks never import it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from factsite import postbuild
from factsite.validate import check

from .harness import ROOT

FIXTURES = Path(__file__).parent / "fixtures"

_checked = check(ROOT).site
assert _checked is not None, "the real content must pass the check"
SITE = _checked
TOPICS = sorted(p.slug for p in SITE.pages)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "factsite", *args], cwd=cwd, text=True, capture_output=True,
                          check=False, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def html_path(site: Path, slug: str) -> Path:
    return site / ("index.html" if slug == "index" else f"{slug}/index.html")


def soup_of(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup(html_path(site, slug).read_text(encoding="utf-8"), "html.parser")


def headers_block(text: str) -> dict[str, str]:
    """The headers of the `/*` rule of a `_headers` file."""
    headers: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if not line.startswith(" "):
            current = line.strip()
        elif current == "/*":
            name, value = line.strip().split(": ", 1)
            headers[name] = value
    return headers


def expected_headers(site: Path) -> dict[str, str]:
    return headers_block((site / postbuild.HEADERS_FILE).read_text(encoding="utf-8"))


# Collects Content-Security-Policy violations in a page, for tests to read as window.__violations.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""
