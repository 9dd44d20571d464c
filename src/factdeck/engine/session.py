"""The session: everything that lives longer than one call of a pipeline stage.

A one-off command (`check`, `build`, `quiz`, ...) runs in `Session.one_off()`, which keeps nothing: every
memo computes afresh and cache entries are written as they are made. `factdeck watch` runs every round in
one `Session.watching()`, which keeps, from one round to the next:

- per-fact and whole-base results (`fact_memo`, `keyed_memo`, `state_number`; see records/memo.py);
- each fact file's validated records, the very objects (`recent_records`, read by engine/record_cache.py);
- new cache entries, written once a round has reported (`held_writes`, see engine/parse_cache.py), and each
  cache folder's last measured size (`cache_measures`, which a one-off command's stores share too);
- long-lived helpers of output stages, such as Typst compilers kept for incremental compilation (`kept`).

Nothing of this is a module-level or class-level switch: two sessions never share state, and `close()`
(or leaving a `with` block) drops everything a session kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from factdeck.records.memo import FactMemo, KeyedMemo

T = TypeVar("T")


class Session:
    """What outlives one call. Make one with `one_off()` or `watching()`; pass it to `build`,
    `load_and_validate`, the quiz maker and the Anki stage."""

    def __init__(self, keeping: bool) -> None:
        self.keeping = keeping
        self._fact_memos: dict[str, FactMemo] = {}
        self._keyed_memos: dict[str, KeyedMemo] = {}
        self._numbers: dict[str, tuple[Any, int]] = {}  # the last state of each named structure, and its number
        self._kept: dict[str, Any] = {}
        # A fact file's validated records by cache key, kept for the next round (engine/record_cache.py).
        self.recent_records: dict[Any, Any] = {}
        # Each cache folder's size as a store's trim last measured it, and when (engine/parse_cache.py): shared by
        # the session's stores, so a command's many stores, or a watch's rounds, walk a large folder once.
        self.cache_measures: dict[Path, tuple[float, int]] = {}
        # Cache entries not written yet: (store, text, make) (engine/parse_cache.py); None writes at once.
        self.held_writes: list[tuple[Any, str, Callable[[], Any]]] | None = [] if keeping else None

    @classmethod
    def one_off(cls) -> Session:
        """A session for one command: nothing is kept, cache entries are written at once."""
        return cls(keeping=False)

    @classmethod
    def watching(cls) -> Session:
        """A session for `factdeck watch`: results, records and compilers are kept from round to round."""
        return cls(keeping=True)

    def fact_memo(self, name: str) -> FactMemo:
        """The session's per-fact memo called `name` (made on first use); keeps nothing in a one-off session."""
        memo = self._fact_memos.get(name)
        if memo is None:
            memo = self._fact_memos[name] = FactMemo(keeping=self.keeping)
        return memo

    def keyed_memo(self, name: str, size: int = 16) -> KeyedMemo:
        """The session's whole-list memo called `name`, keeping its `size` most recent results."""
        memo = self._keyed_memos.get(name)
        if memo is None:
            memo = self._keyed_memos[name] = KeyedMemo(size, keeping=self.keeping)
        return memo

    def state_number(self, name: str, state: Any) -> int:
        """A number for `state` of something built from the whole base (the wrong-option pools): the same as
        last time if the state equals the last one, else a new one, so that results depending on the state
        can be kept under its number. Always 0 in a one-off session."""
        if not self.keeping:
            return 0
        last = self._numbers.get(name)
        if last is not None and last[0] == state:
            return last[1]
        number = last[1] + 1 if last is not None else 1
        self._numbers[name] = (state, number)
        return number

    def kept(self, name: str, make: Callable[[], T]) -> T | None:
        """A long-lived helper object called `name` (made by `make()` on first use), or None in a one-off
        session. An object with a `close()` method is closed with the session."""
        if not self.keeping:
            return None
        if name not in self._kept:
            self._kept[name] = make()
        value: T = self._kept[name]
        return value

    def write_held(self, keep_holding: bool = True) -> None:
        """Write the cache entries held so far (a watch does after each round has reported)."""
        held = self.held_writes or []
        self.held_writes = [] if keep_holding else None
        stores = {}
        for store, text, make in held:
            store.write_entry(text, make)
            stores[id(store)] = store
        for store in stores.values():
            store.trim()

    def close(self) -> None:
        """Write what is held, then drop everything the session kept."""
        self.write_held(keep_holding=False)
        for value in self._kept.values():
            close = getattr(value, "close", None)
            if callable(close):
                close()
        self._kept.clear()
        for memo in self._fact_memos.values():
            memo.clear()  # a stage may still hold one
        for keyed in self._keyed_memos.values():
            keyed.clear()
        self._fact_memos.clear()
        self._keyed_memos.clear()
        self._numbers.clear()
        self.recent_records = {}
        self.cache_measures = {}

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
