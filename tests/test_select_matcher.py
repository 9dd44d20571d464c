"""A deck's selection tested with one function made per selection (`DeckSelection.matcher`), and its facts
taken from the base's vetted facts sorted once (`chronological_order`): the same facts in the same order as the
selection's own test and `chronological_key` give, for every criterion alone and together."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.records import select
from factdeck.records.schema import DeckSelection, Selection


@pytest.fixture(scope="module")
def base():
    return load_and_validate(REPO)  # the shipped base: several eras, kinds, tags, disputed facts, other statuses


def _values(base):
    facts = base.facts
    return {
        "eras": sorted({f.era for f in facts}) + ["no-such-era"],
        "tags": sorted({t for f in facts for t in f.tags}) + ["no-such-tag"],
        "kinds": sorted({f.kind for f in facts}),
        "facts": [f.id for f in facts[:: max(1, len(facts) // 40)]] + ["no-such-fact"],
    }


@st.composite
def selections(draw, values) -> Selection:
    chosen = {name: draw(st.lists(st.sampled_from(options), max_size=3)) for name, options in values.items()}
    return Selection(**chosen, disputed=draw(st.sampled_from([None, True, False])))


def test_the_matcher_knows_every_criterion():
    # A criterion added to `Selection` and not to `tests` would be ignored: each one set alone is one test.
    set_alone = {"eras": ["x"], "tags": ["x"], "kinds": ["date"], "facts": ["x"], "disputed": True}
    assert set(Selection.model_fields) == set(set_alone)
    for name, value in set_alone.items():
        assert len(Selection(**{name: value}).tests()) == 1, name


def _plain_matches(select: DeckSelection, fact) -> bool:
    """The selection's rule read criterion by criterion from its lists (schema.py's docs): vetted, every set
    criterion of `include` and none of `exclude`."""

    def tests(part: Selection) -> list[bool]:
        found = []
        if part.eras:
            found.append(fact.era in part.eras)
        if part.tags:
            found.append(any(t in part.tags for t in fact.tags))
        if part.kinds:
            found.append(fact.kind in part.kinds)
        if part.facts:
            found.append(fact.id in part.facts)
        if part.disputed is not None:
            found.append((fact.dispute is not None) == part.disputed)
        return found

    return fact.status == "vetted" and all(tests(select.include)) and not any(tests(select.exclude))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_selection_matches_the_facts_its_own_test_does(base, data):
    values = _values(base)
    deck_select = DeckSelection(include=data.draw(selections(values)), exclude=data.draw(selections(values)))
    matches = deck_select.matcher()
    # With facts of every status (a selection takes only vetted ones).
    facts = base.facts + [f.model_copy(update={"status": s}) for f in base.facts[:40] for s in ("review", "retracted")]
    assert [matches(f) for f in facts] == [_plain_matches(deck_select, f) for f in facts]
    assert [deck_select.matches(f) for f in facts] == [_plain_matches(deck_select, f) for f in facts]


def test_every_criterion_selects_some_facts_and_not_others(base):
    # The property above is not passed by selections that match all or nothing: each criterion splits the base.
    values = _values(base)
    for name, options in values.items():
        for value in options[:3]:
            matches = DeckSelection(include=Selection(**{name: [value]})).matcher()
            taken = [matches(f) for f in base.facts]
            assert any(taken) and not all(taken), (name, value)
    for disputed in (True, False):
        taken = [DeckSelection(exclude=Selection(disputed=disputed)).matcher()(f) for f in base.facts]
        assert any(taken) and not all(taken)


def test_a_deck_s_facts_are_in_the_order_of_chronological_key(base):
    assert len(base.decks) > 1
    for deck in base.decks:
        chosen = [f for f in base.facts if deck.select.matches(f)]
        expected = sorted(chosen, key=lambda f: select.chronological_key(base, f))
        base.__dict__.pop("_selected", None)
        assert select.select_facts(base, deck) == expected
        # Undated facts are sorted at their era's start among dated ones.
        assert any(not f.date for f in expected) and any(f.date for f in expected)
    everything = base.decks[0].model_copy(update={"select": DeckSelection()})
    base.__dict__.pop("_selected", None)
    taken = select.select_facts(base, everything)
    assert taken == sorted(
        (f for f in base.facts if f.status == "vetted"), key=lambda f: select.chronological_key(base, f)
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_selection_s_facts_are_its_matches_sorted_by_chronological_key(base, data):
    # The base's vetted facts are sorted once and each selection filters them: the facts and order that sorting
    # the selection's own matches gives, whatever the criteria.
    values = _values(base)
    deck = base.decks[0].model_copy(
        update={"select": DeckSelection(include=data.draw(selections(values)), exclude=data.draw(selections(values)))}
    )
    base.__dict__.pop("_selected", None)
    expected = sorted(
        (f for f in base.facts if _plain_matches(deck.select, f)), key=lambda f: select.chronological_key(base, f)
    )
    assert select.select_facts(base, deck) == expected


def test_a_selection_taking_facts_of_another_status_is_sorted_too(base, monkeypatch):
    # The base is sorted once over its vetted facts only; a matcher that took another (none does:
    # `DeckSelection.matches`) still gets every fact it took, in order.
    others = [f.model_copy(update={"status": "review", "id": f"{f.id}-again"}) for f in base.facts[::3]]
    mixed = dataclasses.replace(base, facts=[*base.facts, *others])
    monkeypatch.setattr(DeckSelection, "matcher", lambda self: lambda fact: fact.kind == "date")
    taken = select.select_facts(mixed, base.decks[0])
    assert taken == sorted(
        (f for f in mixed.facts if f.kind == "date"), key=lambda f: select.chronological_key(mixed, f)
    )
    assert any(f.status != "vetted" for f in taken)


def _grouped_plainly(facts):
    grouped: dict[str, list] = {}
    for fact in facts:
        grouped.setdefault(fact.file, []).append(fact)
    return grouped


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(60)), unplaced=st.sets(st.integers(0, 59), max_size=5))
def test_facts_by_file_groups_as_each_fact_s_file_says(base, order, unplaced):
    # records/by_file.py reads each fact's file from its location in C: the same groups, in the same order, as
    # `Record.file` gives, with the files interleaved and some facts read from nowhere (no location).
    from factdeck.records.by_file import facts_by_file, file_by_id

    spread = base.facts[:: max(1, len(base.facts) // 60)]  # from many files
    facts = [spread[i].model_copy() for i in order]
    for i in unplaced:
        facts[i].__dict__.pop("_where", None)
    grouped = facts_by_file(facts)
    assert list(grouped.items()) == list(_grouped_plainly(facts).items())
    assert all(
        a is b
        for a, b in zip(
            [f for g in grouped.values() for f in g], [f for g in _grouped_plainly(facts).values() for f in g]
        )
    )
    assert len(grouped) > 2
    facts += facts[:3]  # an id twice: the later fact's file, as a dict made fact by fact
    facts[-1].__dict__["_where"] = ("facts/elsewhere.yaml", 1)
    assert file_by_id(facts) == {f.id: f.file for f in facts}


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from(["# a comment", "  # indented", "", "   ", "- id: x", "key: value", "#", "\t"]), max_size=40
    ),
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0c"]), min_size=1),
    head=st.integers(1, 40),
)
def test_a_text_of_only_comments_is_told_from_its_head_first(lines, ends, head):
    # records/load.py looks at a file's first lines before splitting all of it: the same answer as every line
    # looked at, wherever the head ends (inside a line, between the two characters of a line break).
    from factdeck.records import load

    text = "".join(line + ends[i % len(ends)] for i, line in enumerate(lines))
    expected = all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())
    assert load._only_comments(text, head) == expected


def test_a_base_holding_an_id_twice_is_sorted_as_chronological_key_sorts_it(base):
    # Where no id is twice, a fact's place in the base is its `fact_order`; where one is (an invalid base another
    # stage may still sort), `fact_order` gives both facts the later one's place, and so does the sort.
    again = [f.model_copy(update={"date": None}) for f in base.facts[::5] if f.status == "vetted"]
    doubled = dataclasses.replace(base, facts=[*again, *base.facts])
    assert len(doubled.fact_order) < len(doubled.facts)
    for deck in base.decks:
        expected = sorted(
            (f for f in doubled.facts if deck.select.matches(f)), key=lambda f: select.chronological_key(doubled, f)
        )
        assert select.select_facts(doubled, deck) == expected
