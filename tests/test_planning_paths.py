"""Planning's shortcuts against the plain paths they stand in for: the lazy shuffle of a group's pool against
`random.Random.sample`, and the memos a quiz keeps while it is made (run_memos.py) against the session's."""

from __future__ import annotations

import random

import pytest

from factdeck.engine.session import Session
from factdeck.quiz.planning import shuffled
from factdeck.quiz.run_memos import KEPT_WHILE_MAKING, RunMemos


@pytest.mark.parametrize("n", [0, 1, 2, 5, 6, 7, 31, 32, 33, 100, 1000, 10_000])
def test_the_lazy_shuffle_is_random_sample(n):
    items = list(range(n))
    for seed in ("1:all:matching:1", "7:deck:timeline:3", 12345):
        assert list(shuffled(random.Random(seed), items)) == random.Random(seed).sample(items, n)
        # Read only in part, it gives the same first items.
        prefix = list(zip(range(40), shuffled(random.Random(seed), items)))
        assert [x for _, x in prefix] == random.Random(seed).sample(items, n)[:40]


def test_a_one_off_quiz_keeps_the_wording_memos_only_while_it_is_made():
    session = Session(keeping=False)
    memos = RunMemos(session)
    for name in KEPT_WHILE_MAKING:
        assert memos.fact_memo(name).keeping and memos.fact_memo(name) is memos.fact_memo(name)
        assert not session.fact_memo(name).keeping  # the session itself still keeps nothing
    assert memos.fact_memo("quiz.shares") is session.fact_memo("quiz.shares")  # the rest: the session's
    assert not memos.keeping


def test_a_watch_keeps_its_memos_in_its_session():
    session = Session(keeping=True)
    memos = RunMemos(session)
    for name in KEPT_WHILE_MAKING:
        assert memos.fact_memo(name) is session.fact_memo(name)
