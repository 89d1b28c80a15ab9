"""ruff and mypy are part of the suite, so the standard holds on every run."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_ruff_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "scripts", "tests", "benchmarks"], cwd=ROOT,
                          text=True, capture_output=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, text=True, capture_output=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
