"""Planning's shortcuts against the plain paths they stand in for: the lazy shuffle of a group's pool against
`random.Random.sample`, a group's facts found in the facts left by id against a pass over them, a wrong option's
check with each fact's own forms made once against the plain rules, and the memos a quiz keeps while it is made (run_memos.py) against the session's."""

from __future__ import annotations

import gc
import random

import pytest
from conftest import shipped_copy
from hypothesis import given
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.engine.session import Session
from factdeck.quiz import make_quiz, with_overrides
from factdeck.quiz.distractors import Distractors
from factdeck.quiz.run_memos import KEPT_WHILE_MAKING, RunMemos
from factdeck.quiz.sequences import Places, shuffled
from factdeck.records.select import select_facts
from factdeck.text.compare import answer_comparison_form, mentions


@pytest.mark.parametrize("n", [0, 1, 2, 5, 6, 7, 31, 32, 33, 100, 1000, 10_000])
def test_the_lazy_shuffle_is_random_sample(n):
    items = list(range(n))
    for seed in ("1:all:matching:1", "7:deck:timeline:3", 12345):
        assert list(shuffled(random.Random(seed), items)) == random.Random(seed).sample(items, n)
        # Read only in part, it gives the same first items.
        prefix = list(zip(range(40), shuffled(random.Random(seed), items)))
        assert [x for _, x in prefix] == random.Random(seed).sample(items, n)[:40]


@given(
    st.lists(st.sampled_from("abcdefghijklmnop"), max_size=30, unique=True),
    st.lists(st.sets(st.sampled_from("abcdefghijklmnopqrs"), max_size=6), max_size=8),
)
def test_a_groups_facts_are_found_where_a_pass_over_every_fact_finds_them(ids, groups):
    # Group after group leaves the list (ids asked for again, or never in it, are not found), as in make().
    places, left = Places(ids), list(ids)
    for wanted in groups:
        plain = [i for i, x in enumerate(left) if x in wanted]
        assert places.take(wanted) == plain
        for i in reversed(plain):
            del left[i]


def test_the_places_test_catches_places_not_moved_up():
    # What the test above holds: the ids after a group's are found further up once the group has left.
    places = Places(list("abcdef"))
    assert places.take({"b", "e"}) == [1, 4]
    assert places.take({"c", "f", "b"}) == [1, 3]  # not [2, 5], their first places; "b" has left


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


@pytest.fixture(scope="module")
def shipped_base(tmp_path_factory):
    return load_and_validate(shipped_copy(tmp_path_factory.mktemp("shipped") / "proj").root)


def test_a_wrong_option_is_allowed_as_the_plain_rules_allow_it(shipped_base):
    """`Distractors.allowed` (each fact's own texts in comparison form made once, the bans looked up where they
    are) against rules 1-3 written plainly, for every fact of the shipped base and options drawn from every
    fact's answers, distractors, dispute versions and pieces of its texts."""
    base = shipped_base
    distractors = Distractors(base)

    def plainly(fact, option: str) -> bool:
        key = answer_comparison_form(option)
        if not key or key in distractors._forbidden(fact):
            return False
        own = [answer_comparison_form(t) for t in distractors._own_texts(fact)]
        if any(f" {text} " in f" {key} " for text in own):
            return False
        return not any(mentions(text, option) for text in own)

    options = {""}
    for fact in base.facts:
        options |= {fact.answer, *(d.text for d in fact.distractors), " ".join(fact.question.split()[:3])}
        options |= {v.answer for v in fact.dispute.versions} if fact.dispute else set()
    sample = random.Random(5).sample(sorted(options), min(len(options), 120))
    seen = set()
    for fact in base.facts:
        for option in [*sample, fact.answer, *(d.text for d in fact.distractors)]:
            allowed = distractors.allowed(fact, option)
            assert allowed == plainly(fact, option), (fact.id, option)
            seen.add(allowed)
    assert seen == {True, False}


def test_planning_leaves_no_reference_cycles(shipped_base):
    """What planning makes is freed as it goes (reference counting), so the collector's next pass has nothing of
    it to walk: the option search (option_sets.py) once called itself through its closure, a cycle per search."""
    deck = shipped_base.deck("mek-history")
    facts = select_facts(shipped_base, deck)
    gc.collect()
    gc.disable()
    try:
        quiz = make_quiz(shipped_base, deck, facts, with_overrides(deck.quiz, questions=60, versions=2))
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert len(quiz.questions) == 60


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_group_pools_of_admitted_facts_plan_what_whole_pools_plan(shipped_base, monkeypatch, seed):
    """A group question's pool weighs and orders only the facts its type admits (`QuestionType.admits`); the
    group passes by the others wherever they stand, so the plan is the one a pool of every fact gives."""
    from factdeck.quiz import types

    deck = shipped_base.deck("mek-history")
    facts = select_facts(shipped_base, deck)
    settings = with_overrides(deck.quiz, questions=60, versions=2, seed=seed)
    admitted = make_quiz(shipped_base, deck, facts, settings)
    assert any(not q.single for q in map(types.QUESTION_TYPES.of, admitted.questions))  # groups were made
    asked: list[str] = []

    def every(self, maker, fact) -> bool:
        asked.append(fact.id)
        return True

    for kind in types.QUESTION_TYPES.group_names:
        monkeypatch.setattr(type(types.QUESTION_TYPES[kind]), "admits", every)
    whole = make_quiz(shipped_base, deck, facts, settings)
    assert asked and whole == admitted


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_the_questions_made_to_weigh_facts_are_the_ones_made_again(shipped_base, monkeypatch, seed):
    """The worksheet takes back the questions made while weighing facts (`QuizMaker.made`): the quiz is the one
    making every question again gives, with fewer wrong options drawn."""
    from factdeck.quiz import planning, types

    deck = shipped_base.deck("mek-history")
    facts = select_facts(shipped_base, deck)
    settings = with_overrides(deck.quiz, questions=60, versions=2, seed=seed)
    draws: list[str] = []
    drawn = Distractors.wrong_options
    monkeypatch.setattr(
        Distractors, "wrong_options", lambda self, fact, *a: draws.append(fact.id) or drawn(self, fact, *a)
    )
    taken_back = make_quiz(shipped_base, deck, facts, settings)
    with_weighed = len(draws)
    draws.clear()
    monkeypatch.setattr(
        planning.QuizMaker, "made", lambda self, fact, kind: types.QUESTION_TYPES[kind].make(self, fact)
    )
    assert make_quiz(shipped_base, deck, facts, settings) == taken_back
    assert with_weighed < len(draws)


def test_a_question_weighed_in_another_options_context_is_made_again(shipped_base):
    from factdeck.quiz.planning import QuizMaker

    deck = shipped_base.deck("mek-history")
    maker = QuizMaker(shipped_base, deck, deck.quiz)
    fact = next(f for f in select_facts(shipped_base, deck) if maker.can(f, "multiple-choice"))
    made = maker.single(fact, "multiple-choice")
    assert made is not None
    maker.weighed[("multiple-choice", fact.id)] = (("another", "context"), None)  # the pools changed since
    assert maker.made(fact, "multiple-choice") == made
    maker.weighed[("multiple-choice", fact.id)] = (maker.options_context, made)
    assert maker.made(fact, "multiple-choice") is made
    assert ("multiple-choice", fact.id) not in maker.weighed  # taken once


def _undated_plainly(statement: str) -> str | None:
    """wording._undated as it was written before its one scan: every date found, then `sub`."""
    import re

    from factdeck.quiz.wording import BLANK, MAX_ITEM_WORDS, _date_expression

    expression = _date_expression()
    if len(expression.findall(statement)) != 1:
        return None
    text = expression.sub(BLANK, statement)
    if re.search(r"\d{4}|\d0s", text) or not 4 <= len(text.split()) <= MAX_ITEM_WORDS:
        return None
    return text


_DATE_PARTS = st.sampled_from(
    ["1910", "1960s", "20 June 1981", "20. Juni 1981", "ژانویهٔ ۱۹۷۹", "March 1848", "in", "the", "-", "x1910", "1910y"]
)


@given(st.lists(st.one_of(_DATE_PARTS, st.text(max_size=8)), max_size=12).map(" ".join))
def test_a_timeline_rows_date_is_blanked_as_the_plain_scan_and_sub_blank_it(statement):
    from factdeck.quiz.wording import _undated

    assert _undated(statement) == _undated_plainly(statement)


def test_the_blanking_test_catches_a_row_with_two_dates_taken():
    from factdeck.quiz import wording

    statement = "The guild met in 1910 and again in March 1911 at the hall"
    assert wording._undated(statement) is None and _undated_plainly(statement) is None
    taken = wording._date_expression().sub(wording.BLANK, statement, count=1)  # a scan stopping at the first
    assert taken != _undated_plainly(statement)


def _babels_month_names(tag: str) -> frozenset[str]:
    import babel

    months = babel.Locale.parse(tag).months
    return frozenset(str(name) for context in ("format", "stand-alone") for name in months[context]["wide"].values())


def test_the_shipped_month_names_are_the_pinned_babels():
    """The month names kept for the shipped languages are Babel's (those of the release constraints.txt pins,
    wherever it is installed), for every shipped language, and the release is the pinned one."""
    import re
    from pathlib import Path

    from factdeck.i18n import shipped_languages
    from factdeck.quiz import wording

    constraints = (Path(__file__).resolve().parent.parent / "constraints.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^babel==(\S+)$", constraints, re.MULTILINE | re.IGNORECASE)
    assert pinned is not None and pinned.group(1) == wording._MONTHS_BABEL
    assert set(wording._SHIPPED_MONTHS) == set(shipped_languages())
    for tag in shipped_languages():
        assert wording.month_names(tag) == _babels_month_names(tag)


def test_the_month_names_test_catches_a_name_left_out(monkeypatch):
    import babel

    from factdeck.quiz import wording

    if babel.__version__ != wording._MONTHS_BABEL:
        pytest.skip("another Babel release: the names come from Babel")
    monkeypatch.setitem(wording._SHIPPED_MONTHS, "fa", wording._SHIPPED_MONTHS["fa"] - {"مهٔ"})
    assert wording.month_names("fa") != _babels_month_names("fa")
