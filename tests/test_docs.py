"""The docs stay true: the error catalogue matches the fixtures, and every schema field is described
and documented.

The fields come from the models' JSON Schemas (the same ones editors get, schemas/), so no list of
models is kept here: a new field, or a new model inside a file, is checked as soon as it exists.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import TypeAdapter

from factsite import editor_schema, export, figures
from factsite.schema import (
    ActionCard,
    EvidenceList,
    FactFile,
    Figures,
    Glossary,
    HelpLines,
    Publisher,
    SourceList,
    Vocabulary,
)

from . import catalogue
from .harness import ROOT


def test_readme_error_catalogue_is_generated_from_the_fixtures() -> None:
    assert catalogue.current() == catalogue.section(), "run: .venv/bin/python -m tests.catalogue"


def properties(model: Any) -> dict[str, dict[str, Any]]:
    """Every field of a file's model and of the models inside it, as 'Model.field' -> its schema."""
    schema = TypeAdapter(model).json_schema()
    nodes = [schema, *schema.get("$defs", {}).values()]
    return {f"{node.get('title', '')}.{name}": prop
            for node in nodes for name, prop in node.get("properties", {}).items()}


def field_names(model: Any) -> set[str]:
    return {key.split(".", 1)[1] for key in properties(model)}


def keys_shown(text: str) -> set[str]:
    """The keys a YAML example shows in key position, in live lines or commented-out ones
    ("  - id: x", "#   name: y"); a word followed by a colon inside prose does not count."""
    return set(re.findall(r"^[ \t]*(?:#[ \t]*)?(?:- )?([a-z_]+):(?:[ \t]|$)", text, re.M))


@pytest.mark.parametrize("model", [*(model for model, _ in editor_schema.FILES.values()), export.Export])
def test_every_field_has_a_description(model: Any) -> None:
    """The description is what an editor sees on hovering a key (schemas/) and what the open data's
    schema says of it: one place for what each field means."""
    missing = sorted(key for key, prop in properties(model).items() if not prop.get("description"))
    assert not missing, f"fields without Field(description=...): {missing}"


def test_every_fact_file_field_appears_in_the_annotated_example() -> None:
    shown = keys_shown((ROOT / "content" / "_example.yml").read_text(encoding="utf-8"))
    missing = field_names(FactFile) - shown
    assert not missing, f"{sorted(missing)} not shown in content/_example.yml"


def test_every_publisher_field_appears_in_the_annotated_example() -> None:
    shown = keys_shown((ROOT / "data" / "_publisher.example.yml").read_text(encoding="utf-8"))
    missing = field_names(Publisher) - shown - {"form"}  # the alternative to email, described in its comment
    assert not missing, f"{sorted(missing)} not shown in data/_publisher.example.yml"


@pytest.mark.parametrize("model", [SourceList, Glossary, EvidenceList, Vocabulary, Figures, ActionCard, HelpLines])
def test_every_data_field_is_documented(model: Any) -> None:
    """Each field is named, as a word, in the comment at the top of a data file or in the README's examples."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", readme)) | keys_shown(readme)
    for name in ("sources.yml", "glossary.yml", "evidence.yml", "vocabulary.yml", "figures.yml", "cramp-card.yml",
                 "help.yml"):
        comments = [line for line in (ROOT / "data" / name).read_text(encoding="utf-8").splitlines()
                    if line.startswith("#")]
        documented |= set(re.findall(r"\b([a-z_]+)\b", "\n".join(comments)))
    missing = field_names(model) - documented
    assert not missing, f"{sorted(missing)} documented neither in the README nor in data/"


def test_every_class_a_drawing_may_use_is_coloured_by_the_stylesheet_and_listed_for_editors() -> None:
    # figures.py lets a drawing use these classes; without a rule in site.css the shape would be black.
    css = (ROOT / "docs" / "assets" / "site.css").read_text(encoding="utf-8")
    guide = (ROOT / "data" / "figures.yml").read_text(encoding="utf-8")
    for name in figures.CLASSES:
        assert re.search(rf"\.{name}\b[^{{]*\{{[^}}]*fill:", css), f"site.css gives .{name} no fill"
        assert name in guide, f"the comment at the top of data/figures.yml does not mention {name}"
