"""Turn loaded documents into typed facts, or into one report of every problem.

First each file is checked against the schema; then the rules that span files:
ids unique everywhere, every cited id exists, every source is cited, warning-sign
links resolve, reviews not overdue, each page readable at US grade 8 or below and each
sentence at grade 12; evidence labels (data/evidence.yml) fit their definitions, back
the claims that show them, and never sit on advice about getting help; a sign's `why`
names a section that explains its tier.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from . import figures, history, readability
from .load import DataPath, Document, dotted, load_file, load_text
from .messages import schema_problem
from .model import WARNING_PAGE, Drawing, Page, Site
from .problems import Location, Problem, errors
from .schema import (
    ActionCard,
    Claim,
    CompareRow,
    EvidenceEntry,
    EvidenceList,
    FactFile,
    Figure,
    Figures,
    Glossary,
    GlossaryEntry,
    HelpLine,
    HelpLines,
    LayTerm,
    Publisher,
    Source,
    SourceList,
    Tier,
    Vocabulary,
)
from .stemmer import phrase_key

MAX_GRADE = 8.0  # a page as a whole
MAX_SENTENCE_GRADE = 12.0  # one sentence: a page can average grade 6 and still hide a grade-17 sentence
MIN_GRADED_WORDS = 8  # a grade for "Trials disagree." (14.7) measures one long word, not a hard sentence
MAX_CLAIMS = 7  # in one section: the CDC's Clear Communication Index asks for lists of 7 items or fewer
MIN_HEADING_WORDS = 3  # "Medicines" names a topic; "Medicines that can cause cramps" says what the part is about
GRADE_FIELDS = ("text", "myth", "sign", "meaning", "caption")

# A content file's name becomes the page's address and file name: keep it to what every tool reads.
PAGE_FILE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.yml$")
# Pages the build generates itself, and folders it writes: a fact file with one of these names
# would silently replace the page, or mix with the folder.
# Pages not made from content/ (cramp-card is the printable card, made from data/cramp-card.yml).
GENERATED_PAGES = ("sources", "glossary", "symptom-index", "changes", "about", "cramp-card", "more-help")
RESERVED_PAGES = frozenset({*GENERATED_PAGES, "search", "assets", "api", "404", "sitemap", "feed"})
# The folders the build reads. Anything in them is published or parsed, so a link out of the
# project (to /proc/self/environ, a home folder, a secret) would be published too.
READ_FOLDERS = ("content", "data", "docs")

# Advice on where, or how fast, to get help. It comes from health services' triage advice, not
# from trials, so a claim that gives it must not wear an evidence label.
TRIAGE = re.compile(
    r"\b(call|phone|ring|dial)\s+(999|911|112|111|an ambulance|nhs 111|a doctor)|\bA&E\b|emergency department"
    r"|same day|straight away|right away|at once|urgent|\bsee a (gp|doctor)|get (medical )?help",
    re.IGNORECASE)
# Which kinds of source can back which evidence label (the definitions on the about page).
TESTED = {"trial", "systematic-review"}  # a source that tested a treatment
STUDIED = TESTED | {"cohort-study", "guideline", "review"}  # a source that weighed the studies


@dataclass(frozen=True)
class Sentence:
    """One graded sentence of a page, with where it was written (the report names the hardest)."""

    grade: float
    text: str
    where: Location


@dataclass
class Result:
    site: Site | None
    problems: list[Problem] = field(default_factory=list)
    grades: dict[str, float] = field(default_factory=dict)
    hardest: dict[str, Sentence] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.site is not None and not errors(self.problems)


def _parse(doc: Document, root: Any) -> tuple[Any, list[Problem]]:
    try:
        return TypeAdapter(root).validate_python(doc.data), []
    except ValidationError as error:
        return None, [schema_problem(doc, root, e) for e in error.errors(include_url=False)]


# --- cross-file rules ----------------------------------------------------------------


@dataclass
class _Cited:
    """Where an id is cited, for 'unknown id' problems that point at the citation."""

    id: str
    where: Location
    field: str


def _suggest(wrong: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(wrong, list(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _unique(items: list[tuple[str, Location, str]], what: str, hint: str = "give each one its own id"
            ) -> list[Problem]:
    seen: dict[str, Location] = {}
    problems = []
    for ident, where, fld in items:
        if ident in seen:
            problems.append(Problem(where, fld, f"{what} '{ident}' is already used at {seen[ident]}", hint))
        else:
            seen[ident] = where
    return problems


def _claim_paths(facts: FactFile) -> Iterable[tuple[DataPath, Any]]:
    yield ("main",), facts.main
    for i, claim in enumerate(facts.summary):
        yield ("summary", i), claim
    for s, section in enumerate(facts.sections):
        for c, claim in enumerate(section.claims):
            yield ("sections", s, "claims", c), claim
    for i, option in enumerate(facts.options):
        for name in ("how", "benefit", "risks", "not_for"):
            if getattr(option, name) is not None:
                yield ("options", i, name), getattr(option, name)
    for i, sign in enumerate(facts.signs):
        yield ("signs", i), sign


def _compare_rows(facts: FactFile) -> Iterable[tuple[DataPath, CompareRow]]:
    """The rows of every comparison table on a page, with where each is written."""
    for s, section in enumerate(facts.sections):
        for r, row in enumerate(section.compare.rows if section.compare else []):
            yield ("sections", s, "compare", "rows", r), row


def _page_text(facts: FactFile) -> str:
    return " ".join(getattr(item, f) or "" for _, item in _claim_paths(facts) for f in GRADE_FIELDS
                    if hasattr(item, f))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences(doc: Document, items: Iterable[tuple[DataPath, Any]]) -> Iterable[Sentence]:
    """Every sentence of the items' reader-facing text, graded, with where it was written."""
    for at, item in items:
        for name in GRADE_FIELDS:
            text = getattr(item, name, None)
            for sentence in _SENTENCE_END.split(text or ""):
                if len(sentence.split()) >= MIN_GRADED_WORDS:
                    yield Sentence(readability.grade(sentence), sentence, doc.where((*at, name)))


def _label_problems(doc: Document, at: DataPath, claim: Claim, known: dict[str, EvidenceEntry],
                    evidence_read: bool) -> list[Problem]:
    """A claim that shows a treatment's labels: the entry exists, backs the claim, and the claim gives no triage."""
    about, problems = claim.about, []
    where, fld = doc.where((*at, "about")), dotted((*at, "about"))
    if evidence_read and about not in known:
        hint = _suggest(str(about), known) or "add it to data/evidence.yml, or fix the id"
        problems.append(Problem(where, fld, f"unknown evidence entry '{about}'", hint))
    entry = known.get(str(about))
    if entry and not set(entry.sources) & set(claim.sources):
        problems.append(doc.problem((*at, "sources"),
                                    f"the claim shows the label of '{about}' but cites none of the sources "
                                    "that label rests on", f"cite one of: {', '.join(entry.sources)}"))
    triage = TRIAGE.search(claim.text)
    if triage:
        problems.append(Problem(where, fld, f"the claim gives advice on getting help ('{triage.group(0)}'), which "
                                "carries no evidence label", "put that advice in a claim of its own, without 'about'"))
    return problems


def _why_problems(doc: Document, facts: FactFile) -> list[Problem]:
    """A sign's `why` must name a section on its page that explains the tier."""
    anchors = {s.anchor for s in facts.sections if s.anchor}
    return [doc.problem(("signs", i, "why"), f"no section with anchor '{sign.why}' explains this tier",
                    _suggest(sign.why, anchors) or "use the anchor of a section on this page")
            for i, sign in enumerate(facts.signs) if sign.why and sign.why not in anchors]


def _section_problems(doc: Document, facts: FactFile) -> list[Problem]:
    """Sections a reader can take in: at most 7 statements, under a heading that says what they are about."""
    problems = []
    for i, section in enumerate(facts.sections):
        if len(section.claims) > MAX_CLAIMS:
            problems.append(doc.problem(("sections", i, "claims"), f"the section has {len(section.claims)} "
                                        f"statements, more than {MAX_CLAIMS}",
                                        "split it into sections of 7 or fewer, each with a heading of its own"))
        columns = len(section.compare.columns) if section.compare else 0
        for r, row in enumerate(section.compare.rows if section.compare else []):
            if len(row.cells) != columns:
                problems.append(doc.problem(("sections", i, "compare", "rows", r, "cells"), f"the row has "
                                            f"{len(row.cells)} cells, but the table has {columns} columns",
                                            "give the row one cell for each column"))
        if len(section.heading.split()) < MIN_HEADING_WORDS:
            problems.append(doc.problem(("sections", i, "heading"), f"the heading '{section.heading}' names a topic "
                                        "but does not say what the section tells the reader",
                                        "use three words or more, e.g. 'Medicines that can cause cramps', or a "
                                        "question a reader would ask"))
    return problems


def _sign_group_problems(doc: Document, facts: FactFile) -> list[Problem]:
    """A tier's list of signs (for adults, or for children) a reader can scan: more than 7 go in named groups
    of at most 7."""
    problems: list[Problem] = []
    for tier in get_args(Tier):
        for children in (False, True):
            listed = [(i, s) for i, s in enumerate(facts.signs) if s.tier == tier and s.children == children]
            who = "children" if children else "adults"
            ungrouped = [i for i, s in listed if s.group is None]
            if len(listed) > MAX_CLAIMS and ungrouped:
                problems.append(doc.problem(("signs", ungrouped[0]), f"the {tier} tier lists {len(listed)} signs "
                                            f"for {who}, more than {MAX_CLAIMS} in one run, and {len(ungrouped)} "
                                            "have no group",
                                            "give each a group: a short heading for signs of one kind, at most "
                                            f"{MAX_CLAIMS} in a group"))
            groups: dict[str, list[int]] = {}
            for i, s in listed:
                if s.group is not None:
                    groups.setdefault(s.group, []).append(i)
            problems.extend(doc.problem(("signs", ids[MAX_CLAIMS], "group"), f"the group '{group}' holds "
                                        f"{len(ids)} {tier} signs for {who}, more than {MAX_CLAIMS}",
                                        "split it into two groups")
                            for group, ids in groups.items() if len(ids) > MAX_CLAIMS)
    return problems


def _main_problems(doc: Document, facts: FactFile) -> list[Problem]:
    """The main message is one sentence: the one thing a reader must remember."""
    count = len(_SENTENCE_END.split(facts.main.text.strip()))
    if count == 1:
        return []
    return [doc.problem(("main", "text"), f"the main message has {count} sentences",
                        "write one sentence: the one thing a reader must remember; move the rest into sections")]


def _option_problems(doc: Document, facts: FactFile, project: _Project) -> list[Problem]:
    """Each choice names a known evidence entry, and its benefit cites a source that entry's label rests on."""
    problems = []
    known = project.known_evidence
    for i, option in enumerate(facts.options):
        entry = known.get(option.about)
        if entry is None:
            if project.evidence is not None:
                hint = _suggest(option.about, known) or "add it to data/evidence.yml, or fix the id"
                problems.append(doc.problem(("options", i, "about"), f"unknown evidence entry '{option.about}'", hint))
        elif not set(entry.sources) & set(option.benefit.sources):
            problems.append(doc.problem(("options", i, "benefit", "sources"),
                                        f"the table shows the label of '{option.about}' but the benefit cites "
                                        "none of the sources that label rests on",
                                        f"cite one of: {', '.join(entry.sources)}"))
    return problems


def _hard_sentence(sentence: Sentence) -> Problem:
    return Problem(sentence.where, "", f"sentence at reading grade {sentence.grade:.1f} (above "
                   f"{MAX_SENTENCE_GRADE:.0f}): '{sentence.text[:60]}'", "split it, or use shorter everyday words")


def _evidence_rules(entries: list[EvidenceEntry], doc: Document, sources: dict[str, Source]) -> list[Problem]:
    """Each label must fit its definition on the about page, judged by the kinds of source it cites."""
    problems = []
    for i, entry in enumerate(entries):
        kinds = [sources[s].type for s in entry.sources if s in sources]
        where, fld = doc.where((i, "evidence")), f"[{i}].evidence"
        if entry.evidence == "expert-advice" and TESTED & set(kinds):
            problems.append(Problem(where, fld, f"'{entry.id}' is labelled expert-advice, but it cites a trial or "
                                    "a review of trials, so it has been tested",
                                    "use strong, some, unclear or no-benefit, as the studies found"))
        elif entry.evidence not in (None, "expert-advice") and not STUDIED & set(kinds):
            problems.append(Problem(where, fld, f"'{entry.id}' is labelled {entry.evidence}, but it cites no study",
                                    "cite the trial or review the label rests on, or label it expert-advice"))
        elif entry.evidence == "strong" and "systematic-review" not in kinds and "guideline" not in kinds \
                and kinds.count("trial") < 2:
            problems.append(Problem(where, fld, f"'{entry.id}' is labelled strong, but it cites neither a review "
                                    "of trials, a guideline nor two trials",
                                    "cite the review the label rests on, or use some"))
    return problems


def _shown(name: str) -> str:
    """A file name as an editor can read it, even when it is not valid UTF-8."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def links_out(root: Path) -> tuple[list[Problem], set[Path]]:
    """Symbolic links in the folders the build reads that point outside the project (or nowhere).

    Returned as problems, and as the set of paths nobody may read: the check reports them
    before any file is opened, and the build stops on them, so their target is never published.
    """
    root = root.resolve()
    problems: list[Problem] = []
    refused: set[Path] = set()

    def refuse(path: Path) -> None:
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a dangling link, or a loop
            target = None
        if target is not None and target.is_relative_to(root):
            return
        shown = _shown(path.relative_to(root).as_posix())
        problems.append(Problem(Location(shown, 1, 1), "",
                                "a symbolic link to a place outside the project" if target else
                                "a symbolic link that leads nowhere",
                                "replace the link with a copy of the file, or delete it"))
        refused.add(path)

    for folder in READ_FOLDERS:
        top = root / folder
        if top.is_symlink():
            refuse(top)
            if top in refused:
                continue
        for here, dirs, files in os.walk(top):  # never follows links to folders
            for name in [*dirs, *files]:
                if (Path(here) / name).is_symlink():
                    refuse(Path(here) / name)
    return problems, refused


# Hosts that can never be a real public site: loopback, and the names reserved for examples
# and tests (RFC 2606, RFC 6761). A build for any other address is a real publication.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "example.com", "example.org", "example.net"})
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")


def is_public(site_url: str | None) -> bool:
    """Whether a build for `site_url` publishes to real readers (and so must say who publishes it)."""
    host = (urlsplit(site_url or "").hostname or "").lower().rstrip(".")
    if not host or host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(RESERVED_SUFFIXES):
        return False
    return not any(host.endswith("." + local) for local in LOCAL_HOSTS)


def _fingerprint(facts: FactFile) -> tuple[object, ...]:
    """What readers are told on a page: its claims and signs, and the date it was checked."""
    return (facts.page.reviewed,
            tuple((c.id, c.text, c.myth, c.about, tuple(c.sources)) for c in facts.claims()),
            tuple((s.id, s.tier, s.sign, s.meaning, s.why, tuple(s.sources)) for s in facts.signs))


def _change_problems(root: Path, doc: Document, facts: FactFile, today: date) -> list[Problem]:
    """Dates in a page's history and reviews, and a change entry for every change readers can see."""
    problems = []
    for i, change in enumerate(facts.changes):
        if change.date > today.isoformat():
            problems.append(doc.problem(("changes", i, "date"), f"the change is dated {change.date}, in the future",
                                    "date it the day the change was made"))
    last_change = max(c.date for c in facts.changes)
    for i, review in enumerate(facts.reviews):
        if review.date > today.isoformat():
            problems.append(doc.problem(("reviews", i, "date"), f"the review is dated {review.date}, in the future",
                                    "date it the day the reviewer checked the page"))
        elif review.date < last_change:
            problems.append(doc.problem(("reviews", i, "date"),
                                        f"the review of {review.date} is older than the page's last change "
                                    f"({last_change}), so it did not check what readers see now",
                                    "ask the reviewer to check the changes and update the date, or remove the review"))
    old = history.committed(root, doc.path)
    if old is None or old == (root / doc.path).read_bytes():  # unchanged since the commit: nothing to compare
        return problems
    loaded = load_text(old.decode("utf-8", "replace"), doc.path)
    if loaded.document is None or loaded.problems:
        return problems
    before, found = _parse(loaded.document, FactFile)
    if before is None or found:
        return problems  # the committed version predates a rule: nothing fair to compare
    if _fingerprint(before) != _fingerprint(facts) and before.changes == facts.changes:
        problems.append(doc.problem(("changes",), f"the claims or the review date changed since {history.since()}, "
                                    "but changes: has no new entry",
                                    "add an entry for today with a one-line summary of what changed for readers",
                                    key=True))
    return problems


def _page_file_problem(path: Path, shown: str) -> Problem | None:
    """A content file whose name cannot be a page: odd characters, or a page the build writes."""
    name = _shown(path.name)
    if not PAGE_FILE.match(path.name):
        return Problem(Location(shown, 1, 1), "", f"the file name '{name}' cannot be a page address",
                       "use lower-case letters, digits and hyphens, ending in .yml, e.g. night-cramps.yml")
    if path.stem in RESERVED_PAGES:
        return Problem(Location(shown, 1, 1), "", f"the site already has a page or folder called '{path.stem}'",
                       "give the file another name")
    return None


@dataclass
class _Project:
    """Every file of the project as read and parsed; None where a file could not be read."""

    sources_doc: Document | None = None
    sources: list[Source] | None = None
    glossary_doc: Document | None = None
    glossary: list[GlossaryEntry] | None = None
    evidence_doc: Document | None = None
    evidence: list[EvidenceEntry] | None = None
    publisher: Publisher | None = None
    vocabulary_doc: Document | None = None
    vocabulary: list[LayTerm] | None = None
    figures_doc: Document | None = None
    figures: list[Figure] | None = None
    card_doc: Document | None = None
    card: ActionCard | None = None
    help_doc: Document | None = None
    help: list[HelpLine] | None = None
    pages: list[tuple[Document, FactFile]] = field(default_factory=list)
    # A file that fails the schema cites nothing we can see, so "not cited" and "not used" are
    # only reported when every file was read, to avoid a cascade of false alarms.
    all_read: bool = True

    @property
    def known_sources(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources or []}

    @property
    def known_evidence(self) -> dict[str, EvidenceEntry]:
        return {e.id: e for e in self.evidence or []}

    def claims(self) -> Iterable[tuple[Document, DataPath, Any]]:
        """Every claim and sign of every page, and the steps of the cramp card, with where each is written."""
        for doc, facts in self.pages:
            for at, item in _claim_paths(facts):
                yield doc, at, item
        if self.card_doc is not None and self.card is not None:
            for i, step in enumerate(self.card.steps):
                yield self.card_doc, ("steps", i), step


def _read_pages(content: Path, docs_pages: set[str], parse: Callable[[Path, Any], tuple[Document | None, Any]],
                rel: Callable[[Path], str], problems: list[Problem], refused: set[Path],
                pages: list[tuple[Document, FactFile]]) -> bool:
    """Parse every fact file in content/ into `pages`; False if any could not be read."""
    all_read = True
    for path in sorted(content.iterdir()) if content.is_dir() and content not in refused else []:
        if path.name.startswith((".", "_")):
            continue
        if path in refused:
            all_read = False
            continue
        if path.suffix != ".yml" or not path.is_file():
            problems.append(Problem(Location(rel(path), 1, 1), "", "no page uses this file",
                                    "content/ holds only .yml fact files; move or delete it"))
            continue
        misnamed = _page_file_problem(path, rel(path))
        if misnamed is None and path.stem in docs_pages:
            misnamed = Problem(Location(rel(path), 1, 1), "", f"docs/{path.stem}.md is already a page of that name",
                               "give the file another name")
        if misnamed:
            problems.append(misnamed)
            all_read = False
            continue
        doc, facts = parse(path, FactFile)
        if doc is not None and facts is not None:
            pages.append((doc, facts))
        else:
            all_read = False
    return all_read


def _read(root: Path, site_url: str | None, problems: list[Problem], refused: set[Path]) -> _Project:
    """Load and parse every data and content file, adding their problems to `problems`."""
    content, data = root / "content", root / "data"
    docs_pages = {p.stem for p in (root / "docs").glob("*.md")} if (root / "docs") not in refused else set()
    project = _Project()

    def rel(path: Path) -> str:
        return _shown(path.relative_to(root).as_posix())

    def parse(path: Path, schema: Any) -> tuple[Document | None, Any]:
        if path in refused or path.parent in refused:
            return None, None
        loaded = load_file(path, rel(path))
        problems.extend(loaded.problems)
        if loaded.document is None or loaded.problems:
            return loaded.document, None
        parsed, found = _parse(loaded.document, schema)
        problems.extend(found)
        return loaded.document, parsed

    sources_path = data / "sources.yml"
    if not sources_path.is_file() and sources_path not in refused and data not in refused:
        problems.append(Problem(Location(rel(sources_path), 1, 1), "", "the bibliography is missing",
                                "create data/sources.yml; content/_example.yml explains sources"))
    else:
        project.sources_doc, project.sources = parse(sources_path, SourceList)
    def optional(name: str, schema: Any) -> tuple[Document | None, Any]:
        """A data file the site can do without: read it if it is there, else an empty list."""
        path = data / name
        return parse(path, schema) if path.is_file() else (None, [])

    project.glossary_doc, project.glossary = optional("glossary.yml", Glossary)
    project.evidence_doc, project.evidence = optional("evidence.yml", EvidenceList)
    project.vocabulary_doc, project.vocabulary = optional("vocabulary.yml", Vocabulary)
    project.figures_doc, project.figures = optional("figures.yml", Figures)
    project.help_doc, project.help = optional("help.yml", HelpLines)
    card_path = data / "cramp-card.yml"
    if card_path.is_file():
        project.card_doc, project.card = parse(card_path, ActionCard)
    publisher_path = data / "publisher.yml"
    if publisher_path.is_file() or publisher_path in refused:
        project.publisher = parse(publisher_path, Publisher)[1]
    elif is_public(site_url):
        problems.append(Problem(Location(rel(publisher_path), 1, 1), "",
                                f"a site built for {site_url} must say who publishes it, and where to report a mistake",
                                "copy data/_publisher.example.yml to data/publisher.yml and fill in the real details"))

    project.all_read = (project.glossary is not None and project.evidence is not None
                        and project.figures is not None and project.help is not None
                        and (project.card is not None or not card_path.is_file()))
    project.all_read &= _read_pages(content, docs_pages, parse, rel, problems, refused, project.pages)
    if not project.pages and not errors(problems):
        problems.append(Problem(Location("content", 1, 1), "", "there are no fact files",
                                "add content/<slug>.yml; copy content/_example.yml"))
    return project


def _page_rules(root: Path, doc: Document, facts: FactFile, project: _Project, today: date,
                result: Result) -> list[Problem]:
    """The rules about one page on its own: labels, tier reasons, changes, reading grade, anchors, review date."""
    problems: list[Problem] = []
    for at, item in _claim_paths(facts):
        if getattr(item, "about", None):
            problems.extend(_label_problems(doc, at, item, project.known_evidence, project.evidence is not None))
    problems.extend(_why_problems(doc, facts))
    problems.extend(_main_problems(doc, facts))
    problems.extend(_section_problems(doc, facts))
    problems.extend(_sign_group_problems(doc, facts))
    problems.extend(_option_problems(doc, facts, project))
    problems.extend(_change_problems(root, doc, facts, today))
    sentences = list(_sentences(doc, _claim_paths(facts)))
    if sentences:
        result.hardest[doc.path] = max(sentences, key=lambda x: x.grade)
    problems.extend(_hard_sentence(s) for s in sentences if s.grade > MAX_SENTENCE_GRADE)
    anchors = [(s.anchor, doc.where(("sections", i, "anchor")), dotted(("sections", i, "anchor")))
               for i, s in enumerate(facts.sections) if s.anchor]
    problems.extend(_unique(anchors, "section anchor"))
    if facts.signs and Path(doc.path).stem != WARNING_PAGE:
        problems.append(doc.problem(("signs",), f"warning signs belong on content/{WARNING_PAGE}.yml",
                                    "move them there and link to them with page.warning_signs", key=True))
    grade = result.grades[doc.path] = readability.grade(_page_text(facts))
    if grade > MAX_GRADE:
        problems.append(doc.problem((), f"reading grade {grade:.1f} is above {MAX_GRADE:.0f}",
                                "use shorter sentences and everyday words"))
    if facts.page.next_review < today.isoformat():
        problems.append(doc.problem(("page", "next_review"), f"the review was due on {facts.page.next_review}",
                                "check every claim against its sources, then update both dates", severity="warning"))
    return problems


def _citation_rules(project: _Project) -> list[Problem]:
    """Every cited id is a known source, and every source is cited by something."""
    cited = [_Cited(sid, doc.where((*at, "sources", i)), dotted((*at, "sources", i)))
             for doc, at, item in project.claims() for i, sid in enumerate(item.sources)]
    cited += [_Cited(sid, doc.where((*at, "sources", i)), dotted((*at, "sources", i)))
              for doc, facts in project.pages for at, row in _compare_rows(facts) for i, sid in enumerate(row.sources)]
    data_docs: list[tuple[Document | None, Sequence[GlossaryEntry | EvidenceEntry | Figure]]] = [
        (project.glossary_doc, project.glossary or []), (project.evidence_doc, project.evidence or []),
        (project.figures_doc, project.figures or [])]
    for data_doc, entries in data_docs:
        for entry_no, entry in enumerate(entries):
            assert data_doc is not None
            cited += [_Cited(sid, data_doc.where((entry_no, "sources", i)), dotted((entry_no, "sources", i)))
                      for i, sid in enumerate(entry.sources)]
    if project.sources is None:
        return []
    known = project.known_sources
    problems = [Problem(c.where, c.field, f"unknown source '{c.id}'",
                        _suggest(c.id, known) or "add it to data/sources.yml, or fix the id")
                for c in cited if c.id not in known]
    used = {c.id for c in cited}
    assert project.sources_doc is not None
    if project.pages and project.all_read:
        problems += [project.sources_doc.problem((i, "id"), f"source '{source.id}' is not cited by any claim",
                                                 "cite it from a claim, or remove it")
                     for i, source in enumerate(project.sources) if source.id not in used]
    return problems


def _evidence_use_rules(project: _Project) -> list[Problem]:
    """Evidence entries: each used by a claim, each id once, each label backed by its sources."""
    if project.evidence_doc is None or not project.evidence:
        return []
    doc, evidence = project.evidence_doc, project.evidence
    about_used = {item.about for _, _, item in project.claims() if getattr(item, "about", None)}
    about_used |= {o.about for _, facts in project.pages for o in facts.options}
    problems = []
    if project.pages and project.all_read:
        problems += [doc.problem((i, "id"), f"evidence entry '{label.id}' is not used by any claim",
                             "name it in a claim's 'about', or remove it")
                     for i, label in enumerate(evidence) if label.id not in about_used]
    problems.extend(_unique([(e.id, doc.where((i, "id")), f"[{i}].id") for i, e in enumerate(evidence)],
                            "evidence entry"))
    if project.sources is not None:
        problems.extend(_evidence_rules(evidence, doc, project.known_sources))
    return problems


def _uniqueness_rules(project: _Project) -> list[Problem]:
    """Claim ids across all pages, source ids, glossary terms: each once."""
    claim_ids = [(item.id, doc.where((*at, "id")), dotted((*at, "id"))) for doc, at, item in project.claims()]
    problems = _unique(claim_ids, "claim id")
    if project.sources_doc is not None and project.sources:
        problems += _unique([(s.id, project.sources_doc.where((i, "id")), f"[{i}].id")
                             for i, s in enumerate(project.sources)], "source id")
    if project.glossary_doc is not None and project.glossary:
        problems += _unique([(g.term.lower(), project.glossary_doc.where((i, "term")), f"[{i}].term")
                             for i, g in enumerate(project.glossary)], "glossary term", "keep one entry for each term")
    return problems


def _warning_sign_rules(root: Path, project: _Project) -> list[Problem]:
    """The warning-signs page exists, and every page's warning_signs name signs on it."""
    signs_page = next((facts for doc, facts in project.pages if Path(doc.path).stem == WARNING_PAGE), None)
    if signs_page is None:
        if project.pages and not (root / "content" / f"{WARNING_PAGE}.yml").exists():
            return [Problem(Location("content", 1, 1), "", f"content/{WARNING_PAGE}.yml is missing",
                            "every page links to it; create it with the warning signs")]
        return []  # it exists but could not be read: its own problems are reported
    known = {s.id for s in signs_page.signs}
    return [doc.problem(("page", "warning_signs", i), f"unknown warning sign '{sign_id}'",
                    _suggest(sign_id, known) or f"use an id from the signs in content/{WARNING_PAGE}.yml")
            for doc, facts in project.pages for i, sign_id in enumerate(facts.page.warning_signs)
            if sign_id not in known]


def _same_to_search(doc: Document, entries: Sequence[LayTerm]) -> list[Problem]:
    """Lay phrases of two entries that search reads as one ("alcoholic" and "alcohol", "legs gave way"
    and "leg gave way": the same words once endings are ignored). Search would take the first entry's
    meaning and never the second's."""
    first: dict[tuple[str, ...], tuple[int, str, Location]] = {}
    problems = []
    for i, entry in enumerate(entries):
        for j, phrase in enumerate(entry.lay):
            key = phrase_key(phrase)
            if not key:
                continue
            if key not in first:
                first[key] = (i, phrase, doc.where((i, "lay", j)))
                continue
            other, other_phrase, where = first[key]
            if other != i and other_phrase.lower() != phrase.lower():  # the same phrase twice is reported above
                problems.append(doc.problem(
                    (i, "lay", j), f"search reads lay phrase '{phrase}' as '{other_phrase}' at {where} "
                    "(word endings are ignored), so only that entry ever matches it",
                    "keep the phrase in the entry it belongs to, or add a word that tells the two apart"))
    return problems


def _vocabulary_rules(project: _Project) -> list[Problem]:
    """data/vocabulary.yml: each lay phrase once, `means` words that are on a page, `see` addresses that exist."""
    doc, entries = project.vocabulary_doc, project.vocabulary
    if doc is None or not entries:
        return []
    phrases = [(phrase.lower(), doc.where((i, "lay", j)), f"[{i}].lay[{j}]")
               for i, entry in enumerate(entries) for j, phrase in enumerate(entry.lay)]
    problems = _unique(phrases, "lay phrase", "keep each phrase in one entry")
    problems += _same_to_search(doc, entries)
    if not project.all_read:
        return problems  # a page that failed to parse has words and anchors we cannot see
    glossary = project.glossary or []
    page_words = (" ".join([f.page.title, *f.page.search_terms, _page_text(f), *(s.heading for s in f.sections)])
                  for _, f in project.pages)
    on_pages = " ".join([*page_words, *(f"{g.term} {g.definition}" for g in glossary),
                         *GENERATED_PAGES]).lower().replace("-", " ")
    anchors = {Path(d.path).stem: {s.anchor for s in f.sections if s.anchor} | {s.id for s in f.signs}
               for d, f in project.pages}
    anchors |= {page: set() for page in GENERATED_PAGES}
    anchors["glossary"] = {g.anchor for g in glossary}
    for i, entry in enumerate(entries):
        for j, word in enumerate(entry.means):
            wanted = re.escape(word.lower().replace("-", " "))
            # The start of a word is enough: search matches "stretch" to "stretching".
            if not re.search(rf"(?<!\w){wanted}", on_pages):
                problems.append(doc.problem((i, "means", j), f"'{word}' is not on any page",
                                            "use words the pages use, so search can find them"))
        if entry.see is not None:
            slug, _, anchor = entry.see.partition("#")
            if slug not in anchors:
                problems.append(doc.problem((i, "see"), f"no page '{slug}'",
                                            _suggest(slug, anchors) or "use a file name from content/, without .yml,"
                                            " or glossary, symptom-index, sources, changes or about"))
            elif anchor and anchor not in anchors[slug]:
                problems.append(doc.problem((i, "see"), f"content/{slug}.yml has no section or sign '{anchor}'",
                                            _suggest(anchor, anchors[slug]) or "use a section anchor or a sign id"))
    return problems


def _figure_rules(root: Path, project: _Project) -> tuple[list[Problem], dict[str, Drawing]]:
    """Every drawing is listed, exists, is a safe and small SVG, and is shown somewhere; every use names one."""
    doc, entries = project.figures_doc, project.figures or []
    problems: list[Problem] = []
    drawings: dict[str, Drawing] = {}
    first_with: dict[bytes, str] = {}
    folder = root / figures.FOLDER
    for i, entry in enumerate(entries):
        path = folder / f"{entry.id}.svg"
        assert doc is not None
        if not path.is_file():
            problems.append(doc.problem((i, "id"), f"there is no drawing {figures.FOLDER.as_posix()}/{entry.id}.svg",
                                        "add the SVG file, or fix the id"))
            continue
        data = path.read_bytes()
        if data in first_with:  # a copy shows one movement under another's caption
            problems.append(doc.problem((i, "id"), f"drawing '{entry.id}' is the same file as '{first_with[data]}'",
                                        "draw what this entry's caption says, or use the other entry"))
        first_with.setdefault(data, entry.id)
        found = figures.check_svg(data)
        shown = f"{figures.FOLDER.as_posix()}/{entry.id}.svg"
        problems += [Problem(Location(shown, line, column), "", what, how) for line, column, what, how in found]
        if not found:
            drawings[entry.id] = Drawing(entry, figures.inline_svg(data, entry.alt))
    if doc is not None and entries:
        problems += _unique([(e.id, doc.where((i, "id")), f"[{i}].id") for i, e in enumerate(entries)], "drawing")
        problems.extend(_sentence_problems(doc, [((i,), e) for i, e in enumerate(entries)]))
    listed = {e.id for e in entries}
    if folder.is_dir() and project.figures is not None:
        problems += [Problem(Location(f"{figures.FOLDER.as_posix()}/{svg.name}", 1, 1), "",
                             "no entry in data/figures.yml describes this drawing",
                             "add its alt text, caption and sources to data/figures.yml, or delete the file")
                     for svg in sorted(folder.glob("*.svg")) if svg.stem not in listed]
    uses: list[tuple[str, Document, DataPath]] = [
        (f, page_doc, ("sections", s, "figures", j)) for page_doc, facts in project.pages
        for s, section in enumerate(facts.sections) for j, f in enumerate(section.figures)]
    uses += [(facts.page.figure, page_doc, ("page", "figure"))
             for page_doc, facts in project.pages if facts.page.figure]
    uses += [(sign.figure, page_doc, ("signs", i, "figure")) for page_doc, facts in project.pages
             for i, sign in enumerate(facts.signs) if sign.figure]
    uses += [(f, page_doc, ("options", o, "figures", j)) for page_doc, facts in project.pages
             for o, option in enumerate(facts.options) for j, f in enumerate(option.figures)]
    if project.card is not None and project.card_doc is not None:
        uses += [(step.figure, project.card_doc, ("steps", i, "figure"))
                 for i, step in enumerate(project.card.steps) if step.figure]
        uses += [(f, project.card_doc, ("more", i)) for i, f in enumerate(project.card.more)]
    if project.figures is None:
        return problems, drawings
    problems += [use_doc.problem(at, f"unknown drawing '{f}'", _suggest(f, listed) or "use an id from data/figures.yml")
                 for f, use_doc, at in uses if f not in listed]
    if doc is not None and project.all_read:
        used = {f for f, _, _ in uses}
        problems += [doc.problem((i, "id"), f"drawing '{e.id}' is not shown on any page",
                                 "name it in a page's figure:, a section's figures: or a card step's figure:, "
                                 "or remove it")
                     for i, e in enumerate(entries) if e.id not in used]
    return problems, drawings


def _sentence_problems(doc: Document, items: Iterable[tuple[DataPath, Any]]) -> list[Problem]:
    return [_hard_sentence(s) for s in _sentences(doc, items) if s.grade > MAX_SENTENCE_GRADE]


def _card_rules(project: _Project, signs: set[str] | None) -> list[Problem]:
    """The cramp card: pages that show it have it, it is shown, its steps are checked like claims,
    a step's drawing follows the step's own sources, and it ends with a real warning sign."""
    card, doc = project.card, project.card_doc
    wanted = [(page_doc, ("page", "action_card")) for page_doc, facts in project.pages if facts.page.action_card]
    if card is None or doc is None:
        if doc is None:  # no file at all (a file that failed to parse has its own problems)
            return [page_doc.problem(at, "the page asks for the cramp card, but data/cramp-card.yml is missing",
                                     "add data/cramp-card.yml, or remove action_card") for page_doc, at in wanted]
        return []
    problems = []
    shown = [facts for _, facts in project.pages
             if facts.page.action_card or (facts.page.action_card is None and not facts.page.tool)]
    if not shown and project.all_read:
        problems.append(doc.problem((), "no page shows the cramp card",
                                    "leave out action_card, or set it to true, on a page, or delete the file"))
    for i, step in enumerate(card.steps):
        if step.about:
            problems.extend(_label_problems(doc, ("steps", i), step, project.known_evidence,
                                            project.evidence is not None))
        figure = next((f for f in project.figures or [] if f.id == step.figure), None)
        if figure and not set(figure.sources) <= set(step.sources):
            problems.append(doc.problem(("steps", i, "sources"), f"the step's drawing '{figure.id}' follows "
                                        f"{', '.join(sorted(set(figure.sources) - set(step.sources)))}, which the "
                                        "step does not cite", "cite the drawing's sources in the step too"))
    problems.extend(_sentence_problems(doc, [(("steps", i), step) for i, step in enumerate(card.steps)]))
    if signs is not None:
        problems += [doc.problem(("signs", i), f"unknown warning sign '{sign}'",
                                 _suggest(sign, signs) or f"use an id from content/{WARNING_PAGE}.yml")
                     for i, sign in enumerate(card.signs) if sign not in signs]
    return problems


def _help_rules(project: _Project) -> list[Problem]:
    """Every page that asks for More help has entries to point to, each listed once, in groups a reader can scan."""
    wanted = [(doc, ("page", "more_help")) for doc, facts in project.pages if facts.page.more_help]
    if project.help is None:
        return []
    if not project.help:
        return [doc.problem(at, "the page asks for More help, but data/help.yml lists nothing",
                            "add the health lines and organisations to data/help.yml, or remove more_help")
                for doc, at in wanted]
    assert project.help_doc is not None
    problems = _unique([(h.name.lower(), project.help_doc.where((i, "name")), f"[{i}].name")
                        for i, h in enumerate(project.help)], "help line", "keep one entry for each")
    groups: dict[str, list[int]] = {}
    for i, line in enumerate(project.help):
        groups.setdefault(line.group, []).append(i)
    problems += [project.help_doc.problem((members[MAX_CLAIMS], "group"), f"the group '{group}' has {len(members)} "
                                          f"entries, more than {MAX_CLAIMS}", "split it into smaller groups")
                 for group, members in groups.items() if len(members) > MAX_CLAIMS]
    return problems


def check(root: Path, today: date | None = None, site_url: str | None = None) -> Result:
    """Load and validate the whole project under `root`. Never raises for bad content.

    `site_url` is the address the site is built for: a public one requires data/publisher.yml.
    """
    today = today or date.today()
    problems, refused = links_out(root)
    project = _read(root, site_url, problems, refused)
    result = Result(None, problems)
    for doc, facts in project.pages:
        problems.extend(_page_rules(root, doc, facts, project, today, result))
    problems.extend(_citation_rules(project))
    problems.extend(_evidence_use_rules(project))
    problems.extend(_uniqueness_rules(project))
    problems.extend(_warning_sign_rules(root, project))
    problems.extend(_vocabulary_rules(project))
    figure_problems, drawings = _figure_rules(root, project)
    problems.extend(figure_problems)
    signs_page = next((f for d, f in project.pages if Path(d.path).stem == WARNING_PAGE), None)
    problems.extend(_card_rules(project, {s.id for s in signs_page.signs} if signs_page else None))
    problems.extend(_help_rules(project))
    if errors(problems) or project.sources is None or project.glossary is None or project.evidence is None:
        return result
    result.site = Site(pages=[Page(Path(d.path).stem, d.path, f) for d, f in project.pages],
                       sources=project.known_sources, glossary=list(project.glossary),
                       evidence=project.known_evidence, publisher=project.publisher,
                       vocabulary=list(project.vocabulary or []), figures=drawings, card=project.card,
                       help=list(project.help or []))
    return result


def example_problems(root: Path, example: Path) -> list[Problem]:
    """Schema problems in an annotated example file (cross-file rules do not apply to it)."""
    loaded = load_file(example, example.relative_to(root).as_posix())
    if loaded.document is None or loaded.problems:
        return loaded.problems
    return _parse(loaded.document, FactFile)[1]


__all__ = ["WARNING_PAGE", "Page", "Result", "Site", "Source", "check", "example_problems"]
