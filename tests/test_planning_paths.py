"""Planning's shortcuts against the plain paths they stand in for: the lazy shuffle of a group's pool against
`random.Random.sample`, a group's facts found in the facts left by id against a pass over them, and the memos a quiz keeps while it is made (run_memos.py) against the session's."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factdeck.engine.session import Session
from factdeck.quiz.planning import _positions, shuffled
from factdeck.quiz.run_memos import KEPT_WHILE_MAKING, RunMemos


@pytest.mark.parametrize("n", [0, 1, 2, 5, 6, 7, 31, 32, 33, 100, 1000, 10_000])
def test_the_lazy_shuffle_is_random_sample(n):
    items = list(range(n))
    for seed in ("1:all:matching:1", "7:deck:timeline:3", 12345):
        assert list(shuffled(random.Random(seed), items)) == random.Random(seed).sample(items, n)
        # Read only in part, it gives the same first items.
        prefix = list(zip(range(40), shuffled(random.Random(seed), items)))
        assert [x for _, x in prefix] == random.Random(seed).sample(items, n)[:40]


@given(st.lists(st.sampled_from("abcdefgh"), max_size=30), st.sets(st.sampled_from("abcdefghij"), max_size=6))
def test_a_groups_facts_are_found_where_a_pass_over_every_fact_finds_them(ids, wanted):
    assert sorted(_positions(ids, wanted)) == [i for i, x in enumerate(ids) if x in wanted]


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
