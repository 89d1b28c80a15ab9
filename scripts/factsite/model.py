"""The checked site as the renderer, the exporter and the MkDocs adapter see it.

validate.check() builds it only when every rule passes, so everything downstream can rely on it:
each cited id exists, each page's warning signs resolve, each label fits its definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from .schema import (
    ActionCard,
    CardStep,
    EvidenceEntry,
    FactFile,
    Figure,
    GlossaryEntry,
    HelpLine,
    LayTerm,
    Publisher,
    Sign,
    Source,
)

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


class Cites(Protocol):
    """Anything a page shows with numbered citations: a claim, a sign, a drawing."""

    @property
    def sources(self) -> list[str]: ...


@dataclass(frozen=True)
class Drawing:
    """A checked drawing: its entry in data/figures.yml and its SVG, ready to place in a page."""

    entry: Figure
    svg: str  # one line of SVG markup, with the alt text as its accessible name


def listed_signs(signs: list[Sign]) -> list[Sign]:
    """Signs in the order the warning-signs page lists them (templates/_signs.md.j2): by tier, adults then
    children, the signs without a group, then each group in the order it first appears."""
    tiers = ["emergency", "urgent", "routine"]
    first_seen: dict[tuple[str, bool, str], int] = {}
    for i, sign in enumerate(signs):
        if sign.group is not None:
            first_seen.setdefault((sign.tier, sign.children, sign.group), i)

    def place(sign: Sign) -> tuple[int, bool, int]:
        group = -1 if sign.group is None else first_seen[(sign.tier, sign.children, sign.group)]
        return tiers.index(sign.tier), sign.children, group

    return sorted(signs, key=place)


@dataclass
class Site:
    """Everything the renderer needs, all checked."""

    pages: list[Page]
    sources: dict[str, Source]
    glossary: list[GlossaryEntry]
    evidence: dict[str, EvidenceEntry] = field(default_factory=dict)
    publisher: Publisher | None = None
    vocabulary: list[LayTerm] = field(default_factory=list)
    figures: dict[str, Drawing] = field(default_factory=dict)
    card: ActionCard | None = None
    help: list[HelpLine] = field(default_factory=list)

    def page(self, slug: str) -> Page | None:
        return next((p for p in self.pages if p.slug == slug), None)

    def sign(self, sign_id: str) -> Sign:
        signs = self.page(WARNING_PAGE)
        assert signs is not None, "the check makes sure the warning-signs page exists"
        return next(s for s in signs.facts.signs if s.id == sign_id)

    def card_signs(self) -> list[Sign]:
        """The card's warning signs, most urgent first."""
        assert self.card is not None
        tiers = ["emergency", "urgent", "routine"]
        return sorted((self.sign(s) for s in self.card.signs), key=lambda sign: tiers.index(sign.tier))

    def card_items(self) -> list[CardStep | Sign]:
        """The card's steps, then the warning signs it ends with."""
        assert self.card is not None
        return [*self.card.steps, *self.card_signs()]

    def card_place(self, page: Page) -> Literal["top", "end"] | None:
        """Where a page shows the cramp card: under its main message if it asks for it, otherwise at the
        end as a tool to keep, except on pages that are tools themselves."""
        wanted = page.facts.page.action_card
        if self.card is None or wanted is False or (page.facts.page.tool and not wanted):
            return None
        return "top" if wanted else "end"

    def cited(self, page: Page) -> list[Cites]:
        """Everything on a page that cites sources, in the order a reader meets it: the one answer
        the renderer, the exporter and the tests use for a page's numbered Sources list."""
        facts = page.facts
        place = self.card_place(page)
        items: list[Cites] = [facts.main]
        if place == "top":
            items += self.card_items()  # a step's drawing illustrates the step, and shares its sources
        items += facts.summary
        if facts.page.figure:
            items.append(self.figures[facts.page.figure].entry)
        for sign in listed_signs(facts.signs):
            items.append(sign)
            if sign.figure:
                items.append(self.figures[sign.figure].entry)
        for section in facts.sections:
            items += [self.figures[f].entry for f in section.figures]
            items += section.claims
            items += section.compare.rows if section.compare else []
        for option in facts.options:
            items += option.claims()
            items += [self.figures[f].entry for f in option.figures]
        if place == "end":
            items += self.card_items()
        return items

    def in_menu_order(self) -> list[Page]:
        """The topic pages by their `order`, then slug: the menu, the changes list, the export."""
        return sorted(self.pages, key=lambda p: (p.facts.page.order, p.slug))
