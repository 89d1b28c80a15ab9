"""Search quality in the real search box: top-1 / top-3 hit rates and time to results.

Builds the site (or takes --site-dir), serves it on 127.0.0.1, opens it in Debian's
Chromium and, for every query in tests/search_queries.yml, clears the search box, types
the query key by key, waits for the search worker to answer the last keystroke, and reads
the ranked result list as the reader sees it.

Latency is the time from the keydown of the query's last character to the first animation
frame after the worker's answer to that query (the frame that paints the results). Typing
goes on at a steady pace, so the worker may still be busy with the previous prefix, as it
would be for a real reader.

    .venv/bin/python -m benchmarks.search_quality                 # build, measure, record
    .venv/bin/python -m benchmarks.search_quality --site-dir site  # measure an existing build
    .venv/bin/python -m benchmarks.search_quality --cpu-slowdown 4 # a slow phone's CPU
    .venv/bin/python -m benchmarks.search_quality --heldout test   # the untouched half of the held-out set

tests/search_queries_heldout.yml was written by someone who never saw the tuned set or the search
settings. heldout_split() divides it with a fixed seed: tune on the "tune" half (and the old set)
only; report the "test" half, and never change a query or the seed to make it pass. The query sets
and the search box are tests/search_box.py, shared with tests/test_search.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.harness import chromium
from tests.search_box import (
    HELDOUT,
    KEY_DELAY_MS,
    QUERIES,
    Query,
    SearchBox,
    heldout_split,
    load_heldout,
    load_queries,
)

from .results import publish

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"top1": 0.90, "top3": 0.97, "p95_ms": 50.0}


@dataclass
class Outcome:
    query: Query
    slugs: list[str]
    latency_ms: float

    def rank(self) -> int | None:
        """1-based position of the first accepted page among the results, or None."""
        return next((i + 1 for i, s in enumerate(self.slugs) if s in self.query.accepted), None)


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def rate(self, k: int) -> float:
        hits = sum(1 for o in self.outcomes if (r := o.rank()) is not None and r <= k)
        return hits / len(self.outcomes)

    def latencies(self) -> list[float]:
        return sorted(o.latency_ms for o in self.outcomes)

    def median_ms(self) -> float:
        return statistics.median(self.latencies())

    def p95_ms(self) -> float:
        values = self.latencies()
        return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]

    def misses(self, k: int) -> list[Outcome]:
        return [o for o in self.outcomes if (r := o.rank()) is None or r > k]


def measure(browser: Any, base_url: str, queries: list[Query], cpu_slowdown: float = 1.0,
            paste: bool = False) -> Summary:
    box = SearchBox(browser, base_url, cpu_slowdown)
    try:
        summary = Summary()
        for q in queries:
            slugs, latency = box.search(q.query, paste)
            summary.outcomes.append(Outcome(q, slugs, latency))
        return summary
    finally:
        box.close()


def untuned_copy(site: Path, dest: Path) -> Path:
    """The same site with the engine given only the pages' text: no search terms, no lay vocabulary.

    The baseline for the tuning: same pages, same engine, same browser, measured in the same run.
    """
    shutil.copytree(site, dest)
    index_file = dest / "search" / "search_index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    index["config"]["vocabulary"] = []
    for doc in index["docs"]:
        doc["terms"] = []
    index_file.write_text(json.dumps(index), encoding="utf-8")
    return dest


def build_site(dest: Path) -> Path:
    from factsite.cli import cmd_build

    site = dest / "site"
    if cmd_build(ROOT, site, links=False) != 0:
        raise SystemExit("the site did not build")
    return site


def report(summary: Summary, label: str, show_misses: bool = True) -> str:
    n = len(summary.outcomes)
    top1, top3 = summary.rate(1), summary.rate(3)
    ok = (top1 >= TARGETS["top1"], top3 >= TARGETS["top3"], summary.p95_ms() < TARGETS["p95_ms"])
    mark = ["below target", "meets target"]
    lines = [
        f"| {label} | value | target |",
        "|---|---|---|",
        f"| queries | {n} | at least 60 |",
        f"| top-1 hit rate | {top1:.1%} ({round(top1 * n)}/{n}) | >= 90% ({mark[ok[0]]}) |",
        f"| top-3 hit rate | {top3:.1%} ({round(top3 * n)}/{n}) | >= 97% ({mark[ok[1]]}) |",
        f"| last keystroke to results painted, median | {summary.median_ms():.1f} ms | |",
        f"| last keystroke to results painted, p95 | {summary.p95_ms():.1f} ms | < 50 ms ({mark[ok[2]]}) |",
        f"| slowest query | {summary.latencies()[-1]:.1f} ms | |",
    ]
    misses = summary.misses(1) if show_misses else []
    if misses:
        lines += ["", "Queries whose first result is not an expected page (expected -> results, best first):", ""]
        for o in misses:
            where = f"rank {o.rank()}" if o.rank() else "not found"
            lines.append(f"- `{o.query.query}`: {o.query.expect} ({where}) -> {', '.join(o.slugs[:4]) or 'no results'}")
    return "\n".join(lines)


def comparison(runs: list[tuple[str, Summary]]) -> str:
    lines = ["| variant | top-1 | top-3 | median ms | p95 ms |", "|---|---|---|---|---|"]
    for label, s in runs:
        lines.append(f"| {label} | {s.rate(1):.1%} | {s.rate(3):.1%} | {s.median_ms():.1f} | {s.p95_ms():.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--heldout", choices=["tune", "test"],
                        help="measure a half of tests/search_queries_heldout.yml instead of --queries")
    parser.add_argument("--cpu-slowdown", type=float, default=1.0,
                        help="also measure with the CPU slowed down this many times, like a slow phone (e.g. 4)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the untuned baseline")
    parser.add_argument("--no-record", action="store_true", help="print only; leave benchmarks/RESULTS.md alone")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    from factsite.loopback import serve_folder

    if args.heldout:
        tune, test = heldout_split(load_heldout())
        queries, source = (tune if args.heldout == "tune" else test), f"the {args.heldout} half of `{HELDOUT.name}`"
    else:
        queries, source = load_queries(args.queries), f"`tests/{args.queries.name}`"
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site_dir or build_site(Path(tmp))
        started = time.perf_counter()
        with serve_folder(site) as base, chromium() as browser:
            runs = [("tuned (this site)", measure(browser, base, queries))]
            if args.cpu_slowdown > 1:
                runs.append((f"tuned, CPU slowed {args.cpu_slowdown:g}x",
                             measure(browser, base, queries, args.cpu_slowdown)))
        if not args.no_baseline:
            with serve_folder(untuned_copy(site, Path(tmp) / "untuned")) as base, chromium() as browser:
                runs.append(("baseline: no search terms, no vocabulary", measure(browser, base, queries)))
        elapsed = time.perf_counter() - started
    label, summary = runs[0]
    # The test half's misses are never printed: whoever tunes must not see which queries fail there.
    text = report(summary, label, show_misses=args.heldout != "test") + "\n\n" + comparison(runs) + "\n"
    text += (f"\nThe site's search engine (docs/assets/search/engine.js) in Material's search box, {len(queries)} "
             f"queries from {source} typed "
             f"key by key ({KEY_DELAY_MS} ms apart) into the search box in Debian Chromium, site served on "
             f"127.0.0.1; {elapsed:.0f} s in all, 1-minute load average {load:.1f} at the start on "
             f"{os.cpu_count()} CPUs (latency figures grow with other work on the machine). A hit is the expected "
             "page or one of its listed alternates. The baseline is the same build with the pages' search terms "
             "and the lay vocabulary removed from the search index. Reproduce: "
             "`.venv/bin/python -m benchmarks.search_quality` (add `--cpu-slowdown 4` for a slow phone's CPU).\n")
    section = f"search quality, held-out {args.heldout} half" if args.heldout else "search quality"
    publish(section, text, save=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
