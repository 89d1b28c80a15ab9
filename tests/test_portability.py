"""Portability off MkDocs 1.x: ProperDocs (a drop-in MkDocs 1.x fork) builds the same site.

If Material or MkDocs must be replaced, this is the proof the content, hook and overrides do
not depend on anything MkDocs-only. The comparison is tests/sites.py; `benchmarks/portability.py` reports it.
"""

from __future__ import annotations

from pathlib import Path

from factsite import postbuild

from .harness import ROOT
from .sites import build_with_properdocs, compare_sites


def test_properdocs_builds_the_same_pages_with_the_same_text(built_site: Path, tmp_path: Path) -> None:
    other = build_with_properdocs(ROOT, tmp_path / "properdocs-site")
    postbuild.run(other, ROOT)  # as `factsite build` does after the engine (it trims the theme's stylesheets)
    result = compare_sites(built_site, other)
    assert result.pages >= 17
    assert not result.only_in_first, f"pages only MkDocs built: {result.only_in_first}"
    assert not result.only_in_second, f"pages only ProperDocs built: {result.only_in_second}"
    assert not result.text_differs, f"pages whose visible text differs: {result.text_differs}"
    assert not result.other_files_differ, f"other files differ: {result.other_files_differ}"


def test_the_comparison_notices_a_changed_page(built_site: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(built_site, copy)
    page = copy / "causes" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<p>Extra words.</p></article>", 1),
                    encoding="utf-8")
    (copy / "faq" / "index.html").unlink()
    result = compare_sites(built_site, copy)
    assert result.text_differs == ["causes/index.html"]
    assert result.only_in_first == ["faq/index.html"]


def test_the_theme_overrides_use_only_what_minijinja_runs() -> None:
    """Zensical renders templates with MiniJinja, whose values cannot be changed in place and whose
    pages have no `file`: the overrides build nothing with .update() or .append() (the JSON-LD comes
    ready in page.meta) and name pages by page.url. See the README's Architecture section."""
    overrides = ROOT / "docs" / "overrides"
    for template in sorted([*overrides.rglob("*.html"), *overrides.rglob("*.xml")]):
        text = template.read_text(encoding="utf-8")
        for construct in (".update(", ".append(", "page.file", "file.src_uri"):
            assert construct not in text, f"{template.relative_to(ROOT)} uses {construct}"
