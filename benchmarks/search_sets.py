"""The site's search engine on every query set, against the same engine without the lay vocabulary.

    .venv/bin/python -m benchmarks.search_sets
    .venv/bin/python -m benchmarks.search_sets --no-record

Builds the site, then runs docs/assets/search/engine.js in Node over the built index
(benchmarks/search_offline.mjs; no npm install needed for this engine) for five sets: the old tuned
set, the tuning half of the held-out set, the second tuning set (tests/search_queries_fresh.yml), the
third tuning set (tests/search_queries_third.yml), and the held-out test half. The first four are
tuning data and flatter; the test half is the honest
measure and is only ever reported as a whole, never query by query. The baseline, measured in the
same run, is the same engine with data/vocabulary.yml left out.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.search_box import THIRD, heldout_split, load_fresh, load_heldout, load_queries

from .results import publish
from .search_engines import node_engine
from .search_quality import Summary, build_site


def row(label: str, results: dict[str, Summary]) -> str:
    cells = " | ".join(f"{100 * s.rate(1):.1f} | {100 * s.rate(3):.1f}" for s in results.values())
    empty = sum(1 for s in results.values() for o in s.outcomes if not o.slugs)
    return f"| {label} | {cells} | {empty} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-record", action="store_true", help="print only; leave benchmarks/RESULTS.md alone")
    args = parser.parse_args()
    tune, test = heldout_split(load_heldout())
    sets = {"old set": load_queries(), "tuning half": tune, "second tuning set": load_fresh(),
            "third tuning set": load_fresh(THIRD), "test half": test}
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(Path(tmp))
        results = {engine: {name: node_engine(site, engine, qs) for name, qs in sets.items()}
                   for engine in ("site-no-vocab", "site")}
    head = "| engine | " + " | ".join(f"{name} top-1 | {name} top-3" for name in sets) + " | empty lists |"
    text = "\n".join([head, "|" + "---|" * (2 + 2 * len(sets)),
                      row("without the vocabulary (baseline)", results["site-no-vocab"]),
                      row("the site's search", results["site"])])
    text += ("\n\n" + ", ".join(f"{len(qs)} queries in the {name}" for name, qs in sets.items()) +
             ". A hit is an expected page or a listed alternate, at rank 1 or within the first 3. The first four "
             "sets are tuning data; only the test half is an honest measure, and its misses are never printed.\n")
    publish("Search on every query set", "Command: `.venv/bin/python -m benchmarks.search_sets`.\n\n" + text,
            save=not args.no_record)


if __name__ == "__main__":
    main()
