"""Select stage: a deck spec to the ordered list of facts it teaches."""

from __future__ import annotations

from factdeck.records.dates import parse_date
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact


def chronological_key(base: FactBase, fact: Fact) -> tuple:
    """Era order first, then date (undated facts at their era's start), then file order."""
    era = base.eras_by_id[fact.era]
    when = parse_date(fact.date) if fact.date else parse_date(era.start)
    return (base.era_order[fact.era], when.sort_key(), base.fact_order[fact.id])


def select_facts(base: FactBase, deck: DeckSpec) -> list[Fact]:
    """The vetted facts the deck takes, in the history's order (a new list each time)."""
    selection = deck.select.model_dump_json()  # whether a fact matches depends on it and the fact alone
    # Selected once per base and selection: `check` asks for every deck's facts in several of its checks.
    made: dict[str, tuple[Fact, ...]] = base.__dict__.setdefault("_selected", {})
    if selection not in made:
        matches = base.session.fact_memo("select.matches").values(base.facts, selection, deck.select.matches)
        chosen = [fact for fact, match in zip(base.facts, matches) if match]
        made[selection] = tuple(sorted(chosen, key=lambda fact: chronological_key(base, fact)))
    return list(made[selection])
