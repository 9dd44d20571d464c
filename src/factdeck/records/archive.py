"""Archived source texts: reading them, checking each against the fingerprint its quotes were checked with,
verifying quotes, and saying how many quotes were verified and why the others were not.

A check that verified no quote must never look like one that verified them all: `QuoteTally` counts both,
with the reason for each unverified quote (no archive configured, a source without an archive file, an
archive file missing). A source records the SHA-256 of the archive file its quotes were checked against
(`archive_sha256`); another text under the same name is refused until its quotes are checked against it
(`factdeck hash-archives`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from operator import attrgetter
from pathlib import Path

from factdeck.exceptions import InputError, ProjectError
from factdeck.records.collect import Collector
from factdeck.records.load import read_text
from factdeck.records.locators import TextStructure, locator_problem
from factdeck.records.quotes import QuoteFinder, quote_parts, quote_search_form
from factdeck.records.schema import Citation, Fact, Source

NO_ARCHIVE = "no archive configured"
NO_FILE = "source without an archive file"
MISSING = "archive file missing"
REFUSED = "archive file refused"

_FIX = {
    NO_ARCHIVE: "set `archive:` in factdeck.yaml or give --archive DIR",
    NO_FILE: "add `archive:` to the source",
}


@dataclass(frozen=True)
class ArchivedText:
    """One source's archived text: as read (`raw`, for its structure: records/locators.py) and in the form
    quotes are searched in (`normalized`: records/quotes.py)."""

    raw: str
    normalized: str

    @classmethod
    def of(cls, raw: str, search_form: Callable[[str], str] = quote_search_form) -> ArchivedText:
        """The text `raw`, its search form made by `search_form` (`quote_search_form`, or one kept of it)."""
        return cls(raw, search_form(raw))

    @cached_property
    def digest(self) -> str:
        """SHA-256 (hex) of the text as read, in UTF-8: what keys made from the archived texts hold, made once (a
        check hashed each text three times, 1.4 MB each time at 10,000 facts)."""
        return hashlib.sha256(self.raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Archives:
    """What `load_archives` found: archived texts by source id, and why each other source has none."""

    texts: dict[str, ArchivedText] = field(default_factory=dict)
    why_not: dict[str, str] = field(default_factory=dict)  # source id -> one of the reasons above


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, as 64 lower-case hex digits (raises OSError)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_archives(
    collector: Collector,
    sources: dict[str, Source],
    archive_dir: Path | None,
    unhashed: frozenset[str] = frozenset(),
    search_form: Callable[[str], str] = quote_search_form,
) -> Archives:
    """Each source's archived text, normalized for quote search (read once, checked against many quotes; `search_form`
    gives a text's `quote_search_form`, the engine's from what it kept).

    An archive file whose SHA-256 differs from the source's `archive_sha256` is an error (unless the source is
    in `unhashed`: `factdeck hash-archives` checks the quotes against the new text); one without a recorded
    hash, or missing, is a warning (an error under --strict). Raises `ProjectError` if the folder is missing."""
    found = Archives()
    if archive_dir is None:
        found.why_not = {s: NO_ARCHIVE for s in sources}
        return found
    if not archive_dir.is_dir():
        raise ProjectError(f"{archive_dir}: archive folder does not exist")
    for source in sources.values():
        if not source.archive:
            found.why_not[source.id] = NO_FILE
            continue
        path = archive_dir / source.archive
        found.why_not[source.id] = MISSING
        # A name inside the archive folder: a record must not make check read any other file.
        if Path(source.archive).is_absolute() or ".." in Path(source.archive).parts:
            collector.error(
                source,
                f"source '{source.id}': archive file '{source.archive}' must be a file name inside the archive folder",
            )
            continue
        if not path.is_file():
            collector.warning(
                source,
                f"source '{source.id}': archive file '{source.archive}' not found in {archive_dir}: "
                "its quotes are not verified (add the file, or correct `archive:`)",
            )
            continue
        try:
            text = read_text(path, str(path))
            digest = file_sha256(path)
        except (InputError, OSError) as exc:
            collector.error(source, f"source '{source.id}': archive file unusable: {exc}")
            continue
        if source.archive_sha256 is None and source.id not in unhashed:
            collector.warning(
                source,
                f"source '{source.id}': no archive_sha256 recorded for '{source.archive}': once its quotes pass, "
                f"record it with `factdeck hash-archives {source.id}`",
            )
        elif source.archive_sha256 != digest and source.id not in unhashed:
            found.why_not[source.id] = REFUSED
            collector.error(
                source,
                f"source '{source.id}': archive file '{source.archive}' is not the text its quotes were checked "
                f"against (its SHA-256 differs from archive_sha256): restore that copy, or check the quotes against "
                f"this one with `factdeck hash-archives {source.id}`",
            )
            continue
        del found.why_not[source.id]
        found.texts[source.id] = ArchivedText.of(text, search_form)
    return found


class QuoteCheck:
    """Every quote against its source's archived text, all quotes of a source in one pass (see QuoteFinder),
    and every locator written in the locator scheme (records/locators.py) against the text's structure."""

    def __init__(self, archives: dict[str, ArchivedText]):
        self.finders = {source: QuoteFinder(text.normalized) for source, text in archives.items()}
        self.structures = {source: TextStructure(text.raw) for source, text in archives.items()}
        self.pending: list[tuple[Citation, str, int]] = []  # citation, whose it is, key in its source's finder

    def add(self, citation: Citation, owner: str) -> None:
        """`owner` names the citing record in messages: "fact 'x'", "glossary entry 'y'"."""
        finder = self.finders.get(citation.source)
        if finder is not None:
            self.pending.append((citation, owner, finder.add(citation.quote)))

    def report(self, collector: Collector) -> None:
        found = {source: finder.found() for source, finder in self.finders.items()}
        for citation, owner, key in self.pending:
            if key not in found[citation.source]:
                shown = _shorten(citation.quote)
                closest = closest_passage(citation.quote, self.finders[citation.source].text)
                hint = (
                    f'; the closest passage is "{closest}" (correct the quote to the source\'s words)'
                    if closest
                    else ""
                )
                collector.error(citation, f"{owner}: quote not found in source '{citation.source}': \"{shown}\"{hint}")
                continue
            problem = locator_problem(self.structures[citation.source], citation.locator, citation.quote)
            if problem:
                collector.error(
                    citation,
                    f"{owner}: source '{citation.source}': {problem} (`factdeck read {citation.source}` shows "
                    "each block's locator)",
                )


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def closest_passage(quote: str, normalized_text: str, cutoff: float = 60.0) -> str:
    """The stretch of an archived text (in its normalized, search form) most like `quote`, or '' if nothing
    scores `cutoff` (0–100, rapidfuzz's partial ratio) or more. Shown as a suggestion: it never makes a quote
    pass. Each part of a quote with '...' is matched on its own; the part matched worst is shown."""
    from rapidfuzz import fuzz  # only a failing quote needs it

    worst: tuple[float, str] | None = None
    for part in quote_parts(quote):
        alignment = fuzz.partial_ratio_alignment(part, normalized_text, score_cutoff=cutoff)
        if alignment is None:
            return ""
        start, end = alignment.dest_start, alignment.dest_end
        # Widen to whole words on both sides.
        start = normalized_text.rfind(" ", 0, start) + 1
        stop = normalized_text.find(" ", end)
        passage = normalized_text[start : stop if stop >= 0 else len(normalized_text)]
        if worst is None or alignment.score < worst[0]:
            worst = (alignment.score, passage)
    return _shorten(worst[1], 120) if worst else ""


def citation_counts(facts: Iterable[Fact]) -> Counter[str]:
    """How many citations of `facts` (each fact's own and its dispute versions', `Fact.all_citations`) name each
    source id, counted in loops in C (a check reads every fact's citations twice: the sources never cited and the
    quotes' tally)."""
    facts = list(facts)
    cited: Counter[str] = Counter(map(_source_of, chain.from_iterable(map(_citations_of, facts))))
    versions = chain.from_iterable(map(_versions_of, filter(None, map(_dispute_of, facts))))
    cited.update(map(_source_of, chain.from_iterable(map(_citations_of, versions))))
    return cited


_source_of, _citations_of = attrgetter("source"), attrgetter("citations")
_dispute_of, _versions_of = attrgetter("dispute"), attrgetter("versions")


@dataclass
class QuoteTally:
    """How many quotes a check verified against archived texts, and why the others were not verified
    (reason -> number of quotes, and the sources behind it)."""

    verified: int = 0
    unverified: Counter[str] = field(default_factory=Counter)
    sources: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def count(
        cls, facts: Sequence[Fact], known: dict[str, Source], archives: Archives, cited: Counter[str] | None = None
    ) -> QuoteTally:
        """The quotes of `facts`' citations (`Fact.all_citations`) of the sources in `known`, by whether `archives`
        verified them. `cited`: `citation_counts(facts)` if the caller made it already."""
        tally = cls()
        # By source, not by citation: each source's verdict is one for all its citations (a loop over every
        # citation was a tenth of a check's work after validating an edited file, at 10,000 facts).
        for source, number in (citation_counts(facts) if cited is None else cited).items():
            if source not in known:
                continue  # an error of its own
            reason = archives.why_not.get(source)
            if reason is None:
                tally.verified += number
            else:
                tally.unverified[reason] += number
                tally.sources.setdefault(reason, set()).add(source)
        return tally

    def summary(self) -> str:
        """`quotes: N verified, M not verified (why)`, the line every check ends with."""
        line = f"quotes: {self.verified} verified, {sum(self.unverified.values())} not verified"
        reasons = []
        for reason in (NO_ARCHIVE, NO_FILE, MISSING, REFUSED):
            n = self.unverified.get(reason)
            if not n:
                continue
            names = sorted(self.sources.get(reason, ()))
            shown = "" if reason == NO_ARCHIVE else ": " + ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
            fix = f"; {_FIX[reason]}" if reason in _FIX else ""
            reasons.append(f"{n} {reason}{shown}{fix}")
        return line + (f" ({'; '.join(reasons)})" if reasons else "")
