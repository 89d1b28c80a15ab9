"""What several test modules share, written once: the project's paths, running the command line,
reading built pages and headers, and the invalid fixtures. Test modules import from here (and from
conftest for fixtures), never from one another.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from factsite import postbuild
from factsite.validate import check

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

_checked = check(ROOT).site
assert _checked is not None, "the real content must pass the check"
SITE = _checked
TOPICS = sorted(p.slug for p in SITE.pages)

# The invalid fixtures: each pins the exact report of one mistake.
CASES = sorted((FIXTURES / "invalid").glob("*.yml"))


def read_case(case: Path) -> tuple[str, list[str], bytes]:
    """An invalid fixture: '# replaces: PATH', then '# expect: LINE' lines, then the file body."""
    header, _, rest = case.read_bytes().partition(b"\n")
    target = header.decode().removeprefix("# replaces:").strip()
    lines = rest.split(b"\n")
    expected = []
    while lines and lines[0].startswith(b"# expect: "):
        expected.append(lines.pop(0).decode().removeprefix("# expect: "))
    return target, expected, b"\n".join(lines)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "factsite", *args], cwd=cwd, text=True, capture_output=True,
                          check=False, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def html_path(site: Path, slug: str) -> Path:
    return site / ("index.html" if slug == "index" else f"{slug}/index.html")


def soup_of(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup(html_path(site, slug).read_text(encoding="utf-8"), "html.parser")


def all_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if "search" not in p.parts)


def site_paths(site: Path) -> list[str]:
    """Every built HTML page as a URL path, plus the 404 page and the offline page."""
    paths = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return ["/" if p == "." else f"/{p}/" for p in paths] + ["/404.html", "/offline.html"]


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
