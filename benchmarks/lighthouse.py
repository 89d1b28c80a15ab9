"""Lighthouse scores of the built site as readers get it: nginx with deploy/nginx.conf, against a minimal page.

    (cd benchmarks && npm ci --ignore-scripts)     # once: Lighthouse 12.8.2, pinned in benchmarks/package-lock.json
    .venv/bin/python -m benchmarks.lighthouse      # build, serve, measure every page, record (about 15 minutes)
    .venv/bin/python -m benchmarks.lighthouse --runs 1 --pages home,about --no-record   # a quicker look

The site is built into a temporary folder (or `site/` is copied there when it is newer than every
input), and a baseline is added next to it: a hand-written page with the same article as
/when-to-see-a-doctor/ (benchmarks.weight.minimal_page), its CSS in one small file because the
site's Content-Security-Policy forbids inline styles, precompressed like the rest. Debian's nginx
serves both with the project's config (deploy/run-nginx.sh), so compression, caching and the
security headers are the real ones.

Lighthouse (npm, pinned; runs on Node >= 18.16) drives Debian's Chromium (CHROME_PATH, never a
downloaded browser) on each page, one run at a time: mobile (Lighthouse's default: a Moto G Power
screen, simulated slow 4G and a 4x slower CPU), then desktop (`--preset=desktop`). Mobile, the target,
is run `--runs` times (default 3) and the run with the median performance score is kept, as
Lighthouse advises; desktop once. All four categories are recorded, with FCP, LCP, TBT, CLS and the
transferred bytes, and every accessibility, best-practices and SEO audit that scored below 1.

Only 127.0.0.1 is contacted: Chromium starts with background networking, component updates and
sync off, every other host is sent to a closed loopback port (`--proxy-server`; loopback itself
bypasses a proxy), Lighthouse's error reporting is off, and every request a page made is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from factsite import postbuild
from factsite.cli import cmd_build
from tests.harness import CHROMIUM, CHROMIUM_ARGS, NGINX
from tests.sites import page_paths

from .load import nginx_url
from .results import publish
from .weight import MINIMAL_CSS, minimal_page, page_list

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS,
                # Any request to another host goes to a closed loopback port and fails at once.
                "--proxy-server=http://127.0.0.1:9"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "Perf", "accessibility": "A11y", "best-practices": "BP", "seo": "SEO"}
BASELINE_OF = "/when-to-see-a-doctor/"
BASELINE_DIR = "lighthouse-baseline"
BASELINE_NAME = "minimal page (baseline)"
RUN_TIMEOUT = 150  # seconds for one Lighthouse run
INPUTS = ("content", "data", "docs", "scripts", "mkdocs.yml")


@dataclass
class Run:
    scores: dict[str, int]
    metrics: dict[str, float]
    failing: list[tuple[str, str, str, float]]  # (category, audit id, title, score) below 1, not performance
    perf_failing: list[tuple[str, str, float, str]]  # (metric id, title, score, value) weighted metrics below 1
    main_thread: list[tuple[str, float]]  # (script url, ms of main-thread time), biggest first
    blocking: list[tuple[str, float]]  # (url, estimated ms) of requests that hold back the first paint
    foreign: list[str]
    warnings: list[str]
    benchmark_index: float


@dataclass
class Row:
    page: str
    form_factor: str
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> Run:
        ordered = sorted(self.runs, key=lambda r: r.scores["performance"])
        return ordered[(len(ordered) - 1) // 2]


def parse(report: dict[str, Any], origin: str) -> Run:
    if report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse: {report['runtimeError']}")
    audits = report["audits"]
    scores = {}
    for name in CATEGORIES:
        score = report["categories"][name]["score"]
        if score is None:
            raise RuntimeError(f"Lighthouse gave no {name} score: {report.get('runWarnings')}")
        scores[name] = round(score * 100)
    metrics = {name: float(audits[name]["numericValue"]) for name in (
        "first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
        "speed-index", "total-byte-weight")}
    failing = []
    perf_failing = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = audits[ref["id"]]
            if audit["score"] is None or audit["score"] >= 1:
                continue
            if name == "performance":
                if ref.get("weight", 0) > 0:
                    perf_failing.append((ref["id"], audit["title"], audit["score"], audit.get("displayValue", "")))
            else:
                failing.append((name, ref["id"], audit["title"], audit["score"]))
    boot = audits["bootup-time"].get("details") or {}
    main_thread = [(str(item["url"]), float(item["total"])) for item in boot.get("items", [])]
    held = (audits["render-blocking-insight"].get("details") or {}).get("items", [])
    blocking = [(str(item["url"]), float(item.get("wastedMs") or 0)) for item in held if "url" in item]
    requests = (audits["network-requests"].get("details") or {}).get("items", [])
    foreign = [str(r["url"]) for r in requests
               if urlsplit(str(r["url"])).scheme in ("http", "https", "ws", "wss")
               and urlsplit(str(r["url"])).netloc != urlsplit(origin).netloc]
    return Run(scores, metrics, failing, perf_failing, main_thread, blocking, foreign,
               [str(w) for w in report.get("runWarnings", [])], float(report["environment"]["benchmarkIndex"]))


def lighthouse(url: str, form_factor: str, out: Path) -> dict[str, Any]:
    args = [str(LIGHTHOUSE), url, f"--chrome-flags={' '.join(CHROME_FLAGS)}",
            f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={out}",
            "--no-enable-error-reporting", "--disable-full-page-screenshot", "--quiet"]
    if form_factor == "desktop":
        args.append("--preset=desktop")
    done = subprocess.run(args, cwd=out.parent, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False,
                          env={**os.environ, "CHROME_PATH": CHROMIUM})
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"Lighthouse failed on {url} ({form_factor}): {done.stderr[-2000:] or done.stdout[-2000:]}")
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return report


def newest_input() -> float:
    newest = 0.0
    for name in INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        newest = max([newest, *(p.stat().st_mtime for p in files)])
    return newest


def prepare_site(work: Path, reuse: Path | None) -> Path | None:
    """A built site in `work`, with the baseline page added. None if the build failed."""
    site = work / "site"
    if reuse is not None:
        print(f"Copying {reuse} (built after the last change to {', '.join(INPUTS)})", flush=True)
        shutil.copytree(reuse, site)
    elif cmd_build(ROOT, site, links=False) != 0:
        return None
    source = site / BASELINE_OF.strip("/") / "index.html"
    html = minimal_page(site, source, page_list(site)).decode("utf-8")
    # The site's policy allows no inline style: the baseline's CSS becomes one small file.
    html = re.sub(r"<style>.*?</style>", f'<link rel="stylesheet" href="/{BASELINE_DIR}/minimal.css">', html,
                  count=1, flags=re.S)
    folder = site / BASELINE_DIR
    folder.mkdir()
    for name, text in (("index.html", html), ("minimal.css", MINIMAL_CSS.strip() + "\n")):
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        (folder / f"{name}.gz").write_bytes(postbuild.gzip_bytes(data))
        (folder / f"{name}.br").write_bytes(postbuild.brotli_bytes(data))
    return site


def pages_of(site: Path) -> dict[str, str]:
    """Every page of the built site as name -> URL path ("home" for the front page), in site order."""
    pages = {}
    for path in page_paths(site):
        if path.split("/")[1] != BASELINE_DIR:
            pages["home" if path == "/" else path.strip("/")] = path
    return dict(sorted(pages.items(), key=lambda item: (item[0] != "home", item[0])))


def fmt_ms(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def score(value: int) -> str:
    return f"**{value}**" if value == 100 else str(value)


def table(rows: list[Row]) -> str:
    lines = ["| page | form factor | Perf | A11y | BP | SEO | FCP | LCP | TBT | CLS | Speed Index | bytes (KB) "
             "| Perf over runs |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        m = row.median
        perf = sorted(r.scores["performance"] for r in row.runs)
        spread = f"{perf[0]}–{perf[-1]} ({len(perf)} runs)" if len(perf) > 1 else "1 run"
        lines.append(
            f"| {row.page} | {row.form_factor} | "
            + " | ".join(score(m.scores[c]) for c in CATEGORIES)
            + f" | {fmt_ms(m.metrics['first-contentful-paint'])} | {fmt_ms(m.metrics['largest-contentful-paint'])}"
            f" | {fmt_ms(m.metrics['total-blocking-time'])} | {m.metrics['cumulative-layout-shift']:.3f}"
            f" | {fmt_ms(m.metrics['speed-index'])} | {m.metrics['total-byte-weight'] / 1024:.1f} | {spread} |")
    return "\n".join(lines)


def failing_audits(rows: list[Row]) -> str:
    where: dict[tuple[str, str, str], list[str]] = {}
    for row in rows:
        for category, audit, title, value in row.median.failing:
            where.setdefault((category, audit, title), []).append(f"{row.page} {row.form_factor} ({value:.2f})")
    lines = []
    for category in CATEGORIES[1:]:
        found = [(k, v) for k, v in where.items() if k[0] == category]
        if not found:
            lines.append(f"- {category}: none below 1 on any page.")
        for (_, audit, title), places in sorted(found):
            lines.append(f"- {category}: `{audit}` \"{title}\": {', '.join(places)}")
    return "\n".join(lines)


def performance_notes(rows: list[Row], origin: str) -> str:
    lines = []
    for row in rows:
        if row.form_factor != "mobile" or row.median.scores["performance"] == 100:
            continue
        m = row.median
        metrics = "; ".join(f"{title} {value} (score {s:.2f})" for _, title, s, value in m.perf_failing)
        top = ", ".join(f"`{url.removeprefix(origin)}` {fmt_ms(ms)}" for url, ms in m.main_thread[:3])
        held = ", ".join(f"`{url.removeprefix(origin)}`" for url, _ in m.blocking) or "none"
        lines.append(f"- {row.page}: {metrics}. Main-thread time (4x CPU slowdown) by script: {top}. "
                     f"Render-blocking requests: {held}.")
    return "\n".join(lines) or "- none: every mobile page scored 100 for performance."


def versions() -> str:
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    lh = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=False).stdout.strip()
    ngx = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=False).stderr.strip()
    return f"Lighthouse {lh} on Node {node.lstrip('v')}, {chromium}, {ngx.removeprefix('nginx version: ')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="mobile runs per page; the median is kept (default 3)")
    parser.add_argument("--site-dir", type=Path,
                        help="measure this build (copied; default: site/ if newer than every input, else a new build)")
    parser.add_argument("--pages", help="comma-separated page names to measure, e.g. home,about (default: every page)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave benchmarks/RESULTS.md alone")
    args = parser.parse_args(argv)
    if args.pages and not args.no_record:
        parser.error("--pages measures part of the site: add --no-record")
    if not 1 <= args.runs <= 5:
        parser.error("--runs must be 1 to 5")
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `npm ci --ignore-scripts` in benchmarks/", file=sys.stderr)
        return 1
    for tool, package in ((CHROMIUM, "chromium"), (NGINX, "nginx")):
        if not Path(tool).exists():
            print(f"{package} is not installed (apt-get install {package})", file=sys.stderr)
            return 1
    reuse = args.site_dir.resolve() if args.site_dir else None
    default_site = ROOT / "site"
    if reuse is None and (default_site / "index.html").exists() \
            and (default_site / postbuild.NGINX_INCLUDE).stat().st_mtime > newest_input():
        reuse = default_site
    if reuse is not None and not (reuse / postbuild.NGINX_INCLUDE).exists():
        print(f"{reuse} was not built by `factsite build` (no {postbuild.NGINX_INCLUDE})", file=sys.stderr)
        return 1

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        work = Path(tmp)
        site = prepare_site(work, reuse)
        if site is None:
            return 1
        pages = pages_of(site)
        if args.pages:
            wanted = [name.strip() for name in args.pages.split(",") if name.strip()]
            unknown = [name for name in wanted if name not in pages]
            if unknown:
                print(f"No such page: {', '.join(unknown)} (pages: {', '.join(pages)})", file=sys.stderr)
                return 1
            pages = {name: pages[name] for name in wanted}
        pages[BASELINE_NAME] = f"/{BASELINE_DIR}/"
        with nginx_url(site, work) as origin:
            for form_factor, runs in (("mobile", args.runs), ("desktop", 1)):
                for page, path in pages.items():
                    row = Row(page, form_factor)
                    for _ in range(runs):
                        run = parse(lighthouse(origin + path, form_factor, work / "report.json"), origin)
                        row.runs.append(run)
                        print(f"{form_factor:<8} {page:<24} " + " ".join(
                            f"{SHORT[c]} {run.scores[c]:>3}" for c in CATEGORIES)
                            + f"  TBT {fmt_ms(run.metrics['total-blocking-time'])}", flush=True)
                    rows.append(row)
    elapsed = time.perf_counter() - started

    all_runs = [r for row in rows for r in row.runs]
    foreign = sorted({u for r in all_runs for u in r.foreign})
    warnings = sorted({w for r in all_runs for w in r.warnings})
    mobile = [row for row in rows if row.form_factor == "mobile" and row.page != BASELINE_NAME]
    below = [f"{row.page} {SHORT[c]} {row.median.scores[c]}" for row in mobile for c in CATEGORIES
             if row.median.scores[c] < 100]
    verdict = "**met**" if not below else f"**not met** ({'; '.join(below)})"
    mobile_runs = [r for row in mobile for r in row.runs]
    perfect = sum(r.scores["performance"] == 100 for r in mobile_runs)
    by = {(row.page, row.form_factor): row.median for row in rows}
    base = by[(BASELINE_NAME, "mobile")]
    doctor = by.get((BASELINE_OF.strip("/"), "mobile"), base)
    index = statistics.median(r.benchmark_index for r in all_runs)
    built = "`site/` copied" if reuse else "a fresh build in a temporary folder"  # no machine paths in results
    markdown = "\n".join([
        "Command: `.venv/bin/python -m benchmarks.lighthouse` (after `npm ci --ignore-scripts` in `benchmarks/`); "
        f"{elapsed / 60:.1f} minutes for {len(all_runs)} Lighthouse runs, one at a time, on this "
        f"{os.cpu_count()}-core machine (1-minute load average {load_before:.1f} at the start; Lighthouse "
        f"benchmark index {index:.0f}). Other work on the machine raises TBT: measure on a quiet machine.",
        f"{versions()}. Served from {built} by nginx with `deploy/nginx.conf` (precompressed files, security "
        "headers) on 127.0.0.1. Mobile: Lighthouse's default emulation (Moto G Power, simulated 150 ms RTT, "
        f"1.6 Mbps, 4x CPU slowdown), {args.runs} run(s) per page, the run with the median performance score kept; "
        "desktop: `--preset=desktop`, one run. Baseline: a hand-written page with the same article as "
        f"`{BASELINE_OF}` (plain HTML, a page list, 1.5 KB of CSS in one file), served by the same nginx.",
        "",
        f"Target: 100 in all four categories on mobile, every page ({len(mobile)} measured): {verdict}. "
        f"Single mobile runs at performance 100: {perfect} of {len(mobile_runs)}. Requests to other hosts: "
        f"{len(foreign)}{': ' + ', '.join(foreign) if foreign else ''}.",
        "",
        table(rows),
        "",
        f"Against the baseline (mobile, same text): performance {doctor.scores['performance']} vs "
        f"{base.scores['performance']}, TBT {fmt_ms(doctor.metrics['total-blocking-time'])} vs "
        f"{fmt_ms(base.metrics['total-blocking-time'])}, LCP {fmt_ms(doctor.metrics['largest-contentful-paint'])} vs "
        f"{fmt_ms(base.metrics['largest-contentful-paint'])}, "
        f"{doctor.metrics['total-byte-weight'] / 1024:.1f} KB vs {base.metrics['total-byte-weight'] / 1024:.1f} KB "
        "transferred.",
        "",
        "Audits below 1 (median runs):",
        "",
        failing_audits(rows),
        "",
        "Mobile performance below 100, the weighted metrics that lost points:",
        "",
        performance_notes(rows, origin),
        *(["", "Lighthouse warnings: " + "; ".join(warnings)] if warnings else []),
    ])
    publish("Lighthouse", markdown, save=not args.no_record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
