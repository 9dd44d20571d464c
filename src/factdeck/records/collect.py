"""Problems from every rule, collected so one run reports them all: each record validated by its pydantic
model, pydantic's errors put in factdeck's words (records/messages.py: one line each, with a did-you-mean
where one helps), and every record located at its file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

import pydantic

from factdeck.exceptions import Problem
from factdeck.records.introspect import is_text_field, record_fields
from factdeck.records.load import COMMENT_MARK, Document
from factdeck.records.messages import describe_input, dotted_key, model_at, pydantic_message, suggest
from factdeck.records.schema import Record

__all__ = ["Collector", "describe_input", "suggest", "unique_ids", "unknown"]


def _locate(record: Record, doc: Document, path: tuple[Any, ...]) -> None:
    """Give a record and every record inside it its file and line."""
    _locate_at(record, doc, doc.lines, path)


def _locate_at(record: Record, doc: Document, lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> None:
    # What `Record.locate(doc.display, doc.line(*path))` sets, read and set in the dicts themselves: the parser
    # gives every value its line, so `doc.line`'s walk up the path is only the fallback (a 10,000-fact base
    # locates about 47,000 records).
    line = lines.get(path)
    values = record.__dict__
    values["_where"] = (doc.display, line if line is not None else doc.line(*path))
    record.share_field_names()  # one set of given field names per distinct set, not per record (record.py)
    for name, _ in record_fields(type(record)):
        value = values[name]
        if isinstance(value, Record):
            _locate_at(value, doc, lines, (*path, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Record):
                    _locate_at(item, doc, lines, (*path, name, i))


class Collector:
    """Gathers problems from every rule so that one run reports them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, where: Record | tuple[str, int], message: str) -> None:
        self.add(where, message, "error")

    def warning(self, where: Record | tuple[str, int], message: str) -> None:
        self.add(where, message, "warning")

    def add(self, where: Record | tuple[str, int], message: str, severity: str) -> None:
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
                self.error((doc.display, doc.line(*path, *err["loc"])), f"{label}: {pydantic_message(cls, err)}")
            return None
        _locate(record, doc, path)
        if path == ():
            self.comments(cls, doc, 0)
        return record

    def comments(self, cls: type[Record], doc: Document, skip: int) -> None:
        """Flag a ' #' comment that ends the plain value of a text field early (YAML drops the rest of the
        line, so `question: Who ran bus #11?` asks 'Who ran bus'); `skip` leading path parts are list indexes."""
        # Only a plain value cut short by a comment has a line under COMMENT_MARK: picked out in one pass.
        marked = [(key, line) for key, line in doc.lines.items() if key and key[0] == COMMENT_MARK]
        for key, line in marked:
            loc = tuple(key[1 + skip :])
            holder = model_at(cls, tuple(p for p in loc[:-1] if not isinstance(p, int)))
            name = next((p for p in reversed(loc) if not isinstance(p, int)), None)
            if holder is None or not is_text_field(holder, str(name)):
                continue
            self.warning(
                (doc.display, line),
                f"'{dotted_key(loc)}': the text stops at ' #', which starts a YAML comment, so the rest of the line "
                "is dropped: put the whole value in quotes",
            )

    def records(self, cls: type[Record], doc: Document | None, noun: str, plural: str = "") -> list[Any]:
        """Validate a file that holds a list of records of one kind (named by `id`, or a glossary's `term`)."""
        if doc is None:
            return []
        if not isinstance(doc.data, list):
            self.error(
                (doc.display, doc.line()), f"expected a list of {plural or noun + 's'}, not {describe_input(doc.data)}"
            )
            return []
        out = []
        for i, item in enumerate(doc.data):
            if not isinstance(item, dict):
                self.error(
                    (doc.display, doc.line(i)), f"{noun} #{i + 1}: expected a mapping, not {describe_input(item)}"
                )
                continue
            ident = item.get("id", item.get("term"))
            label = f"{noun} '{ident}'" if isinstance(ident, str) else f"{noun} #{i + 1}"
            record = self.model(cls, doc, (i,), label)
            if record is not None:
                out.append(record)
        self.comments(cls, doc, 1)
        return out


def unique_ids(collector: Collector, records: list[Any], noun: str) -> dict[str, Any]:
    """`records` by id, each duplicate id an error at the later record (naming the first)."""
    ids = list(map(attrgetter("id"), records))
    if len(set(ids)) == len(ids):  # no id twice (every valid base): made in C, as the loop below would
        return dict(zip(ids, records))
    seen: dict[str, Any] = {}
    for record in records:
        if record.id in seen:
            first = seen[record.id]
            collector.error(record, f"duplicate {noun} id '{record.id}' (first at {first.file}:{first.line})")
        else:
            seen[record.id] = record
    return seen


def unknown(noun: str, name: str, known: Iterable[str], limit: int = 12) -> str:
    """`unknown era 'x' (did you mean 'y'? eras: a, b, c)`: the name, the closest known one, and the known
    ones (the first `limit`, then how many more)."""
    from difflib import get_close_matches  # here: a valid project names nothing unknown (messages.py)

    names = list(known)
    close = get_close_matches(name, names, n=1)
    listed = ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")
    listing = f"{noun}s: {listed}" if names else f"no {noun}s are defined"
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown {noun} '{name}' ({hint}{listing})"
