"""Build the site with ProperDocs (a drop-in MkDocs 1.x fork) and compare it with the MkDocs build.

Material for MkDocs reaches end of life on 2027-05-05 and MkDocs 1.x is unmaintained; this shows
the same mkdocs.yml, hook, overrides and content build unchanged on the fork, page for page.

    .venv/bin/python -m benchmarks.portability

`tests/test_portability.py` runs the same comparison on every test run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from .results import publish

ROOT = Path(__file__).resolve().parents[1]
# Written by factsite's post-build step, not by the site engine: left out of the comparison. (sw.js holds the
# hash of every page, and the engines' pages differ in their generator line.)
POSTBUILD_SUFFIXES = (".gz", ".br")
POSTBUILD_FILES = {"_headers", "_nginx-headers.conf", "sw.js"}


@dataclass
class Comparison:
    pages: int = 0
    only_in_first: list[str] = field(default_factory=list)
    only_in_second: list[str] = field(default_factory=list)
    text_differs: list[str] = field(default_factory=list)
    other_files: int = 0
    other_files_differ: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.only_in_first or self.only_in_second or self.text_differs or self.other_files_differ)


def _engine_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*")
            if p.is_file() and not p.name.endswith(POSTBUILD_SUFFIXES) and p.name not in POSTBUILD_FILES}


def visible_text(html: str) -> str:
    """What a reader sees: the title and the body's text, scripts and styles removed, spaces collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text() if soup.title else ""
    body = soup.body.get_text(" ") if soup.body else ""
    return re.sub(r"\s+", " ", f"{title} {body}").strip()


def compare_sites(first: Path, second: Path) -> Comparison:
    a, b = _engine_files(first), _engine_files(second)
    result = Comparison()
    result.only_in_first = sorted(n for n in a - b if n.endswith(".html"))
    result.only_in_second = sorted(n for n in b - a if n.endswith(".html"))
    for name in sorted(a & b):
        if name.endswith(".html"):
            result.pages += 1
            texts = [visible_text((site / name).read_text(encoding="utf-8")) for site in (first, second)]
            if texts[0] != texts[1]:
                result.text_differs.append(name)
        else:
            result.other_files += 1
            if (first / name).read_bytes() != (second / name).read_bytes():
                result.other_files_differ.append(name)
    result.other_files_differ += sorted(n for n in a ^ b if not n.endswith(".html"))
    return result


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def build_with_properdocs(root: Path, site_dir: Path) -> Path:
    """`properdocs build --strict` of the project at `root` into `site_dir`."""
    run = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml",
                          "--site-dir", str(site_dir)], cwd=root, env=_env(), capture_output=True, text=True,
                         check=False)
    if run.returncode != 0:
        raise RuntimeError(f"properdocs build failed:\n{run.stdout}{run.stderr}")
    return site_dir


def build_with_mkdocs(root: Path, site_dir: Path) -> Path:
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
                         cwd=root, env=_env(), capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{run.stdout}{run.stderr}")
    return site_dir


def _version(module: str) -> str:
    from importlib.metadata import version

    return version(module)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        mk = build_with_mkdocs(ROOT, Path(tmp) / "mkdocs")
        t_mk = time.perf_counter() - t
        t = time.perf_counter()
        pd = build_with_properdocs(ROOT, Path(tmp) / "properdocs")
        t_pd = time.perf_counter() - t
        result = compare_sites(mk, pd)
        raw_differ = sorted(n for n in _engine_files(mk) & _engine_files(pd)
                            if (mk / n).read_bytes() != (pd / n).read_bytes())
        changed_lines = {line.strip() for n in raw_differ
                         for line in set((mk / n).read_text(encoding="utf-8").splitlines())
                         ^ set((pd / n).read_text(encoding="utf-8").splitlines())}
    generator_note = (" (only `<meta name=\"generator\">`)" if changed_lines
                      and all('name="generator"' in line for line in changed_lines) else "")
    verdict = "the same site" if result.same else "DIFFERENT sites"
    markdown = f"""
Command: `.venv/bin/python -m benchmarks.portability` (also run by `tests/test_portability.py`).
MkDocs {_version('mkdocs')} vs ProperDocs {_version('properdocs')}, both with Material {_version('mkdocs-material')},
the same `mkdocs.yml`, hook, overrides and content, each `build --strict`, no configuration change.

| | MkDocs | ProperDocs |
|---|---|---|
| build (wall, one run) | {t_mk:.2f} s | {t_pd:.2f} s |

Result: **{verdict}**. {result.pages} HTML pages in both; pages only in one build:
{len(result.only_in_first) + len(result.only_in_second)}; pages whose visible text (title + body) differs:
{len(result.text_differs)}; other files ({result.other_files}: search index, sitemap, theme assets) that differ
byte for byte: {len(result.other_files_differ)}. Files that differ in raw bytes at all: {len(raw_differ)};
the distinct lines that differ: {len(changed_lines)}{generator_note}.
"""
    publish("Portability: ProperDocs", markdown)
    return 0 if result.same else 1


if __name__ == "__main__":
    sys.exit(main())
