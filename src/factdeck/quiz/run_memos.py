"""Per-fact results kept while one quiz is made, also in a one-off command.

A one-off session's memos keep nothing (memo.py: results alive at exit only lengthen the collector's final
pass). Yet making one quiz asks for some per-fact results many times: choosing facts compares each candidate
with every fact chosen so far (`gives_away`: both facts' answer names and asked text), and a fact's answer form
is read when weighing it, when making its question and when drawing other facts' wrong options. Worked out
afresh on every call, those were a third of planning a 100-question worksheet from 10,000 facts. `RunMemos`
keeps them for the quiz's making only: it is dropped with the `QuizMaker`, before the command ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from factdeck.records.memo import FactMemo, Keeper, KeyedMemo

T = TypeVar("T")

# The per-fact memos a quiz's making reads more than once per fact (each a pure function of the fact's record).
KEPT_WHILE_MAKING = frozenset(
    {
        "quiz.answer-form",
        "quiz.answer-names",
        "quiz.asked-text",
        "quiz.giveaway-words",
        "quiz.timeline-text",
        "quiz.matching-role",
    }
)


class RunMemos:
    """The session's memos (a `Keeper`), except that in a session keeping nothing the memos named in
    KEPT_WHILE_MAKING keep their results for as long as this object lives."""

    def __init__(self, session: Keeper) -> None:
        self._session = session
        self.keeping = session.keeping
        self._own: dict[str, FactMemo] = {}

    def fact_memo(self, name: str) -> FactMemo:
        if self._session.keeping or name not in KEPT_WHILE_MAKING:
            return self._session.fact_memo(name)
        memo = self._own.get(name)
        if memo is None:
            memo = self._own[name] = FactMemo(keeping=True)
        return memo

    def keyed_memo(self, name: str, size: int = 16) -> KeyedMemo:
        return self._session.keyed_memo(name, size)

    def state_number(self, name: str, state: Any) -> int:
        return self._session.state_number(name, state)

    def kept(self, name: str, make: Callable[[], T]) -> T | None:
        return self._session.kept(name, make)
