"""The single definition of a fact file, a source and a glossary entry.

Every rule that concerns one file lives here, as a pydantic model. Rules that need
several files at once (ids that must resolve, ids that must be unique) live in
validate.py. Unknown keys are errors everywhere: "souces" is a typo, not a new field.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# Closed lists. Their reader-facing wording lives in the templates.
# How well something works (its evidence) and whether to use it (the recommendation) are two
# labels: quinine is the best-tested medicine and works a little, yet it is not for routine use.
Evidence = Literal["strong", "some", "unclear", "no-benefit", "expert-advice"]
Recommendation = Literal["not-recommended"]
# What a reader was able to check a source against, and where.
SeenWhat = Literal["full-text", "abstract", "excerpts"]
SeenFrom = Literal["publisher", "pubmed", "other-site"]
Tier = Literal["emergency", "urgent", "routine"]
SourceType = Literal[
    "guideline",
    "systematic-review",
    "trial",
    "cohort-study",
    "review",
    "health-service",
    "medical-centre",
    "professional-body",
    "regulator",
    "textbook",
]

# Hosts that copy other publishers' pages. Citing them hides who really said it.
MIRROR_HOSTS = (
    "scribd.com",
    "doctoori.net",
    "philstar.com",
    "painscience.com",
    "jesse.tg",
    "worstpills.org",
    "mediguard.org",
    "webarchive.library.unt.edu",
    "webharvest.gov",
    "web.archive.org",
    "medilib.ir",
    "droracle.ai",
)

MAX_TEXT = 320  # characters: longer claims are hard to read on a phone; split them.
MAX_URL = 500  # characters; the longest real source address has under 200

# The characters RFC 3986 allows in an address. Anything else (a space, a quote, <, a letter
# from another alphabet that imitates a Latin one) is a typo, or an attempt to break the page.
URL_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")
# Characters the theme would read as HTML in a page's title, menu entry and description:
# MkDocs and Material write those fields into the page without escaping them.
HTML_SYNTAX = re.compile(r'[<>"&`]')


def content_error(message: str, hint: str, at: str = "") -> PydanticCustomError:
    """A rule failure whose message and fix hint reach the editor unchanged.

    `at` names the field a whole-model rule is about, so the report points at it.
    """
    return PydanticCustomError("content", "{message}", {"message": message, "hint": hint, "at": at})


def _iso_date(value: str) -> str:
    try:
        if len(value) != 10:
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise content_error(f"'{value}' is not a real date", 'write it as "YYYY-MM-DD", e.g. "2026-11-22"') from None
    return value


def _canonical_url(value: str) -> str:
    if len(value) > MAX_URL:
        raise content_error(f"the address is longer than {MAX_URL} characters",
                            "cite the publisher's page, PubMed or the DOI, without tracking parameters")
    if " " in value:
        raise content_error(f"'{value}' is not a valid web address", "copy the full address from the browser")
    odd = next((c for c in value if not URL_CHARACTERS.match(c)), None)
    if odd is not None:
        raise content_error(f"'{value}' holds a character an address cannot have: {odd!r} (U+{ord(odd):04X})",
                            "copy the address from the browser's address bar; a letter from another "
                            "alphabet can imitate a real site's name")
    parts = urlsplit(value)
    if parts.scheme != "https":
        raise content_error(f"'{value}' is not an https address", "use the https:// address of the publisher's page")
    host = (parts.hostname or "").lower()
    if not host or "." not in host:
        raise content_error(f"'{value}' is not a valid web address", "copy the full address from the browser")
    if "@" in parts.netloc:
        raise content_error(f"'{value}' holds a user name or password before the host",
                            "cite the public address, without anything before the @")
    if any(label.startswith("xn--") for label in host.split(".")):
        raise content_error(f"'{host}' is an internationalised name, which can imitate another site's name",
                            "cite the publisher's address in plain letters")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise content_error(f"'{value}' points at a bare IP address, a copy of the real page",
                            "cite the publisher's page, PubMed or the DOI instead")
    if any(host == mirror or host.endswith("." + mirror) for mirror in MIRROR_HOSTS):
        raise content_error(f"'{host}' copies other publishers' pages",
                            "cite the publisher's page, PubMed or the DOI instead")
    return value


def _plain(value: str) -> str:
    if not value.strip():
        raise content_error("the text is empty", "write the text, or remove the entry")
    if "\n" in value.strip():
        raise content_error("the text has a line break", "write it on one line, or split it into two claims")
    return value.strip()


def _no_html(value: str) -> str:
    found = HTML_SYNTAX.search(value)
    if found:
        raise content_error(f"the text holds {found.group()!r}, which the theme would read as HTML",
                            "write 'and' instead of &, and curly quotes “ ” instead of \" or `")
    return value


_TERM = re.compile(r"^\w[\w'\- ]*$")


def _term(value: str) -> str:
    """A glossary term is found as a word in the page text and becomes a Markdown abbreviation."""
    if not _TERM.match(value):
        raise content_error(f"'{value}' is not a plain word or phrase",
                            "use only letters, digits, spaces, hyphens and apostrophes")
    return value


_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise content_error(f"'{value}' is not an e-mail address", "write it as name@example.org, plain letters only")
    return value


Text = Annotated[str, AfterValidator(_plain)]
# Page fields that MkDocs and Material put into the HTML as they are (title, menu, description).
ThemeText = Annotated[Text, AfterValidator(_no_html)]
LongText = Annotated[Text, Field(max_length=MAX_TEXT)]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Url = Annotated[str, AfterValidator(_canonical_url)]
# Search terms are words a reader types: letters, digits, spaces, apostrophes, hyphens and &.
SearchTerm = Annotated[str, Field(pattern=r"^\w[\w'& \-]*$", max_length=60)]
SourceIds = Annotated[list[str], Field(min_length=1)]
Email = Annotated[str, AfterValidator(_email)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Claim(Strict):
    """One statement a reader sees, with the sources that back it.

    A claim about how well something works names it in `about` (an id from data/evidence.yml)
    and shows that entry's labels; a claim cannot carry a label of its own, so the same
    treatment is labelled the same way on every page, and advice on where to get help
    (which has no evidence label) cannot be given one by accident.
    """

    id: Slug
    text: LongText
    about: Slug | None = None
    myth: LongText | None = None  # what people often hear; `text` says what the evidence shows
    sources: SourceIds


# How a section's claims are shown: a plain list, numbered steps to follow in order, or a
# checklist with a box to tick beside each item (printed, it is a list to take along).
Layout = Literal["list", "steps", "checklist"]


class Section(Strict):
    heading: Text
    anchor: Slug | None = None
    layout: Layout = "list"
    figures: list[Slug] = []  # ids from data/figures.yml, shown under the heading
    claims: Annotated[list[Claim], Field(min_length=1)]


class Sign(Strict):
    """A warning sign on the when-to-see-a-doctor page; `id` is its link anchor."""

    id: Slug
    tier: Tier
    sign: LongText
    meaning: LongText
    why: Slug | None = None  # anchor of the section on the same page that explains the tier chosen
    sources: SourceIds


class PageMeta(Strict):
    title: ThemeText
    nav_title: ThemeText | None = None
    description: Annotated[ThemeText, Field(max_length=160)]
    order: int
    reviewed: IsoDate
    next_review: IsoDate
    search_terms: Annotated[list[SearchTerm], Field(min_length=1)]
    warning_signs: list[Slug] = []
    figure: Slug | None = None  # a drawing from data/figures.yml that shows the main message, under it
    action_card: bool = False  # show the "Cramp right now?" card (data/cramp-card.yml) under the main message
    # A tool the page is: the cramp diary (a form and a blank table after the sections), or a
    # checklist to print (a print button under the main message). Tool pages are listed on every page.
    tool: Literal["diary", "checklist"] | None = None
    more_help: bool = False  # show the help lines and organisations of data/help.yml

    @model_validator(mode="after")
    def _review_order(self) -> PageMeta:
        if self.next_review <= self.reviewed:  # ISO dates compare correctly as text
            raise content_error(
                f"next_review {self.next_review} is not after reviewed {self.reviewed}",
                "set next_review to a later date, usually a year after the review",
                at="next_review",
            )
        return self


class Change(Strict):
    """One entry of a page's history, as readers see it: when, and what changed for them."""

    date: IsoDate
    summary: LongText


class Review(Strict):
    """A clinician's review of the page: a real person whose registration anyone can look up.

    Never invent one. Test fixtures may hold reviewers only if they are visibly fictional.
    """

    name: ThemeText
    profession: ThemeText  # e.g. "General practitioner", "Pharmacist"
    registered_with: ThemeText  # the body that registers them, e.g. "General Medical Council"
    registration: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}$")]  # their number there
    register_url: Url  # their entry on the public register
    date: IsoDate
    checked: LongText  # what they checked, e.g. "every claim and warning sign against its sources"
    interests: LongText  # declared interests, or "None declared"


class Option(Strict):
    """One treatment or self-care choice, explained the same way as every other one.

    `about` names its entry in data/evidence.yml, whose labels the comparison table shows.
    """

    about: Slug
    how: Claim  # how it works, or is thought to work
    benefit: Claim  # what it does for cramps, in numbers where the source gives them
    risks: Claim | None = None  # side effects and harms; leave out only when no source you read gives them
    not_for: Claim | None = None  # who should not use it, or should ask first; the same

    def claims(self) -> list[Claim]:
        return [c for c in (self.how, self.benefit, self.risks, self.not_for) if c is not None]


class FactFile(Strict):
    """One topic page: content/<slug>.yml."""

    page: PageMeta
    main: Claim  # the one thing a reader must remember: one sentence, shown first
    summary: list[Claim] = []
    sections: list[Section] = []
    signs: list[Sign] = []
    options: list[Option] = []  # treatment choices, compared in a table and explained one by one
    reviews: list[Review] = []
    changes: Annotated[list[Change], Field(min_length=1)]

    @model_validator(mode="after")
    def _has_content(self) -> FactFile:
        if not (self.summary or self.sections or self.signs):
            raise content_error("the page has no claims", "add a section with at least one claim")
        return self

    def claims(self) -> list[Claim]:
        return [self.main, *self.summary, *(c for s in self.sections for c in s.claims),
                *(c for o in self.options for c in o.claims())]

    def cited(self) -> list[Claim | Sign]:
        """Everything on the page that cites sources, in page order: claims, then warning signs."""
        return [*self.claims(), *self.signs]


class Seen(Strict):
    """What the editor actually read when checking claims against a source."""

    what: SeenWhat
    at: SeenFrom
    version: Text | None = None  # the date the read version shows, e.g. "Reviewed September 2023"


class Source(Strict):
    """One entry of the bibliography, data/sources.yml."""

    id: Slug
    publisher: Text
    title: Text
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    url: Url
    type: SourceType
    accessed: IsoDate  # the day the claims were last checked against it
    seen: Seen


class EvidenceEntry(Strict):
    """One thing people try for cramps, labelled once: how well it works, and whether to use it."""

    id: Slug
    name: Text
    evidence: Evidence | None = None
    recommendation: Recommendation | None = None
    sources: SourceIds

    @model_validator(mode="after")
    def _has_a_label(self) -> EvidenceEntry:
        if self.evidence is None and self.recommendation is None:
            raise content_error("the entry has no label", "add evidence:, recommendation:, or both", at="evidence")
        return self


class ReportChannel(Strict):
    """Where readers report a mistake: an e-mail address or a web form (one of the two)."""

    email: Email | None = None
    form: Url | None = None  # the page and the statement are added as ?page=...&claim=...
    handling: LongText  # what happens to a report, shown on the about page

    @model_validator(mode="after")
    def _one_channel(self) -> ReportChannel:
        if (self.email is None) == (self.form is None):
            raise content_error("give either email or form", "readers need one place to send a report", at="email")
        return self


class Publisher(Strict):
    """Who publishes the site and pays for it: data/publisher.yml, filled in by whoever deploys it."""

    name: ThemeText
    kind: Literal["organisation", "person"]
    web: Url | None = None
    contact: Email
    funding: LongText  # who pays for the site
    interests: LongText  # conflicts of interest, or "None"
    reports: ReportChannel


class GlossaryEntry(Strict):
    """A medical word and its plain meaning; shown as a tooltip wherever the word appears."""

    term: Annotated[Text, AfterValidator(_term), Field(max_length=60)]
    definition: Annotated[Text, Field(max_length=200)]
    sources: SourceIds

    @property
    def anchor(self) -> str:
        """The term's link anchor on the glossary page: "Baker's cyst" -> "bakers-cyst"."""
        return re.sub(r"[^a-z0-9]+", "-", self.term.lower().replace("'", "").replace("’", "")).strip("-")


class Figure(Strict):
    """A drawing, docs/assets/figures/<id>.svg: shown inside the page with its alt text, caption and sources."""

    id: Slug
    alt: Annotated[Text, Field(max_length=200)]  # what the drawing shows, for readers who cannot see it
    caption: LongText  # how to do what it shows, under the drawing
    sources: SourceIds  # the advice the drawing follows


class CardStep(Claim):
    """One step of the "Cramp right now?" card, with an optional drawing of it."""

    figure: Slug | None = None


class ActionCard(Strict):
    """data/cramp-card.yml: what to do during a cramp, in a few numbered steps with pictures.

    The card ends with the warning signs named in `signs`, each in its own words and tier, so the
    card can never give a different urgency from the when-to-see-a-doctor page.
    """

    title: ThemeText
    steps: Annotated[list[CardStep], Field(min_length=2, max_length=3)]
    signs: Annotated[list[Slug], Field(min_length=1, max_length=3)]
    more: list[Slug] = []  # drawings for other muscles, on the printable card only


class HelpLine(Strict):
    """A health line or support organisation, listed under "More help" (apart from the references)."""

    name: ThemeText
    region: Text  # where it serves, e.g. "England", "United States"
    purpose: LongText  # what it is for, in a reader's words
    phone: Annotated[str, Field(pattern=r"^[0-9][0-9 -]{1,19}$")] | None = None  # as the organisation writes it
    url: Url  # the organisation's own page
    checked: IsoDate  # the day the number and address were checked on that page


# A page address in the vocabulary: a page's file name, optionally with a section or sign anchor.
PageAddress = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*(#[a-z0-9]+(-[a-z0-9]+)*)?$", max_length=120)]


class LayTerm(Strict):
    """Words readers use (`lay`) for something the pages call by other words (`means`).

    Search adds the `means` words to a query that holds a `lay` phrase, so "charley horse"
    finds the pages about cramp. With `see`, the phrases are listed in the symptom index too.
    """

    lay: Annotated[list[SearchTerm], Field(min_length=1)]
    means: Annotated[list[SearchTerm], Field(min_length=1)]  # words that are on the pages
    see: PageAddress | None = None  # e.g. "when-to-see-a-doctor#swollen-calf"


# The top level of each kind of data file.
SourceList = Annotated[list[Source], Field(min_length=1)]
Glossary = list[GlossaryEntry]
EvidenceList = list[EvidenceEntry]
Vocabulary = list[LayTerm]
Figures = list[Figure]
HelpLines = list[HelpLine]
