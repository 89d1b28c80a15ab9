"""Reproducible builds: the same input and SOURCE_DATE_EPOCH give a byte-identical site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import ROOT
from .sites import tree_digest

EPOCH = "1790000000"  # 2026-09-21 UTC
SITE_URL = "https://legcramps.example/guide/"


@pytest.mark.build
def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "SITE_URL": SITE_URL, "NO_MKDOCS_2_WARNING": "1"}
    sites = [tmp_path / "a" / "site", tmp_path / "b" / "site"]
    # Both builds at once: the same input, two processes, two folders.
    runs = [subprocess.Popen([sys.executable, "-m", "factsite", "--root", str(ROOT), "build", "--no-links",
                              "--site-dir", str(site)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True) for site in sites]
    for run in runs:
        out, _ = run.communicate(timeout=300)
        assert run.returncode == 0, out
    first, second = tree_digest(sites[0]), tree_digest(sites[1])
    assert len(first) > 30
    assert first.keys() == second.keys()
    differ = sorted(name for name in first if first[name] != second[name])
    assert not differ, f"files differ between two identical builds: {differ}"
    # The settings really reached the build: the date comes from SOURCE_DATE_EPOCH, URLs from SITE_URL.
    sitemap = (sites[0] / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}about/</loc>" in sitemap
    assert "<lastmod>2026-09-21</lastmod>" in sitemap
    assert f'<link rel="canonical" href="{SITE_URL}causes/">' in \
        (sites[0] / "causes" / "index.html").read_text(encoding="utf-8")
