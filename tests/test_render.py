"""Rendering: golden Markdown for the valid fixture, inert text, numbered citations."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    assert attr_value('The "Best" {guide}') == "The 'Best' (guide)"
