"""Whatever a build may do to records whose given field names are shared (records/record.py): set a field, copy
with changes (shallow or deep), copy, deep-copy, pickle. Each record's `model_fields_set` stays what it would be
had no set been shared, for every kind of record a project loads."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from factdeck.records.record import Record
from test_shared_field_names import every_check_validates, records_of, unshared  # noqa: F401 (autouse fixture)


def _set(record: Record, name: str) -> Record:
    setattr(record, name, getattr(record, name))  # its own value: valid for every field, validated or not
    return record


def _copy_with(record: Record, name: str) -> Record:
    return record.model_copy(update={name: getattr(record, name)})


def _deep_copy_with(record: Record, name: str) -> Record:
    return record.model_copy(update={name: getattr(record, name)}, deep=True)


def _pickled(record: Record, name: str) -> Record:
    restored: Record = pickle.loads(pickle.dumps(record))
    return restored


OPERATIONS: dict[str, Callable[[Record, str], Record]] = {
    "set": _set,
    "copy with": _copy_with,
    "deep copy with": _deep_copy_with,
    "copy": lambda record, name: copy.copy(record),
    "deepcopy": lambda record, name: copy.deepcopy(record),
    "pickle": _pickled,
}


def apply(records: list[Record], steps: list[tuple[int, str, int]]) -> list[list[str]]:
    """`records` after `steps` (record index, operation, field index; the result replaces the record), and every
    record's given names after each step."""
    names: list[list[str]] = []
    for index, operation, field in steps:
        record = records[index % len(records)]
        fields = list(type(record).model_fields)
        records[index % len(records)] = OPERATIONS[operation](record, fields[field % len(fields)])
        names += [sorted(r.model_fields_set) for r in records]
    return names


STEPS = st.lists(
    st.tuples(st.integers(0, 10_000), st.sampled_from(sorted(OPERATIONS)), st.integers(0, 100)), min_size=1, max_size=8
)


@pytest.fixture
def loaded(project, monkeypatch) -> dict[str, Any]:
    """The sample project's folder, and the test's monkeypatch (each example loads the records afresh)."""
    return {"root": project.root, "monkeypatch": monkeypatch}


def check_same_names(loaded: dict[str, Any], steps: list[tuple[int, str, int]]) -> None:
    """The records loaded with shared names and loaded each with its own set have the same names after `steps`."""
    root = loaded["root"]
    with loaded["monkeypatch"].context() as plain:
        plain.setenv("FACTDECK_NO_CACHE", "1")
        unshared(plain)
        own = records_of(root)
    shared = records_of(root)
    assert len({id(r.model_fields_set) for r in shared}) < len(shared)  # the records do share sets
    assert apply(shared, steps) == apply(own, steps)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_given_names_are_those_of_unshared_records_after_any_changes(loaded, steps):
    check_same_names(loaded, steps)


def test_the_comparison_catches_a_record_that_changes_the_shared_set(loaded, monkeypatch):
    # Without `Record.__setattr__`'s own copy, setting a field of one record adds its name to every record that
    # shares the set (a fresh table, so that no other test's records share these sets).
    monkeypatch.setattr("factdeck.records.record._SHARED_NAMES", {})
    monkeypatch.setattr(Record, "__setattr__", BaseModel.__setattr__)
    records = records_of(loaded["root"])
    index = next(
        i
        for i, r in enumerate(records)
        if type(r).__name__ == "Fact"
        and "notes" not in r.model_fields_set
        and any(o is not r and o.model_fields_set is r.model_fields_set for o in records)
    )
    field = list(type(records[index]).model_fields).index("notes")
    with pytest.raises(AssertionError):
        check_same_names(loaded, [(index, "set", field)])
