"""Time and peak memory of `factsite check` on hostile YAML, against the same check on valid content.

    .venv/bin/python -m benchmarks.hostile_input [--no-save]

Each case is a copy of tests/fixtures/valid with content/causes.yml replaced by the hostile
input; the baseline is the unchanged copy, checked in the same run. Wall-clock seconds and the
child's peak resident memory (from wait4) of one run each; every hostile case must also exit 1
with a located message and no traceback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .results import publish

ROOT = Path(__file__).resolve().parents[1]
VALID = ROOT / "tests" / "fixtures" / "valid"
MB = 1_000_000

CASES: dict[str, tuple[str, Callable[[], str | bytes]]] = {
    "alias-bomb": ("10 levels of 10 aliases each: 10^10 values from 400 bytes",
                   lambda: "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
                       f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 11))),
    "recursive-alias": ("a list that holds itself", lambda: "a: &a [*a, *a]\n"),
    "deep-flow": ("10,000 nested [ ]", lambda: "a: " + "[" * 10_000 + "]" * 10_000 + "\n"),
    "deep-block": ("900 nested keys", lambda: "".join("  " * i + f"k{i}:\n" for i in range(900)) + "x: 1\n"),
    "just-under-1-MB": ("a list of 6,000 long strings",
                        lambda: "- " + "\n- ".join(["word " * 30] * (MB // 160)) + "\n"),
    "50 MB": ("one 50 MB string", lambda: "a: " + "x" * (50 * MB) + "\n"),
    "hidden-characters": ("100,000 bidi overrides", lambda: "a: " + "\u202e" * 100_000 + "\n"),
    "utf-16": ("the valid file saved as UTF-16",
               lambda: (VALID / "content" / "causes.yml").read_text(encoding="utf-8").encode("utf-16")),
}


def run_check(project: Path) -> tuple[float, int, int, str]:
    """(seconds, peak KiB, exit code, stderr) of one `factsite check`."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-m", "factsite", "check"], cwd=project,
                                 stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return time.perf_counter() - started, usage.ru_maxrss, child.returncode, stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-save", action="store_true", help="print only; do not write RESULTS.md")
    args = parser.parse_args()
    rows = []
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "valid"
        shutil.copytree(VALID, base)
        seconds, kib, code, _ = run_check(base)
        rows.append(f"| baseline: the valid fixture | {seconds:.2f} | {kib / 1024:.0f} | {code} | |")
        for name, (what, make) in CASES.items():
            project = Path(tmp) / name
            shutil.copytree(VALID, project)
            body = make()
            target = project / "content" / "causes.yml"
            target.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
            seconds, kib, code, stderr = run_check(project)
            message = next((line for line in stderr.splitlines() if line.startswith("content/causes.yml")), "")
            if code != 1 or not message or "Traceback" in stderr:
                failures.append(name)
            shown = message.split(": ", 1)[-1][:90].replace("|", "\\|")
            rows.append(f"| {name}: {what} | {seconds:.2f} | {kib / 1024:.0f} | {code} | {shown} |")
    table = "\n".join([
        "`factsite check` on hostile input (`.venv/bin/python -m benchmarks.hostile_input`). One run each; "
        "the limits are in `scripts/factsite/load.py` (1 MB per file, 32 levels, 100,000 values, no hidden "
        "characters). The security review measured the alias bomb before the limits at 87 s and 3.5 GiB.",
        "",
        "| input | seconds | peak MiB | exit | first line of the report |",
        "|---|---|---|---|---|",
        *rows,
    ])
    publish("Hostile input", table, save=not args.no_save)
    if failures:
        print(f"not refused cleanly: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
