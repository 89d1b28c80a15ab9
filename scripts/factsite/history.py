"""What a file said at the last commit, so the check can tell whether a page changed since.

The check compares each fact file with its committed version (`git show REV:PATH`; REV is
HEAD unless FACTSITE_CHANGES_SINCE names another commit, such as the branch a pull request
will merge into). Without git, outside a repository, or for a file new since REV, there is
nothing to compare with and the rule is skipped: it can only ask for a change entry when it
can see the change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

DEFAULT_REV = "HEAD"


def since() -> str:
    return os.environ.get("FACTSITE_CHANGES_SINCE") or DEFAULT_REV


def committed(root: Path, path: str, rev: str | None = None) -> bytes | None:
    """The bytes of `path` (relative to `root`) at `rev`, or None when they cannot be known."""
    git = shutil.which("git")
    if git is None or not (root / path).is_file():
        return None
    try:
        done = subprocess.run([git, "-C", str(root), "show", f"{rev or since()}:./{path}"],
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
