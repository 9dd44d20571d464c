"""What the record models hold, asked of the models themselves: which fields are free text, which hold records.

Kept apart from schema.py (the models) because only the machinery that reads records generically needs it:
the collector's messages, the record cache.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from factdeck.records.fields import _text
from factdeck.records.schema import Record


def is_text_field(cls: type[Record], name: str) -> bool:
    """Whether field `name` of `cls` holds free text (a `Text` field, or a list of them): where a ' #' that
    YAML reads as a comment most likely cut the user's words short."""
    field = cls.model_fields.get(name)
    if field is None:
        return False
    if any(getattr(m, "func", None) is _text for m in field.metadata):
        return True
    return any(
        any(getattr(m, "func", None) is _text for m in getattr(arg, "__metadata__", ()))
        for arg in typing.get_args(field.annotation)
    )


def record_class(annotation: Any) -> type[Record] | None:
    """The record model a field's annotation holds (directly, optionally or in a list), if any."""
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (typing.Union, list):
        for arg in typing.get_args(annotation):
            found = record_class(arg)
            if found:
                return found
    return None


_RECORD_FIELDS: dict[type, tuple[tuple[str, type[Record]], ...]] = {}


def record_fields(cls: type[Record]) -> tuple[tuple[str, type[Record]], ...]:
    """(name, record model) of each field of `cls` that may hold records, worked out once per model."""
    found = _RECORD_FIELDS.get(cls)
    if found is None:
        found = _RECORD_FIELDS[cls] = tuple(
            (name, model) for name, f in cls.model_fields.items() if (model := record_class(f.annotation))
        )
    return found
