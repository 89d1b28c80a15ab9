"""The single definition of a fact file, a source and a glossary entry.

Every rule that concerns one file lives here, as a pydantic model. Rules that need
several files at once (ids that must resolve, ids that must be unique) live in
validate.py. Unknown keys are errors everywhere: "souces" is a typo, not a new field.
Each field says what it means in Field(description=...): editors see it on hover (schemas/),
the open data's schema carries it, and a test fails for a field without one.
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

    id: Slug = Field(description="A unique id across all files: lowercase words joined by hyphens.")
    text: LongText = Field(description="The statement as readers see it: plain words, one line.")
    about: Slug | None = Field(None, description="On a claim that says how well something works: the id of that "
                               "treatment in data/evidence.yml, whose labels the claim then shows.")
    myth: LongText | None = Field(None, description="What people often hear; `text` then says what the evidence "
                                  "shows.")
    sources: SourceIds = Field(description="Ids from data/sources.yml that back the statement: at least one.")


# How a section's claims are shown: a plain list, numbered steps to follow in order, or a
# checklist with a box to tick beside each item (printed, it is a list to take along).
Layout = Literal["list", "steps", "checklist"]


class BlankTable(Strict):
    """Empty rows for the reader to fill in by hand: a tool that works on paper, with no script."""

    caption: ThemeText = Field(description='What the table is, e.g. "My medicines"; printed above it.')
    columns: Annotated[list[ThemeText], Field(min_length=2, max_length=6)] = Field(
        description="The column headings, 2 to 6, each saying what to write in it.")
    rows: Annotated[int, Field(ge=3, le=15)] = Field(8, description="How many empty rows to print: 3 to 15.")


class CompareRow(Strict):
    """One row of a comparison table: a cell for each column, and the sources that back the row."""

    cells: Annotated[list[ThemeText], Field(min_length=2, max_length=5)] = Field(
        description="The row's cells, one per column; the first names the thing compared.")
    sources: SourceIds = Field(description="Ids from data/sources.yml that back every cell of the row.")


class Comparison(Strict):
    """A table that compares a few things at a glance, shown after a section's statements."""

    caption: ThemeText = Field(description='What the table compares, e.g. "Cramp or something else?"; shown above '
                               "it.")
    columns: Annotated[list[ThemeText], Field(min_length=2, max_length=5)] = Field(
        description="The column headings, 2 to 5; the first names what each row is about.")
    rows: Annotated[list[CompareRow], Field(min_length=2, max_length=9)] = Field(
        description="The rows, 2 to 9, each with a cell per column and its sources.")


class Section(Strict):
    heading: Text = Field(description="The section's heading.")
    anchor: Slug | None = Field(None, description="A stable anchor for links to the section.")
    layout: Layout = Field("list", description="How the claims are shown: list, steps (numbered, to follow in "
                           "order) or checklist (a box to tick beside each).")
    figures: list[Slug] = Field([], description="Ids of drawings from data/figures.yml, shown under the heading.")
    claims: Annotated[list[Claim], Field(min_length=1)] = Field(description="The section's statements: at least "
                                                                  "one.")
    table: BlankTable | None = Field(None, description="A blank table to fill in, shown after the statements (which "
                                     "say what to write and why): a tool the reader can print.")
    compare: Comparison | None = Field(None, description="A table comparing a few things at a glance, each row cited, "
                                       "shown after the statements.")


class Sign(Strict):
    """A warning sign on the when-to-see-a-doctor page; `id` is its link anchor."""

    id: Slug = Field(description="The sign's id and link anchor; pages list it in warning_signs.")
    tier: Tier = Field(description="How fast to get help: emergency (now), urgent (the same day) or routine (book "
                       "an appointment).")
    sign: LongText = Field(description="What the reader notices; each feature stands alone.")
    meaning: LongText = Field(description="What it may mean, and what to do.")
    why: Slug | None = Field(None, description="The anchor of the section on this page that explains the tier "
                             "chosen, where health services disagree.")
    children: bool = Field(False, description="A sign in a child: listed under its tier's heading for children.")
    group: ThemeText | None = Field(None, description="A short heading for signs of one kind, where a tier lists "
                                    "more than 7 signs for adults (or for children): at most 7 in a group.")
    figure: Slug | None = Field(None, description="A drawing from data/figures.yml that shows how to check for the "
                                "sign (such as the glass test for a rash), shown under what it means.")
    sources: SourceIds = Field(description="Ids from data/sources.yml that back the sign and its tier.")


class PageMeta(Strict):
    title: ThemeText = Field(description="The page heading and browser-tab title.")
    nav_title: ThemeText | None = Field(None, description="A shorter label for the menu.")
    description: Annotated[ThemeText, Field(max_length=160)] = Field(description="Who the page is for and what it "
                                                                     "covers: shown under the title, and used by "
                                                                     "search engines and link previews.")
    order: int = Field(description="Where the page sits in the menu: smaller numbers come first.")
    reviewed: IsoDate = Field(description='The day the page was last checked against its sources, "YYYY-MM-DD".')
    next_review: IsoDate = Field(description='When the page is due for its next check, "YYYY-MM-DD", after '
                                 "reviewed.")
    search_terms: Annotated[list[SearchTerm], Field(min_length=1)] = Field(
        description="Words a reader might type to find this page: everyday phrases, word forms, misspellings.")
    warning_signs: list[Slug] = Field([], description="Ids of warning signs to show in a box near the top of the "
                                      "page.")
    figure: Slug | None = Field(None, description="A drawing from data/figures.yml that shows the main message, "
                                "placed under it.")
    action_card: bool | None = Field(None, description='true: show the "Cramp right now?" card (data/cramp-card.yml) '
                                     "under the main message; false: not at all; left out: at the end of the page, as "
                                     "a card to keep (tool pages do without).")
    tool: Literal["diary", "checklist"] | None = Field(None, description="The page is a tool, listed on every page: "
                                                       "diary (the cramp diary's form and blank table after the "
                                                       "sections) or checklist (a print button at the top).")
    more_help: bool = Field(False, description='A short "More help" section: the emergency numbers and a link to '
                            "the page that lists the health lines and organisations of data/help.yml.")

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

    date: IsoDate = Field(description='The day the change was made, "YYYY-MM-DD".')
    summary: LongText = Field(description="What changed for readers, in one line.")


class Review(Strict):
    """A clinician's review of the page: a real person whose registration anyone can look up.

    Never invent one. Test fixtures may hold reviewers only if they are visibly fictional.
    """

    name: ThemeText = Field(description="The reviewer's full name.")
    profession: ThemeText = Field(description='Their profession, e.g. "General practitioner", "Pharmacist".')
    registered_with: ThemeText = Field(description='The body that registers them, e.g. "General Medical Council".')
    registration: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}$")] = Field(
        description="Their registration number with that body.")
    register_url: Url = Field(description="Their entry on the public register.")
    date: IsoDate = Field(description='The day of the review, "YYYY-MM-DD"; not older than the last change.')
    checked: LongText = Field(description='What they checked, e.g. "every claim and warning sign against its '
                              'sources".')
    interests: LongText = Field(description='Their declared interests, or "None declared".')


class Option(Strict):
    """One treatment or self-care choice, explained the same way as every other one.

    `about` names its entry in data/evidence.yml, whose labels the comparison table shows.
    """

    name: ThemeText = Field(description='A short name that says what it is, e.g. "Diltiazem (a heart medicine)".')
    about: Slug = Field(description="The choice's entry in data/evidence.yml, whose labels the table shows.")
    how: Claim = Field(description="What it is, and how it works or is thought to work.")
    benefit: Claim = Field(description="What it does for cramps, in numbers where the source gives them.")
    risks: Claim | None = Field(None, description="Side effects and harms; leave out only when no source you read "
                                "gives them.")
    not_for: Claim | None = Field(None, description="Who should not use it, or should ask first; leave out only "
                                  "when no source you read says.")
    figures: list[Slug] = Field([], description="Ids of drawings from data/figures.yml (such as a chart of how many "
                                "people in 100 get a side effect), shown after the choice's explanation.")

    def claims(self) -> list[Claim]:
        return [c for c in (self.how, self.benefit, self.risks, self.not_for) if c is not None]


class FactFile(Strict):
    """One topic page: content/<slug>.yml."""

    page: PageMeta = Field(description="The page's title, menu place, review dates and search words.")
    main: Claim = Field(description="The main message: the one thing a reader must remember, in one sentence, "
                        "shown first.")
    summary: list[Claim] = Field([], description='The short "in brief" box under the title.')
    sections: list[Section] = Field([], description="The page's sections, each with its statements.")
    signs: list[Sign] = Field([], description="Warning signs: only on content/when-to-see-a-doctor.yml.")
    options: list[Option] = Field([], description="Treatment choices, compared in a table and explained one by one.")
    reviews: list[Review] = Field([], description="A clinician's review of the page: real people only.")
    changes: Annotated[list[Change], Field(min_length=1)] = Field(description="What changed for readers, newest "
                                                                  "first.")

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

    what: SeenWhat = Field(description="What could be read: full-text, abstract or excerpts.")
    at: SeenFrom = Field(description="Where: publisher (its own site), pubmed, or other-site (a copy).")
    version: Text | None = Field(None, description='The date or version the text read shows, e.g. "Reviewed '
                                 'September 2023".')


class Source(Strict):
    """One entry of the bibliography, data/sources.yml."""

    id: Slug = Field(description="The id claims cite it by.")
    publisher: Text = Field(description="Who published it.")
    title: Text = Field(description="Its title, as the publisher gives it.")
    year: Annotated[int, Field(ge=1900, le=2100)] | None = Field(None, description="The year of publication or "
                                                                 "last review the publisher shows.")
    url: Url = Field(description="The canonical record (the publisher's page, PubMed or a DOI), never a copy.")
    type: SourceType = Field(description="What kind of source it is; blogs and shops are not on the list.")
    accessed: IsoDate = Field(description='The day the claims citing it were last checked against it, '
                              '"YYYY-MM-DD".')
    seen: Seen = Field(description="What that check could read, and where.")


class EvidenceEntry(Strict):
    """One thing people try for cramps, labelled once: how well it works, and whether to use it."""

    id: Slug = Field(description="The id claims name it by, in `about`.")
    name: Text = Field(description="What people try, in plain words.")
    evidence: Evidence | None = Field(None, description="How well it works, as defined on the about page.")
    recommendation: Recommendation | None = Field(None, description="Whether to use it: not-recommended when "
                                                  "health bodies advise against it.")
    sources: SourceIds = Field(description="What the labels rest on; a claim that shows them cites one of these.")

    @model_validator(mode="after")
    def _has_a_label(self) -> EvidenceEntry:
        if self.evidence is None and self.recommendation is None:
            raise content_error("the entry has no label", "add evidence:, recommendation:, or both", at="evidence")
        return self


class ReportChannel(Strict):
    """Where readers report a mistake: an e-mail address or a web form (one of the two)."""

    email: Email | None = Field(None, description="The e-mail address reports go to (or form, not both).")
    form: Url | None = Field(None, description="The https address of a report form (or email, not both); the page "
                             "and the statement are added as ?page=...&claim=...")
    handling: LongText = Field(description="What happens to a report, shown on the about page.")

    @model_validator(mode="after")
    def _one_channel(self) -> ReportChannel:
        if (self.email is None) == (self.form is None):
            raise content_error("give either email or form", "readers need one place to send a report", at="email")
        return self


class Publisher(Strict):
    """Who publishes the site and pays for it: data/publisher.yml, filled in by whoever deploys it."""

    name: ThemeText = Field(description="The organisation or person that publishes the guide.")
    kind: Literal["organisation", "person"] = Field(description="organisation or person.")
    web: Url | None = Field(None, description="The publisher's own website.")
    contact: Email = Field(description="Where readers can reach the publisher.")
    funding: LongText = Field(description="Who pays for the site.")
    interests: LongText = Field(description='Conflicts of interest, or "None".')
    reports: ReportChannel = Field(description="Where readers report a mistake, and what happens then.")


class GlossaryEntry(Strict):
    """A medical word and its plain meaning; shown as a tooltip wherever the word appears."""

    term: Annotated[Text, AfterValidator(_term), Field(max_length=60)] = Field(
        description="The word or phrase as it appears on the pages.")
    definition: Annotated[Text, Field(max_length=200)] = Field(description="Its plain meaning: one sentence, under "
                                                                "20 words.")
    sources: SourceIds = Field(description="Ids from data/sources.yml that back the meaning.")

    @property
    def anchor(self) -> str:
        """The term's link anchor on the glossary page: "Baker's cyst" -> "bakers-cyst"."""
        return re.sub(r"[^a-z0-9]+", "-", self.term.lower().replace("'", "").replace("’", "")).strip("-")


class Figure(Strict):
    """A drawing, docs/assets/figures/<id>.svg: shown inside the page with its alt text, caption and sources."""

    id: Slug = Field(description="The drawing's file name in docs/assets/figures/, without .svg.")
    alt: Annotated[Text, Field(max_length=200)] = Field(description="What the drawing shows, for readers who cannot "
                                                        "see it: one sentence.")
    caption: LongText = Field(description="How to do what it shows, under the drawing.")
    sources: SourceIds = Field(description="Ids from data/sources.yml of the advice the drawing follows.")


class CardStep(Claim):
    """One step of the "Cramp right now?" card, with an optional drawing of it."""

    figure: Slug | None = Field(None, description="A drawing of the step from data/figures.yml.")


class ActionCard(Strict):
    """data/cramp-card.yml: what to do during a cramp, in a few numbered steps with pictures.

    The card ends with the warning signs named in `signs`, each in its own words and tier, so the
    card can never give a different urgency from the when-to-see-a-doctor page.
    """

    title: ThemeText = Field(description="The card's heading.")
    steps: Annotated[list[CardStep], Field(min_length=2, max_length=3)] = Field(
        description="Two or three steps, each a claim with an optional drawing.")
    signs: Annotated[list[Slug], Field(min_length=1, max_length=3)] = Field(
        description="Ids of the warning signs the card ends with, shown in their own words and tiers.")
    more: list[Slug] = Field([], description="Drawings for cramps in other muscles, on the card to print.")


class HelpLine(Strict):
    """A health line or support organisation, listed under "More help" (apart from the references)."""

    name: ThemeText = Field(description="The service's or organisation's name.")
    group: ThemeText = Field(description='The heading it is listed under, e.g. "In the UK"; at most 7 in a group.')
    region: Text = Field(description='Where it serves, e.g. "England (UK only)", "United States".')
    purpose: LongText = Field(description="What it is for, in a reader's words.")
    phone: Annotated[str, Field(pattern=r"^[0-9][0-9 -]{1,19}$")] | None = Field(
        None, description="The phone number as the organisation writes it.")
    url: Url = Field(description="The page where the number and address were read.")
    checked: IsoDate = Field(description='The day they were read there, "YYYY-MM-DD".')


# A page address in the vocabulary: a page's file name, optionally with a section or sign anchor.
PageAddress = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*(#[a-z0-9]+(-[a-z0-9]+)*)?$", max_length=120)]


class LayTerm(Strict):
    """Words readers use (`lay`) for something the pages call by other words (`means`).

    Search adds the `means` words to a query that holds a `lay` phrase, so "charley horse"
    finds the pages about cramp. With `see`, the phrases are listed in the symptom index too.
    """

    lay: Annotated[list[SearchTerm], Field(min_length=1)] = Field(description="What readers type.")
    means: Annotated[list[SearchTerm], Field(min_length=1)] = Field(description="Words that are on the pages.")
    see: PageAddress | None = Field(None, description='The page, or page#section, that answers, e.g. '
                                    '"when-to-see-a-doctor#swollen-calf"; listed in the symptom index.')


# The top level of each kind of data file.
SourceList = Annotated[list[Source], Field(min_length=1)]
Glossary = list[GlossaryEntry]
EvidenceList = list[EvidenceEntry]
Vocabulary = list[LayTerm]
Figures = list[Figure]
HelpLines = list[HelpLine]
