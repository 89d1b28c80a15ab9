"""Load YAML into plain Python data, remembering where every node came from.

PyYAML silently keeps the last of two duplicate keys and turns unquoted dates into
`date` objects; both hide editors' mistakes, so this loader composes the node tree
itself, refuses duplicate keys and keeps every scalar that looks like a date as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Location, Problem

# A path into the data: keys and list indexes, e.g. ("sections", 0, "claims", 2, "sources").
DataPath = tuple[str | int, ...]


class _TextDateLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings; the validator checks them as dates."""


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


def _location(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain data, recording positions and problems."""

    def __init__(self, path: str) -> None:
        self.doc = Document(path, None)
        self.problems: list[Problem] = []
        self._scalars = _TextDateLoader("")

    def build(self, node: yaml.Node, at: DataPath) -> Any:
        self.doc.values[at] = _location(self.doc.path, node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*at, i)) for i, item in enumerate(node.value)]
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


def load_text(text: str, path: str) -> LoadResult:
    """Parse YAML text that came from `path`; never raises for bad input."""
    if text.startswith("\ufeff"):
        # Some editors on Windows add a byte-order mark; it is harmless, so drop it.
        text = text[1:]
    if "\t" in text:
        line = text[: text.index("\t")].count("\n") + 1
        col = len(text[: text.index("\t")].rsplit("\n", 1)[-1]) + 1
        return LoadResult(None, [Problem(Location(path, line, col), "", "tab character found",
                                         "indent with spaces, never tabs")])
    try:
        node = yaml.compose(text, Loader=_TextDateLoader)
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
    builder.doc.data = builder.build(node, ())
    return LoadResult(builder.doc, builder.problems)


def load_file(file: Path, display: str) -> LoadResult:
    """Read and parse one file; `display` is the path shown to editors."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        return LoadResult(None, [Problem(Location(display, 1, 1), "", f"cannot read the file ({error.strerror})",
                                         "check the file exists and is readable")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        col = len(raw[: error.start].rsplit(b"\n", 1)[-1]) + 1
        return LoadResult(None, [Problem(Location(display, line, col), "",
                                         f"the file is not valid UTF-8 (byte 0x{raw[error.start]:02x})",
                                         "save the file as UTF-8 in your editor")])
    return load_text(text, display)
