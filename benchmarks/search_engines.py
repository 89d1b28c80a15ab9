"""Search engines side by side, in one run, on the same query sets: which one finds the right page.

Engines, each on the same pages:

- lunr: Material's built-in search as tuned before this engine (synonym tags, a separator that drops
  stop words). Built from the last commit that shipped it (--lunr-from), with today's build code,
  and put into the real search box in Chromium (all but the last character at once, then the last one typed).
- pagefind: Pagefind's defaults over the built HTML (its index from `pagefind --site`), queried
  through its JavaScript API in Chromium. It joins query words with AND.
- minisearch-plain, orama: each library's defaults over the same search index, in Node
  (benchmarks/search_offline.mjs).
- site-no-vocab, site: this site's engine (docs/assets/search/engine.js) without and with the lay
  vocabulary, in Node; and the same engine in the real search box, as for lunr. Keystroke-by-keystroke
  timing is benchmarks/search_quality.py's job.

Reported for the old tuned set (tests/search_queries.yml) and both halves of the held-out set. The
engine was tuned on the tuning half and the old set only. The test half is reported, never shown
query by query: whoever tunes must not see which of its queries fail.

    .venv/bin/python -m benchmarks.search_engines            # needs `npm ci --ignore-scripts` in benchmarks/
    .venv/bin/python -m benchmarks.search_engines --no-record
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from tests.harness import chromium
from tests.search_box import HELDOUT, Query, heldout_split, load_heldout, load_queries, slug_of

from .results import publish
from .search_quality import Outcome, Summary, build_site, measure

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "benchmarks" / "node_modules"
LUNR_FROM = "38eaeb5"  # the last commit whose site searched with Material's lunr, tuned
NODE_ENGINES = ("minisearch-plain", "orama", "site-no-vocab", "site")

PAGEFIND_QUERY = """
async (q) => {
  window.__pagefind = window.__pagefind || await import("/pagefind/pagefind.js");
  const found = await window.__pagefind.search(q);
  const data = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  return data.map(d => d.url);
}
"""


def node_engine(site: Path, engine: str, queries: list[Query]) -> Summary:
    """One engine over the site's search index in Node; latency is the engine's own time per query."""
    started = time.perf_counter()
    out = subprocess.run(["node", str(ROOT / "benchmarks" / "search_offline.mjs"), str(site), engine],
                         input=json.dumps([q.query for q in queries]), capture_output=True, text=True, check=True,
                         cwd=ROOT / "benchmarks")
    per_query = (time.perf_counter() - started) * 1000 / max(1, len(queries))
    results = json.loads(out.stdout)
    return Summary([Outcome(q, [slug_of("http://x/" + u) for u in links], per_query)
                    for q, links in zip(queries, results, strict=True)])


def pagefind_site(site: Path, dest: Path) -> Path:
    """A copy of the site with Pagefind's index of its HTML, built with Pagefind's defaults."""
    copy = dest / "pagefind-site"
    subprocess.run(["cp", "-a", str(site), str(copy)], check=True)
    subprocess.run([str(NODE_MODULES / ".bin" / "pagefind"), "--site", str(copy)], check=True,
                   capture_output=True)
    return copy


def pagefind_engine(browser: Any, base_url: str, queries: list[Query]) -> Summary:
    page = browser.new_page()
    try:
        page.goto(base_url)
        outcomes = []
        for q in queries:
            started = time.perf_counter()
            urls = page.evaluate(PAGEFIND_QUERY, q.query)
            outcomes.append(Outcome(q, [slug_of(base_url.rstrip("/") + u) for u in urls],
                                    (time.perf_counter() - started) * 1000))
        return Summary(outcomes)
    finally:
        page.close()


def lunr_site(dest: Path, rev: str) -> Path:
    """The site as it searched at `rev` (Material's lunr, tuned), built with today's build code."""
    tree = dest / "lunr-tree"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    from factsite.cli import cmd_build

    site = dest / "lunr-site"
    if cmd_build(tree, site, links=False) != 0:
        raise SystemExit(f"the site at {rev} did not build")
    return site


def table(rows: list[tuple[str, dict[str, Summary]]], sets: list[str]) -> str:
    head = "| engine | " + " | ".join(f"{s} top-1 | {s} top-3" for s in sets) + " | empty lists | ms per query |"
    lines = [head, "|" + "---|" * (2 + 2 * len(sets) + 1)]
    for label, by_set in rows:
        cells = []
        for s in sets:
            summary = by_set[s]
            cells += [f"{summary.rate(1):.1%}", f"{summary.rate(3):.1%}"]
        empty = sum(1 for summary in by_set.values() for o in summary.outcomes if not o.slugs)
        ms = max(summary.median_ms() for summary in by_set.values())
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {empty} | {ms:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lunr-from", default=LUNR_FROM, help="commit whose site searched with lunr")
    parser.add_argument("--no-record", action="store_true", help="print only; leave benchmarks/RESULTS.md alone")
    args = parser.parse_args(argv)
    if not (NODE_MODULES / ".bin" / "pagefind").exists():
        raise SystemExit("run `npm ci --ignore-scripts` in benchmarks/ first")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    from factsite.loopback import serve_folder

    tune, test = heldout_split(load_heldout())
    sets = {"old set": load_queries(), "tuning half": tune, "test half": test}
    load = os.getloadavg()[0]
    started = time.perf_counter()
    rows: list[tuple[str, dict[str, Summary]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(Path(tmp))
        old = lunr_site(Path(tmp), args.lunr_from)
        with chromium() as browser:
            with serve_folder(old) as base:
                rows.append(("lunr, tuned (Material's search until now; search box)",
                             {name: measure(browser, base, qs, paste=True) for name, qs in sets.items()}))
            with serve_folder(pagefind_site(site, Path(tmp))) as base:
                rows.append(("Pagefind 1.6.0, defaults (AND of words)",
                             {name: pagefind_engine(browser, base, qs) for name, qs in sets.items()}))
        labels = {"minisearch-plain": "MiniSearch 7.2.0, defaults (OR, prefix, typos)",
                  "orama": "Orama 3.1.18, defaults (stemming, typos)",
                  "site-no-vocab": "this site's engine without the lay vocabulary",
                  "site": "this site's engine (MiniSearch + stemming + vocabulary + rules)"}
        for engine in NODE_ENGINES:
            rows.append((labels[engine], {name: node_engine(site, engine, qs) for name, qs in sets.items()}))
        with chromium() as browser, serve_folder(site) as base:
            rows.append(("this site's engine in the search box",
                         {name: measure(browser, base, qs, paste=True) for name, qs in sets.items()}))
    elapsed = time.perf_counter() - started
    text = table(rows, list(sets)) + "\n"
    text += (f"\n{len(sets['old set'])} queries in the old tuned set, {len(tune)} + {len(test)} in the halves of "
             f"`{HELDOUT.name}` (fixed seed). A hit is an expected page or a listed alternate, at rank 1 or within "
             "the first 3 pages listed. Empty lists count queries with no result at all. Time per query: for the "
             "search box, the median from the last keystroke to the results painted (the query pasted but for its "
             "last character); for Pagefind, the median "
             "API call in Chromium; for the Node engines, the whole run divided by the number of queries "
             f"(index building included). {elapsed:.0f} s in all, 1-minute load average {load:.1f} at the start "
             f"on {os.cpu_count()} CPUs. Reproduce: `npm ci --ignore-scripts` in benchmarks/, then "
             "`.venv/bin/python -m benchmarks.search_engines`.\n")
    publish("search engines compared", text, save=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
