"""Open data: site/api/v1/content.json matches its JSON Schema and says exactly what the pages say."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from factsite import export
from factsite.validate import check

from .conftest import ROOT


def load(site: Path, name: str) -> Any:
    return json.loads((site / export.FOLDER / name).read_text(encoding="utf-8"))


def test_the_export_is_valid_against_its_schema(built_site: Path) -> None:
    schema, content = load(built_site, "schema.json"), load(built_site, "content.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(content)
    assert content["version"] == 1


@pytest.mark.parametrize("break_it", ["claim-without-sources", "unknown-tier", "extra-field", "wrong-version"])
def test_the_schema_refuses_a_broken_export(built_site: Path, break_it: str) -> None:
    schema, content = load(built_site, "schema.json"), copy.deepcopy(load(built_site, "content.json"))
    page = next(p for p in content["pages"] if p["slug"] == "when-to-see-a-doctor")
    if break_it == "claim-without-sources":
        page["sections"][0]["claims"][0]["sources"] = []
    elif break_it == "unknown-tier":
        page["signs"][0]["tier"] = "whenever"
    elif break_it == "extra-field":
        page["signs"][0]["colour"] = "red"
    else:
        content["version"] = 2
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(content)


def test_the_export_round_trips_to_the_same_claims_signs_and_sources(built_site: Path) -> None:
    site = check(ROOT).site
    assert site is not None
    back = export.Export.model_validate_json((built_site / export.FOLDER / "content.json").read_text(encoding="utf-8"))
    assert {p.slug for p in back.pages} == {p.slug for p in site.pages}
    for exported in back.pages:
        page = site.page(exported.slug)
        assert page is not None
        assert exported.claims() == page.facts.claims(), exported.slug
        assert exported.signs == page.facts.signs and exported.changes == page.facts.changes
        assert exported.path == ("" if page.slug == "index" else f"{page.slug}/")
        assert (built_site / exported.path / "index.html").is_file()
    assert {s.id: s for s in back.sources} == site.sources
    assert back.glossary == site.glossary and {e.id: e for e in back.evidence} == site.evidence
