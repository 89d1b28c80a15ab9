"""The docs stay true: the error catalogue matches the fixtures, and every schema field is documented."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from factsite.schema import Claim, EvidenceEntry, FactFile, GlossaryEntry, PageMeta, Section, Seen, Sign, Source

from . import catalogue
from .conftest import ROOT


def test_readme_error_catalogue_is_generated_from_the_fixtures() -> None:
    assert catalogue.current() == catalogue.section(), "run: .venv/bin/python -m tests.catalogue"


@pytest.mark.parametrize("model", [FactFile, PageMeta, Section, Claim, Sign])
def test_every_fact_file_field_appears_in_the_annotated_example(model: type[BaseModel]) -> None:
    example = (ROOT / "content" / "_example.yml").read_text(encoding="utf-8")
    for name in model.model_fields:
        assert f"{name}:" in example, f"{model.__name__}.{name} is not shown in content/_example.yml"


@pytest.mark.parametrize("model", [Source, Seen, GlossaryEntry, EvidenceEntry])
def test_every_data_field_is_documented(model: type[BaseModel]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    data = "".join((ROOT / "data" / name).read_text(encoding="utf-8")
                   for name in ("sources.yml", "glossary.yml", "evidence.yml"))
    for name in model.model_fields:
        assert f"{name}:" in readme or f"# {name}" in data, f"{model.__name__}.{name} is not documented"
