"""Single records (a project's configuration, sources, eras, decks, glossary entries) as marshal keeps them, in the
record cache's form of a record (engine/record_cache.py): what a kept validation (engine/kept_validation.py) keeps
beside its facts."""

from __future__ import annotations

from typing import Any, TypeVar

from factdeck.engine.record_cache import _FIELDS_SETS, _NAMES, _SHAPES, _fields_set, _names, _shape
from factdeck.records.introspect import record_fields
from factdeck.records.schema import Record

R = TypeVar("R", bound=Record)
_set = object.__setattr__
_new = object.__new__


def dump_record(record: Record) -> tuple:
    """Any record (and the records inside it) as marshal keeps it: (its file, `dump_entry`'s form of it)."""
    return record.file, _dump(record)


def restore_record(cls: type[R], entry: Any) -> R:
    """What `dump_record` kept, as a `cls`; raises ValueError (or TypeError, KeyError) if it is not that."""
    file, data = entry
    if type(file) is not str or type(data) is not tuple:
        raise ValueError("not a record")
    record: R = _restore(cls, data, file)
    return record


# A record is kept as (line, names of the fields that were set, its values by field name), records inside it
# likewise; the file is the entry's own. Marshal reads the values back as the dict the record will hold.


def _dump(record: Record) -> tuple:
    cls = type(record)
    names, values_of = _NAMES.get(cls) or _names(cls)
    values = dict(zip(names, values_of(record.__dict__)))
    for name, _ in record_fields(cls):
        value = values[name]
        if value is not None:
            values[name] = [_dump(v) for v in value] if isinstance(value, list) else _dump(value)
    return record.line, tuple(sorted(record.model_fields_set)), values


def _restore(cls: type[Record], data: tuple, file: str) -> Any:
    line, fields_set, values = data
    names, nested_fields = _SHAPES.get(cls) or _shape(cls)
    if type(line) is not int or type(values) is not dict or values.keys() != names:
        raise ValueError("not a record")
    for name, nested in nested_fields:
        value = values[name]
        if value is not None:
            values[name] = (
                [_restore(nested, v, file) for v in value] if type(value) is list else _restore(nested, value, file)
            )
    values["_where"] = (file, line)
    record = _new(cls)
    # What pydantic's model_construct sets, without its per-field defaults and aliases (every field is here).
    _set(record, "__dict__", values)
    # One set per distinct set of names (record.py), looked up by the kept tuple itself: `shared_field_names`
    # makes a frozenset of its names first, for each of the 47,000 records of a 10,000-fact base.
    shared = _FIELDS_SETS.get(fields_set)
    _set(record, "__pydantic_fields_set__", _fields_set(fields_set) if shared is None else shared)
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record
