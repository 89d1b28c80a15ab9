"""Editors' JSON Schemas: current, true to the files, and as strict about ids as `make check`."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from factsite import editor_schema
from factsite.validate import check

from .support import ROOT


def committed(name: str) -> dict[str, Any]:
    return dict(json.loads((ROOT / editor_schema.FOLDER / name).read_text(encoding="utf-8")))


def test_committed_schemas_and_editor_settings_are_current() -> None:
    site = check(ROOT).site
    assert site is not None
    for name, text in editor_schema.schemas(site).items():
        path = ROOT / editor_schema.FOLDER / name
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `.venv/bin/factsite schemas`"
    settings = (ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8")
    assert settings == editor_schema.vscode_settings(), ".vscode/settings.json is stale: run `factsite schemas`"


@pytest.mark.parametrize("name", list(editor_schema.FILES))
def test_every_project_file_is_valid_under_its_schema(name: str) -> None:
    schema = committed(name)
    pattern = editor_schema.FILES[name][1]
    # content/_example.yml cites placeholder ids on purpose: an editor who copies it sees them flagged.
    files = sorted(p for p in ROOT.glob(pattern) if not p.name.startswith("_"))
    if name != "publisher.schema.json":  # a preview project has no publisher file
        assert files, f"no file matches {pattern}"
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
        assert not errors, f"{path.relative_to(ROOT)}: {errors[:3]}"


def test_the_schema_knows_the_projects_ids() -> None:
    validator = jsonschema.Draft202012Validator(committed("content.schema.json"))
    page = yaml.safe_load((ROOT / "content" / "causes.yml").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(page))
    unknown_source = copy.deepcopy(page)
    unknown_source["sections"][0]["claims"][0]["sources"] = ["no-such-source"]
    assert any("no-such-source" in e.message for e in validator.iter_errors(unknown_source))
    unknown_sign = copy.deepcopy(page)
    unknown_sign["page"]["warning_signs"] = ["no-such-sign"]
    assert any("no-such-sign" in e.message for e in validator.iter_errors(unknown_sign))
    unknown_key = copy.deepcopy(page)
    unknown_key["page"]["titel"] = "typo"
    assert list(validator.iter_errors(unknown_key))


def test_the_schemas_command_refuses_a_broken_project(project: Path) -> None:
    from factsite.cli import main

    (project / "data" / "sources.yml").write_text("- id: [\n", encoding="utf-8")
    assert main(["--root", str(project), "schemas"]) == 1
    assert not (project / editor_schema.FOLDER).exists()


def test_the_pre_commit_hook_runs_the_check() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]}
    assert hooks["factsite-check"]["entry"].split()[-1] == "check"
    assert hooks["factsite-schemas"]["entry"].split()[-1] == "schemas"
    for hook in hooks.values():
        assert (ROOT / hook["entry"].split()[0]).name == "factsite"
