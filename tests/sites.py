"""A built site as files: its pages, a digest of every file, and a page-by-page comparison of two
builds (MkDocs and ProperDocs), written once for the tests and the benchmarks (see tests/harness.py
for which way the dependencies run).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

# Written by factsite's post-build step, not by the site engine: left out of the comparison. (sw.js holds the
# hash of every page, and the engines' pages differ in their generator line.)
POSTBUILD_SUFFIXES = (".gz", ".br")
POSTBUILD_FILES = {"_headers", "_nginx-headers.conf", "sw.js"}


def page_files(site: Path) -> list[Path]:
    """Every page of a built site (each folder's index.html), the home page first, then by address;
    not the 404 page."""
    pages = [p for p in site.rglob("index.html") if "search" not in p.relative_to(site).parts]
    return sorted(pages, key=lambda p: p.parent.relative_to(site).as_posix())


def page_paths(site: Path) -> list[str]:
    """The address of every page of a built site, as page_files orders them: '/', '/about/', ..."""
    folders = (p.parent.relative_to(site).as_posix() for p in page_files(site))
    return ["/" if f == "." else f"/{f}/" for f in folders]


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` by its relative path, with the sha256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def engine_files(site: Path) -> set[str]:
    """The files the site engine wrote (not the post-build step's copies and headers)."""
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


def compare_sites(first: Path, second: Path) -> Comparison:
    """Two builds page by page (the same pages, the same visible text) and file by file (the rest)."""
    a, b = engine_files(first), engine_files(second)
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


def _build(engine: str, root: Path, site_dir: Path) -> Path:
    """`ENGINE build --strict` of the project at `root` into `site_dir`."""
    run = subprocess.run([sys.executable, "-m", engine, "build", "--strict", "-f", "mkdocs.yml",
                          "--site-dir", str(site_dir)], cwd=root, capture_output=True, text=True, check=False,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"})
    if run.returncode != 0:
        raise RuntimeError(f"{engine} build failed:\n{run.stdout}{run.stderr}")
    return site_dir


def build_with_properdocs(root: Path, site_dir: Path) -> Path:
    return _build("properdocs", root, site_dir)


def build_with_mkdocs(root: Path, site_dir: Path) -> Path:
    return _build("mkdocs", root, site_dir)
