"""Counts that show how a fact base is spread over eras, kinds, statuses and sources."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from factdeck.records.factbase import FactBase
from factdeck.records.schema import FACT_KINDS

STATUSES = ("vetted", "review", "draft", "retracted")


@dataclass
class Stats:
    total: int
    by_era: list[tuple[str, str, int, int]]  # era id, title, all facts, vetted facts
    by_kind: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    disputed: int
    single_source: int
    by_source: list[tuple[str, str, int, int]]  # source id, stance, citations, facts citing it


def compute_stats(base: FactBase) -> Stats:
    facts = [f for f in base.facts if f.status != "retracted"]
    era_all = Counter(f.era for f in facts)
    era_vetted = Counter(f.era for f in facts if f.status == "vetted")
    kinds: Counter[str] = Counter(f.kind for f in facts)
    statuses: Counter[str] = Counter(f.status for f in base.facts)
    citations = Counter(c.source for f in facts for c in f.all_citations())
    citing = Counter(s for f in facts for s in {c.source for c in f.all_citations()})
    return Stats(
        total=len(facts),
        by_era=[(e.id, e.title, era_all[e.id], era_vetted[e.id]) for e in base.eras],
        by_kind=[(k, kinds[k]) for k in FACT_KINDS],
        by_status=[(s, statuses[s]) for s in STATUSES],
        disputed=sum(f.disputed for f in facts),
        single_source=sum(f.corroboration == 1 for f in facts),
        by_source=[(s.id, s.stance, citations[s.id], citing[s.id]) for s in base.sources.values()],
    )
