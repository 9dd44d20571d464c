"""The default factories of the record models' list and mapping fields (schema.py, languages.py).

pydantic asks each default factory whether it takes the validated data (`inspect.signature`) as it builds a
model, and the signature of a builtin such as `list` is read by parsing its text signature (tokenize and ast:
2 ms for the first, 0.1 ms each after, 19 of them in a check's models); a Python function's is read at once.
What they make is what `list` and `dict` make.
"""

from __future__ import annotations

from typing import Any


def empty_list() -> list[Any]:
    """A new empty list: the default of a list field."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict: the default of a mapping field."""
    return {}
