"""The loops a check runs over every fact after validating an edited file, made in C: each gives what the plain loop
over every fact gives (records/archive.py's `citations_by_source` and `QuoteTally.count`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import bench_base

from factdeck.build import load_and_validate
from factdeck.records import archive
from factdeck.records.archive import QuoteTally, citations_by_source


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bench_base(300, tmp_path_factory.mktemp("loops") / "synth")


def _plain_tally(facts, known, archives) -> QuoteTally:  # type: ignore[no-untyped-def]
    """The tally counted citation by citation, as before it was counted by source."""
    tally = QuoteTally()
    for fact in facts:
        for citation in fact.all_citations():
            if citation.source not in known:
                continue
            reason = archives.why_not.get(citation.source)
            if reason is None:
                tally.verified += 1
            else:
                tally.unverified[reason] += 1
                tally.sources.setdefault(reason, set()).add(citation.source)
    return tally


def test_citations_by_source_counts_every_fact_s_own_and_its_versions_citations(synth):
    base = load_and_validate(synth)
    assert any(fact.dispute for fact in base.facts)  # the versions' citations are counted too
    plain = Counter(c.source for fact in base.facts for c in fact.all_citations())
    assert citations_by_source(base.facts) == plain
    assert list(citations_by_source(base.facts[:0])) == []


def test_the_tally_by_source_is_the_tally_by_citation(synth, tmp_path):
    base = load_and_validate(synth, archive=synth / "archive")
    assert base.quotes is not None and base.quotes.verified > 0
    known = base.sources
    # Each source verified, or not for a reason, or unknown (an error of its own): every branch of the count.
    names = sorted(known)
    why_not = {names[0]: archive.NO_FILE, names[1]: archive.MISSING, names[2]: archive.MISSING}
    archives = archive.Archives(texts={}, why_not=why_not)
    unknown = {name: source for name, source in known.items() if name != names[3]}
    for sources in (known, unknown):
        counted = QuoteTally.count(base.facts, sources, archives)
        plain = _plain_tally(base.facts, sources, archives)
        assert (counted.verified, counted.unverified, counted.sources) == (
            plain.verified,
            plain.unverified,
            plain.sources,
        )
        assert counted.summary() == plain.summary()
        given = QuoteTally.count(base.facts, sources, archives, citations_by_source(base.facts))
        assert given.summary() == plain.summary()
    # A tally counted by source that dropped the versions' citations would be caught.
    own = Counter(c.source for fact in base.facts for c in fact.citations)
    wrong = QuoteTally.count(base.facts, known, archives, own)
    assert wrong.summary() != _plain_tally(base.facts, known, archives).summary()
