"""The loader: positions, duplicate keys, tabs, encodings, dates kept as text."""

from __future__ import annotations

from pathlib import Path

from factsite.load import load_file, load_text


def test_positions_point_at_values_and_keys() -> None:
    result = load_text("page:\n  title: Cramps\nlist:\n  - a\n  - b\n", "x.yml")
    assert result.problems == []
    doc = result.document
    assert doc is not None
    assert str(doc.where(("page", "title"))) == "x.yml:2:10"
    assert str(doc.where(("page", "title"), key=True)) == "x.yml:2:3"
    assert str(doc.where(("list", 1))) == "x.yml:5:5"
    # An unknown path falls back to its closest parent.
    assert str(doc.where(("page", "missing"))) == "x.yml:2:3"


def test_duplicate_keys_are_reported_not_overwritten() -> None:
    result = load_text("a: 1\nb: 2\na: 3\n", "x.yml")
    assert [str(p) for p in result.problems] == [
        "x.yml:3:1: a: duplicate key 'a', first given on line 1 "
        "(keep one of them; YAML would silently use only the last)"
    ]
    assert result.document is not None and result.document.data["a"] == 1


def test_dates_stay_text_and_numbers_stay_numbers() -> None:
    result = load_text("reviewed: 2026-11-22\norder: 3\nflag: true\n", "x.yml")
    assert result.document is not None
    assert result.document.data == {"reviewed": "2026-11-22", "order": 3, "flag": True}


def test_a_lone_equals_sign_is_text_and_unknown_tags_are_reported() -> None:
    # Found by the property tests: YAML 1.1 reads "=" as a "value key" that SafeLoader cannot build.
    result = load_text("a: =\nb: !custom x\nc: !!int abc\n", "x.yml")
    assert result.document is not None and result.document.data["a"] == "="
    assert [str(p) for p in result.problems] == [
        "x.yml:2:4: b: cannot read a value with the YAML tag !custom"
        " (delete the tag (the word starting with !), or put the whole value in quotes)",
        "x.yml:3:4: c: cannot read a value with the YAML tag !!int"
        " (delete the tag (the word starting with !), or put the whole value in quotes)",
    ]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yml"
    path.write_bytes("\ufeffa: 1\n".encode())
    result = load_file(path, "bom.yml")
    assert result.problems == [] and result.document is not None and result.document.data == {"a": 1}


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = load_file(tmp_path / "missing.yml", "missing.yml")
    assert result.document is None
    assert "cannot read the file" in str(result.problems[0])


def test_anchors_and_aliases_work_but_merge_keys_are_refused() -> None:
    ok = load_text("a: &x [1, 2]\nb: *x\n", "x.yml")
    assert ok.problems == [] and ok.document is not None and ok.document.data["b"] == [1, 2]
    merged = load_text("base: &b {x: 1}\nother:\n  <<: *b\n", "x.yml")
    assert "merge keys" in str(merged.problems[0])
