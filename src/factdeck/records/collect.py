"""Problems from every rule, collected so one run reports them all: each record validated by its pydantic
model, pydantic's errors put in factdeck's words (one line each, with a did-you-mean where one helps), and
every record located at its file and line.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import pydantic

from factdeck.exceptions import Problem
from factdeck.records.load import COMMENT_MARK, Document
from factdeck.records.schema import Record, is_text_field, record_class, record_fields

# --- pydantic errors as one-line messages --------------------------------------------

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "float_type": "a number",
    "int_from_float": "a whole number",
}


# pydantic's number bounds: error type -> (words, key of the bound in the error's context).
_BOUND_WORDS = {
    "less_than_equal": ("at most", "le"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "greater_than": ("more than", "gt"),
}


def describe_input(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float):
        return f"the number {value:g}"  # "a whole number, not a number" would say nothing
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(model: type[Record] | None, loc: tuple[Any, ...]) -> type[Record] | None:
    """The record model that holds the key at `loc` (for did-you-mean hints)."""
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, pydantic.BaseModel)) or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        model = record_class(annotation)
        if model is None:
            return None
    return model


def _message(model: type[Record], error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    key = _dotted(loc)
    kind = error["type"]
    if kind == "missing":
        return f"missing required key '{key}'"
    if kind == "extra_forbidden":
        holder = _model_at(model, loc[:-1])
        names = [n for n in holder.model_fields] if holder else []
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{key}'{hint}"
    text_field = kind == "string_type" and _is_text(model, loc)
    if text_field and isinstance(error.get("input"), bool):
        return (
            f"'{key}' must be text, not true/false: YAML reads an unquoted yes, no, on, off, true or false as "
            f'true/false; put the value in quotes ({key.rsplit(".", 1)[-1]}: "No")'
        )
    if text_field and isinstance(error.get("input"), (int, float)):
        return f'\'{key}\' must be text, not a number: put it in quotes (as written, e.g. "1.50" or "007")'
    if kind in _TYPE_WORDS:
        return f"'{key}' must be {_TYPE_WORDS[kind]}, not {describe_input(error.get('input'))}"
    if kind in _BOUND_WORDS:
        words, bound = _BOUND_WORDS[kind]
        return f"'{key}' must be {words} {error['ctx'][bound]}, not {error.get('input')}"
    if kind == "literal_error":
        options = _literal_options(model, loc) or re.findall(
            r"'([^']*)'", str(error.get("ctx", {}).get("expected", ""))
        )
        hint = suggest(str(error.get("input")), options)
        return f"'{key}' must be one of {_or_list(options)}, not '{error.get('input')}'{hint}"
    if kind in ("value_error", "assertion_error"):
        # One of factdeck's own validators: its message is factdeck's (pydantic only adds a prefix).
        cause = error.get("ctx", {}).get("error")
        message = str(cause) if cause is not None else "invalid value"
        return f"{key}: {message}" if key else message
    # A rule factdeck has no words for yet: factdeck's general message, never pydantic's wording.
    value = describe_input(error.get("input"))
    return f"'{key}' has a value that is not allowed here ({value})" if key else f"not allowed here ({value})"


def _is_text(model: type[Record], loc: tuple[Any, ...]) -> bool:
    """Whether the field at `loc` in `model` holds free text (where quoting a value is the fix)."""
    holder = _model_at(model, tuple(p for p in loc[:-1] if not isinstance(p, int)))
    name = next((p for p in reversed(loc) if not isinstance(p, int)), None)
    return holder is not None and is_text_field(holder, str(name))


def _or_list(options: list[str]) -> str:
    quoted = [f"'{o}'" for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _literal_options(model: type[Record], loc: tuple[Any, ...]) -> list[str]:
    """The allowed values of the Literal-typed field at `loc` in `model`, in declaration order."""
    holder = _model_at(model, tuple(p for p in loc if not isinstance(p, int))[:-1])
    field_name = next((p for p in reversed(loc) if not isinstance(p, int)), None)
    if holder is None or field_name not in getattr(holder, "model_fields", {}):
        return []
    found: list[str] = []

    def walk(annotation: Any) -> None:
        if typing.get_origin(annotation) is Literal:
            found.extend(str(a) for a in typing.get_args(annotation))
        else:
            for arg in typing.get_args(annotation):
                walk(arg)

    walk(holder.model_fields[str(field_name)].annotation)
    return found


def _locate(record: Record, doc: Document, path: tuple[Any, ...]) -> None:
    """Give a record and every record inside it its file and line."""
    record.locate(doc.display, doc.line(*path))
    for name, _ in record_fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, Record):
            _locate(value, doc, (*path, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Record):
                    _locate(item, doc, (*path, name, i))


class Collector:
    """Gathers problems from every rule so that one run reports them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, where: Record | tuple[str, int], message: str) -> None:
        self._add(where, message, "error")

    def warning(self, where: Record | tuple[str, int], message: str) -> None:
        self._add(where, message, "warning")

    def _add(self, where: Record | tuple[str, int], message: str, severity: str) -> None:
        file, line = (where.file, where.line) if isinstance(where, Record) else where
        self.problems.append(Problem(file, line, message, severity))

    def model(self, cls: type[Record], doc: Document, path: tuple[Any, ...], label: str) -> Any:
        data = doc.data
        for part in path:
            data = data[part]
        try:
            record = cls.model_validate(data)
        except pydantic.ValidationError as exc:
            for err in exc.errors(include_url=False):
                self.error((doc.display, doc.line(*path, *err["loc"])), f"{label}: {_message(cls, err)}")
            return None
        _locate(record, doc, path)
        if path == ():
            self.comments(cls, doc, 0)
        return record

    def comments(self, cls: type[Record], doc: Document, skip: int) -> None:
        """Flag a ' #' comment that ends the plain value of a text field early (YAML drops the rest of the
        line, so `question: Who ran bus #11?` asks 'Who ran bus'); `skip` leading path parts are list indexes."""
        for key, line in doc.lines.items():
            if not key or key[0] != COMMENT_MARK:
                continue
            loc = tuple(key[1 + skip :])
            holder = _model_at(cls, tuple(p for p in loc[:-1] if not isinstance(p, int)))
            name = next((p for p in reversed(loc) if not isinstance(p, int)), None)
            if holder is None or not is_text_field(holder, str(name)):
                continue
            self.warning(
                (doc.display, line),
                f"'{_dotted(loc)}': the text stops at ' #', which starts a YAML comment, so the rest of the line "
                "is dropped: put the whole value in quotes",
            )

    def records(self, cls: type[Record], doc: Document | None, noun: str) -> list[Any]:
        """Validate a file that holds a list of records of one kind."""
        if doc is None:
            return []
        if not isinstance(doc.data, list):
            self.error((doc.display, doc.line()), f"expected a list of {noun}s, not {describe_input(doc.data)}")
            return []
        out = []
        for i, item in enumerate(doc.data):
            if not isinstance(item, dict):
                self.error(
                    (doc.display, doc.line(i)), f"{noun} #{i + 1}: expected a mapping, not {describe_input(item)}"
                )
                continue
            ident = item.get("id")
            label = f"{noun} '{ident}'" if isinstance(ident, str) else f"{noun} #{i + 1}"
            record = self.model(cls, doc, (i,), label)
            if record is not None:
                out.append(record)
        self.comments(cls, doc, 1)
        return out


def unique_ids(collector: Collector, records: list[Any], noun: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for record in records:
        if record.id in seen:
            first = seen[record.id]
            collector.error(record, f"duplicate {noun} id '{record.id}' (first at {first.file}:{first.line})")
        else:
            seen[record.id] = record
    return seen


def suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(noun: str, name: str, known: Iterable[str], limit: int = 12) -> str:
    """`unknown era 'x' (did you mean 'y'? eras: a, b, c)`: the name, the closest known one, and the known
    ones (the first `limit`, then how many more)."""
    names = list(known)
    close = difflib.get_close_matches(name, names, n=1)
    listed = ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")
    listing = f"{noun}s: {listed}" if names else f"no {noun}s are defined"
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown {noun} '{name}' ({hint}{listing})"
