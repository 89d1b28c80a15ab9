"""Property-based tests: whatever an editor saves, the checker reports problems and never crashes."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factsite.load import load_text
from factsite.render import render_site
from factsite.validate import check

from .conftest import FIXTURES, ROOT

REAL_FILES = [*sorted((ROOT / "content").glob("[!_]*.yml")), ROOT / "data" / "sources.yml"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
trees = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids,
                                                                                          max_size=4), max_leaves=20)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_loads_or_reports(text: str) -> None:
    result = load_text(text, "x.yml")
    assert result.document is not None or result.problems
    for problem in result.problems:
        assert problem.location.path == "x.yml" and problem.location.line >= 1


def check_with(target: str, body: str | bytes) -> None:
    """Put `body` at `target` in a copy of the valid project; the check must report, not raise."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(FIXTURES / "valid", tmp, dirs_exist_ok=True)
        path = Path(tmp) / target
        path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"))
        result = check(Path(tmp))
        for problem in result.problems:
            assert problem.location.line >= 1 and problem.message and problem.hint
        if result.ok:  # a passing check hands the renderer content it can always render
            assert result.site is not None and render_site(result.site)
        else:  # a failing one always says why, with at least one located error
            assert [p for p in result.problems if p.severity == "error"]


@SETTINGS
@given(trees)
def test_any_yaml_structure_as_a_page_is_reported(tree: object) -> None:
    check_with("content/causes.yml", yaml.safe_dump(tree, allow_unicode=True))


@SETTINGS
@given(trees)
def test_any_yaml_structure_as_the_bibliography_is_reported(tree: object) -> None:
    check_with("data/sources.yml", yaml.safe_dump(tree, allow_unicode=True))


def mutate(text: str, how: int, where: int, extra: str) -> str:
    lines = text.splitlines(keepends=True)
    i = where % max(len(lines), 1)
    if how == 0:  # delete a line
        del lines[i:i + 1]
    elif how == 1:  # duplicate a line (duplicate keys, duplicate ids)
        lines.insert(i, lines[i] if lines else "")
    elif how == 2:  # insert random characters mid-line
        line = lines[i] if lines else ""
        cut = len(line) // 2
        lines[i:i + 1] = [line[:cut] + extra + line[cut:]]
    elif how == 3:  # truncate the file
        lines = lines[:i]
    else:  # change indentation
        lines[i:i + 1] = [" " + lines[i]] if lines else []
    return "".join(lines)


@SETTINGS
@given(st.sampled_from(REAL_FILES), st.integers(0, 4), st.integers(0, 10_000), st.text(max_size=5))
def test_mutations_of_real_content_are_reported(path: Path, how: int, where: int, extra: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for folder in ("content", "data"):
            shutil.copytree(ROOT / folder, Path(tmp) / folder)
        target = Path(tmp) / path.relative_to(ROOT)
        target.write_text(mutate(path.read_text(encoding="utf-8"), how, where, extra), encoding="utf-8",
                          errors="surrogatepass")
        result = check(Path(tmp))
        for problem in result.problems:
            assert problem.location.line >= 1 and problem.message and problem.hint
