"""Open data: the checked content as versioned JSON, with a JSON Schema, for anyone who republishes it.

`site/api/v1/content.json` holds every page (its claims with their sources and labels, its warning
signs with their tiers, its reviews and changes), the bibliography, the glossary and the evidence
labels; `site/api/v1/schema.json` is the JSON Schema of that file, generated from the same pydantic
models the check uses, so the two cannot drift apart. Version 1 only ever gains optional fields;
anything else is a new version beside it.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .model import Site
from .schema import EvidenceEntry, FactFile, GlossaryEntry, Slug, Source

VERSION: Literal[1] = 1
FOLDER = f"api/v{VERSION}"


class ExportedPage(FactFile):
    """A fact file as published: its slug and address beside everything it says."""

    slug: Slug = Field(description="The page's file name in content/, without .yml.")
    path: str = Field(description='The page\'s address on the site, relative to its root: "" or "causes/".')


class Export(BaseModel):
    """The whole of content.json."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, title="Leg cramps guide content")

    version: Literal[1] = Field(description="The export's version; 1 only ever gains optional fields.")
    pages: list[ExportedPage] = Field(description="Every page, in menu order.")
    sources: list[Source] = Field(description="The bibliography, by id.")
    glossary: list[GlossaryEntry] = Field(description="Medical words and their plain meanings.")
    evidence: list[EvidenceEntry] = Field(description="Each treatment's evidence labels, by id.")


def export(site: Site) -> Export:
    pages = [ExportedPage(**p.facts.model_dump(), slug=p.slug, path=p.address) for p in site.in_menu_order()]
    return Export(version=VERSION, pages=pages, sources=sorted(site.sources.values(), key=lambda s: s.id),
                  glossary=list(site.glossary), evidence=sorted(site.evidence.values(), key=lambda e: e.id))


def content_json(site: Site) -> str:
    return json.dumps(export(site).model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=1) + "\n"


def schema_json() -> str:
    schema = Export.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
