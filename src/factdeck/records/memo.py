"""Results worked out from one fact record, kept beside the record while it lives on (in `factdeck watch`).

A watch keeps unchanged files' records from one round to the next, the very same objects (record_cache.py).
Much of what a round computes depends on one record alone, or on one record and a small context: its JSON,
which question types the worksheet chooser can make of it, its share of the wrong-option pools. At 10,000
facts that is most of a worksheet round, yet an edit changes one record. So each `FactMemo` keeps, by fact
id, the record it computed from, the context, and the result, and a lookup counts only for that very object
and an equal context: an edited fact is a new record and is computed afresh. A fact whose id is gone leaves
one stale entry behind until the watch ends, a few hundred bytes.

One-off commands keep nothing (a memo made with `keeping=False`): they compute everything once anyway, and
keeping the results would only give the collector's final pass more to walk.

Memos are made and owned by a session (`factdeck.engine.session.Session`), never at module level, so what a
watch keeps is dropped with its session and two sessions never share a result.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import compress
from operator import is_not
from typing import Any, Protocol, TypeVar

from factdeck.records.schema import Fact

T = TypeVar("T")
RECENT_LISTS = 4  # lists of facts FactMemo.values compares a new list with


class FactMemo:
    """One kind of per-fact result, by fact id; keeps nothing unless `keeping`."""

    def __init__(self, keeping: bool = False) -> None:
        self.keeping = keeping
        self._entries: dict[str, tuple[Fact, Hashable, Any]] = {}
        # values()' last few lists of facts, each with its context and results: a round may ask for several
        # (the base in file order, a deck's selection in history order), each much like its last round's.
        self._recent: list[tuple[tuple[Fact, ...], Hashable, list[Any]]] = []

    def get(self, fact: Fact, context: Hashable, make: Callable[[], T]) -> T:
        """`make()`, or what it returned for this very record in an equal context."""
        if not self.keeping:
            return make()
        known = self._entries.get(fact.id)
        if known is not None and known[0] is fact and known[1] == context:
            return known[2]
        value = make()
        self._entries[fact.id] = (fact, context, value)
        return value

    def values(self, facts: Sequence[Fact], context: Hashable, make: Callable[[Fact], T]) -> list[T]:
        """`[make(f) for f in facts]`, each as `get` would give it.

        It runs over whole bases, so it first compares `facts` with the last few calls' lists, record by
        record and by identity (a loop in C): where few differ and the context is equal, that call's results
        are reused and only those few looked up."""
        if not self.keeping:
            return [make(f) for f in facts]
        facts = tuple(facts)
        for n, (known, known_context, results) in enumerate(self._recent):
            if len(known) == len(facts) and known_context == context:
                differ = list(compress(range(len(facts)), map(is_not, known, facts)))
                if len(differ) * 8 <= len(facts):
                    out = list(results)
                    for i in differ:
                        out[i] = self.get(facts[i], context, lambda i=i: make(facts[i]))  # type: ignore[misc]
                    del self._recent[n]
                    break
        else:
            out = self._lookup(facts, context, make)
        self._recent = [(facts, context, out), *self._recent[: RECENT_LISTS - 1]]
        return list(out)

    def _lookup(self, facts: Sequence[Fact], context: Hashable, make: Callable[[Fact], T]) -> list[T]:
        entries = self._entries
        out = []
        for fact in facts:
            known = entries.get(fact.id)
            if known is not None and known[0] is fact and known[1] == context:
                out.append(known[2])
            else:
                value = make(fact)
                entries[fact.id] = (fact, context, value)
                out.append(value)
        return out

    def clear(self) -> None:
        self._entries.clear()
        self._recent = []


class KeyedMemo:
    """Results computed from a whole list of facts (a deck's shuffles, the wrong-option pools), by a key that
    holds everything they depend on; the most recent few are kept, and only when `keeping`.

    Keys are compared, never hashed: they are tuples of thousands of items, rebuilt each round, and hashing one
    walks all of it, where comparing to an equal key mostly finds the same item objects and stops at the
    first difference otherwise."""

    def __init__(self, size: int = 16, keeping: bool = False) -> None:
        self.size = size
        self.keeping = keeping
        self._entries: list[tuple[Any, Any]] = []  # (key, value), the most recently used last

    def clear(self) -> None:
        self._entries.clear()

    def get(self, key: Any, make: Callable[[], T]) -> T:
        if not self.keeping:
            return make()
        for i, (known, value) in enumerate(self._entries):  # noqa: B007 (`value` is read after the break)
            if known == key:
                del self._entries[i]
                break
        else:
            value = make()
            del self._entries[: max(0, len(self._entries) - self.size + 1)]
        self._entries.append((key, value))
        return value


class Keeper(Protocol):
    """What a pipeline stage asks of the session it runs in (`factdeck.engine.session.Session`): its memos,
    by name, and numbers for whole-base states. A one-off session's memos keep nothing."""

    keeping: bool

    def fact_memo(self, name: str) -> FactMemo: ...

    def keyed_memo(self, name: str, size: int = 16) -> KeyedMemo: ...

    def state_number(self, name: str, state: Any) -> int: ...

    def kept(self, name: str, make: Callable[[], T]) -> T | None: ...
