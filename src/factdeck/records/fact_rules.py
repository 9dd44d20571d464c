"""The rules about one fact that read the sources and the archived texts but no other fact: the names its text
gives sources (naming.py), its own words that copy a cited text (verbatim.py), and the question rules about
the fact alone (question_rules.py's `own_problems`: a dispute without a reason, give-aways, numbers its quotes
do not write).

They run with each fact file's validation (`FileContext.validate`), not over the whole base afterwards, so what
they find is kept with the file's records in the record cache (engine/record_cache.py) under the same context
(the sources whole and the archived texts): a check whose fact files are unchanged does not run them again, and
only the rules that read other facts run over every record (records/validate.py's `validate_project`).
"""

from __future__ import annotations

from collections.abc import Sequence

from factdeck.records.archive import ArchivedText
from factdeck.records.collect import Collector
from factdeck.records.naming import check_source_names
from factdeck.records.question_rules import own_problems
from factdeck.records.schema import Fact, Source
from factdeck.records.verbatim import Index, SourceShingles


class FactRules:
    """The rules above, for facts checked against `sources` and the archived texts `archives` (by source id).
    The archived texts' word runs are made on first use and kept, so validating many files (or both halves of
    a shared validation, made before the fork) builds them once."""

    def __init__(self, sources: dict[str, Source], archives: dict[str, ArchivedText]) -> None:
        self.sources = sources
        self.archives = archives
        self.published = {s.id: s.published for s in sources.values() if s.published}
        self._copies: SourceShingles | None = None

    def copies(self, made: Index | None = None) -> SourceShingles:
        """The archived texts' word runs (`made`: their `verbatim.index`, if kept; engine/validation.py keeps it)."""
        if self._copies is None:
            self._copies = SourceShingles({source: text.raw for source, text in self.archives.items()}, made)
        return self._copies

    def check(self, collector: Collector, facts: Sequence[Fact]) -> None:
        """Every problem these rules find in `facts`, added to `collector`."""
        if not facts:
            return
        for name_problem in check_source_names(facts, self.sources):  # one name per source
            collector.add(name_problem.where, name_problem.message, name_problem.severity)
        for fact in facts:
            for problem in own_problems(fact, self.published):
                collector.add(problem.where, problem.message, problem.severity)
        if not self.archives:
            return
        copies = self.copies()
        for fact in facts:
            for copy in copies.copied(fact):
                collector.warning(
                    fact,
                    f"fact '{fact.id}': its {copy.field} repeats {copy.run} words of source '{copy.source}' word for "
                    f'word ("{copy.opening} …"), beyond what its citations quote: say it in the project\'s own words',
                )
