"""Load YAML into plain Python data, remembering where every node came from.

PyYAML silently keeps the last of two duplicate keys and turns unquoted dates into
`date` objects; both hide editors' mistakes, so this loader composes the node tree
itself, refuses duplicate keys and keeps every scalar that looks like a date as text.

Content is input from anyone with commit access, so the cost of reading it is bounded:
a size limit per file, a nesting limit (PyYAML composes recursively), and a limit on
the values a file may expand to through aliases ("billion laughs"). Characters that
hide or reorder text (bidi controls, zero-width spaces, control characters) are refused.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from .problems import Location, Problem

MAX_FILE_BYTES = 1_000_000  # the largest real file is about 45 KB
MAX_DEPTH = 32  # a fact file nests 7 levels deep
MAX_VALUES = 100_000  # values after expanding aliases; the largest real file has about 4,000

# A path into the data: keys and list indexes, e.g. ("sections", 0, "claims", 2, "sources").
DataPath = tuple[str | int, ...]


class _Refused(yaml.MarkedYAMLError):
    """Input the loader will not read, at a position, with the fix for the editor."""

    def __init__(self, message: str, hint: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.hint = hint


class _TextDateLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings (the validator checks them as dates), and stops
    composing past MAX_DEPTH levels instead of running out of Python stack."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"the data is nested more than {MAX_DEPTH} levels deep",
                               "a fact file needs about 7 levels; check the indentation", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# Dates stay text, and so does a lone "=": YAML 1.1 reads it as a "value key" that SafeLoader
# cannot build, and an editor who types it means the character.
_KEPT_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value"}
_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _KEPT_AS_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Document:
    """One loaded YAML file: its data and the position of every value and key in it."""

    path: str
    data: Any
    values: dict[DataPath, Location] = field(default_factory=dict)
    keys: dict[DataPath, Location] = field(default_factory=dict)

    def where(self, path: DataPath, *, key: bool = False) -> Location:
        """The closest known position for `path`: the node itself, else its nearest parent."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found:
                return found
        return Location(self.path, 1, 1)

    def problem(self, path: DataPath, message: str, hint: str, *, key: bool = False,
                severity: Literal["error", "warning"] = "error") -> Problem:
        """A problem at `path`: its position in the file and its field as editors see it, paired once."""
        return Problem(self.where(path, key=key), dotted(path), message, hint, severity)


def _location(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain data, recording positions and problems."""

    def __init__(self, path: str) -> None:
        self.doc = Document(path, None)
        self.problems: list[Problem] = []
        self._scalars = _TextDateLoader("")
        self._values = 0
        self._open: set[int] = set()  # the collections being built, to catch an alias inside itself

    def build(self, node: yaml.Node, at: DataPath) -> Any:
        self.doc.values[at] = _location(self.doc.path, node)
        self._values += 1
        if self._values > MAX_VALUES:
            raise _Refused(f"the file expands to more than {MAX_VALUES:,} values",
                           "YAML aliases (*name) repeat data; write the values out, or split the file",
                           node.start_mark)
        if isinstance(node, yaml.CollectionNode):
            if id(node) in self._open:
                raise _Refused("a YAML alias refers to the list or mapping it is inside",
                               "replace the alias (*name) with the values themselves", node.start_mark)
            self._open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, at)
                return [self.build(item, (*at, i)) for i, item in enumerate(node.value)]
            finally:
                self._open.discard(id(node))
        try:
            return self._scalars.construct_object(node, deep=True)
        except Exception:  # an explicit tag such as "!foo x" or "!!int abc" is the editor's mistake
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(
                Problem(_location(self.doc.path, node), dotted(at),
                        f"cannot read a value with the YAML tag {tag}",
                        "delete the tag (the word starting with !), or put the whole value in quotes")
            )
            return None

    def _mapping(self, node: yaml.MappingNode, at: DataPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(_location(self.doc.path, key_node), "", "a key must be a plain word",
                            "write the key as text followed by a colon")
                )
                continue
            key = str(key_node.value)
            if key == "<<":
                self.problems.append(
                    Problem(_location(self.doc.path, key_node), "", "YAML merge keys (<<) are not supported",
                            "write the fields out in full")
                )
                continue
            child = (*at, key)
            if key in result:
                first = self.doc.keys[child]
                self.problems.append(
                    Problem(_location(self.doc.path, key_node), dotted(child),
                            f"duplicate key '{key}', first given on line {first.line}",
                            "keep one of them; YAML would silently use only the last")
                )
                continue
            self.doc.keys[child] = _location(self.doc.path, key_node)
            result[key] = self.build(value_node, child)
        return result


def dotted(path: DataPath) -> str:
    """("sections", 0, "claims") -> "sections[0].claims", the form editors see in reports."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass
class LoadResult:
    document: Document | None
    problems: list[Problem]


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of text[index]."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


# Line breaks and (refused separately, with a better message) tabs are the only control characters allowed.
_ALLOWED_CONTROLS = frozenset("\n\t")
MAX_HIDDEN_REPORTED = 5  # per file: one pasted paragraph can hold dozens


def _hidden_characters(text: str, path: str) -> list[Problem]:
    """Control and format characters (bidi overrides, zero-width spaces, soft hyphens): they are
    invisible in an editor and a review, yet can reorder or hide what readers see."""
    problems = []
    for index, char in enumerate(text):
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cf", "Co", "Cn", "Cs"):
            line, col = _position(text, index)
            name = unicodedata.name(char, "a control character")
            problems.append(Problem(Location(path, line, col), "",
                                    f"invisible character U+{ord(char):04X} ({name})",
                                    "delete it; retype the text around it if it was pasted"))
            if len(problems) == MAX_HIDDEN_REPORTED:
                break
    return problems


def load_text(text: str, path: str) -> LoadResult:
    """Parse YAML text that came from `path`; never raises for bad input."""
    if text.startswith("\ufeff"):
        # Some editors on Windows add a byte-order mark; it is harmless, so drop it.
        text = text[1:]
    text = text.replace("\r\n", "\n")  # Windows line endings are fine
    if "\r" in text:
        line, col = _position(text, text.index("\r"))
        return LoadResult(None, [Problem(Location(path, line, col), "",
                                         "the file has old Mac line endings (CR only)",
                                         "save it with Unix (LF) or Windows (CRLF) line endings")])
    if "\t" in text:
        line, col = _position(text, text.index("\t"))
        return LoadResult(None, [Problem(Location(path, line, col), "", "tab character found",
                                         "indent with spaces, never tabs")])
    hidden = _hidden_characters(text, path)
    if hidden:
        return LoadResult(None, hidden)
    try:
        node = yaml.compose(text, Loader=_TextDateLoader)
    except _Refused as error:
        line, col = (error.problem_mark.line + 1, error.problem_mark.column + 1) if error.problem_mark else (1, 1)
        return LoadResult(None, [Problem(Location(path, line, col), "", str(error.problem), error.hint)])
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = error.problem or "could not read this YAML"
        if error.context:
            what = f"{error.context}: {what}"
        return LoadResult(None, [Problem(Location(path, line, col), "", f"YAML syntax error, {what}",
                                         "check the indentation and quoting near this line")])
    except yaml.YAMLError as error:
        return LoadResult(None, [Problem(Location(path, 1, 1), "", f"YAML error: {error}",
                                         "check the file is valid YAML")])
    if node is None:
        what = "the file has only comments" if text.strip() else "the file is empty"
        return LoadResult(None, [Problem(Location(path, 1, 1), "", what, "add content, or delete the file")])
    builder = _Builder(path)
    try:
        builder.doc.data = builder.build(node, ())
    except _Refused as error:
        mark = error.problem_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1, 1)
        return LoadResult(None, [Problem(where, "", str(error.problem), error.hint)])
    return LoadResult(builder.doc, builder.problems)


def load_file(file: Path, display: str) -> LoadResult:
    """Read and parse one file; `display` is the path shown to editors."""
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # never more, whatever the file claims to be
    except OSError as error:
        return LoadResult(None, [Problem(Location(display, 1, 1), "", f"cannot read the file ({error.strerror})",
                                         "check the file exists and is readable")])
    if len(raw) > MAX_FILE_BYTES:
        return LoadResult(None, [Problem(Location(display, 1, 1), "",
                                         f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB",
                                         "split it into several pages; a page this long is too long to read")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return LoadResult(None, [Problem(Location(display, 1, 1), "", "the file is saved as UTF-16",
                                         "save it as UTF-8 in your editor")])
    if b"\0" in raw:
        before = raw[: raw.index(b"\0")].decode("utf-8", "replace")
        line, col = _position(before + "\0", len(before))
        return LoadResult(None, [Problem(Location(display, line, col), "",
                                         "the file holds a NUL byte: it is binary, or saved as UTF-16",
                                         "save it as UTF-8 text in your editor")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        col = len(raw[: error.start].rsplit(b"\n", 1)[-1]) + 1
        return LoadResult(None, [Problem(Location(display, line, col), "",
                                         f"the file is not valid UTF-8 (byte 0x{raw[error.start]:02x})",
                                         "save the file as UTF-8 in your editor")])
    return load_text(text, display)
