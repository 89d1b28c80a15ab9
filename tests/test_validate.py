"""The check: every invalid fixture pins its exact report; valid content passes."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from factsite.problems import errors
from factsite.validate import check, example_problems

from .invalid_cases import CASES, CaseError, expected_lines, make_case
from .support import FIXTURES, ROOT

TODAY = date(2026, 11, 22)


def test_there_are_many_invalid_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_fixture_gives_its_exact_report(case: Path, tmp_path: Path) -> None:
    expected = expected_lines(case)
    assert expected, f"{case.name} pins no expected lines"
    make_case(case, tmp_path)
    result = check(tmp_path, today=TODAY)
    found = [str(p) for p in sorted(set(result.problems))]
    assert found == expected, f"{case.name} now reports:\n" + "".join(f"# expect: {line}\n" for line in found)
    assert not result.ok


def test_a_case_that_no_longer_applies_fails_by_name(tmp_path: Path) -> None:
    case = tmp_path / "title-gone.patch"
    case.write_text("# expect: anything\n--- content/causes.yml\n+++ content/causes.yml\n@@ -2 +2 @@\n"
                    "-  title: A title the valid fixture does not have\n+  title: x\n", encoding="utf-8")
    with pytest.raises(CaseError, match=r"^title-gone: content/causes.yml: hunk 1 does not apply"):
        make_case(case, tmp_path / "project")


def test_valid_fixture_passes() -> None:
    result = check(FIXTURES / "valid", today=TODAY)
    assert result.problems == [] and result.ok
    assert result.site is not None and len(result.site.pages) == 3


def test_real_content_passes() -> None:
    result = check(ROOT)
    assert errors(result.problems) == [], "\n".join(map(str, result.problems))
    assert result.site is not None and len(result.site.pages) >= 12


def test_annotated_example_is_valid() -> None:
    assert example_problems(ROOT, ROOT / "content" / "_example.yml") == []


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "valid", tmp_path, dirs_exist_ok=True)
    causes = tmp_path / "content" / "causes.yml"
    causes.write_text(causes.read_text().replace("sources: [nhs-leg-cramps]", "sources: []"))
    index = tmp_path / "content" / "index.yml"
    index.write_text(index.read_text().replace("order: 10", "order: ten"))
    labels = tmp_path / "data" / "evidence.yml"
    labels.write_text(labels.read_text().replace("evidence: expert-advice", "evidence: maybe"))
    found = [str(p) for p in check(tmp_path, today=TODAY).problems]
    assert len(found) == 3
    assert any("causes.yml" in line and "at least one source" in line for line in found)
    assert any("index.yml" in line and "page.order: expected a whole number" in line for line in found)
    assert any("evidence.yml" in line and "'maybe' is not allowed" in line for line in found)


def test_overdue_review_is_a_warning_not_an_error() -> None:
    result = check(FIXTURES / "valid", today=date(2028, 1, 1))
    assert result.ok
    assert {p.severity for p in result.problems} == {"warning"}
    assert "content/causes.yml:7:16: page.next_review: warning: the review was due on 2027-11-22" in str(
        sorted(result.problems)[0]
    )


def test_warning_signs_outside_the_signs_page_are_refused(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "valid", tmp_path, dirs_exist_ok=True)
    causes = tmp_path / "content" / "causes.yml"
    causes.write_text(causes.read_text() + "signs:\n  - id: x\n    tier: routine\n    sign: S.\n    meaning: M.\n"
                      "    sources: [nhs-leg-cramps]\n")
    found = [str(p) for p in check(tmp_path, today=TODAY).problems]
    assert found == ["content/causes.yml:23:1: signs: warning signs belong on content/when-to-see-a-doctor.yml "
                     "(move them there and link to them with page.warning_signs)"]


def test_one_hard_sentence_fails_a_page_that_is_easy_overall(tmp_path: Path) -> None:
    """The page limit alone lets a grade-17 sentence hide among short ones; the sentence limit does not."""
    shutil.copytree(FIXTURES / "valid", tmp_path, dirs_exist_ok=True)
    index = tmp_path / "content" / "index.yml"
    # Twelve easy statements, in sections of six (a section holds at most seven), then the hard one.
    easy = "".join((f"  - heading: Easy words number {i // 6}\n    claims:\n" if i % 6 == 0 else "")
                   + f"      - id: index-easy-{i}\n        text: Stretch the leg. Rub the calf. It will pass.\n"
                   f"        sources: [nhs-leg-cramps]\n" for i in range(12))
    hard = ("      - id: index-hard\n        text: Pharmacological management of idiopathic nocturnal cramps remains "
            "controversial notwithstanding considerable investigational attention.\n"
            "        sources: [nhs-leg-cramps]\n")
    index.write_text(index.read_text().replace("\nmain:", "\n" + easy + hard + "main:"))
    result = check(tmp_path, today=TODAY)
    assert result.grades["content/index.yml"] <= 8
    assert len(result.problems) == 1 and result.problems[0].message.startswith("sentence at reading grade")
    hardest = result.hardest["content/index.yml"]
    assert hardest.text.startswith("Pharmacological") and hardest.grade > 12
    assert result.problems[0].location == hardest.where


def test_a_triage_sentence_anywhere_in_a_labelled_claim_is_caught(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "valid", tmp_path, dirs_exist_ok=True)
    index = tmp_path / "content" / "index.yml"
    for advice in ("Get medical help the same day.", "Go to the emergency department.", "Phone NHS 111."):
        index.write_text((FIXTURES / "valid" / "content" / "index.yml").read_text().replace(
            "Stretching the muscle can ease a cramp.", f"Stretching the muscle can ease a cramp. {advice}"))
        problems = [str(p) for p in check(tmp_path, today=TODAY).problems]
        assert len(problems) == 1 and "carries no evidence label" in problems[0], advice
