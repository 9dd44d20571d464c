"""Select stage: a deck spec to the ordered list of facts it teaches."""

from __future__ import annotations

from collections.abc import Callable

from factdeck.records.dates import parse_date
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSelection, DeckSpec, Fact, Selection


def chronological_key(base: FactBase, fact: Fact) -> tuple:
    """Era order first, then date (undated facts at their era's start), then file order."""
    era = base.eras_by_id[fact.era]
    when = parse_date(fact.date) if fact.date else parse_date(era.start)
    return (base.era_order[fact.era], when.sort_key(), base.fact_order[fact.id])


# The criteria of a selection (`Selection`'s fields), read once: `model_fields` is a descriptor.
_CRITERIA = tuple(Selection.model_fields)


def selection_key(select: DeckSelection) -> tuple:
    """Every criterion of the selection's `include` and `exclude`, as a hashable key: equal keys, equal matches.
    (Not `model_dump_json`: a worksheet of a kept validation built the selection's serializer for it, and with it
    pydantic's plugin scan, 20 ms.)"""
    return tuple(
        tuple(tuple(value) if isinstance(value, list) else value for value in map(part.__dict__.get, _CRITERIA))
        for part in (select.include, select.exclude)
    )


def select_facts(base: FactBase, deck: DeckSpec) -> list[Fact]:
    """The vetted facts the deck takes, in the history's order (a new list each time)."""
    selection = selection_key(deck.select)  # whether a fact matches depends on it and the fact alone
    # Selected once per base and selection: `check` asks for every deck's facts in several of its checks.
    made: dict[tuple, tuple[Fact, ...]] = base.__dict__.setdefault("_selected", {})
    if selection not in made:
        matches = base.session.fact_memo("select.matches").values(base.facts, selection, deck.select.matcher())
        chosen = [fact for fact, match in zip(base.facts, matches) if match]
        made[selection] = tuple(sorted(chosen, key=_chronological_keys(base)))
    return list(made[selection])


def _chronological_keys(base: FactBase) -> Callable[[Fact], tuple]:
    """`chronological_key` for `base`'s facts, each era's start and each date worked out once (the base's facts
    share a few hundred dates: sorting a deck of 10,000 facts looked every fact's up in the dates' cache)."""
    days: dict[str, tuple[int, int, int]] = {}
    era_order, eras, order = base.era_order, base.eras_by_id, base.fact_order

    def key(fact: Fact) -> tuple:
        era = eras[fact.era]
        day = fact.date or era.start  # undated: its era's start, as `chronological_key`
        when = days.get(day) or days.setdefault(day, parse_date(day).sort_key())
        return (era_order[fact.era], when, order[fact.id])

    return key
