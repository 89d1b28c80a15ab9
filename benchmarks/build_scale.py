"""Build time and search index size on the real content and on generated content 10x and 100x its size.

    .venv/bin/python -m benchmarks.build_scale [--factors 1,10,100]

Each scale is a temporary copy of the project whose content/ and data/sources.yml hold the real
files plus generated ones: copies of the real topic pages with new slugs, new claim ids, new
titles and their own copies of the sources they cite, so everything goes through the real schema,
checks, templates, hook and theme. Times are wall-clock seconds of one run each (the 100x build
is long); `check` is `factsite check`, `build` is `mkdocs build --strict` (which checks and renders
again through the hook, then writes the site).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from tests.sites import page_files

from .results import publish

ROOT = Path(__file__).resolve().parents[1]
# Pages that other pages point into, or that are the site's own home: never copied.
NOT_COPIED = {"index", "when-to-see-a-doctor"}


def _suffix_ids(node: Any, k: int, source_ids: set[str]) -> Any:
    """A deep copy with claim ids and cited source ids made unique for copy number k."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "id" and isinstance(value, str):
                out[key] = f"{value}-x{k}"
            elif key == "sources" and isinstance(value, list):
                out[key] = [f"{s}-x{k}" for s in value]
                source_ids.update(value)
            else:
                out[key] = _suffix_ids(value, k, source_ids)
        return out
    if isinstance(node, list):
        return [_suffix_ids(v, k, source_ids) for v in node]
    return node


def make_project(dest: Path, factor: int) -> int:
    """A copy of the project with about `factor` times the topic pages; returns the number of topic pages."""
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(ROOT / "scripts", dest / "scripts", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "data", dest / "data")
    real = sorted(p for p in (ROOT / "content").glob("*.yml") if not p.name.startswith("_"))
    templates = [p for p in real if p.stem not in NOT_COPIED]
    wanted = len(real) * factor - len(real)
    sources = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in sources}
    extra_sources: list[dict[str, Any]] = []
    for n in range(wanted):
        src = templates[n % len(templates)]
        k = n // len(templates) + 1
        facts = yaml.safe_load(src.read_text(encoding="utf-8"))
        cited: set[str] = set()
        copy = _suffix_ids(facts, k, cited)
        page = copy["page"]
        page["title"] = f"{page['title']} (copy {k})"
        if page.get("nav_title"):
            page["nav_title"] = f"{page['nav_title']} {k}"
        page["order"] = 1000 + n
        # The glossary may cite sources that pages also cite; copies cite only their own copies.
        for sid in sorted(cited):
            s = dict(by_id[sid], id=f"{sid}-x{k}")
            s["url"] = f"{s['url']}{'&' if '?' in s['url'] else '?'}copy={k}"
            extra_sources.append(s)
        (dest / "content" / f"{src.stem}-copy-{k}.yml").write_text(
            yaml.safe_dump(copy, allow_unicode=True, sort_keys=False), encoding="utf-8")
    unique = {s["id"]: s for s in extra_sources}
    if unique:
        with open(dest / "data" / "sources.yml", "a", encoding="utf-8") as f:
            f.write("\n" + yaml.safe_dump(list(unique.values()), allow_unicode=True, sort_keys=False))
    return len(real) + wanted


def _run(args: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    t = time.perf_counter()
    run = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    return elapsed


def measure(factor: int, tmp: Path) -> dict[str, float]:
    project = tmp / f"x{factor}"
    topics = make_project(project, factor)
    check_s = _run([sys.executable, "-m", "factsite", "--root", str(project), "check"], project)
    build_s = _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
                   project)
    site = project / "site"
    pages = page_files(site)
    index = (site / "search" / "search_index.json").read_bytes()
    docs = len(json.loads(index)["docs"])
    html_bytes = sum(p.stat().st_size for p in pages)
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    shutil.rmtree(project)
    return {"factor": factor, "topics": topics, "pages": len(pages), "check": check_s, "build": build_s,
            "per_page_ms": 1000 * build_s / len(pages), "index_raw": len(index),
            "index_gz": len(gzip.compress(index, 9, mtime=0)), "index_docs": docs,
            "html_avg": html_bytes / len(pages), "site": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,10,100")
    args = parser.parse_args(argv)
    factors = [int(f) for f in args.factors.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in factors:
            row = measure(factor, Path(tmp))
            print(f"x{factor}: {row['pages']} pages, build {row['build']:.1f} s", flush=True)
            rows.append(row)
    base = rows[0]
    table = ["| scale | topic pages | HTML pages | `factsite check` | `mkdocs build --strict` | ms per page | "
             "time vs x1 (pages vs x1) | search index raw / gzip | index per page | avg page HTML | site size |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(
            f"| x{r['factor']} | {r['topics']} | {r['pages']} | {r['check']:.2f} s | {r['build']:.2f} s | "
            f"{r['per_page_ms']:.0f} | {r['build'] / base['build']:.1f}× ({r['pages'] / base['pages']:.1f}×) | "
            f"{r['index_raw'] / 1024:,.0f} KB / {r['index_gz'] / 1024:,.0f} KB | "
            f"{r['index_raw'] / r['pages'] / 1024:.1f} KB | {r['html_avg'] / 1024:.0f} KB | "
            f"{r['site'] / 1024 / 1024:.1f} MB |")
    last = rows[-1]
    marginal = [(b["build"] - a["build"]) / (b["pages"] - a["pages"]) * 1000 for a, b in itertools.pairwise(rows)]
    verdict = ("roughly linear" if last["per_page_ms"] <= 1.5 * rows[min(1, len(rows) - 1)]["per_page_ms"]
               else "superlinear")
    markdown = f"""
Command: `.venv/bin/python -m benchmarks.build_scale` (one run per scale; generated copies of the real topic
pages, each with its own ids, title and copies of its sources, through the real schema, templates and theme).

{chr(10).join(table)}

Marginal build cost per added page: {', '.join(f'{m:.0f} ms' for m in marginal)} (between successive scales).
Build time is **{verdict}** in the number of pages: every page carries the whole navigation, so page HTML
grows with the site ({base['html_avg'] / 1024:.0f} KB at x1, {last['html_avg'] / 1024:.0f} KB at
x{last['factor']}) and so does the time to write it. The search index grows linearly (about
{last['index_raw'] / last['pages'] / 1024:.1f} KB raw per page) and is held back until the reader searches. Its gzip
size understates real growth: copied text compresses far better than new text would.
"""
    publish("Build time and scale", markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
