"""The commands editors run: exit codes, one located line per problem, site/ kept on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factsite.cli import main

from .sites import tree_digest
from .support import run_cli


def remove_sources_of_first_claim(project: Path) -> None:
    causes = project / "content" / "causes.yml"
    causes.write_text(causes.read_text().replace("        sources: [nhs-leg-cramps]\n", "", 1))




def test_check_passes_on_valid_content(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project), "check"]) == 0
    out = capsys.readouterr().out
    assert "content/index.yml: reading grade" in out
    assert "OK: 3 pages, 9 claims, 3 sources, every claim cited." in out


def test_uncited_claim_fails_check_with_one_located_line(project: Path) -> None:
    remove_sources_of_first_claim(project)
    done = run_cli("check", cwd=project)
    assert done.returncode == 1
    problem_lines = [line for line in done.stderr.splitlines() if line.startswith("content/")]
    assert problem_lines == ["content/causes.yml:16:9: sections[0].claims[0].sources: a claim needs at least one "
                             "source (add an id from data/sources.yml)"]
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.build
def test_failed_build_leaves_the_last_good_site_byte_for_byte(project: Path) -> None:
    good = run_cli("build", cwd=project)
    assert good.returncode == 0, good.stdout + good.stderr
    before = tree_digest(project / "site")
    assert "causes/index.html" in before

    remove_sources_of_first_claim(project)
    bad = run_cli("build", cwd=project)
    assert bad.returncode == 1
    assert "content/causes.yml:16:9: sections[0].claims[0].sources: a claim needs at least one source" in bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr
    assert tree_digest(project / "site") == before
    assert not (project / ".site-new").exists()


def test_mkdocs_itself_refuses_invalid_content(project: Path) -> None:
    """`mkdocs build` (and so `mkdocs serve`) runs the same check as `make check`."""
    remove_sources_of_first_claim(project)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "out"], cwd=project,
                          text=True, capture_output=True, check=False, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 1
    assert "content/causes.yml:16:9: sections[0].claims[0].sources: a claim needs at least one source" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.build
def test_broken_anchor_fails_the_strict_build(project: Path) -> None:
    about = project / "docs" / "about.md"
    about.write_text(about.read_text() + "\n[Broken](when-to-see-a-doctor.md#no-such-sign)\n")
    done = run_cli("build", cwd=project)
    assert done.returncode == 1
    assert ("WARNING -  Doc file 'about.md' contains a link 'when-to-see-a-doctor.md#no-such-sign', but the doc "
            "'when-to-see-a-doctor.md' does not contain an anchor '#no-such-sign'.") in done.stderr.splitlines()
    assert "Build failed: site/ was left as it was." in done.stderr
    assert not (project / "site").exists()


def test_render_writes_the_generated_pages(project: Path, tmp_path: Path) -> None:
    assert main(["--root", str(project), "render", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.md")) == [
        "causes.md", "changes.md", "glossary.md", "index.md", "sources.md", "symptom-index.md",
        "when-to-see-a-doctor.md"]
