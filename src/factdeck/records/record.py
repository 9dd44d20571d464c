"""The base of every record model (schema.py): unknown keys are errors, and a record remembers where it was
read (file and line)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

_NOWHERE = ("", 0)

# One set object per distinct set of field names, for every record's `__pydantic_fields_set__` (the names of the
# fields its input gave, read by `model_fields_set` and kept by the record cache). pydantic makes a set per record,
# and a fact base has few distinct ones (52 at 10,000 facts) but a set per record: 17 MB of 47,000 sets at 10,000
# facts, a tenth of the validated base, kept for the whole build. Shared sets are never changed in place:
# `Record.__setattr__` gives a record its own before a field is set, and pydantic's `model_copy` copies the set
# before adding the updated names. Like `sys.intern`, what the table gives depends only on the names asked for,
# so it can serve every validation of the process (it holds one small set per distinct set of names).
_SHARED_NAMES: dict[frozenset[str], set[str]] = {}


def shared_field_names(names: Iterable[str]) -> set[str]:
    """The one set of `names` (field names) that records share as their `__pydantic_fields_set__`: never to be
    changed in place."""
    key = frozenset(names)
    shared = _SHARED_NAMES.get(key)
    if shared is None:
        shared = _SHARED_NAMES[key] = set(key)
    return shared


class Record(BaseModel):
    """Base of every record: unknown keys are errors, and the record remembers where it was read."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, validate_default=True, defer_build=True)

    # Where the record was read (file relative to the project, line), set by the validator after loading.
    # Kept in the instance dict rather than as a pydantic private attribute: pydantic initializes private
    # attributes on every validation, a fifth of validating a large fact base. Not being a field, it is never
    # read from YAML (a key of that name is still an unknown key), dumped or compared; copies and pickles keep it.

    @property
    def file(self) -> str:
        return self.__dict__.get("_where", _NOWHERE)[0]

    @property
    def line(self) -> int:
        return self.__dict__.get("_where", _NOWHERE)[1]

    def locate(self, file: str, line: int) -> None:
        self.__dict__["_where"] = (file, line)

    def share_field_names(self) -> None:
        """Hold this record's set of given field names as the one set other records with the same names share
        (`shared_field_names`): a loaded base keeps one set per distinct set of names instead of one per record."""
        object.__setattr__(self, "__pydantic_fields_set__", shared_field_names(self.__pydantic_fields_set__))

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic adds the name to the record's set of given fields, which other records may share: this
        # record gets a set of its own first (records are rarely changed after loading; this is not a hot path).
        object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        super().__setattr__(name, value)
