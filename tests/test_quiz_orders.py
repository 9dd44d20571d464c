"""The order single questions draw a deck's facts in (planning.py's `_preference`), made by places and in C: the same
order as the plain loops over the facts, from the same generator, for any eras, disputes and sizes."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.quiz import planning


def spread_plainly(items: list, era_of, rng: random.Random) -> list:
    """The items shuffled, then one era at a time in turn (the loop `_spread_by_era` replaces)."""
    by_era: dict[str, list] = {}
    for item in items:
        by_era.setdefault(era_of(item), []).append(item)
    queues = [rng.sample(group, len(group)) for group in by_era.values()]
    out: list = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop())
    return out


def merged_plainly(a: list, b: list) -> list:
    """Two lists interleaved in proportion to their lengths (the loop `_round_robin_merge` replaces)."""
    out: list = []
    i = j = 0
    while i < len(a) or j < len(b):
        if j >= len(b) or (i < len(a) and i * len(b) <= j * len(a)):
            out.append(a[i])
            i += 1
        else:
            out.append(b[j])
            j += 1
    return out


ERAS = st.lists(st.sampled_from(["early", "middle", "late", "modern"]), max_size=60)


@settings(max_examples=300, deadline=None)
@given(eras=ERAS, seed=st.integers(0, 2**32))
def test_spread_by_era_is_the_plain_loop(eras, seed):
    places = list(range(len(eras)))
    spread = planning._spread_by_era(places, eras, random.Random(seed))
    assert spread == spread_plainly(places, eras.__getitem__, random.Random(seed))


@settings(max_examples=300, deadline=None)
@given(a=st.lists(st.integers(), max_size=40), b=st.lists(st.integers(), max_size=40))
def test_round_robin_merge_is_the_plain_loop(a, b):
    assert planning._round_robin_merge(a, b) == merged_plainly(a, b)


@settings(max_examples=200, deadline=None)
@given(shape=st.lists(st.tuples(st.sampled_from("abcd"), st.booleans()), max_size=50), seed=st.integers(0, 999))
def test_the_preference_is_the_plain_one(shape, seed):
    """`_preference` of facts with these eras and disputes: the order the plain loops give from the same seed."""

    class Fact:
        def __init__(self, n: int, era: str, disputed: bool) -> None:
            self.id, self.era, self.dispute = f"f{n}", era, object() if disputed else None
            self.disputed = disputed

    class Maker:
        base = type("Base", (), {"session": type("Session", (), {"keeping": False})()})()

        def rng(self, *purpose: object) -> random.Random:
            return random.Random(f"{seed}:{purpose}")

    facts = [Fact(n, era, disputed) for n, (era, disputed) in enumerate(shape)]
    rng = Maker().rng("choose")
    era_of = lambda fact: fact.era  # noqa: E731
    disputed = spread_plainly([f for f in facts if f.disputed], era_of, rng)
    undisputed = spread_plainly([f for f in facts if not f.disputed], era_of, rng)
    plain = disputed[:1] + merged_plainly(disputed[1:], undisputed)
    assert planning.QuizMaker._preference(Maker(), facts) == plain  # type: ignore[arg-type]


def test_a_merge_that_breaks_ties_the_other_way_is_caught():
    """What the merge test holds fails for a shortcut that puts b's item first where the keys tie."""

    def wrong(a: list, b: list) -> list:
        keyed = sorted(
            [(i * len(b), 1, i, x) for i, x in enumerate(a)] + [(j * len(a), 0, j, x) for j, x in enumerate(b)]
        )
        return [x for *_, x in keyed]

    a, b = [1, 2, 3], [10, 20, 30]
    assert merged_plainly(a, b) == planning._round_robin_merge(a, b) == [1, 10, 2, 20, 3, 30]
    assert wrong(a, b) != merged_plainly(a, b)


def test_giveaways_from_kept_words_are_the_plain_ones(tmp_path):
    """A worksheet's choice compares each candidate's kept words with those of every fact chosen before it: the
    same answer, pair by pair, as `gives_away` worked out afresh (held to the plain search in test_memo.py)."""
    from conftest import sample_project

    from factdeck.build import load_and_validate
    from factdeck.engine.session import Session
    from factdeck.quiz.run_memos import RunMemos
    from factdeck.quiz.wording import giveaway_words, gives_away, words_give_away

    facts = load_and_validate(sample_project(tmp_path / "proj", more_facts=True).root).facts
    memos = RunMemos(Session.one_off())
    pairs = [(a, b) for a in facts for b in facts]
    kept = [words_give_away(giveaway_words(a, memos), giveaway_words(b, memos)) for a, b in pairs]
    assert kept == [gives_away(a, b) for a, b in pairs] and any(kept) and not all(kept)


def test_the_selection_key_tells_every_criterion_apart(tmp_path):
    """select_facts keeps a base's selections under `selection_key`: two selections differing in any one criterion
    of `include` or `exclude` have different keys (else a deck would get another deck's facts), equal ones equal
    keys, and each deck's facts are the plain matches."""
    from conftest import sample_project

    from factdeck.build import load_and_validate
    from factdeck.records.schema import DeckSelection, Selection
    from factdeck.records.select import select_facts, selection_key

    values = {"eras": ["guild"], "tags": ["trade"], "kinds": ["person"], "facts": ["some-fact"], "disputed": False}
    assert set(values) == set(Selection.model_fields)  # every criterion is tried below
    keys = {selection_key(DeckSelection())}
    for side in ("include", "exclude"):
        for name, value in values.items():
            keys.add(selection_key(DeckSelection(**{side: Selection(**{name: value})})))
    assert len(keys) == 1 + 2 * len(values)
    assert selection_key(DeckSelection(include=Selection(eras=["a", "b"]))) == selection_key(
        DeckSelection(include=Selection(eras=["a", "b"]))
    )
    base = load_and_validate(sample_project(tmp_path / "proj", more_facts=True).root)
    deck = base.decks[0]
    for select in (
        DeckSelection(),
        DeckSelection(exclude=Selection(kinds=["person"])),
        DeckSelection(exclude=Selection(disputed=True)),
    ):
        chosen = select_facts(base, deck.model_copy(update={"select": select}))
        assert {f.id for f in chosen} == {f.id for f in base.facts if select.matches(f)}
