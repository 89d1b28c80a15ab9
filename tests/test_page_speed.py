"""Page speed in the built HTML: nothing the browser fetches should hold back the first paint."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from .sites import page_files


def test_no_external_script_holds_back_the_first_paint(built_site: Path) -> None:
    pages = [*page_files(built_site), built_site / "404.html", built_site / "offline.html"]
    bundles = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        external = soup.find_all("script", src=True)
        blocking = [s["src"] for s in external if not (s.has_attr("defer") or s.has_attr("async"))]
        assert blocking == [], f"{page.relative_to(built_site)}: scripts without defer: {blocking}"
        bundles += sum("/bundle." in s["src"] for s in external)
    # The theme's bundle is the one external script; if an upgrade renamed it, say so here.
    assert bundles == len(pages), "every page should load the theme's bundle exactly once"
