"""Build the site with ProperDocs (a drop-in MkDocs 1.x fork) and compare it with the MkDocs build.

Material for MkDocs reaches end of life on 2027-05-05 and MkDocs 1.x is unmaintained; this shows
the same mkdocs.yml, hook, overrides and content build unchanged on the fork, page for page.

    .venv/bin/python -m benchmarks.portability

`tests/test_portability.py` runs the same comparison (tests/sites.py) on every test run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.sites import build_with_mkdocs, build_with_properdocs, compare_sites, engine_files

from .results import publish

ROOT = Path(__file__).resolve().parents[1]


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
        raw_differ = sorted(n for n in engine_files(mk) & engine_files(pd)
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
