"""Select stage: a deck spec to the ordered list of facts it teaches."""

from __future__ import annotations

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
        matches = base.session.fact_memo("select.matches").values(base.facts, selection, deck.select.matches)
        chosen = [fact for fact, match in zip(base.facts, matches) if match]
        made[selection] = tuple(sorted(chosen, key=lambda fact: chronological_key(base, fact)))
    return list(made[selection])
