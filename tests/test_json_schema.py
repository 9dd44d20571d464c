"""The JSON Schema editors get (`factdeck schema --json`, schemas/ in a new project): every shipped and
starter file passes it, and it refuses each hostile case of test_hostile.py that one record shows."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import SAMPLE, Project
from jsonschema import Draft202012Validator

from factdeck.cli import cli
from factdeck.records.json_schema import FILE_KINDS, every_schema, file_schema

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile import CASES  # noqa: E402

REPOSITORY = Path(__file__).parent.parent
# The hostile cases a schema of single records can state: a file's shape, keys, types, vocabularies, slugs,
# bounds and Anki's '::'. The others need more than one record (unknown ids, duplicates), the archive,
# the YAML text itself (syntax, tabs, aliases, encodings), the file system or a calendar.
EXPRESSIBLE = {
    "facts-file-is-mapping",
    "fact-is-text",
    "deck-file-is-list",
    "config-not-mapping",
    "unknown-key",
    "newline-in-key",
    "missing-key",
    "deck-id-slash",
    "deck-id-dotdot",
    "deck-name-colons",
    "era-title-colons",
    *(c.id for c in CASES if c.id.startswith("type-")),
}


def _plain(value: Any) -> Any:
    """YAML as yaml-language-server reads it: a date is text (YAML 1.2 has no timestamps)."""
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _kind(relative: str) -> str:
    if relative == "factdeck.yaml":
        return "project"
    if relative.startswith("decks/"):
        return "deck"
    name = Path(relative).stem
    return name if name in ("sources", "eras", "glossary") else "facts"


VALIDATORS = {name: Draft202012Validator(file_schema(name)) for name, *_ in FILE_KINDS}


def schema_errors(root: Path) -> list[str]:
    """Every schema error of the project's YAML files (files that are not YAML left out)."""
    found = []
    paths = [root / "factdeck.yaml", *sorted((root / "facts").glob("*.yaml")), *sorted((root / "decks").glob("*.yaml"))]
    for path in paths:
        if not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for error in VALIDATORS[_kind(relative)].iter_errors(_plain(data)):
            found.append(f"{relative}: {error.message}")
    return found


def test_the_schemas_are_valid_json_schema() -> None:
    Draft202012Validator.check_schema(every_schema())
    for name, *_ in FILE_KINDS:
        Draft202012Validator.check_schema(file_schema(name))


def test_every_shipped_file_passes() -> None:
    assert schema_errors(REPOSITORY) == []
    assert schema_errors(SAMPLE) == []


def test_a_new_project_names_its_schemas_and_passes_them(tmp_path: Path) -> None:
    root = tmp_path / "new"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    assert schema_errors(root) == []
    for relative, kind in (("factdeck.yaml", "project"), ("facts/eras.yaml", "eras"), ("decks/starter.yaml", "deck")):
        first = (root / relative).read_text(encoding="utf-8").splitlines()[0]
        target = (root / relative).parent / first.split("$schema=")[1]
        assert first.startswith("# yaml-language-server: $schema=") and target.resolve().is_file(), first
        assert json.loads(target.read_text(encoding="utf-8")) == file_schema(kind)


def test_schema_json_command_prints_every_record_type(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "--json"])
    document = json.loads(result.output)
    assert {"Fact", "Citation", "TextQuoteSelector", "Source", "Era", "DeckSpec", "ProjectConfig"} <= set(
        document["$defs"]
    )
    written = CliRunner().invoke(cli, ["schema", "--json", "--output", str(tmp_path / "s")])
    assert written.exit_code == 0 and (tmp_path / "s/facts.schema.json").is_file()


@pytest.mark.parametrize("case", [c for c in CASES if c.id in EXPRESSIBLE], ids=lambda c: c.id)
def test_the_schema_refuses_what_the_loader_refuses(case: Any, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(SAMPLE, root)
    case.breaks(Project(root))
    assert schema_errors(root), f"the schema accepts what check refuses: {case.expected}"
