"""Counts that show how a fact base is spread over eras, kinds, statuses and sources."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from factdeck.records.factbase import FactBase
from factdeck.records.fields import FACT_KINDS

STATUSES = ("vetted", "review", "draft", "retracted")
# The balance figure (facts/README.md, "Balance"): facts whose every source takes one of these stances.
CRITICAL_STANCES = ("critical", "state-aligned")
BALANCE_TARGET = 0.40  # at most this share of facts may rest only on critical or state-aligned sources


@dataclass
class Stats:
    total: int
    by_era: list[tuple[str, str, int, int]]  # era id, title, all facts, vetted facts
    by_kind: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    disputed: int
    single_source: int
    by_source: list[tuple[str, str, int, int]]  # source id, stance, citations, facts citing it
    critical_only: int = 0  # facts every one of whose sources is critical or state-aligned
    supportive_only: int = 0  # facts every one of whose sources is supportive
    single_by_source: list[tuple[str, int]] = field(default_factory=list)  # source id, facts resting on it alone

    @property
    def critical_share(self) -> float:
        """`critical_only` as a fraction of all facts not retracted (0.0 for an empty base)."""
        return self.critical_only / self.total if self.total else 0.0


def compute_stats(base: FactBase) -> Stats:
    facts = [f for f in base.facts if f.status != "retracted"]
    era_all = Counter(f.era for f in facts)
    era_vetted = Counter(f.era for f in facts if f.status == "vetted")
    kinds: Counter[str] = Counter(f.kind for f in facts)
    statuses: Counter[str] = Counter(f.status for f in base.facts)
    citations = Counter(c.source for f in facts for c in f.all_citations())
    citing = Counter(s for f in facts for s in {c.source for c in f.all_citations()})
    stances = [{base.sources[c.source].stance for c in f.all_citations() if c.source in base.sources} for f in facts]
    alone = Counter(next(iter({c.source for c in f.all_citations()})) for f in facts if f.corroboration == 1)
    return Stats(
        total=len(facts),
        by_era=[(e.id, e.title, era_all[e.id], era_vetted[e.id]) for e in base.eras],
        by_kind=[(k, kinds[k]) for k in FACT_KINDS],
        by_status=[(s, statuses[s]) for s in STATUSES],
        disputed=sum(f.disputed for f in facts),
        single_source=sum(f.corroboration == 1 for f in facts),
        by_source=[(s.id, s.stance, citations[s.id], citing[s.id]) for s in base.sources.values()],
        critical_only=sum(bool(st) and st <= set(CRITICAL_STANCES) for st in stances),
        supportive_only=sum(st == {"supportive"} for st in stances),
        single_by_source=[(s.id, alone[s.id]) for s in base.sources.values()],
    )
