"""The checked site as the renderer, the exporter and the MkDocs adapter see it.

validate.check() builds it only when every rule passes, so everything downstream can rely on it:
each cited id exists, each page's warning signs resolve, each label fits its definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .schema import EvidenceEntry, FactFile, GlossaryEntry, LayTerm, Publisher, Source

WARNING_PAGE = "when-to-see-a-doctor"  # the page that holds the signs, and every page links to


@dataclass(frozen=True)
class Page:
    slug: str
    path: str  # as editors see it, e.g. content/causes.yml
    facts: FactFile

    @property
    def address(self) -> str:
        """The page's address relative to the site root: "" for the home page, "causes/" otherwise."""
        return "" if self.slug == "index" else f"{self.slug}/"


@dataclass
class Site:
    """Everything the renderer needs, all checked."""

    pages: list[Page]
    sources: dict[str, Source]
    glossary: list[GlossaryEntry]
    evidence: dict[str, EvidenceEntry] = field(default_factory=dict)
    publisher: Publisher | None = None
    vocabulary: list[LayTerm] = field(default_factory=list)

    def page(self, slug: str) -> Page | None:
        return next((p for p in self.pages if p.slug == slug), None)

    def in_menu_order(self) -> list[Page]:
        """The topic pages by their `order`, then slug: the menu, the changes list, the export."""
        return sorted(self.pages, key=lambda p: (p.facts.page.order, p.slug))
