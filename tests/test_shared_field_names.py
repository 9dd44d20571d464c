"""Records share one set of given field names per distinct set (records/record.py): a loaded base holds a few
sets, not one per record, every record's names are what pydantic gave it, and no record's names change when
another record is changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from factdeck.build import load_and_validate
from factdeck.engine import kept_check, record_cache
from factdeck.records import record as record_module
from factdeck.records.introspect import record_fields
from factdeck.records.record import Record


@pytest.fixture(autouse=True)
def every_check_validates(monkeypatch) -> None:
    """The whole answer a check keeps (engine/kept_check.py) would answer before the records are made."""
    monkeypatch.setattr(kept_check.KeptCheck, "said", lambda self: None)


def every_record(records: list) -> list[Record]:
    """The records and every record inside them."""
    out: list[Record] = []
    for record in records:
        out.append(record)
        for name, _ in record_fields(type(record)):
            value = getattr(record, name)
            out += every_record(value if isinstance(value, list) else [value] if value is not None else [])
    return out


def records_of(root: Path) -> list[Record]:
    base = load_and_validate(root)
    return every_record([*base.facts, *base.sources.values(), *base.eras, *base.decks, base.config])


def unshared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every record keeps the set pydantic (or the record cache) made for it, as before sharing."""
    monkeypatch.setattr(Record, "share_field_names", lambda self: None)
    monkeypatch.setattr(record_cache, "shared_field_names", set)


def names_and_sets(records: list[Record]) -> tuple[list[tuple[str, list[str]]], int]:
    """Each record's type and given field names, and how many set objects hold them."""
    return [(type(r).__name__, sorted(r.model_fields_set)) for r in records], len(
        {id(r.model_fields_set) for r in records}
    )


def test_records_share_one_set_per_distinct_set_of_names(project, monkeypatch):
    with monkeypatch.context() as plain:
        plain.setenv("FACTDECK_NO_CACHE", "1")
        unshared(plain)
        expected, plain_sets = names_and_sets(records_of(project.root))
    assert plain_sets == len(expected)  # one set per record when nothing is shared
    distinct = len({(tuple(names)) for _, names in expected})
    # Validated from the YAML (and stored in the record cache), then restored from the record cache.
    for _ in range(2):
        found, sets = names_and_sets(records_of(project.root))
        assert found == expected
        assert sets == distinct < len(expected)


def shared_pair(project) -> tuple[Record, Record]:
    """Two facts whose given names are one set object, without `notes`."""
    facts = [r for r in records_of(project.root) if type(r).__name__ == "Fact" and "notes" not in r.model_fields_set]
    for i, first in enumerate(facts):
        for second in facts[i + 1 :]:
            if first.model_fields_set is second.model_fields_set:
                return first, second
    raise AssertionError("no two facts share their set of names")


def test_setting_a_field_changes_only_that_records_names(project):
    first, second = shared_pair(project)
    names = sorted(second.model_fields_set)
    first.notes = "checked again"
    assert "notes" in first.model_fields_set
    assert sorted(second.model_fields_set) == names


def test_without_its_own_set_first_setting_a_field_would_change_the_others(project, monkeypatch):
    # What the test above catches: pydantic's own __setattr__ adds the name to the set the records share (sets of
    # this test's own, not the ones the other tests' records share).
    monkeypatch.setattr(record_module, "_SHARED_NAMES", {})
    monkeypatch.setattr(Record, "__setattr__", BaseModel.__setattr__)
    first, second = shared_pair(project)
    first.notes = "checked again"
    assert "notes" in second.model_fields_set


def test_a_copy_with_changes_leaves_the_shared_names_alone(project):
    first, second = shared_pair(project)
    names = sorted(first.model_fields_set)
    changed = first.model_copy(update={"notes": "copied"})
    assert "notes" in changed.model_fields_set
    assert sorted(first.model_fields_set) == sorted(second.model_fields_set) == names
