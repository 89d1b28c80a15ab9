"""Rendering: golden Markdown for the valid fixture, inert text, numbered citations."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from factsite.model import Site
from factsite.render import attr_value, md_text, render_site
from factsite.validate import check

from .conftest import FIXTURES

GOLDEN = Path(__file__).parent / "golden"


def rendered() -> dict[str, str]:
    site = check(FIXTURES / "valid").site
    assert site is not None
    return render_site(site)


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.md")))
def test_matches_golden(name: str) -> None:
    """If a template change is intended, run `make golden` and review the diff."""
    assert rendered()[name] == (GOLDEN / name).read_text(encoding="utf-8")


def test_golden_covers_every_page() -> None:
    assert sorted(rendered()) == sorted(p.name for p in GOLDEN.glob("*.md"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"),
        ("*bold* and _it_", "\\*bold\\* and \\_it\\_"),
        ("1. not a list", "1\\. not a list"),
        ("- not a list", "\\- not a list"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("{: .x } attr", "\\{: .x \\} attr"),
        ("Plain words, 10 minutes.", "Plain words, 10 minutes."),
    ],
)
def test_text_from_yaml_is_inert(text: str, expected: str) -> None:
    assert md_text(text) == expected


def test_citations_number_in_order_of_first_use_and_list_every_source() -> None:
    page = rendered()["index.md"]
    assert '[1](#source-nhs-leg-cramps){ aria-label="Source 1: NHS, Leg cramps" }' in page
    assert "[1](#source-nhs-leg-cramps" in page.split("## What helps")[1].split("[2]")[0]
    sources = page.split("## Sources")[1]
    assert sources.index("source-nhs-leg-cramps") < sources.index("source-cochrane-magnesium-2020")


def test_glossary_terms_become_hover_definitions_only_where_used() -> None:
    pages = rendered()
    assert "*[DVT]: A blood clot in a deep vein, usually in the leg." in pages["when-to-see-a-doctor.md"]
    assert "*[DVT]" not in pages["index.md"]


def test_source_names_cannot_break_out_of_their_attribute() -> None:
    # Quotes and braces would end the attribute list; links, raw HTML and emphasis are read by
    # Markdown before the attribute list is, so they must not survive either.
    assert attr_value('The "Best" {guide}') == "The Best guide"
    assert attr_value("[x](javascript:alert(1))") == "x (javascript:alert(1))"
    assert attr_value("<script>alert(1)</script> *big* _news_ `code` &amp; \\") == (
        "script alert(1) /script big news code amp;")
    assert attr_value("[Nocturnal leg cramps]. NHS – O’Neill’s?") == "Nocturnal leg cramps . NHS – O’Neill’s?"


def test_a_claim_shows_both_labels_of_what_it_is_about_and_only_those() -> None:
    page = rendered()["index.md"]
    magnesium = next(line for line in page.splitlines() if "Magnesium does not help" in line)
    assert "[Tested: no benefit](about.md#evidence-labels)" in magnesium
    assert "[Not recommended](about.md#recommendation-labels)" in magnesium
    what = next(line for line in page.splitlines() if "sudden, painful tightening" in line)
    assert "evidence" not in what  # a claim without `about` carries no label


def test_a_signs_reason_for_its_tier_is_one_tap_away(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "valid", tmp_path, dirs_exist_ok=True)
    signs = tmp_path / "content" / "when-to-see-a-doctor.yml"
    with_why = signs.read_text().replace("    sources: [nhs-dvt]\n", "    why: why-today\n    sources: [nhs-dvt]\n", 1)
    signs.write_text(with_why + "sections:\n  - heading: Why we say today\n    anchor: why-today\n    claims:\n"
                       "      - id: why-today-nhs\n        text: The NHS says to get help the same day.\n"
                       "        sources: [nhs-dvt]\n")
    site = check(tmp_path).site
    assert site is not None
    page = render_site(site)["when-to-see-a-doctor.md"]
    assert "This can be a DVT, a blood clot. Get help today. [Why this group?](#why-today)" in page
    assert "## Why we say today { #why-today }" in page


def _fixture_with(tmp_path: Path, edits: dict[str, tuple[str, str] | str]) -> Site:
    """The valid fixture, checked, after `edits`: a file's (old, new) replacement, or a new file's text."""
    shutil.copytree(FIXTURES / "valid", tmp_path, dirs_exist_ok=True)
    for name, edit in edits.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(path.read_text().replace(*edit, 1) if isinstance(edit, tuple) else edit)
    site = check(tmp_path).site
    assert site is not None
    return site


def _causes_section_with(tmp_path: Path, yaml_lines: str) -> Site:
    """The valid fixture, with `yaml_lines` added to the causes page's first section; checked."""
    claim_end = "        sources: [nhs-leg-cramps]\n"
    return _fixture_with(tmp_path, {"content/causes.yml": (claim_end, claim_end + yaml_lines)})


def test_a_blank_table_has_its_caption_a_heading_per_column_and_the_rows_asked_for(tmp_path: Path) -> None:
    site = _causes_section_with(tmp_path, "    table:\n      caption: My medicines\n"
                                          "      columns: [Medicine or supplement, \"Cramps since?\"]\n      rows: 4\n")
    page = render_site(site)["causes.md"]
    table = page[page.index('<table class="diary-table fill-in">'):page.index("</table>")]
    assert "<caption>My medicines</caption>" in table
    assert '<th scope="col">Medicine or supplement</th><th scope="col">Cramps since?</th>' in table
    assert table.count("<tr><td></td><td></td></tr>") == 4
    # Keyboard users can scroll a table wider than a phone; screen readers hear what it is.
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="My medicines">' in page


def test_a_comparison_table_labels_each_cell_with_its_column_and_cites_each_row(tmp_path: Path) -> None:
    site = _causes_section_with(tmp_path, "    compare:\n      caption: Cramp or clot?\n"
                                          "      columns: [Problem, What you feel]\n      rows:\n"
                                          "        - cells: [Cramp, \"A hard, tight muscle\"]\n"
                                          "          sources: [nhs-leg-cramps]\n"
                                          "        - cells: [Clot, A swollen calf]\n          sources: [nhs-dvt]\n")
    page = render_site(site)["causes.md"]
    table = page[page.index('<div class="compare-table"'):page.index("</table>")]
    assert 'role="region" aria-label="Cramp or clot?"' in table  # scrolls from the keyboard, and is named
    assert "<caption>Cramp or clot?</caption>" in table
    assert '<th scope="col">Problem</th><th scope="col">What you feel</th>' in table
    # Each row names its thing in a row header; each cell keeps its column's name for the phone layout.
    assert '<tr><th scope="row">Cramp</th><td data-label="What you feel">A hard, tight muscle <sup' in table
    # A row's sources join the page's one numbered list, in reading order, and the row links to them.
    causes_page = site.page("causes")
    assert causes_page is not None
    order = list(dict.fromkeys(sid for item in site.cited(causes_page) for sid in item.sources))
    n = order.index("nhs-dvt") + 1
    assert f'<a href="#source-nhs-dvt" aria-label="Source {n}: NHS, DVT (deep vein thrombosis)">{n}</a>' in (
        table[table.index(">Clot<"):])


def test_a_signs_drawing_comes_under_what_it_means_and_its_sources_are_numbered_there(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "valid", tmp_path, dirs_exist_ok=True)
    (tmp_path / "data" / "figures.yml").write_text(
        "- id: swelling\n  alt: One calf is bigger than the other.\n  caption: Compare both calves.\n"
        "  sources: [cochrane-magnesium-2020]\n")
    art = tmp_path / "docs" / "assets" / "figures"
    art.mkdir(parents=True)
    (art / "swelling.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                                      '<path d="M1 1h8" stroke="currentColor"/></svg>\n')
    signs = tmp_path / "content" / "when-to-see-a-doctor.yml"
    signs.write_text(signs.read_text().replace("    sources: [nhs-dvt]\n",
                                               "    figure: swelling\n    sources: [nhs-dvt]\n", 1))
    site = check(tmp_path).site
    assert site is not None
    page = render_site(site)["when-to-see-a-doctor.md"]
    meaning, drawing, next_sign = (page.index("This can be a DVT"), page.index('aria-label="One calf is bigger'),
                                   page.index("Cramps keep waking you up"))
    assert meaning < drawing < next_sign
    # The drawing's source is numbered where the reader meets it: after the sign's, before the next sign's.
    numbers = [page.index(f"#source-{sid}") for sid in ("nhs-dvt", "cochrane-magnesium-2020")]
    assert numbers == sorted(numbers)


def test_sources_lists_say_what_was_read_and_where() -> None:
    pages = rendered()
    line = next(x for x in pages["index.md"].splitlines() if 'id="source-nhs-leg-cramps"' in x)
    assert "(checked 22 November 2026 against the full text on the publisher's site)" in line
    assert "accessed" not in pages["sources.md"]


def test_every_closed_list_has_wording_for_exactly_the_values_the_schema_allows() -> None:
    """A new source type or tier with no wording would silently vanish from its page."""
    import typing

    from factsite import schema
    from factsite.render import environment

    labels: Any = environment().get_template("_labels.md.j2").module
    expected = {
        "EVIDENCE": schema.Evidence, "RECOMMENDATION": schema.Recommendation, "TIER_HEADING": schema.Tier,
        "TIER_SHORT": schema.Tier, "SOURCE_KINDS": schema.SourceType, "SEEN_WHAT": schema.SeenWhat,
        "SEEN_AT": schema.SeenFrom,
    }
    for name, literal in expected.items():
        assert set(getattr(labels, name)) == set(typing.get_args(literal)), name
    assert list(labels.TIERS) == list(typing.get_args(schema.Tier))


def test_help_lines_have_a_page_of_their_own_and_a_page_that_asks_links_to_it(tmp_path: Path) -> None:
    site = _fixture_with(tmp_path, {
        "data/help.yml": '- name: Healthline\n  group: In other countries\n  region: New Zealand\n  purpose: Free '
                         'health advice by phone.\n  phone: "0800 611 116"\n  url: https://www.health.govt.nz/\n'
                         '  checked: "2026-11-22"\n',
        "content/causes.yml": ("  warning_signs: [swollen-calf]\n",
                               "  warning_signs: [swollen-calf]\n  more_help: true\n"),
    })
    pages = render_site(site)
    listing = pages["more-help.md"]
    assert "## In other countries" in listing
    assert "- **[Healthline](https://www.health.govt.nz/){ rel=\"noreferrer\" }** (New Zealand): phone " \
           "[0800 611 116](tel:0800611116). Free health advice by phone." in listing
    # The page that asks gets the emergency numbers and the link, not the list itself.
    assert "[More help](more-help.md)" in pages["causes.md"] and "Healthline" not in pages["causes.md"]
    assert "More help" not in pages["index.md"]  # a page that does not ask gets neither
