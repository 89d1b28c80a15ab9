"""The docs stay true: the error catalogue matches the fixtures, and every schema field is documented."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from factsite.schema import (
    ActionCard,
    CardStep,
    Change,
    Claim,
    EvidenceEntry,
    FactFile,
    Figure,
    GlossaryEntry,
    HelpLine,
    Option,
    PageMeta,
    Publisher,
    ReportChannel,
    Review,
    Section,
    Seen,
    Sign,
    Source,
)

from . import catalogue
from .conftest import ROOT


def test_readme_error_catalogue_is_generated_from_the_fixtures() -> None:
    assert catalogue.current() == catalogue.section(), "run: .venv/bin/python -m tests.catalogue"


def keys_shown(text: str) -> set[str]:
    """The keys a YAML example shows in key position, in live lines or commented-out ones
    ("  - id: x", "#   name: y"); a word followed by a colon inside prose does not count."""
    return set(re.findall(r"^[ \t]*(?:#[ \t]*)?(?:- )?([a-z_]+):(?:[ \t]|$)", text, re.M))


@pytest.mark.parametrize("model", [FactFile, PageMeta, Section, Claim, Sign, Review, Change, Option])
def test_every_fact_file_field_appears_in_the_annotated_example(model: type[BaseModel]) -> None:
    shown = keys_shown((ROOT / "content" / "_example.yml").read_text(encoding="utf-8"))
    missing = set(model.model_fields) - shown
    assert not missing, f"{model.__name__}: {sorted(missing)} not shown in content/_example.yml"


@pytest.mark.parametrize("model", [Publisher, ReportChannel])
def test_every_publisher_field_appears_in_the_annotated_example(model: type[BaseModel]) -> None:
    shown = keys_shown((ROOT / "data" / "_publisher.example.yml").read_text(encoding="utf-8"))
    missing = set(model.model_fields) - shown - {"form"}  # the alternative to email, described in its comment
    assert not missing, f"{model.__name__}: {sorted(missing)} not shown in data/_publisher.example.yml"


@pytest.mark.parametrize("model", [Source, Seen, GlossaryEntry, EvidenceEntry, Figure, CardStep, ActionCard,
                                   HelpLine])
def test_every_data_field_is_documented(model: type[BaseModel]) -> None:
    """Each field is named, as a word, in the comment at the top of a data file or in the README's examples."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", readme)) | keys_shown(readme)
    for name in ("sources.yml", "glossary.yml", "evidence.yml", "figures.yml", "cramp-card.yml", "help.yml"):
        comments = [line for line in (ROOT / "data" / name).read_text(encoding="utf-8").splitlines()
                    if line.startswith("#")]
        documented |= set(re.findall(r"\b([a-z_]+)\b", "\n".join(comments)))
    missing = set(model.model_fields) - documented
    assert not missing, f"{model.__name__}: {sorted(missing)} documented neither in the README nor in data/"
