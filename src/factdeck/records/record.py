"""The base of every record model (schema.py): unknown keys are errors, and a record remembers where it was
read (file and line)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

_NOWHERE = ("", 0)


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
