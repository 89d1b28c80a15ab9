"""The invalid fixtures (described in tests/fixtures/invalid/README.md).

Each case is the valid fixture (tests/fixtures/valid/) with one mistake, and pins every line
`make check` prints for it. Most cases are a patch, NAME.patch: '# expect: LINE' lines, then a
unified diff against the valid fixture. Where the file itself is the mistake (bytes that are not
UTF-8 text, CR-only line endings, an empty file, an odd file name), the case is the whole file,
NAME.yml: '# replaces: PATH', the '# expect: LINE' lines, then the file's bytes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .support import FIXTURES

VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
EXPECT = "# expect: "

CASES = sorted([*INVALID.glob("*.patch"), *INVALID.glob("*.yml")])


class CaseError(Exception):
    """A case that cannot be made from the valid fixture; the message starts with the case's name."""


def expected_lines(case: Path) -> list[str]:
    """The lines a case pins, in order."""
    header = (_whole_file(case)[1] if case.suffix == ".yml" else _patch_header(case))
    return [line.removeprefix(EXPECT) for line in header if line.startswith(EXPECT)]


def make_case(case: Path, dest: Path) -> None:
    """A copy of the valid fixture in `dest`, with the case's mistake made in it."""
    shutil.copytree(VALID, dest, dirs_exist_ok=True)
    if case.suffix == ".yml":
        target, _, body = _whole_file(case)
        (dest / target).write_bytes(body)
        return
    for path, text in patched_files(case):
        (dest / path).parent.mkdir(parents=True, exist_ok=True)  # a new file may sit in a new folder
        (dest / path).write_bytes(text.encode("utf-8"))


def patched_files(case: Path) -> list[tuple[str, str]]:
    """Each file a patch case touches, as it reads after the patch: (path in the fixture, text)."""
    lines = case.read_text(encoding="utf-8").split("\n")
    while lines and not lines[-1]:
        lines.pop()
    starts = [i for i in range(len(lines) - 1) if lines[i].startswith("--- ") and lines[i + 1].startswith("+++ ")]
    if not starts:
        raise CaseError(f"{case.stem}: no '--- PATH' and '+++ PATH' lines, so no file to patch")
    files = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        old_name, new_name = (line[4:].split("\t")[0].strip() for line in lines[start:start + 2])
        hunks = _hunks(case.stem, lines, start + 2, end)
        if not hunks:
            raise CaseError(f"{case.stem}: the diff of {old_name} has no hunk ('@@' line)")
        if old_name == "/dev/null":
            if (VALID / new_name).exists() or any(old for old, _ in hunks):
                raise CaseError(f"{case.stem}: {new_name} is patched as a new file, but the valid fixture has it")
            files.append((new_name, "".join(f"{line}\n" for _, new in hunks for line in new)))
            continue
        if not (VALID / old_name).is_file():
            raise CaseError(f"{case.stem}: {old_name} is not a file of the valid fixture")
        text = (VALID / old_name).read_text(encoding="utf-8")
        files.append((old_name, _apply(f"{case.stem}: {old_name}", text, hunks)))
    return files


def _whole_file(case: Path) -> tuple[str, list[str], bytes]:
    """A whole-file case: the path it writes, its header lines, and the file's bytes."""
    first, _, rest = case.read_bytes().partition(b"\n")
    header = [first.decode()]
    lines = rest.split(b"\n")
    while lines and lines[0].startswith(EXPECT.encode()):
        header.append(lines.pop(0).decode())
    return first.decode().removeprefix("# replaces:").strip(), header, b"\n".join(lines)


def _patch_header(case: Path) -> list[str]:
    """The lines of a patch case before its diff: '# expect: LINE' lines and comments."""
    header = []
    for line in case.read_text(encoding="utf-8").split("\n"):
        if line.startswith("--- "):
            break
        header.append(line)
    return header


def _hunks(name: str, lines: list[str], start: int, end: int) -> list[tuple[list[str], list[str]]]:
    """The hunks of one file's diff, each as (lines it finds, lines it leaves). The numbers after
    '@@' are not read: a hunk is found by its text."""
    hunks: list[tuple[list[str], list[str]]] = []
    for number in range(start, end):
        line = lines[number]
        if line.startswith("@@"):
            hunks.append(([], []))
        elif not hunks or line[:1] not in ("", " ", "-", "+"):
            raise CaseError(f"{name}: line {number + 1} is not part of a hunk ({line!r}); a hunk starts with '@@' "
                            "and its lines with ' ', '-' or '+' (a file without a final newline is a whole-file case)")
        else:
            old, new = hunks[-1]
            if line[:1] != "+":
                old.append(line[1:])
            if line[:1] != "-":
                new.append(line[1:])
    return hunks


def _apply(where: str, text: str, hunks: list[tuple[list[str], list[str]]]) -> str:
    """`text` with each hunk's lines replaced. Each hunk's '-' and ' ' lines must appear exactly once
    in the valid file, after the hunk before it, so that an edit elsewhere in the valid fixture
    leaves the case alone, and an edit to the lines it changes makes it fail here, by name."""
    lines = text.split("\n")[:-1]  # the valid fixture's files end with a newline
    kept: list[str] = []
    done = 0
    for number, (old, new) in enumerate(hunks, 1):
        if not old:
            raise CaseError(f"{where}: hunk {number} has no ' ' or '-' line to find its place by")
        found = [i for i in range(len(lines) - len(old) + 1) if lines[i:i + len(old)] == old]
        if len(found) != 1:
            where_found = "are not" if not found else f"are {len(found)} times"
            raise CaseError(f"{where}: hunk {number} does not apply: its ' ' and '-' lines {where_found} in the "
                            f"valid fixture's file (the first is {old[0]!r})")
        if found[0] < done:
            raise CaseError(f"{where}: hunk {number} overlaps the hunk before it, or comes before it in the file")
        kept += [*lines[done:found[0]], *new]
        done = found[0] + len(old)
    return "".join(f"{line}\n" for line in [*kept, *lines[done:]])
