"""A deck's matcher (records/schema.py's `DeckSelection.matcher`, made once for a whole base) takes exactly the
facts the selection's definition takes: vetted, meeting every `include` criterion and no `exclude` criterion."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from factdeck.records.schema import DeckSelection

ERAS, TAGS, KINDS, IDS = ["e1", "e2"], ["t1", "t2", "t3"], ["date", "person"], ["a", "b", "c"]
STATUSES = ["vetted", "draft", "review", "retracted"]


def _criteria() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "eras": st.lists(st.sampled_from(ERAS), max_size=2),
            "tags": st.lists(st.sampled_from(TAGS), max_size=2),
            "kinds": st.lists(st.sampled_from(KINDS), max_size=2),
            "facts": st.lists(st.sampled_from(IDS), max_size=2),
            "disputed": st.booleans(),
        },
    )


_facts = st.builds(
    SimpleNamespace,
    id=st.sampled_from(IDS),
    era=st.sampled_from(ERAS),
    tags=st.lists(st.sampled_from(TAGS), max_size=3),
    kind=st.sampled_from(KINDS),
    disputed=st.booleans(),
    status=st.sampled_from(STATUSES),
)


def _meets(criteria: dict[str, Any], fact: SimpleNamespace) -> list[bool]:
    """Each criterion that is set, met or not by the fact (the selection's definition, criterion by criterion)."""
    met = []
    if criteria.get("eras"):
        met.append(fact.era in criteria["eras"])
    if criteria.get("tags"):
        met.append(any(tag in criteria["tags"] for tag in fact.tags))
    if criteria.get("kinds"):
        met.append(fact.kind in criteria["kinds"])
    if criteria.get("facts"):
        met.append(fact.id in criteria["facts"])
    if criteria.get("disputed") is not None:
        met.append(fact.disputed == criteria["disputed"])
    return met


def _takes(include: dict[str, Any], exclude: dict[str, Any], fact: SimpleNamespace) -> bool:
    return fact.status == "vetted" and all(_meets(include, fact)) and not any(_meets(exclude, fact))


@given(include=_criteria(), exclude=_criteria(), facts=st.lists(_facts, max_size=12))
def test_a_decks_matcher_takes_what_its_selection_says(include, exclude, facts) -> None:
    selection = DeckSelection.model_validate({"include": include, "exclude": exclude})
    matches = selection.matcher()
    assert [bool(matches(f)) for f in facts] == [_takes(include, exclude, f) for f in facts]
    assert [selection.matches(f) for f in facts] == [_takes(include, exclude, f) for f in facts]


def test_the_definition_tells_apart_a_matcher_that_reads_the_status_alone() -> None:
    """What the comparison above would say of a matcher that dropped a lone `include` criterion."""
    fact = SimpleNamespace(id="a", era="e1", tags=[], kind="date", disputed=False, status="vetted")
    wrong = DeckSelection.model_validate({}).matcher()  # the status alone
    assert wrong(fact) != _takes({"disputed": True}, {}, fact)
    assert DeckSelection.model_validate({"include": {"disputed": True}}).matcher()(fact) == _takes(
        {"disputed": True}, {}, fact
    )
