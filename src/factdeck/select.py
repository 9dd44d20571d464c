"""Select stage: a deck spec to the ordered list of facts it teaches."""

from __future__ import annotations

from .dates import parse_date
from .schema import DeckSpec, Fact
from .validate import FactBase


def chronological_key(base: FactBase, fact: Fact) -> tuple:
    """Era order first, then date (undated facts at their era's start), then file order."""
    era = base.eras_by_id[fact.era]
    when = parse_date(fact.date) if fact.date else parse_date(era.start)
    return (base.era_order[fact.era], when.sort_key(), base.fact_order[fact.id])


def select_facts(base: FactBase, deck: DeckSpec) -> list[Fact]:
    """The vetted facts the deck takes, in the history's order."""
    chosen = [fact for fact in base.facts if deck.select.matches(fact)]
    return sorted(chosen, key=lambda fact: chronological_key(base, fact))
