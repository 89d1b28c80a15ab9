"""The reader's own words and the real search box: the query sets, and Material's search box on
an open page, driven from the keyboard in Chromium. Shared by tests/test_search.py and the search
benchmarks (see tests/harness.py for which way the dependencies run).

tests/search_queries_heldout.yml was written by someone who never saw the tuned set or the search
settings. heldout_split() divides it with a fixed seed: tune on the "tune" half (and the old set)
only; report the "test" half, and never change a query or the seed to make it pass.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .harness import ROOT

QUERIES = ROOT / "tests" / "search_queries.yml"
HELDOUT = ROOT / "tests" / "search_queries_heldout.yml"
FRESH = ROOT / "tests" / "search_queries_fresh.yml"  # a second tuning set, written from the pages' headings only
THIRD = ROOT / "tests" / "search_queries_third.yml"  # a third tuning set, the same way, in other voices
HELDOUT_SEED = 15  # fixed once, before any tuning; changing it would leak the test half
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
ANSWERED = ("(() => { const p = window.__searchProbe;"
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


def load_fresh(path: Path = FRESH) -> list[Query]:
    """The second tuning set (or the third, from THIRD, in the same format): a list of
    {q, pages: [best page, other pages that answer it], voice, sign?}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(e, dict) and isinstance(e.get("q"), str)
                                             and isinstance(e.get("pages"), list) and e["pages"] for e in data):
        raise ValueError(f"{path}: expected a list of {{q: ..., pages: [...]}}")
    return [Query(e["q"].strip(), e["pages"][0], tuple(e["pages"][1:])) for e in data]


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
            page.wait_for_function(ANSWERED, timeout=10_000)
        if paste and len(text) > 1:
            self.input.fill(text[:-1])
            page.keyboard.type(text[-1])
        else:
            page.keyboard.type(text, delay=KEY_DELAY_MS)
        page.wait_for_function(ANSWERED, timeout=10_000)
        latency = page.evaluate("(() => { const p = window.__searchProbe;"
                                " return p.painted[p.received] - p.lastKey; })()")
        links: list[str] = page.evaluate(RESULT_LINKS)
        return [slug_of(u) for u in links], float(latency)

    def close(self) -> None:
        self.page.close()
