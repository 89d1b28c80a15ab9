"""Problems found in the content, and the one format editors see them in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (an error) or worth attention (a warning), at one place."""

    location: Location
    field: str
    message: str
    hint: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.location}: {self.field}: " if self.field else f"{self.location}: "
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}{label}{self.message} ({self.hint})"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def report(problems: list[Problem]) -> str:
    """Every problem on its own line, sorted by file and line, then a one-line summary."""
    lines = [str(p) for p in sorted(set(problems))]
    n_errors = len(errors(problems))
    n_warnings = len(problems) - n_errors
    lines.append(f"{n_errors} error{'s' * (n_errors != 1)}, {n_warnings} warning{'s' * (n_warnings != 1)}")
    return "\n".join(lines)
