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
        later = soup.select('script[type="text/plain"][data-theme-bundle][data-src]')
        assert not any("/bundle." in str(s["src"]) for s in external), "the theme's bundle waits for the reader"
        for stand_in in later:  # 404.html is served at any address, so its links start at the root
            src = str(stand_in["data-src"])
            assert ((built_site / src.lstrip("/")) if src.startswith("/") else (page.parent / src)).is_file(), page
        bundles += sum("javascripts/bundle." in str(s["data-src"]) for s in later)
    # The theme's bundle waits on every page in a stand-in that runs nothing (docs/overrides/main.html);
    # if an upgrade renamed or moved its tag, the stand-in is missing and this says so.
    assert bundles == len(pages), "every page should hold the theme's bundle, waiting, exactly once"
