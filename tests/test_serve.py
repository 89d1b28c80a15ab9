"""`mkdocs serve` (what `make serve` runs): a mistake is reported, the last good site stays up, a fix recovers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from .harness import free_port, wait_until


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def wait_for(condition: Callable[[], bool]) -> None:
    assert wait_until(condition, 60, every=0.1), "timed out waiting for the server"


@pytest.mark.build
def test_serve_keeps_the_last_good_site_and_recovers(project: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/causes/"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(iter(server.stdout.readline, "")),  # type: ignore[union-attr]
                              daemon=True)
    reader.start()
    causes = project / "content" / "causes.yml"
    original = causes.read_text()
    try:
        wait_for(lambda: "Most cramps have no clear cause" in fetch(url))

        causes.write_text(original.replace("        sources: [nhs-leg-cramps]\n", "", 1)
                          .replace("Most cramps have no clear cause", "Broken edit"))
        problem = ("content/causes.yml:16:9: sections[0].claims[0].sources: a claim needs at least one source "
                   "(add an id from data/sources.yml)")
        wait_for(lambda: any(problem in line for line in output))
        wait_for(lambda: any("Still serving the last good version" in line for line in output))
        page = fetch(url)
        assert "Most cramps have no clear cause" in page and "Broken edit" not in page

        causes.write_text(original.replace("Most cramps have no clear cause", "Fixed edit"))
        wait_for(lambda: "Fixed edit" in fetch(url))
        assert not any("Traceback" in line for line in output), "".join(output)
    finally:
        server.terminate()
        server.wait(timeout=10)
        reader.join(timeout=5)
        if server.stdout:
            server.stdout.close()
