"""Page weight: the first view and repeat views of every page, against the site before offline reading.

    .venv/bin/python -m benchmarks.weight                  # about 8 minutes (one 5-minute wait), then records
    .venv/bin/python -m benchmarks.weight --quick          # no wait: leaves out the next-day repeat, records nothing
    .venv/bin/python -m benchmarks.weight --baseline REF   # compare with the site as built at another commit

Two sites are built in the same run into a temporary folder: this one, and the baseline, the project
as it was at a commit (by default the one just before the service worker was added), built with that
commit's own code. Debian's nginx serves each with the project's config (deploy/nginx.conf:
precompressed files, cache lifetimes, security headers), its access log counting every byte it sends,
headers included (`$bytes_sent`). Needs nginx (`make test` installs it).

Each page is opened in Debian's Chromium at 360x640, in a browser profile of its own:

- first view: what the page itself asks for, until the network is quiet, each file compressed here
  with gzip -9 (and brotli -q 11), as the figures before this benchmark measured it; the target is
  70 KB gzip. Then the reader's first touch (a move and a scroll), which on the new site brings the
  theme's script: what the page asks for then is reported beside the first view. Then everything the
  server sent during that first visit, on the wire: the page and, on the new site, the service worker
  and the copy of the site it keeps for offline reading;
- repeat views, in the same profile, bytes on the wire: at once (the pages' 5-minute lifetime has
  not run out), the next day (after that lifetime: the browser asks again, and the server answers
  304 Not Modified), and once the browser's HTTP cache is emptied (the service worker's copy stays).
  The target is 5 KB.

Headers count fully: over HTTP/1.1, as here, each response carries about 1.4 KB of them (the
Content-Security-Policy is most of it); HTTP/2 compresses repeated headers, so real repeat views
cost less. A hand-written page with the same article (one request, 1.5 KB of inline CSS) is the
floor a page could weigh, as before.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import brotli  # a pinned dependency of the project
from bs4 import BeautifulSoup

from factsite.cli import cmd_build
from tests.harness import RUN_NGINX, chromium, nginx
from tests.sites import page_paths

from .results import publish

ROOT = Path(__file__).resolve().parents[1]
TARGET_FIRST_GZIP = 70 * 1024
TARGET_REPEAT = 5 * 1024
PAGE_LIFETIME = 300  # seconds: deploy/nginx.conf's max-age for pages
# The commit that added the service worker; the baseline is the one before it, unless --baseline says.
WORKER_FILE = "scripts/factsite/templates/sw.js"
KINDS = ("html", "css", "js", "search index", "font/image", "other")

MINIMAL_CSS = """
body{margin:0;font:1rem/1.55 system-ui,sans-serif;color:#1a1a1a;background:#fff}
a{color:#00536b}a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1em;top:1em;background:#fff;padding:.5em}
header,footer{background:#00536b;color:#fff;padding:.6em 1em}header a,footer a{color:#fff}
.wrap{display:grid;grid-template-columns:1fr;gap:1em;max-width:70em;margin:0 auto;padding:1em}
@media(min-width:60em){.wrap{grid-template-columns:14em 1fr}}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:.3em 0}
main{max-width:42em}.see-doctor,.warning-box,.in-short{border-left:.3em solid #b00020;background:#fff4e0;
padding:.4em 1em;margin:1em 0}.in-short{border-color:#00536b;background:#eef6f8}
.tier{border:2px solid #00536b;padding:.2em 1em;margin:1em 0}.tier--emergency{background:#b00020;color:#fff}
.tier--emergency a{color:#fff}ol.sources li{overflow-wrap:anywhere}sup a{text-decoration:none}
@media(prefers-color-scheme:dark){body{background:#1e2129;color:#e8e8e8}a{color:#7fd3ea}
.see-doctor,.warning-box{background:#33230b}.in-short{background:#10262e}}
"""


@dataclass
class FirstView:
    requests: int = 0
    gz: int = 0
    br: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    foreign: list[str] = field(default_factory=list)
    wire: int = 0  # everything the server sent during the first visit, the worker's downloads included
    worker_requests: int = 0
    touch_gz: int = 0  # what the page asks for at the reader's first touch (gzip -9), after the first view


@dataclass
class Visit:
    """One page of one site in its own browser profile: the first view, then the repeat views."""

    path: str
    context: Any
    first: FirstView = field(default_factory=FirstView)
    repeat: dict[str, int | None] = field(default_factory=dict)  # bytes on the wire, by when
    done_at: float = 0.0  # when the first visit ended: the browser's copies are fresh from then


def gz_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def br_size(data: bytes) -> int:
    return len(brotli.compress(data, quality=11))


def kind_of(path: str) -> str:
    if path.endswith("search_index.json"):
        return "search index"
    suffix = Path(path).suffix.lower()
    if path.endswith("/") or suffix == ".html":
        return "html"
    return {".css": "css", ".js": "js", ".woff2": "font/image", ".woff": "font/image", ".ttf": "font/image",
            ".png": "font/image", ".svg": "font/image", ".ico": "font/image", ".jpg": "font/image",
            ".webp": "font/image"}.get(suffix, "other")


def file_for(site: Path, url_path: str) -> Path:
    rel = unquote(url_path).lstrip("/")
    target = site / rel
    return target / "index.html" if rel == "" or rel.endswith("/") or target.is_dir() else target


class Server:
    """A site served by nginx with the project's config, logging the bytes it sends for each request."""

    LINE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d{3}) (\d+)$')

    def __init__(self, site: Path, base: str, log: Path) -> None:
        self.site, self.base, self.log = site, base.rstrip("/"), log

    def mark(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def sent_since(self, mark: int) -> tuple[int, int]:
        """(responses, bytes sent) logged since `mark`."""
        with self.log.open("rb") as f:
            f.seek(mark)
            lines = f.read().decode("utf-8", "replace").splitlines()
        sent = [int(m.group(3)) for line in lines if (m := self.LINE.search(line))]
        return len(sent), sum(sent)

    def quiet(self, seconds: float = 1.0, limit: float = 60.0) -> None:
        """Wait until the server has sent nothing for `seconds` (the worker downloads after the page)."""
        deadline, size, still = time.monotonic() + limit, self.mark(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if self.mark() != size:
                size, still = self.mark(), time.monotonic()
            elif time.monotonic() - still >= seconds:
                return


def deploy_counting_bytes(work: Path) -> Path:
    """deploy/ copied with one change: the access log counts every byte sent, headers included."""
    folder = work / "deploy"
    folder.mkdir()
    shutil.copy(RUN_NGINX, folder / RUN_NGINX.name)
    config = (RUN_NGINX.parent / "nginx.conf").read_text(encoding="utf-8")
    if "$body_bytes_sent" not in config:
        raise RuntimeError("deploy/nginx.conf's log format has changed: update benchmarks/weight.py")
    (folder / "nginx.conf").write_text(config.replace("$body_bytes_sent", "$bytes_sent"), encoding="utf-8")
    return folder / RUN_NGINX.name


def baseline_commit(ref: str | None) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, text=True, capture_output=True, check=True).stdout.strip()

    if ref is None:
        added = git("log", "--diff-filter=A", "--format=%H", "--", WORKER_FILE).splitlines()
        if not added:
            raise RuntimeError(f"no commit adds {WORKER_FILE}: give --baseline REF")
        ref = added[-1] + "^"
    return git("rev-parse", "--verify", ref + "^{commit}")


def build_baseline(commit: str, work: Path) -> Path:
    """The project as it was at `commit`, built with its own code (not this checkout's) into work/baseline-site."""
    source = work / "baseline"
    source.mkdir()
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(source, filter="data")
    site = work / "baseline-site"
    env = {**os.environ, "PYTHONPATH": str(source / "scripts")}
    built = subprocess.run([sys.executable, "-m", "factsite", "--root", str(source), "build", "--site-dir", str(site),
                            "--no-links"], cwd=source, env=env, text=True, capture_output=True, check=False)
    if built.returncode != 0:
        raise RuntimeError(f"the baseline at {commit[:10]} did not build:\n{built.stdout}{built.stderr}")
    return site


def worker_ready(page: Any) -> None:
    """Wait until the page's service worker has kept its copy of the site (install waits for all of it)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120_000)


def open_first(browser: Any, server: Server, path: str) -> Visit:
    own = urlsplit(server.base).netloc
    context = browser.new_context(viewport={"width": 360, "height": 640})
    requests: list[Any] = []
    context.on("request", lambda request: requests.append(request))
    visit = Visit(path, context)
    mark = server.mark()
    page = context.new_page()
    page.goto(server.base + path, wait_until="networkidle")
    page.wait_for_timeout(1000)
    page.wait_for_load_state("networkidle")
    first_view = len(requests)  # the first view ends here; the reader's first touch comes next
    page.mouse.move(180, 320)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(1000)
    page.wait_for_load_state("networkidle")
    if (server.site / "sw.js").is_file():
        worker_ready(page)
    server.quiet()
    page.close()
    first = visit.first
    for n, request in enumerate(requests):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            continue
        if parts.netloc != own:
            first.foreign.append(request.url)
            continue
        if request.service_worker is not None or parts.path.endswith("/sw.js"):
            first.worker_requests += 1  # the offline copy, fetched after the page: not the page's first view
            continue
        data = file_for(server.site, parts.path).read_bytes()
        g = gz_size(data)
        if n >= first_view:
            first.touch_gz += g
            continue
        first.requests += 1
        first.gz += g
        first.br += br_size(data)
        first.by_kind[kind_of(parts.path)] += g
    first.wire = server.sent_since(mark)[1]
    visit.done_at = time.monotonic()
    return visit


def repeat(visit: Visit, server: Server, when: str, empty_http_cache: bool = False) -> None:
    mark = server.mark()
    page = visit.context.new_page()
    if empty_http_cache:
        session = visit.context.new_cdp_session(page)
        session.send("Network.clearBrowserCache")
        session.detach()
    page.goto(server.base + visit.path, wait_until="networkidle")
    page.wait_for_timeout(500)
    server.quiet()
    page.close()
    visit.repeat[when] = server.sent_since(mark)[1]


def minimal_page(site: Path, html_file: Path, pages: list[tuple[str, str]]) -> bytes:
    """A hand-written page with the same article: plain elements, only href/id/class/lang kept."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article")
    assert article is not None, html_file
    for el in article.select("a.headerlink, .md-content__button, script, style"):
        el.decompose()
    keep = {"href", "id", "title"}
    for el in article.find_all(True):
        cls = [c for c in el.get_attribute_list("class") if c and not c.startswith("md-")
               and c in {"see-doctor", "warning-box", "in-short", "tier", "tier--emergency", "tier--urgent",
                         "tier--routine", "sources"}]
        el.attrs = {k: v for k, v in el.attrs.items() if k in keep}
        if cls:
            el["class"] = " ".join(cls)
    title = soup.title.get_text() if soup.title else ""
    meta = soup.select_one('meta[name="description"]')
    description = str(meta["content"]) if meta else ""
    nav = "".join(f'<li><a href="{href}">{name}</a></li>' for href, name in pages)
    body = re.sub(r"\n\s*\n+", "\n", article.decode_contents())
    doc = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>'
           f'<meta name="description" content="{description}"><link rel="icon" href="data:,">'
           f"<style>{MINIMAL_CSS.strip()}</style></head><body>"
           f'<a class="skip" href="#main">Skip to content</a><header><a href="/">Leg Cramps Guide</a></header>'
           f'<div class="wrap"><nav aria-label="Pages"><ul>{nav}</ul></nav><main id="main">{body}</main></div>'
           f"<footer>Health information, not medical advice. No ads, no tracking.</footer></body></html>")
    return doc.encode("utf-8")


def page_list(site: Path) -> list[tuple[str, str]]:
    """Every page as (URL path, its title without the site's name): the minimal pages' page list."""
    nav = []
    for path in page_paths(site):
        soup = BeautifulSoup(file_for(site, path).read_text(encoding="utf-8"), "html.parser")
        nav.append((path, (soup.title.get_text() if soup.title else path).split(" - ")[0]))
    return nav


def kb(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 1024:.1f}"


WHEN = ("at once", "next day", "HTTP cache emptied")


def measure(browser: Any, server: Server, paths: list[str]) -> list[Visit]:
    return [open_first(browser, server, path) for path in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="git commit to compare with (default: the one before the service worker)")
    parser.add_argument("--quick", action="store_true", help="no 5-minute wait, no next-day figures, nothing recorded")
    parser.add_argument("--no-record", action="store_true", help="print only; do not write benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    commit = baseline_commit(args.baseline)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = work / "site"
        if cmd_build(ROOT, site, links=False) != 0:
            return 1
        print(f"==> Building the baseline, the project at {commit[:10]}", flush=True)
        base_site = build_baseline(commit, work)
        paths = page_paths(site)
        nav = page_list(site)
        minimal = {p: gz_size(minimal_page(site, file_for(site, p), nav)) for p in paths}
        script = deploy_counting_bytes(work)
        started = time.perf_counter()
        (work / "n-after").mkdir()
        (work / "n-before").mkdir()
        with nginx(site, work / "n-after", env={"ACCESS_LOG": str(work / "after.log")},
                   script=script) as after_served, \
                nginx(base_site, work / "n-before", env={"ACCESS_LOG": str(work / "before.log")},
                      script=script) as before_served, chromium() as browser:
            after_url, before_url = after_served.url(""), before_served.url("")
            servers = {"before": Server(base_site, before_url, work / "before.log"),
                       "after": Server(site, after_url, work / "after.log")}
            # A page the baseline did not have yet (a new tool page, say) is measured on this build only.
            visits = {label: measure(browser, server, [p for p in paths if file_for(server.site, p).is_file()])
                      for label, server in servers.items()}
            for label, server in servers.items():
                for visit in visits[label]:
                    repeat(visit, server, "at once")
            if not args.quick:
                newest = max(v.done_at for vs in visits.values() for v in vs)
                wait = PAGE_LIFETIME + 5 - (time.monotonic() - newest)
                if wait > 0:
                    print(f"==> Waiting {wait:.0f} s for the pages' 5-minute lifetime to run out", flush=True)
                    time.sleep(wait)
                for label, server in servers.items():
                    for visit in visits[label]:
                        repeat(visit, server, "next day")
            for label, server in servers.items():
                for visit in visits[label]:
                    repeat(visit, server, "HTTP cache emptied", empty_http_cache=True)
                    visit.context.close()
        elapsed = time.perf_counter() - started
        kept = len(re.findall(r'^  "\./', (site / "sw.js").read_text(encoding="utf-8"), re.M))

    before = {v.path: v for v in visits["before"]}
    after = {v.path: v for v in visits["after"]}
    first_rows = ["| page | requests before → after | HTML | CSS | JS | other | **first view gzip before → after** "
                  "| brotli after | at the first touch, gzip after "
                  "| first visit on the wire after (with the offline copy) | minimal page gzip |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in paths:
        old, a = before.get(p), after[p].first
        b = old.first if old else None
        k = a.by_kind
        other = k["search index"] + k["font/image"] + k["other"]
        first_rows.append(
            f"| `{p}` | {b.requests if b else 'new'} → {a.requests} | {kb(k['html'])} | {kb(k['css'])} | {kb(k['js'])} "
            f"| {kb(other)} | {kb(b.gz) if b else 'new'} → **{kb(a.gz)}** | {kb(a.br)} | +{kb(a.touch_gz)} "
            f"| {kb(a.wire)} | {kb(minimal[p])} |")
    repeat_rows = ["| page | " + " | ".join(f"{w}: before → after" for w in WHEN) + " |",
                   "|---|" + "---|" * len(WHEN)]
    for p in paths:
        cells = [f"{kb(before[p].repeat.get(w)) if p in before else 'new'} → **{kb(after[p].repeat.get(w))}**"
                 for w in WHEN]
        repeat_rows.append(f"| `{p}` | " + " | ".join(cells) + " |")

    worst_first = max(after.values(), key=lambda v: v.first.gz)
    first_ok = worst_first.first.gz <= TARGET_FIRST_GZIP
    worst_before = (f"{kb(before[worst_first.path].first.gz)} KB" if worst_first.path in before
                    else "it is a new page")
    measured = [w for w in WHEN if all(after[p].repeat.get(w) is not None for p in paths)]
    worst_repeat = {w: max(after[p].repeat[w] or 0 for p in paths) for w in measured}
    realistic = "next day" if "next day" in measured else "at once"
    repeat_ok = worst_repeat[realistic] < TARGET_REPEAT
    foreign = sorted({u for vs in visits.values() for v in vs for u in v.first.foreign})
    first_visit = [v.first.wire for v in after.values()]
    foreign_text = f"{len(foreign)}" + (": " + ", ".join(foreign) if foreign else "")
    others = "; ".join(f"{w}: {kb(worst_repeat[w])} KB" for w in measured if w != realistic)
    markdown = f"""
Command: `.venv/bin/python -m benchmarks.weight` ({len(paths)} pages, {elapsed:.0f} s). **Before** is the project at
commit `{commit[:10]}` (just before the service worker), **after** is this build, both built and served in this run
by nginx with `deploy/nginx.conf`. Debian Chromium at 360×640, one fresh browser profile per page. Sizes in KB
(1,024 B).

**First view** (what the page asks for until the network is quiet, each file compressed here with gzip -9, as the
figures before measured it). Target ≤ 70 KB gzip on every page: **{'met' if first_ok else 'NOT met'}** (heaviest
`{worst_first.path}`: {kb(worst_first.first.gz)} KB gzip, {kb(worst_first.first.br)} KB brotli,
{worst_first.first.requests} requests; before {worst_before}). The theme's script waits for the reader's first
touch, scroll or key: what a page asks for then is the "at the first touch" column. After the page has
loaded, the service worker keeps the whole site ({kept} files) for offline reading: the first visit then costs
{kb(min(first_visit))} to {kb(max(first_visit))} KB on the wire in all (brotli, headers included), once per build;
a later build fetches only the files that changed. Requests to other hosts: {foreign_text}.

{chr(10).join(first_rows)}

**Repeat views** in the same profile, everything the server sent (brotli, headers included): at once (within the
pages' 5-minute lifetime), the next day (after it: the browser asks again and nginx answers 304 Not Modified;
measured once every page's first visit was over {PAGE_LIFETIME + 5} s old), and once the browser's HTTP
cache has been emptied (the service worker's copy stays). Target < 5 KB:
**{'met' if repeat_ok else 'NOT met'}** (heaviest {realistic}:
{kb(worst_repeat[realistic])} KB{'; ' + others if others else ''}).

{chr(10).join(repeat_rows)}
"""
    publish("Page weight (first view)", markdown, save=not (args.quick or args.no_record))
    return 0 if first_ok and repeat_ok else 1


if __name__ == "__main__":
    sys.exit(main())
