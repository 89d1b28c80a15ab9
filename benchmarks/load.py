"""Load on loopback: wrk against nginx (deploy/nginx.conf) for a page, the search index and an asset.

Each target is measured three ways in the same run, each for a bounded time (default 10 s,
2 threads, 50 connections, 5 s request timeout):

- nginx, as a browser asks (Accept-Encoding: gzip, deflate, br): the precompressed files;
- nginx, uncompressed (no Accept-Encoding);
- the baseline: Python's http.server (the server `factsite build` uses for its link check and that
  a quick `python -m http.server` preview would use), uncompressed.

Requests per second, latency percentiles (wrk --latency, recorded by a Lua `done` hook), bytes per
response, and every error wrk counts (connect, read, write, timeout, non-2xx status).

    .venv/bin/python -m benchmarks.load                   # build into a temporary folder, measure, record
    .venv/bin/python -m benchmarks.load --site-dir site   # measure an existing build (make build)
    .venv/bin/python -m benchmarks.load --duration 3      # a quicker look

Needs Debian's nginx and wrk (apt-get install nginx libnginx-mod-http-brotli-static wrk). Only
127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from factsite import postbuild
from factsite.cli import cmd_build
from factsite.loopback import free_port, serve_folder, stop

from .results import publish

ROOT = Path(__file__).resolve().parents[1]
RUN_NGINX = ROOT / "deploy" / "run-nginx.sh"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
BROWSER_ENCODING = "gzip, deflate, br"

# wrk calls done() once at the end; it prints one JSON line with the figures we keep.
DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %d, "p90": %d, "p99": %d, "p999": %d, "max": %d, "mean": %.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
"""


@dataclass(frozen=True)
class Result:
    server: str
    target: str
    requests: int
    seconds: float
    bytes: int
    errors: dict[str, int]
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def bytes_per_response(self) -> float:
        return self.bytes / self.requests if self.requests else 0.0




@contextmanager
def nginx(site: Path, workdir: Path, script: Path = RUN_NGINX, access_log: Path | None = None) -> Iterator[str]:
    """nginx on a free loopback port with deploy/nginx.conf (or the one beside `script`), the access log off
    unless a file is given; yields its base URL."""
    port = free_port()
    prefix = workdir / "nginx"
    log = workdir / "nginx.stderr"
    with log.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(["sh", str(script), str(site), f"127.0.0.1:{port}", str(prefix)],
                                   stdout=subprocess.DEVNULL, stderr=stderr,
                                   env={**os.environ, "NGINX": NGINX, "ACCESS_LOG": str(access_log or "off")})
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {log.read_text(encoding='utf-8')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)




def run_wrk(url: str, encoding: str | None, duration: int, threads: int, connections: int,
            script: Path) -> dict[str, float]:
    args = [WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "--latency",
            "-s", str(script)]
    if encoding:
        args += ["-H", f"Accept-Encoding: {encoding}"]
    done = subprocess.run([*args, url], text=True, capture_output=True, check=False, timeout=duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    line = next(ln for ln in reversed(done.stdout.splitlines()) if ln.startswith("{"))
    figures: dict[str, float] = json.loads(line)
    return figures


def measure(server: str, base: str, target: str, path: str, encoding: str | None, args: argparse.Namespace,
            script: Path) -> Result:
    f = run_wrk(base + path, encoding, args.duration, args.threads, args.connections, script)
    result = Result(
        server=server, target=target, requests=int(f["requests"]), seconds=f["duration_us"] / 1e6,
        bytes=int(f["bytes"]),
        errors={k: int(f[k]) for k in ("connect", "read", "write", "timeout", "status") if f[k]},
        p50_ms=f["p50"] / 1000, p90_ms=f["p90"] / 1000, p99_ms=f["p99"] / 1000, p999_ms=f["p999"] / 1000,
        max_ms=f["max"] / 1000)
    print(f"{server:<28} {target:<14} {result.rps:>10,.0f} req/s  p50 {result.p50_ms:7.2f} ms  "
          f"p99 {result.p99_ms:7.2f} ms  {result.bytes_per_response:>9,.0f} B/resp  errors {result.errors or 0}",
          flush=True)
    return result


def targets(site: Path) -> dict[str, str]:
    bundle = next(p for p in postbuild.hashed_assets(site) if "/bundle." in p and p.endswith(".js"))
    return {"page": "/causes/", "search index": "/search/search_index.json", "asset": bundle}


def table(results: list[Result]) -> str:
    rows = ["| server | target | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | bytes/response | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        errors = ", ".join(f"{k} {v}" for k, v in r.errors.items()) or "0"
        rows.append(f"| {r.server} | {r.target} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p90_ms:.2f} | {r.p99_ms:.2f} "
                    f"| {r.p999_ms:.2f} | {r.max_ms:.2f} | {r.bytes_per_response:,.0f} | {errors} |")
    return "\n".join(rows)


def versions() -> str:
    nginx_v = subprocess.run([NGINX, "-v"], text=True, capture_output=True, check=False).stderr.strip()
    wrk_v = subprocess.run([WRK, "-v"], text=True, capture_output=True, check=False).stdout.splitlines()
    return f"{nginx_v.removeprefix('nginx version: ')}, {wrk_v[0].split(' [')[0] if wrk_v else 'wrk'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, help="a built site (default: build one into a temporary folder)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--no-record", action="store_true", help="print only; leave benchmarks/RESULTS.md alone")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 60:
        parser.error("--duration must be 1 to 60 seconds")
    for tool, package in ((NGINX, "nginx"), (WRK, "wrk")):
        if not Path(tool).exists():
            print(f"{package} is not installed (apt-get install {package})", file=sys.stderr)
            return 1

    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        work = Path(tmp)
        if args.site_dir:
            site = args.site_dir.resolve()
        else:
            site = work / "site"
            if cmd_build(ROOT, site, links=False) != 0:
                return 1
        if not (site / postbuild.NGINX_INCLUDE).exists():
            print(f"{site} was not built by `factsite build` (no {postbuild.NGINX_INCLUDE})", file=sys.stderr)
            return 1
        script = work / "done.lua"
        script.write_text(DONE_LUA, encoding="utf-8")
        paths = targets(site)
        results: list[Result] = []
        with nginx(site, work) as base:
            for target, path in paths.items():
                results.append(measure("nginx, gzip/br accepted", base, target, path, BROWSER_ENCODING, args, script))
                results.append(measure("nginx, uncompressed", base, target, path, None, args, script))
        with serve_folder(site) as base:  # baseline: the standard library's http.server
            for target, path in paths.items():
                results.append(measure("Python http.server (baseline)", base, target, path, None, args, script))

    by = {(r.server, r.target): r for r in results}
    lines = []
    for target in paths:
        ngx, py = by[("nginx, gzip/br accepted", target)], by[("Python http.server (baseline)", target)]
        lines.append(f"- {target}: nginx serves {ngx.rps / py.rps:,.0f}x the baseline's requests per second, "
                     f"p99 {ngx.p99_ms:.2f} ms vs {py.p99_ms:.2f} ms, "
                     f"{ngx.bytes_per_response:,.0f} B vs {py.bytes_per_response:,.0f} B per response.")
    total_errors = sum(sum(r.errors.values()) for r in results if r.server.startswith("nginx"))
    markdown = "\n".join([
        "Command: `.venv/bin/python -m benchmarks.load` (builds the site into a temporary folder first).",
        f"wrk on 127.0.0.1, {args.threads} threads, {args.connections} connections, {args.duration} s per row, "
        f"5 s timeout; {versions()}; nginx with `deploy/nginx.conf` (access log off, `worker_processes auto`) "
        f"on this {os.cpu_count()}-core machine, which wrk shares. Targets: "
        + ", ".join(f"{k} `{v}`" for k, v in paths.items()) + ". Bytes per response include headers.",
        "",
        table(results),
        "",
        *lines,
        f"- Errors under nginx: {total_errors}.",
    ])
    publish("Load: nginx vs http.server (wrk)", markdown, save=not args.no_record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
