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
only; report the "test" half, and never change a query or the seed to make it pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .results import publish

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "search_queries.yml"
HELDOUT = ROOT / "tests" / "search_queries_heldout.yml"
HELDOUT_SEED = 15  # fixed once, before any tuning; changing it would leak the test half
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TARGETS = {"top1": 0.90, "top3": 0.97, "p95_ms": 50.0}
KEY_DELAY_MS = 40  # faster than most readers type, so the worker is kept busy with each new prefix

# Runs in the page before Material's own scripts. It wraps the Worker constructor to count
# the queries sent to the search worker and the results it sends back (Material's message
# types: 0 setup, 1 ready, 2 query, 3 result), and stamps the frame that paints each result.
INIT_SCRIPT = """
(() => {
  const probe = window.__searchProbe = {ready: false, sent: 0, received: 0, painted: {}, lastKey: 0};
  document.addEventListener("keydown", () => { probe.lastKey = performance.now(); }, true);
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      this.addEventListener("message", ev => {
        const type = ev.data && ev.data.type;
        if (type === 1) probe.ready = true;
        if (type === 3) {
          const n = ++probe.received;
          requestAnimationFrame(() => { probe.painted[n] = performance.now(); });
        }
      });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 2) probe.sent++;
      return super.postMessage(message, ...rest);
    }
  };
})();
"""

# Every query sent to the worker has been answered, and the last answer has been painted.
_ANSWERED = ("(() => { const p = window.__searchProbe;"
             " return p.received === p.sent && p.painted[p.received] !== undefined; })()")

RESULT_LINKS = """
() => [...document.querySelectorAll(".md-search-result__list > li.md-search-result__item")]
  .map(li => li.querySelector("a.md-search-result__link").href)
"""


@dataclass(frozen=True)
class Query:
    query: str
    expect: str
    also: tuple[str, ...] = ()

    @property
    def accepted(self) -> set[str]:
        return {self.expect, *self.also}


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


def load_queries(path: Path = QUERIES) -> list[Query]:
    """The query set; raises ValueError naming every malformed entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise ValueError(f"{path}: expected a top-level 'queries:' list")
    problems: list[str] = []
    queries: list[Query] = []
    for i, entry in enumerate(data["queries"]):
        if not isinstance(entry, dict) or set(entry) - {"query", "expect", "also"} or not {"query", "expect"} <= set(
                entry):
            problems.append(f"queries[{i}]: needs 'query' and 'expect', and may have 'also' only: {entry!r}")
            continue
        also = entry.get("also", [])
        if not isinstance(entry["query"], str) or not entry["query"].strip() or not isinstance(entry["expect"], str) \
                or not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            problems.append(f"queries[{i}]: query and expect are text, also is a list of slugs: {entry!r}")
            continue
        queries.append(Query(entry["query"].strip(), entry["expect"], tuple(also)))
    seen: set[str] = set()
    for q in queries:
        if q.query.lower() in seen:
            problems.append(f"duplicate query: {q.query!r}")
        seen.add(q.query.lower())
    if problems:
        raise ValueError(f"{path}:\n" + "\n".join(problems))
    return queries


def load_heldout(path: Path = HELDOUT) -> list[Query]:
    """The held-out set: a list of {query, answers: [best page, other pages that answer it], ...}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of queries")
    problems, queries = [], []
    for i, entry in enumerate(data):
        answers = entry.get("answers") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(entry.get("query"), str) or not isinstance(answers, list) \
                or not answers or not all(isinstance(a, str) for a in answers):
            problems.append(f"[{i}]: needs 'query' (text) and 'answers' (a list of slugs): {entry!r}")
            continue
        queries.append(Query(entry["query"].strip(), answers[0], tuple(answers[1:])))
    if problems:
        raise ValueError(f"{path}:\n" + "\n".join(problems))
    return queries


def heldout_split(queries: list[Query]) -> tuple[list[Query], list[Query]]:
    """(tune, test): the held-out set shuffled with HELDOUT_SEED and cut in half."""
    order = list(range(len(queries)))
    random.Random(HELDOUT_SEED).shuffle(order)
    half = len(order) // 2
    return [queries[i] for i in sorted(order[:half])], [queries[i] for i in sorted(order[half:])]


def slug_of(url: str) -> str:
    """The page slug of a result link: '/causes/#alcohol' -> 'causes', '/' -> 'index'."""
    path = urlsplit(url).path.strip("/")
    return path.split("/")[0] if path else "index"


class SearchBox:
    """Material's search box on one open page, driven from the keyboard."""

    def __init__(self, browser: Any, base_url: str, cpu_slowdown: float = 1.0,
                 on_request: Callable[[Any], None] | None = None) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        if on_request is not None:
            self.page.context.on("request", on_request)  # the page's and its search worker's requests
        self.page.add_init_script(INIT_SCRIPT)
        if cpu_slowdown > 1:
            cdp = self.page.context.new_cdp_session(self.page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
        self.page.goto(base_url)
        self.input = self.page.locator("input.md-search__input")
        self.page.keyboard.press("/")  # Material's shortcut: opens the search and focuses the box
        self.page.wait_for_function("window.__searchProbe.ready", timeout=15_000)

    def search(self, text: str, paste: bool = False) -> tuple[list[str], float]:
        """Type `text` into the emptied box; return the result pages in order and the ms to show them.

        With `paste`, all but the last character arrive at once and the last is typed: the same final
        answer and the same last-keystroke timing, in a fraction of the time (for comparing engines).
        """
        page = self.page
        if self.input.input_value():
            page.keyboard.press("Control+A")
            page.keyboard.press("Backspace")
            page.wait_for_function(_ANSWERED, timeout=10_000)
        if paste and len(text) > 1:
            self.input.fill(text[:-1])
            page.keyboard.type(text[-1])
        else:
            page.keyboard.type(text, delay=KEY_DELAY_MS)
        page.wait_for_function(_ANSWERED, timeout=10_000)
        latency = page.evaluate("(() => { const p = window.__searchProbe;"
                                " return p.painted[p.received] - p.lastKey; })()")
        links: list[str] = page.evaluate(RESULT_LINKS)
        return [slug_of(u) for u in links], float(latency)

    def close(self) -> None:
        self.page.close()


@contextmanager
def launched() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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
        with serve_folder(site) as base, launched() as browser:
            runs = [("tuned (this site)", measure(browser, base, queries))]
            if args.cpu_slowdown > 1:
                runs.append((f"tuned, CPU slowed {args.cpu_slowdown:g}x",
                             measure(browser, base, queries, args.cpu_slowdown)))
        if not args.no_baseline:
            with serve_folder(untuned_copy(site, Path(tmp) / "untuned")) as base, launched() as browser:
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
