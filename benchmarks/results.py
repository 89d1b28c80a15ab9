"""Write one benchmark's figures into its own section of benchmarks/RESULTS.md.

Each benchmark owns the text between its two markers, so several scripts can record
into the same file without overwriting each other's figures.
"""

from __future__ import annotations

import platform
import re
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "RESULTS.md"
HEADER = "# Benchmark results\n\nWritten by the scripts in benchmarks/; each section says how to reproduce it.\n"


def record(name: str, markdown: str) -> None:
    """Replace (or add) the section called `name` with `markdown`, stamped with date and machine."""
    stamp = f"_Recorded {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, " \
            f"Python {platform.python_version()}._\n\n"
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    section = f"{begin}\n{stamp}{markdown.strip()}\n{end}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + f"\n\n{section}\n"
    RESULTS.write_text(text, encoding="utf-8")


def publish(name: str, markdown: str, save: bool = True) -> None:
    """Print a benchmark's figures and, unless told not to, record them under `name`."""
    print()
    print(markdown)
    if save:
        record(name, markdown)
