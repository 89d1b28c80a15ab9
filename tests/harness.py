"""Starting, waiting for and stopping what the tests and the benchmarks drive on 127.0.0.1: Debian's
Chromium through Playwright, Debian's nginx through deploy/run-nginx.sh, and any server on a port.

Written once for both. Dependencies run one way: benchmarks import this module (and tests.sites,
tests.search_box); tests never import a benchmark. It imports no pytest and does no work at import,
so a benchmark can use it without running the test suite's set-up.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No sandbox (tests may run as root in a container), no GPU, and none of Chromium's own calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
RUN_NGINX = ROOT / "deploy" / "run-nginx.sh"


def wait_until(condition: Callable[[], bool], seconds: float, every: float = 0.05) -> bool:
    """Check `condition` every `every` seconds until it holds (True) or `seconds` have passed (False).
    An OSError (a server not listening yet) counts as not yet."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if condition():
                return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)


def free_port() -> int:
    """A loopback port that was free a moment ago, for servers started in another process."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for_port(port: int, process: subprocess.Popen[Any], seconds: float = 10.0) -> bool:
    """True once something listens on `port`; False if `process` exits first or time runs out."""
    wait_until(lambda: process.poll() is not None or port_is_open(port), seconds)
    return process.poll() is None and port_is_open(port)


def stop(process: subprocess.Popen[Any]) -> None:
    """Ask a server process to stop; kill it if it has not stopped within 10 seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True)
class Served:
    """A folder served on a loopback port by a server process."""

    site: Path
    port: int
    stderr: Path  # the server's error output (run-nginx.sh sends nginx's error log there)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, accept_encoding: str | None = None, headers: dict[str, str] | None = None,
            method: str = "GET") -> Response:
        """One request, exactly as given: no redirect followed, no encoding asked for unless given."""
        sent = {**({"Accept-Encoding": accept_encoding} if accept_encoding else {}), **(headers or {})}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, headers=sent)
            answer = connection.getresponse()
            return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
        finally:
            connection.close()


def is_our_nginx(process: subprocess.Popen[Any], served: Served) -> bool:
    """Whether the script still runs and its port answers as nginx (a HEAD request; nginx names
    itself even with server_tokens off)."""
    return process.poll() is None and served.get("/", method="HEAD").headers.get("server", "").startswith("nginx")


class NginxDidNotStart(RuntimeError):
    """nginx failed to start on every port tried; the message holds its error output."""


@contextmanager
def nginx(site: Path, work: Path, env: dict[str, str] | None = None, own_prefix: bool = True,
          script: Path = RUN_NGINX, before_start: Callable[[int], None] | None = None) -> Iterator[Served]:
    """deploy/run-nginx.sh serving `site` on a free loopback port until the block ends.

    Its stderr goes to `work`, and so does its prefix unless own_prefix is False (then the script
    makes a temporary one). before_start(port) runs before each start, for callers that write their
    own config. Another process may take the free port between finding and binding it, so a start
    that fails is tried again on a new port, three times in all.
    """
    errors = ""
    for attempt in range(3):
        port = free_port()
        if before_start:
            before_start(port)
        log = work / f"stderr-{attempt}.log"
        args = ["sh", str(script), str(site), f"127.0.0.1:{port}"]
        if own_prefix:
            args.append(str(work / f"prefix-{attempt}"))
        with log.open("w", encoding="utf-8") as stderr:
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=stderr,
                                       env={**os.environ, "NGINX": NGINX, **(env or {})})
        served = Served(site, port, log)
        # Something listening is not enough: another process may hold the port for a moment while
        # nginx fails to bind it. Start only once the port answers as nginx and the script still runs.
        if wait_for_port(port, process) and wait_until(partial(is_our_nginx, process, served), 5):
            try:
                yield served
            finally:
                stop(process)
            return
        stop(process)
        errors += log.read_text(encoding="utf-8")
    raise NginxDidNotStart(f"nginx did not start:\n{errors}")


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright; Playwright never downloads a browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Two frames, so that a transition the last action started is running; then frame by frame until none runs.
_SETTLE = """timeout => new Promise(done => {
  const end = performance.now() + timeout;
  requestAnimationFrame(() => requestAnimationFrame(function next() {
    if (!document.getAnimations().some(a => a.playState === "running")) done(true);
    else if (performance.now() > end) done(false);
    else requestAnimationFrame(next);
  }));
})"""


def settle(page: Any, timeout_ms: float = 5_000) -> None:
    """Wait until what the last action set moving (a drawer, a tooltip) has stopped and been painted."""
    if not page.evaluate(_SETTLE, timeout_ms):
        raise TimeoutError(f"still animating after {timeout_ms:.0f} ms")
