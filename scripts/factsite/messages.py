"""pydantic's validation errors, in the words an editor needs: where, what is wrong, how to fix it.

Wording that depends on the field is keyed by the model that declares it and the field's name,
so the same key (sources, say) can mean different things on a claim and on a glossary entry.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel

from .load import DataPath, Document, dotted
from .problems import Problem
from .schema import ActionCard, Claim, EvidenceEntry, FactFile, GlossaryEntry, HelpLine, PageMeta, Review, Section, Sign

# Wording for a missing or empty field, by the model it belongs to: an empty `sources:` means
# something different on a claim, a warning sign and a glossary entry.
_FIXED: dict[tuple[type[BaseModel], str], tuple[str, str]] = {
    (Claim, "sources"): ("a claim needs at least one source", "add an id from data/sources.yml"),
    (Sign, "sources"): ("a warning sign needs at least one source", "add an id from data/sources.yml"),
    (GlossaryEntry, "sources"): ("a glossary entry needs at least one source", "add an id from data/sources.yml"),
    (EvidenceEntry, "sources"): ("an evidence entry needs at least one source: the studies behind its label",
                                 "add an id from data/sources.yml"),
    (Section, "claims"): ("a section needs at least one claim", "add a claim, or remove the section"),
    (PageMeta, "search_terms"): ("the page needs at least one search term", "add words a reader might type"),
    (FactFile, "changes"): ("the page needs at least one change entry",
                            'add "- date: YYYY-MM-DD / summary: First published." under changes:'),
    (FactFile, "main"): ("the page has no main message",
                         "add main: with the one thing a reader must remember, in one sentence, "
                         "like any claim (content/_example.yml shows it)"),
    (ActionCard, "steps"): ("the card needs two or three steps",
                            "keep it short: a reader in pain reads it at a glance"),
}
# Wording for a value that does not match its field's pattern.
_PATTERNS: dict[tuple[type[BaseModel], str], tuple[str, str]] = {
    (PageMeta, "search_terms"): ("is not a valid search term",
                                 "use only letters, digits, spaces, hyphens, apostrophes and &"),
    (Review, "registration"): ("is not a registration number",
                               "copy it from the register: letters, digits, spaces, dots, slashes and hyphens"),
    (HelpLine, "phone"): ("is not a phone number", "write the digits as the organisation does, with spaces or "
                          "hyphens only, e.g. 0800 611 116"),
}
_ID = ("is not a valid id", "use lowercase letters, digits and single hyphens, e.g. night-cramps")


def _owner(root: Any, loc: DataPath) -> tuple[Any, str]:
    """The model that declares the field at `loc`, and the field's name (list indexes skipped)."""
    path = list(loc)
    while path and isinstance(path[-1], int):
        path.pop()
    if not path:
        return None, ""
    return _field_type(root, tuple(path[:-1])), str(path[-1])


def _field_type(root: Any, loc: tuple[str | int, ...]) -> Any:
    """The declared type at `loc` inside `root`, to suggest keys that do exist."""
    current = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    return _unwrap(current)


def _unwrap(tp: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the useful type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        else:
            return tp


def _data_loc(data: Any, raw: tuple[str | int, ...]) -> DataPath:
    """pydantic's error location, keeping only steps into the editor's data.

    pydantic adds steps such as 'function-after[...]' for validators; the last step may
    also name a key that is missing from the data, and that one is kept.
    """
    out: list[str | int] = []
    node = data
    for i, part in enumerate(raw):
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif i < len(raw) - 1:
            continue
        out.append(part)
    return tuple(out)


def schema_problem(doc: Document, root: Any, err: Any) -> Problem:
    """One pydantic error as the editor's Problem: where it is, what is wrong, how to fix it."""
    loc = _data_loc(doc.data, tuple(err["loc"]))
    kind, ctx, name = err["type"], err.get("ctx") or {}, next((p for p in reversed(loc) if isinstance(p, str)), "")
    value = err.get("input")
    if kind == "extra_forbidden":
        parent = _field_type(root, loc[:-1])
        if loc[-1] in ("evidence", "recommendation") and parent is Claim:
            return Problem(doc.where(loc, key=True), dotted(loc), "a claim cannot carry a label of its own",
                           "label the treatment once in data/evidence.yml and name it here with 'about: <id>'")
        known = list(parent.model_fields) if isinstance(parent, type) and issubclass(parent, BaseModel) else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(known)}"
        return Problem(doc.where(loc, key=True), dotted(loc), f"unknown key '{loc[-1]}'", hint)
    if kind == "content" and ctx.get("at"):
        loc = (*loc, ctx["at"])
    where = doc.where(loc)
    owner = _owner(root, loc)
    fixed = _FIXED.get(owner)
    if kind == "missing":
        if fixed and (owner[0] is not FactFile or owner[1] == "main"):  # a page without changes: name the key
            return Problem(where, dotted(loc), *fixed)
        guide = f"the comment at the top of {doc.path} lists" if doc.path.startswith("data/") else \
            "content/_example.yml shows"
        return Problem(where, dotted(loc), f"'{name}' is missing", f"add it; {guide} every field")
    if kind == "content":
        return Problem(where, dotted(loc), ctx["message"], ctx["hint"])
    if kind in ("too_short", "too_long") and fixed and isinstance(value, list):
        return Problem(where, dotted(loc), *fixed)
    if kind in ("too_short", "too_long") and isinstance(value, list) and value:
        count = f"the list has {len(value)} item{'s' * (len(value) != 1)}"
        if kind == "too_long":
            return Problem(where, dotted(loc), f"{count}, at most {ctx.get('max_length')}", "remove some")
        return Problem(where, dotted(loc), f"{count}, at least {ctx.get('min_length')}", "add more")
    pattern = _PATTERNS.get(owner, _ID)
    too_long = (f"the text is too long ({len(str(value))} characters, at most {ctx.get('max_length')})",
                "split it into shorter claims" if name in ("text", "myth", "sign", "meaning") else "shorten it")
    simple = {
        "string_type": ("expected text", "write it as text; quote it if it starts with a symbol"),
        "list_type": ("expected a list", "write it as [a, b] or as lines starting with '- '"),
        "int_type": ("expected a whole number", "write digits only, without quotes"),
        "model_type": ("expected a set of keys and values", "see content/_example.yml for the shape"),
        "dict_type": ("expected a set of keys and values", "see content/_example.yml for the shape"),
        "string_pattern_mismatch": (f"'{value}' {pattern[0]}", pattern[1]),
        "literal_error": (f"'{value}' is not allowed here", f"use one of: {ctx.get('expected', '')}"),
        "too_long": too_long,
        "string_too_long": too_long,
        "too_short": ("the list is empty", "add at least one item, or remove the key"),
        "greater_than_equal": (f"{value} is too small", f"use a number of at least {ctx.get('ge')}"),
        "less_than_equal": (f"{value} is too large", f"use a number of at most {ctx.get('le')}"),
    }
    message, hint = simple.get(kind, (err["msg"], "see content/_example.yml"))
    return Problem(where, dotted(loc), message, hint)
