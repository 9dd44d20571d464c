"""Record cache: a fact file's validated facts and problems, kept by the hash of its text and of everything its
validation reads, so that an unchanged file is neither parsed nor validated again.

Once files are parsed, validating every record with pydantic, giving each its line and finding every quote in the
archive is most of what a check of a large fact base costs. What the validator finds in one fact file depends only on
that file's text and name, factdeck's code, and a context: the sources' ids, the eras and their bounds, and the archived
texts quotes are checked against (`context_key`). An entry is kept under a hash of all of these; the rules that span
files (unique ids, sources never cited, deck selections) always run afresh over every record, cached or not.

Records come back without being validated again: they were valid when the entry was made, from exactly this text, by
exactly this code. They are rebuilt the way pydantic's `model_construct` builds them, with their locations. The entries
share the parse cache's store (same folder rules, atomic writes, trimming, and `FACTDECK_NO_CACHE`); an entry whose
shape is not what this code writes is a miss.

A watching session (`factdeck watch`, see engine/session.py) also keeps the last validation's records in memory, by the
same key, so a file that did not change since the last round is not even read back from the store. Records are never
modified once validated, so one round's records can serve the next. A one-off command does not keep them: records still
alive when Python exits make its final garbage-collector pass walk all of them (a third of a second at 10,000 facts).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, repeat
from operator import attrgetter, eq, itemgetter, setitem
from typing import Any, TypeVar

from factdeck.engine.collector import collector_paused
from factdeck.engine.parse_cache import ContentStore, cache_folder
from factdeck.engine.record_columns import KeptColumns
from factdeck.engine.session import Session
from factdeck.engine.stamps import NameStamps
from factdeck.exceptions import Problem
from factdeck.records.introspect import record_fields
from factdeck.records.load import FactFile
from factdeck.records.record import shared_field_names
from factdeck.records.schema import Fact, Record

_SEVERITIES = ("error", "warning")
T = TypeVar("T")
_new = object.__new__


def context_key(parts: list[Any]) -> str:
    """A hash of what validating one fact file reads besides the file (built by the validator)."""
    digest = hashlib.sha256()
    for part in parts:
        text = part if isinstance(part, str) else repr(part)
        digest.update(f"{len(text)}:{text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class RecordCache:
    """Validated facts and problems of fact files, by file name, text and context; a watching `session` also
    keeps the last validation's entries in memory, by store folder and entry name (see the module's doc)."""

    def __init__(self, code: str, context: str, session: Session, stamps: NameStamps | None = None):
        self.context = context
        self.store = ContentStore(cache_folder("records"), code, context, session)
        # Each file's latest keys, by its name (`earlier`), in a folder of their own beside the records.
        self.latest = ContentStore(cache_folder("latest"), code, context, session)
        self._restored: dict[str, list[Fact] | None] = {}  # earlier records by key (`earlier`)
        self.session = session
        self._used: dict[tuple[str, str], tuple[list[Fact], list[Problem]]] = {}
        # Each file's entry name, as `get` worked it out: the file's content key (FactBase.file_keys).
        self.names: dict[str, str] = {}
        # Each fact file's entry name with its stat signature (`FactFile.signature`), kept for the next validation
        # (`_name`: hashing every file's text was 10 MB at 10,000 facts, 0.01 CPU s a check). None: none kept.
        self.stamps = stamps
        self.hashed = 0  # texts hashed for their entry names (for tests)
        # Each file's columns and problems beside its entry (engine/record_columns.py): a one-off command takes an
        # unchanged file back as a `FileFacts`, its records made only if a reader goes through them.
        self.columns = KeptColumns(cache_folder("columns"), code, context, session)

    def get(
        self, file: FactFile, again: Callable[[], list[Fact]] | None = None
    ) -> tuple[Sequence[Fact], list[Problem]] | None:
        """`file`'s records and problems as kept, or None: validate it (its text read, `names` holds its name). A file
        loaded unread whose text can no longer be read has no records and that problem, and no name (nothing kept).
        Given `again` (what validates the file afresh and gives its records), a one-off session's records come back as
        a `FileFacts` where the file's columns are kept: made from the entry when first asked for (by `again` if the
        entry is gone or damaged by then)."""
        if self.store.folder is None:
            return None
        key = (str(self.store.folder), self._name(file))
        self.names[file.display] = key[1]
        hit = self.session.recent_records.get(key) if self.session.keeping else None
        if hit is None and again is not None and not self.session.keeping and self.store._named(key[1]).is_file():
            lazy = self.columns.lazy(key[1], file.display, lambda: self._records(key[1], file.display, again))
            if lazy is not None:
                return lazy
        if hit is None:
            hit = restore_entry(self.store.load_named(key[1]), file.display)
            if hit is not None and again is not None and not self.session.keeping:
                self.columns.keep(key[1], hit[0], hit[1])  # its columns for the next command (none were kept)
        if hit is None:
            if not file.read:  # named by its stamp, unread: validated from its text read now, and named by that
                from factdeck.exceptions import InputError

                del self.names[file.display]
                try:
                    text = file.text
                except InputError as exc:  # changed since it was loaded into a file that cannot be read: its problem
                    return [], [exc.problem]
                self.hashed += 1
                self.names[file.display] = self.store.digest(f"{file.display}\0{text}")
            return None
        if self.session.keeping:
            self._used[key] = hit
        return list(hit[0]), list(hit[1])  # the caller's lists; the records are shared

    def _records(self, name: str, display: str, again: Callable[[], list[Fact]]) -> list[Fact]:
        """The records of the entry `name` (of file `display`), or `again()` if it is gone or damaged. Made with the
        cyclic collector paused, as in loading (engine/validation.py): a reader going through every fact makes all 47,000
        records at 10,000 facts after loading, and the collector's passes over them find nothing."""
        with collector_paused():
            kept = restore_entry(self.store.load_named(name), display)
        return kept[0] if kept is not None else again()

    def keep_columns(self, file: FactFile, facts: Sequence[Fact], problems: list[Problem]) -> None:
        """Keep a file's columns and problems beside its entry (`get`), for a file validated afresh."""
        self.columns.keep(
            self.names.get(file.display) or self.store.digest(f"{file.display}\0{file.text}"), facts, problems
        )

    def _name(self, file: FactFile) -> str:
        """`file`'s entry name (the store's digest of its name and text): the one stamped for its path when the stamp is
        of its name, signature and context and settled (engine/stamps.py's `NameStamps`), else the digest (its text read
        now if it was not: `FactFile.text`), stamped."""

        def digest() -> str:
            self.hashed += 1
            return self.store.digest(f"{file.display}\0{file.text}")

        if file.signature is None or self.stamps is None:
            return digest()
        return self.stamps.name(str(file.path), file.display, file.signature, self.context, digest)

    def put(self, file: FactFile, facts: list[Fact], problems: list[Problem]) -> None:
        facts, problems = list(facts), list(problems)
        self.store.save_made(f"{file.display}\0{file.text}", lambda: dump_entry(facts, problems))
        self._latest(file)
        self.remember(file, facts, problems)

    def put_entry(self, file: FactFile, entry: tuple) -> None:
        self.store.save(f"{file.display}\0{file.text}", entry)
        self._latest(file)

    def remember(self, file: FactFile, facts: list[Fact], problems: list[Problem]) -> None:
        """Keep a file's records in memory for the next validation in this process (in a watch only)."""
        if self.store.folder is not None and self.session.keeping:
            key = (
                str(self.store.folder),
                self.names.get(file.display) or self.store.digest(f"{file.display}\0{file.text}"),
            )
            self._used[key] = (list(facts), list(problems))

    def finish(self) -> None:
        """This validation's entries replace the last one's in memory (if kept at all); the store is trimmed."""
        self.session.recent_records = self._used if self.session.keeping else {}
        if self.stamps is not None:  # this validation's files' (another project's are dropped)
            self.stamps.save()
        self.store.trim()
        self.latest.trim()
        self.columns.trim()

    def _latest(self, file: FactFile) -> None:
        """Keep `file`'s key as the one it was last validated with, before the EARLIER_KEYS it had before it (a small
        entry by its name, in this context and code, in `…/factdeck/latest`: `earlier`)."""
        key = self.names.get(file.display) or self.store.digest(f"{file.display}\0{file.text}")
        before = self._latest_keys(file.display)
        if before[:1] != (key,):
            self.latest.save(file.display, (key, *(k for k in before if k != key))[: EARLIER_KEYS + 1])

    def _latest_keys(self, display: str) -> tuple[str, ...]:
        kept = self.latest.load(display)
        return kept if type(kept) is tuple and set(map(type, kept)) <= {str} else ()

    def earlier(self, display: str, kept: Callable[[str], Any]) -> tuple[str, list[Fact], Any] | None:
        """For a file of this validation, the latest key it was validated with before its key now for which
        `kept(key)` (a later stage's entry under that key) is not None: that key, the file's records then (restored
        from their entry) and what `kept` gave; None if there is none (no earlier key in this context and code, or
        its records are gone or damaged). Meant for a file whose entry under its key now a later stage lacks (an edit
        since that stage last ran, whatever command validated the edited text first)."""
        now = self.names.get(display)
        for key in self._latest_keys(display):
            value = kept(key) if key != now else None
            if value is None:
                continue
            if key not in self._restored:  # each earlier entry restored once, whichever stage asks
                restored = restore_entry(self.store.load_named(key), display)
                self._restored[key] = restored[0] if restored is not None else None
            facts = self._restored[key]
            return (key, facts, value) if facts is not None else None
        return None

    def carried(
        self, display: str, load: Callable[[str], Any], name: str, key: str, now: list[Fact]
    ) -> list[list[Problem] | None] | None:
        """For each of `now` (the records of file `display`), the problems a later stage's entry (`load(key)`: by name,
        (a key, each record's problems as `restore_per_fact` reads them)) keeps under `name` and `key` for the same
        record at the same place (`same_record`), in the entry of the latest earlier key that has one (`earlier`);
        None for a fact changed, moved or new. None if there is no such entry."""
        then = self.earlier(display, load)
        if then is None:
            return None
        kept = then[2].get(name) if type(then[2]) is dict else None
        if type(kept) is not tuple or len(kept) != 2 or kept[0] != key:
            return None
        return carried(then[1], restore_per_fact(kept[1], display, len(then[1])), now)


def same_record(then: Fact, now: Fact) -> bool:
    """Whether `now` is the record `then` was (its fields, its status among them: a fact held back differs) at the same
    place (file and line): a later stage's share of one fact made of `then` is that of `now` (`RecordCache.earlier`)."""
    return then == now and then.line == now.line and then.file == now.file


def carried(then: list[Fact], kept: list[T] | None, now: list[Fact]) -> list[T | None]:
    """For each of a file's records `now`, the value `kept` holds for the same record (`same_record`) among `then` (the
    file's records when it was validated before, `kept` one value for each, in order); None for a fact changed,
    moved or new, and every one None if `kept` is not one value for each of `then`."""
    if kept is None or len(kept) != len(then):
        return [None] * len(now)
    where = {fact.id: i for i, fact in enumerate(then)}
    places = map(where.get, map(attrgetter("id"), now))
    return [kept[i] if i is not None and same_record(then[i], fact) else None for i, fact in zip(places, now)]


# How many keys a fact file was validated with before its latest are kept (`RecordCache.earlier`): a later stage looks
# for its entry under each, the latest first (validations that made none, such as `vet`'s, may come between checks).
EARLIER_KEYS = 4


def dump_entry(facts: list[Fact], problems: list[Problem]) -> tuple:
    """A file's facts and problems as marshal keeps them (the problems are the file's own): the records a column a
    model (`_Columns`), then the problems as (line, message, severity)."""
    columns = _Columns()
    for fact in facts:
        columns.add(fact)
    return columns.dumped(), dump_problems(problems)


def restore_entry(entry: Any, file: str) -> tuple[list[Fact], list[Problem]] | None:
    """What `dump_entry` kept, located in `file`; None if `entry` is not what it writes."""
    try:
        dumped_facts, dumped_problems = entry
        return _restore_columns(dumped_facts, file), [_problem(p, file) for p in dumped_problems]
    except (TypeError, ValueError, KeyError, IndexError):
        return None


# A file's records are kept a column a model: for each model a fact may hold (`_models`, the models inside another
# first), its records' values (dicts, in the fields' order, a field holding records None), their lines, the names of
# the fields set in each, and where the records inside them go: by field, the positions of the records that hold
# any, and the positions in the inner model's column of those (a list of them for a field holding a list). Restoring
# makes every record of a model in loops in C, with no call a record (a 10,000-fact base restores 47,000 records
# after an edit, and making them one by one was half of reading the unchanged files back).
_Column = tuple[list[dict[str, Any]], list[int], list[tuple[str, ...]], list[tuple[str, bool, list[int], list[Any]]]]


def _models(cls: type[Record]) -> tuple[type[Record], ...]:
    """`cls` and every model its records may hold, each after the models inside it, each once."""
    known = _MODELS.get(cls)
    if known is None:
        order: list[type[Record]] = []

        def visit(model: type[Record]) -> None:
            if model in order:
                return
            for _, nested in record_fields(model):
                visit(nested)
            order.append(model)

        visit(cls)
        known = _MODELS[cls] = tuple(order)
    return known


_MODELS: dict[type[Record], tuple[type[Record], ...]] = {}


class _Columns:
    """Facts' records gathered a column a model, as `dump_entry` keeps them."""

    def __init__(self) -> None:
        self.columns: dict[type[Record], _Column] = {model: ([], [], [], []) for model in _models(Fact)}
        # By model, field and whether it held a list: the positions of the records holding any, and what they held.
        self.links: dict[tuple[type[Record], str, bool], tuple[bool, list[int], list[Any]]] = {}
        self.names: dict[tuple[str, ...], tuple[str, ...]] = {}

    def add(self, record: Record) -> int:
        """Gather `record` and the records inside it; returns its position in its model's column."""
        cls = type(record)
        names, values_of = _NAMES.get(cls) or _names(cls)
        values = dict(zip(names, values_of(record.__dict__)))
        dicts, lines, fields_sets, _ = self.columns[cls]
        position = len(dicts)
        dicts.append(values)
        lines.append(record.line)
        names = tuple(sorted(record.model_fields_set))
        # One tuple for each distinct set of names: marshal keeps the others as references to it (an entry 8% smaller,
        # and one tuple made where each record had its own).
        fields_sets.append(self.names.setdefault(names, names))
        for name, _ in record_fields(cls):
            value = values[name]
            if value is None:
                continue
            values[name] = None  # restored from the link
            many = isinstance(value, list)
            inner = [self.add(v) for v in value] if many else self.add(value)
            link = self.links.get((cls, name, many))
            if link is None:
                link = self.links[(cls, name, many)] = (many, [], [])
            link[1].append(position)
            link[2].append(inner)
        return position

    def dumped(self) -> tuple:
        """The columns, in `_models`' order, each with its links in its fields' order."""
        out = []
        for model, (dicts, lines, fields_sets, links) in self.columns.items():
            for name, _ in record_fields(model):
                for many in (True, False):
                    link = self.links.get((model, name, many))
                    if link is not None:
                        links.append((name, *link))
            out.append((model.__name__, dicts, lines, fields_sets, links))
        return tuple(out)


def _restore_columns(columns: Any, file: str) -> list[Fact]:
    """The facts `_Columns.dumped` kept, located in `file`; raises ValueError (or TypeError, KeyError, IndexError) if
    `columns` is not what it gives. Every test and step runs over a whole column (loops in C)."""
    models = _models(Fact)
    if type(columns) is not tuple or len(columns) != len(models):
        raise ValueError("not an entry")
    made: dict[type[Record], list[Any]] = {}
    for model, column in zip(models, columns):
        name, dicts, lines, fields_sets, links = column
        nested_fields = (_SHAPES.get(model) or _shape(model))[1]
        count = len(dicts)
        if name != model.__name__ or not {type(dicts), type(lines), type(fields_sets), type(links)} <= {list}:
            raise ValueError("not an entry")
        if len(lines) != count or len(fields_sets) != count or not set(map(type, dicts)) <= {dict}:
            raise ValueError("not an entry")
        # Each record's fields, in the order `_Columns.add` writes them: one tuple of each dict's names compared with
        # the model's (a third less than comparing each dict's names as a set, 47,000 records after an edit).
        order = (_NAMES.get(model) or _names(model))[0]
        if not all(map(eq, map(tuple, dicts), repeat(order))) or not set(map(type, lines)) <= {int}:
            raise ValueError("not a record")
        nested = dict(nested_fields)
        for field in nested:  # each field holding records is None until linked
            if list(map(itemgetter(field), dicts)).count(None) != count:
                raise ValueError("not a record")
        for field, many, positions, inner in links:
            _link(dicts, field, many, positions, inner, made[nested[field]])
        shared = {names: _FIELDS_SETS.get(names) or _fields_set(names) for names in set(fields_sets)}
        deque(map(setitem, dicts, repeat("_where"), zip(repeat(file), lines)), 0)
        records = list(map(_new, repeat(model, count)))
        # What pydantic's model_construct sets, without its per-field defaults and aliases (every field is here), each
        # through the attribute's own setter (`_setters`: what `object.__setattr__` finds and calls, a third cheaper).
        set_dict, set_fields, set_extra, set_private = _SETTERS.get(model) or _setters(model)
        deque(map(set_dict, records, dicts), 0)
        deque(map(set_fields, records, map(shared.__getitem__, fields_sets)), 0)
        deque(map(set_extra, records, repeat(None, count)), 0)
        deque(map(set_private, records, repeat(None, count)), 0)
        made[model] = records
    return made[Fact]


# What a record's state is set through (`_restore_columns`), by model: the `__set__` of the data descriptor (pydantic's
# slots) `object.__setattr__` finds in the model's MRO for each name, called without the lookup each set made.
_STATE = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
_SETTERS: dict[type[Record], tuple[Callable[[Any, Any], None], ...]] = {}


def _setters(model: type[Record]) -> tuple[Callable[[Any, Any], None], ...]:
    found: list[Callable[[Any, Any], None]] = []
    for name in _STATE:
        descriptor = next((klass.__dict__[name] for klass in model.__mro__ if name in klass.__dict__), None)
        setter = getattr(descriptor, "__set__", None) if descriptor is not None else None
        if setter is None:  # not pydantic's slot: not restored here (`restore_entry` gives None, a miss)
            raise TypeError(f"{model.__name__}.{name} is not a data descriptor")
        found.append(setter)
    _SETTERS[model] = made = tuple(found)
    return made


def _link(dicts: list[dict[str, Any]], field: str, many: Any, positions: Any, inner: Any, records: list[Any]) -> None:
    """Put into `field` of the records at `positions` (their `dicts`) the records of `records` that `inner` places
    there (one position each, or a list of them where `many`); raises ValueError if they are not that."""
    if type(many) is not bool or type(positions) is not list or type(inner) is not list or len(inner) != len(positions):
        raise ValueError("not a link")
    places = list(chain.from_iterable(inner)) if many else inner
    if many and not set(map(type, inner)) <= {list}:
        raise ValueError("not a link")
    for indices, bound in ((positions, len(dicts)), (places, len(records))):
        if not set(map(type, indices)) <= {int} or (indices and not 0 <= min(indices) <= max(indices) < bound):
            raise ValueError("not a link")
    if len(set(positions)) != len(positions):
        raise ValueError("not a link")
    values = map(list, map(map, repeat(records.__getitem__), inner)) if many else map(records.__getitem__, inner)
    deque(map(setitem, map(dicts.__getitem__, positions), repeat(field), values), 0)


def dump_problems(problems: Iterable[Problem]) -> list[tuple[int, str, str]]:
    """Problems of one file as marshal keeps them, (line, message, severity) each (`restore_problems` reads them)."""
    return [(p.line, p.message, p.severity) for p in problems]


def restore_problems(entry: Any, file: str) -> list[Problem] | None:
    """Problems kept as `dump_problems` keeps them, located in `file`; None if `entry` is not such a list."""
    try:
        return [_problem(p, file) for p in entry]
    except (TypeError, ValueError):
        return None


def restore_per_fact(entry: Any, file: str, count: int) -> list[list[Problem]] | None:
    """The `count` facts' problems kept as one list each (`restore_problems`' form); None if `entry` is not that."""
    if type(entry) is not list or len(entry) != count:
        return None
    restored = []
    for kept in entry:
        problems = restore_problems(kept, file)
        if problems is None:
            return None
        restored.append(problems)
    return restored


# Each record model's field names and the fields that may hold records, worked out once per model: `model_fields`
# is a descriptor that costs a microsecond a read, and a 10,000-fact base restores about 47,000 records.
_SHAPES: dict[type[Record], tuple[frozenset[str], tuple[tuple[str, type[Record]], ...]]] = {}


# Each record model's field names in their order (a record's values are kept in it) and what reads their values
# from a record's dict in that order, worked out once per model like the shapes below: a cold check of a
# 10,000-fact base dumps about 47,000 records.
_NAMES: dict[type[Record], tuple[tuple[str, ...], Callable[[dict[str, Any]], tuple[Any, ...]]]] = {}


def _names(cls: type[Record]) -> tuple[tuple[str, ...], Callable[[dict[str, Any]], tuple[Any, ...]]]:
    names = tuple(cls.model_fields)
    values_of = itemgetter(*names) if len(names) > 1 else lambda state: tuple(state[name] for name in names)
    _NAMES[cls] = names, values_of
    return names, values_of


def _shape(cls: type[Record]) -> tuple[frozenset[str], tuple[tuple[str, type[Record]], ...]]:
    shape = _SHAPES.get(cls)
    if shape is None:
        shape = _SHAPES[cls] = (frozenset(cls.model_fields), record_fields(cls))
    return shape


# The shared set (`shared_field_names`) of each kept tuple of field names, by the tuple. Like that table, what it
# gives depends only on the names, so it serves every restore of the process.
_FIELDS_SETS: dict[tuple[str, ...], set[str]] = {}


def _fields_set(names: Any) -> set[str]:
    if type(names) is not tuple or not all(type(name) is str for name in names):
        raise ValueError("not a record")
    shared = _FIELDS_SETS[names] = shared_field_names(names)
    return shared


def _problem(data: tuple, file: str) -> Problem:
    line, message, severity = data
    if type(line) is not int or type(message) is not str or severity not in _SEVERITIES:
        raise ValueError("not a problem")
    return Problem(file, line, message, severity)
