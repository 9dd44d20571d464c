"""The default factories of the record models' list, mapping and model fields (schema.py, languages.py).

pydantic asks each default factory whether it takes the validated data (`inspect.signature`) as it builds a
model, and the signature of a builtin such as `list` is read by parsing its text signature (tokenize and ast:
2 ms for the first, 0.1 ms each after, 19 of them in a check's models); a Python function's is read at once.
What they make is what `list` and `dict` make.

A model field's default (a deck's `select:`, `cards:`, … left out) is the model with each of its fields at its
default, made as it is (`made_as_is`): calling the model validated an empty mapping, which built that model's own
validator beside the deck's (six models, half of what a check built). pydantic's `model_construct` alone would
read every nested factory's signature again at each call (a tenth of a millisecond a deck); `made_as_is` gives it
every value. tests/test_record_defaults.py holds each default to what validating an empty mapping makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def empty_list() -> list[Any]:
    """A new empty list: the default of a list field."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict: the default of a mapping field."""
    return {}


def made_as_is(model: type[M]) -> Callable[[], M]:
    """A default factory for a field holding a `model`: the model with every field at its default (each default
    factory called, each other default as pydantic gives it), no field set, made without validation. Every field of
    `model` has a default, and no default factory of it takes the validated data."""

    def made() -> M:
        values = {
            name: field.default_factory() if field.default_factory is not None else field.get_default()  # type: ignore[call-arg]
            for name, field in model.model_fields.items()
        }
        return model.model_construct(set(), **values)

    made.__qualname__ = f"made_as_is({model.__name__})"
    return made
