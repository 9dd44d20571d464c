"""Option SETS that give the answer away, though each option alone is plausible: each kind has its own small
project here (wrong days that share the answer's month or day, numbers whose answer is their common divisor, an
answer always in the middle, numbers without bounds, an editor's options ignored by the true/false swap, a swap
that contradicts a lower-case list or changes another copy of the number, a fact with room that fails at a seed),
and the shipped base is measured through the quiz's own code."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from click.testing import CliRunner
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.cli import cli
from factdeck.quiz import QUESTION_TYPES, wrong_dates
from factdeck.quiz.distractors import Distractors, replace_token
from factdeck.quiz.option_keys import order_key
from factdeck.quiz.option_sets import balanced, multiple_or_divisor
from factdeck.quiz.planning import QuizMaker, with_overrides
from factdeck.records.bounds import DateBounds
from factdeck.records.select import select_facts
from factdeck.text.dates import MONTHS
from factdeck.text.edtf import Day
from test_plausible_questions import LIT, check, fact, make_project

SEEDS = range(60)
# Chi-square with 3 degrees of freedom: above 11.34 happens by chance once in a hundred.
CHI2_3_P01 = 11.34


def _options(root, fact_id, seeds=SEEDS):
    base = load_and_validate(root)
    pool, the_fact = Distractors(base), base.facts_by_id[fact_id]
    out = []
    for seed in seeds:
        wrong = pool.wrong_options(the_fact, 3, random.Random(f"{fact_id}:{seed}"))  # as the quiz seeds by fact
        if wrong is not None:
            out.append([the_fact.answer, *(text for text, _ in wrong)])
    return out


def _parts(text):
    words = text.split()
    return tuple(words)  # day, month, year / month, year


def _rank(options):
    keys = [order_key(o) for o in options]
    return sorted(keys).index(keys[0])


def _chi2(ranks: Counter, n: int = 4) -> float:
    total = sum(ranks.values())
    return sum((ranks[r] - total / n) ** 2 / (total / n) for r in range(n))


# --- 1. no part of a date singles the answer out --------------------------------------------------


def test_balanced_refuses_the_sets_that_give_the_answer_away():
    given_away = [("20", "August", "1988"), ("4", "August", "1988"), ("11", "August", "1988"), ("20", "September", "1988")]  # fmt: skip
    assert not balanced(given_away[0], given_away[1:])
    same_month = [("20", "August", "1988"), ("4", "August", "1988"), ("11", "August", "1988"), ("27", "August", "1988")]  # fmt: skip
    assert balanced(same_month[0], same_month[1:])
    all_change = [("20", "August", "1988"), ("4", "May", "1988"), ("11", "October", "1988"), ("27", "July", "1988")]  # fmt: skip
    assert balanced(all_change[0], all_change[1:])
    odd_one_out = [("July", "1988"), ("March", "1987"), ("May", "1987"), ("October", "1987")]  # the only 1988
    assert not balanced(odd_one_out[0], odd_one_out[1:])
    most_shared = [("July", "1988"), ("March", "1988"), ("May", "1988"), ("October", "1989")]
    assert not balanced(most_shared[0], most_shared[1:])


CEASEFIRE = fact("truce", "date", "On what date did the harbour truce come into force?", "20 August 1866",
                 "The harbour truce came into force on 20 August 1866.", date="1866-08-20")  # fmt: skip
HIRED = fact("keeper-hired", "date", "In what month and year was the first keeper hired?", "September 1866",
             "The first keeper was hired in September 1866.", date="1866-09")  # fmt: skip


def test_wrong_days_and_months_share_no_part_more_than_the_answer_does(tmp_path):
    root = make_project(tmp_path / "p", CEASEFIRE, HIRED)
    for fact_id in ("truce", "keeper-hired"):
        sets = _options(root, fact_id)
        assert len(sets) == len(SEEDS)
        for options in sets:
            parts = [_parts(o) for o in options]
            assert balanced(parts[0], parts[1:]), options
            assert all(p[-2] in MONTHS for p in parts)  # still months, still days
    days = _options(root, "truce")
    # Either every option falls in the answer's month, or each wrong one changes both day and month.
    for options in days:
        parts = [_parts(o) for o in options]
        assert all(p[0] != parts[0][0] for p in parts[1:]), options

    # and the answer is not the option sharing the most parts with the others
    def shared(parts, i):
        return sum(sum(q[k] == parts[i][k] for q in parts) - 1 for k in range(3))

    unique_top = sum(
        1
        for options in days
        if (s := [shared([_parts(o) for o in options], i) for i in range(4)])[0] == max(s) and s.count(max(s)) == 1
    )
    assert unique_top == 0


# --- 2. numbers whose answer is their common divisor ---------------------------------------------


def test_at_most_one_wrong_number_is_a_multiple_or_divisor_of_the_answer(tmp_path):
    crews = fact("crews", "number", "How many boatmen served the light?", "23",
                 "Twenty-three boatmen served the light.", quote="23 boatmen")  # fmt: skip
    lamps = fact("lamps", "number", "How many lamps did the light burn?", "Three",
                 "The light burned three lamps.", quote="three lamps")  # fmt: skip
    big = fact("candles", "number", "How many candles a year did the light burn?", "About 1,200",
               "The light burned about 1,200 candles a year.", quote="1,200 candles")  # fmt: skip
    root = make_project(tmp_path / "p", crews, lamps, big)
    for fact_id in ("crews", "lamps", "candles"):
        sets = _options(root, fact_id)
        assert len(sets) == len(SEEDS), fact_id
        for options in sets:
            answer, *wrong = (order_key(o)[0] for o in options)
            assert sum(multiple_or_divisor(w, answer) for w in wrong) <= 1, options


# --- 3. the answer's rank is uniform --------------------------------------------------------------


def test_the_answers_rank_is_uniform_on_a_synthetic_base(tmp_path):
    eras = '- id: building\n  title: "Building"\n  start: 1800\n  end: 1900\n'
    facts = [
        fact(f"year-{i}", "date", f"In what year did event {i} happen?", str(1830 + 3 * i),
             f"Event {i} happened in {1830 + 3 * i}.", date=1830 + 3 * i)
        for i in range(6)
    ] + [
        fact(f"count-{i}", "number", f"How many crates did boat {i} bring?", str(40 + 17 * i),
             f"Boat {i} brought {40 + 17 * i} crates.", quote="crates")
        for i in range(6)
    ] + [CEASEFIRE, HIRED]  # fmt: skip
    root = make_project(tmp_path / "p", *facts, eras=eras)
    ranks = Counter()
    for fact_id in [*(f"year-{i}" for i in range(6)), *(f"count-{i}" for i in range(6)), "truce", "keeper-hired"]:
        for options in _options(root, fact_id, seeds=range(40)):
            ranks[_rank(options)] += 1
    assert sum(ranks.values()) == 14 * 40
    assert _chi2(ranks) < CHI2_3_P01, ranks


def _shipped_multiple_choice(seeds=range(1, 11)):
    """(fact, options) of every rule-made multiple-choice question of the shipped decks' date and number facts."""
    base = load_and_validate(REPO)
    for deck_id in ("mek-history", "mek-disputes", "mek-1979-1988"):
        deck = base.deck(deck_id)
        facts = [f for f in select_facts(base, deck) if not f.disputed and f.kind in ("date", "number")]
        for seed in (deck.quiz.seed, *seeds):
            maker = QuizMaker(base, deck, with_overrides(deck.quiz, seed=seed))
            for f in facts:
                question = QUESTION_TYPES["multiple-choice"].make(maker, f)
                if question is not None and not f.distractors:
                    yield f, question.options


def test_the_shipped_base_keeps_the_answer_out_of_the_middle_and_its_parts_unshared():
    """Where a fact's bounds allow only one side (an answer at its era's start) the answer is always at an end,
    so the shipped base is held to a tolerance: at an end 50% of the time by chance, here within 40-65%; each
    rank at least 15%; no date set gives the answer away by shared parts; no number set by multiples."""
    ranks = Counter()
    for f, options in _shipped_multiple_choice():
        ranks[_rank(options)] += 1
        if f.kind == "date" and " " in options[0]:
            parts = [tuple(o.split()) for o in options]
            assert balanced(parts[0], parts[1:]), (f.id, options)
        if f.kind == "number":
            answer, *wrong = (order_key(o)[0] for o in options)
            assert sum(multiple_or_divisor(w, answer) for w in wrong) <= 1, (f.id, options)
    total = sum(ranks.values())
    assert total > 300
    assert 0.40 <= (ranks[0] + ranks[3]) / total <= 0.65, ranks
    assert all(ranks[r] / total >= 0.15 for r in range(4)), ranks


# --- 4. numbers have bounds; an editor's options feed the swap ------------------------------------

MEMBERS = fact("crew-total", "number", "How many men served the light in all?", "40",
               "In all, 40 men served the light.", quote="40 men")  # fmt: skip
BOATMEN = fact("boatmen", "number", "How many of the light's men were boatmen?", "23",
               "Of the light's men, 23 were boatmen.", quote="23 were boatmen")  # fmt: skip


def test_not_above_a_fact_and_not_below_a_number_bound_wrong_numbers(tmp_path):
    bounded = BOATMEN.replace("  status: vetted", "  not_above: crew-total\n  not_below: 10\n  status: vetted")
    root = make_project(tmp_path / "p", MEMBERS, bounded)
    assert check(root)[0] == 0
    values = {order_key(o)[0] for options in _options(root, "boatmen") for o in options[1:]}
    assert values and all(10 <= v <= 40 for v in values), values
    result = CliRunner().invoke(cli, ["options", "boatmen", "--project", str(root)])
    assert "wrong numbers lie from 10 (not_below: 10) to 40 (not_above: fact 'crew-total', 40)" in result.stdout
    assert "at most one wrong option is an exact multiple or divisor" in result.stdout


def test_a_number_bound_that_names_no_number_or_contradicts_the_answer_is_an_error(tmp_path):
    root = make_project(
        tmp_path / "p", LIT, BOATMEN.replace("  status: vetted", "  not_above: first-lit\n  status: vetted")
    )
    code, err = check(root)
    assert code == 1 and "not_above fact 'first-lit' does not answer with one number" in err
    root = make_project(tmp_path / "q", BOATMEN.replace("  status: vetted", "  not_above: 20\n  status: vetted"))
    code, err = check(root)
    assert code == 1 and "its own answer 23 is above its not_above (20)" in err
    root = make_project(tmp_path / "r", LIT.replace("  status: vetted", "  not_below: 3\n  status: vetted"))
    code, err = check(root)
    assert code == 1 and "not_below bounds a number fact's wrong options" in err


def test_an_editors_distractors_feed_the_true_false_swap_first(tmp_path):
    editor = BOATMEN.replace("  status: vetted", '  distractors: ["31", "17", "28"]\n  status: vetted')
    year = LIT.replace("  status: vetted", '  distractors: ["1859", "1862", "1869"]\n  status: vetted')
    base = load_and_validate(make_project(tmp_path / "p", editor, year))
    pool = Distractors(base)
    for fact_id, written in (("boatmen", {"31", "17", "28"}), ("first-lit", {"1859", "1862", "1869"})):
        put = {pool.false_swap(base.facts_by_id[fact_id], random.Random(seed)).replacement for seed in range(30)}
        assert put == written, put


# --- 5. swaps that stay consistent; a fact with room at every seed ---------------------------------


def _swaps(root, fact_id, seeds=range(30)):
    base = load_and_validate(root)
    pool, the_fact = Distractors(base), base.facts_by_id[fact_id]
    return [
        (swap, replace_token(the_fact.statement, *swap))
        for s in seeds
        if (swap := pool.false_swap(the_fact, random.Random(s)))
    ]


def test_a_swap_never_counts_fewer_than_a_lower_case_list_names(tmp_path):
    rooms = fact("rooms", "number", "How many rooms did the keepers' house have?", "25",
                 "The keepers' house had 25 rooms (among them kitchen, pantry, store, study, chart room and lamp room).",
                 quote="25 rooms")  # fmt: skip
    exact = fact("stores", "number", "How many stores did the house keep?", "Four",
                 "The house kept four stores: oil, wicks, coal and rope.", quote="four stores")  # fmt: skip
    root = make_project(tmp_path / "p", rooms, exact)
    made = _swaps(root, "rooms")
    assert made and all(int(swap.replacement) >= 6 for swap, _ in made), made
    assert _swaps(root, "stores") == []


def test_a_swap_changes_only_the_copy_asked_about_and_those_restating_it(tmp_path):
    listed = fact("listed", "date", "In what year was the light first listed as a hazard?", "1858",
                  "The board first listed the light in 1858; it listed it at various times between 1858 and 1869.",
                  date=1858)  # fmt: skip
    founded = fact("founded", "date", "In what year was the light company founded?", "1852",
                   "The light company was founded in 1852, which the annals date precisely to 5 May 1852.",
                   date=1852)  # fmt: skip
    ministers = fact("wardens", "number", "How many wardens did the board name as its officers?", "25",
                     "The board named 25 wardens, who served as the 25 officers of the board.", quote="25 wardens")  # fmt: skip
    root = make_project(tmp_path / "p", listed, founded, ministers)
    for swap, text in _swaps(root, "listed"):
        assert f"in {swap.replacement};" in text and "between 1858 and 1869" in text, text
    for swap, text in _swaps(root, "founded"):
        assert text.count(swap.replacement) == 2 and "1852" not in text, text
    for swap, text in _swaps(root, "wardens"):
        assert text.count(f" {swap.replacement} ") == 2 and "25" not in text, text


def test_a_month_answer_with_room_only_on_one_side_gets_a_question_at_every_seed(tmp_path):
    launch = fact("launch", "date", "In what month and year was the lifeboat launched?", "July 1866",
                  "The lifeboat was launched in July 1866.", date="1866-07",
                  extra="not_before: 1866-01\nnot_after: 1866-08-20")  # fmt: skip
    root = make_project(tmp_path / "p", launch)
    base = load_and_validate(root)
    deck = base.deck("light")
    made = 0
    for seed in range(1, 41):
        maker = QuizMaker(base, deck, with_overrides(deck.quiz, seed=seed))
        question = QUESTION_TYPES["multiple-choice"].make(maker, base.facts_by_id["launch"])
        assert question is not None, seed
        assert all(o.endswith("1866") and o.split()[0] in MONTHS[:5] for o in question.options[1:]), question.options
        made += 1
    assert made == 40


def _plain_room(year, years, step, usable, allowed):
    return len(years), len(years)  # room for any rank: every try goes to choose_set, as before the shortcut


def _held_to_every_try(year: int, bounds: DateBounds, banned: frozenset[int], count: int, gap: int, seed: int) -> None:
    """The wrong years, and the generator's state after them, are those of trying every rank (`_plain_room`)."""

    def usable(y: int) -> bool:
        return y not in banned

    fast, plain = random.Random(seed), random.Random(seed)
    made = wrong_dates.years_within(year, bounds, usable, count, gap, fast)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wrong_dates, "_room", _plain_room)
        expected = wrong_dates.years_within(year, bounds, usable, count, gap, plain)
    assert made == expected
    assert fast.getstate() == plain.getstate()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1000, 2000),
    st.integers(0, 40),
    st.integers(0, 40),
    st.frozensets(st.integers(950, 2050), max_size=40),
    st.integers(1, 5),
    st.sampled_from([1, 2, 3]),
    st.integers(0, 2**32),
)
def test_wrong_years_skip_only_the_tries_that_cannot_succeed(year, before, after, banned, count, gap, seed):
    # A rank with no room in a window is passed by with choose_set's draws made: the same years, and every
    # later draw the same, as trying it.
    bounds = DateBounds(Day(year - before, 1, 1), Day(year + after, 12, 31), "", "")

    _held_to_every_try(year, bounds, banned, count, gap, seed)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1000, 1100),
    st.integers(950, 1150),
    st.integers(0, 80),
    st.tuples(st.integers(1, 12), st.integers(1, 28), st.integers(1, 12), st.integers(1, 28)),
    st.frozensets(st.integers(900, 1200), max_size=60),
    st.integers(1, 7),
    st.sampled_from([1, 2, 3, 4]),
    st.integers(0, 2**32),
)
def test_wrong_years_skip_the_same_tries_within_bounds_of_any_days(year, low, length, days, banned, count, gap, seed):
    # Bounds that begin or end within a year (so the first or last year is not whole) and may leave the answer
    # outside them: the shortcut's room and pool counts still pass by only the tries that cannot succeed.
    bounds = DateBounds(Day(low, days[0], days[1]), Day(low + length, days[2], days[3]), "", "")

    _held_to_every_try(year, bounds, banned, count, gap, seed)


@given(st.integers(-50, 50), st.integers(-60, 60), st.integers(0, 60), st.integers(1, 5))
def test_a_passed_by_pool_is_counted_as_it_would_be_made(year, start, length, step):
    years = range(start, start + length)
    assert wrong_dates._pool_size(year, years, step) == len([y for y in years if abs(y - year) >= step])


def test_the_wrong_years_test_catches_a_skip_that_draws_nothing(monkeypatch):
    # Bounds with room for two wrong years at most: every try is passed by (no set of three). Passing them by
    # without choose_set's draws would leave the generator elsewhere than trying them does.
    bounds = DateBounds(Day(1899, 1, 1), Day(1901, 12, 31), "", "")
    fast, plain = random.Random(5), random.Random(5)
    assert wrong_dates.years_within(1900, bounds, lambda y: True, 3, 1, fast) is None
    monkeypatch.setattr(wrong_dates, "_room", _plain_room)
    assert wrong_dates.years_within(1900, bounds, lambda y: True, 3, 1, plain) is None
    assert fast.getstate() == plain.getstate()
    monkeypatch.undo()
    monkeypatch.setattr(wrong_dates, "skip_sample", lambda rng, n: None)
    skipped = random.Random(5)
    assert wrong_dates.years_within(1900, bounds, lambda y: True, 3, 1, skipped) is None
    assert skipped.getstate() != plain.getstate()
