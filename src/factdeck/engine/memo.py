"""Results worked out from one fact record, kept beside the record while it lives on (in `factdeck watch`).

A watch keeps unchanged files' records from one round to the next, the very same objects (record_cache.py).
Much of what a round computes depends on one record alone, or on one record and a small context: its JSON,
which question types the worksheet chooser can make of it, its share of the wrong-option pools. At 10,000
facts that is most of a worksheet round, yet an edit changes one record. So each `FactMemo` keeps, by fact
id, the record it computed from, the context, and the result, and a lookup counts only for that very object
and an equal context: an edited fact is a new record and is computed afresh. A fact whose id is gone leaves
one stale entry behind until the watch ends, a few hundred bytes.

One-off commands keep nothing (`FactMemo.enabled` is off): they compute everything once anyway, and keeping
the results would only give the collector's final pass more to walk.
"""

from __future__ import annotations

from itertools import compress
from operator import is_not
from typing import Any, Callable, Hashable, Iterable, Sequence, TypeVar

from factdeck.records.schema import Fact

T = TypeVar("T")
RECENT_LISTS = 4  # lists of facts FactMemo.values compares a new list with


class FactMemo:
    """One kind of per-fact result, by fact id."""

    enabled = False  # turned on for the life of a watch (watch.py)
    _every: list[FactMemo] = []

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Fact, Hashable, Any]] = {}
        # values()' last few lists of facts, each with its context and results: a round may ask for several
        # (the base in file order, a deck's selection in history order), each much like its last round's.
        self._recent: list[tuple[tuple[Fact, ...], Hashable, list[Any]]] = []
        FactMemo._every.append(self)

    def get(self, fact: Fact, context: Hashable, make: Callable[[], T]) -> T:
        """`make()`, or what it returned for this very record in an equal context."""
        if not FactMemo.enabled:
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
        if not FactMemo.enabled:
            return [make(f) for f in facts]
        facts = tuple(facts)
        for n, (known, known_context, results) in enumerate(self._recent):
            if len(known) == len(facts) and known_context == context:
                differ = list(compress(range(len(facts)), map(is_not, known, facts)))
                if len(differ) * 8 <= len(facts):
                    out = list(results)
                    for i in differ:
                        out[i] = self.get(facts[i], context, lambda i=i: make(facts[i]))
                    del self._recent[n]
                    break
        else:
            out = self._lookup(facts, context, make)
        self._recent = [(facts, context, out), *self._recent[:RECENT_LISTS - 1]]
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

    @classmethod
    def keep(cls, on: bool) -> None:
        """Start keeping results (a watch begins), or stop and forget them all (it ends)."""
        cls.enabled = on
        if not on:
            for memo in [*cls._every, *KeyedMemo._every]:
                memo.clear()
            _numbers.clear()
            for forget in _forgetters:
                forget()


# What other modules keep while FactMemo.enabled (pdf.py's compilers), dropped when the watch ends.
_forgetters: list[Callable[[], None]] = []


def on_forget(forget: Callable[[], None]) -> Callable[[], None]:
    """Call `forget` when kept results are dropped (a watch ends)."""
    _forgetters.append(forget)
    return forget


# The last state of each named whole-base structure and its number (state_number).
_numbers: dict[str, tuple[Any, int]] = {}


def state_number(name: str, state: Any) -> int:
    """A number for `state` of something built from the whole base (the wrong-option pools): the same as last
    time if the state is equal to the last one, else a new one; results that depend on the state are kept
    under its number. Always 0 when nothing is kept."""
    if not FactMemo.enabled:
        return 0
    last = _numbers.get(name)
    if last is not None and last[0] == state:
        return last[1]
    number = last[1] + 1 if last is not None else 1
    _numbers[name] = (state, number)
    return number


class KeyedMemo:
    """Results computed from a whole list of facts (a deck's shuffles, the wrong-option pools), by a key that
    holds everything they depend on; the most recent few are kept, and only while `FactMemo.enabled`.

    Keys are compared, never hashed: they are tuples of thousands of items, rebuilt each round, and hashing one
    walks all of it, where comparing to an equal key mostly finds the same item objects and stops at the
    first difference otherwise."""

    _every: list[KeyedMemo] = []

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: list[tuple[Any, Any]] = []  # (key, value), the most recently used last
        KeyedMemo._every.append(self)

    def clear(self) -> None:
        self._entries.clear()

    def get(self, key: Any, make: Callable[[], T]) -> T:
        if not FactMemo.enabled:
            return make()
        for i, (known, value) in enumerate(self._entries):
            if known == key:
                del self._entries[i]
                break
        else:
            value = make()
            del self._entries[: max(0, len(self._entries) - self.size + 1)]
        self._entries.append((key, value))
        return value
