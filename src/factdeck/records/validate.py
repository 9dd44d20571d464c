"""Validate stage: raw documents to a `FactBase`, collecting every problem before failing.

Single-record rules come from the pydantic models in `schema.py`; the rules
that need more than one record (ids that must exist or be unique, quotes that
must appear in an archived source, decks that must select something) are here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from factdeck.exceptions import InputError, Problem, ProjectError, ValidationFailed
from factdeck.records.dates import parse_date
from factdeck.records.factbase import FactBase
from factdeck.records.identity import LEGACY_NAMESPACE, deck_id, load_published, namespace_of, published_warnings
from factdeck.records.load import Document, FactFile, RawProject, read_text
from factdeck.records.memo import Keeper
from factdeck.records.messages import describe_input, pydantic_message, suggest
from factdeck.records.naming import check_glossary, check_source_names
from factdeck.records.options import OptionRules
from factdeck.records.quotes import QuoteFinder, quote_search_form, word_count
from factdeck.records.schema import (
    Citation,
    DeckSpec,
    Era,
    Fact,
    GlossaryEntry,
    ProjectConfig,
    Record,
    Selection,
    Source,
    record_fields,
)

MAX_QUOTE_WORDS = 40


def _locate(record: Record, doc: Document, path: tuple[Any, ...]) -> None:
    """Give a record and every record inside it its file and line."""
    record.locate(doc.display, doc.line(*path))
    for name, _ in record_fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, Record):
            _locate(value, doc, (*path, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Record):
                    _locate(item, doc, (*path, name, i))


class _Collector:
    """Gathers problems from every rule so that one run reports them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, where: Record | tuple[str, int], message: str) -> None:
        self.add(where, message, "error")

    def warning(self, where: Record | tuple[str, int], message: str) -> None:
        self.add(where, message, "warning")

    def add(self, where: Record | tuple[str, int], message: str, severity: str) -> None:
        file, line = (where.file, where.line) if isinstance(where, Record) else where
        self.problems.append(Problem(file, line, message, severity))

    def model(self, cls: type[Record], doc: Document, path: tuple[Any, ...], label: str) -> Any:
        data = doc.data
        for part in path:
            data = data[part]
        try:
            record = cls.model_validate(data)
        except pydantic.ValidationError as exc:
            for err in exc.errors(include_url=False):
                self.error((doc.display, doc.line(*path, *err["loc"])), f"{label}: {pydantic_message(cls, err)}")
            return None
        _locate(record, doc, path)
        return record

    def records(self, cls: type[Record], doc: Document | None, noun: str, plural: str = "") -> list[Any]:
        """Validate a file that holds a list of records of one kind (named by `id`, or a glossary's `term`)."""
        if doc is None:
            return []
        if not isinstance(doc.data, list):
            self.error(
                (doc.display, doc.line()), f"expected a list of {plural or noun + 's'}, not {describe_input(doc.data)}"
            )
            return []
        out = []
        for i, item in enumerate(doc.data):
            if not isinstance(item, dict):
                self.error(
                    (doc.display, doc.line(i)), f"{noun} #{i + 1}: expected a mapping, not {describe_input(item)}"
                )
                continue
            ident = item.get("id", item.get("term"))
            label = f"{noun} '{ident}'" if isinstance(ident, str) else f"{noun} #{i + 1}"
            record = self.model(cls, doc, (i,), label)
            if record is not None:
                out.append(record)
        return out


def _unique(collector: _Collector, records: list[Any], noun: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for record in records:
        if record.id in seen:
            first = seen[record.id]
            collector.error(record, f"duplicate {noun} id '{record.id}' (first at {first.file}:{first.line})")
        else:
            seen[record.id] = record
    return seen


def _era_bounds(era: Era) -> tuple[int, int | None]:
    start = parse_date(era.start).start.year
    end = None if era.end == "present" else parse_date(era.end).end.year
    return start, end


def _load_archives(collector: _Collector, sources: dict[str, Source], archive_dir: Path | None) -> dict[str, str]:
    """Normalized archived texts by source id (read once, checked against many quotes)."""
    if archive_dir is None:
        return {}
    if not archive_dir.is_dir():
        raise ProjectError(f"{archive_dir}: archive folder does not exist")
    texts: dict[str, str] = {}
    for source in sources.values():
        if not source.archive:
            continue
        path = archive_dir / source.archive
        # A name inside the archive folder: a record must not make check read any other file.
        if Path(source.archive).is_absolute() or ".." in Path(source.archive).parts:
            collector.error(
                source,
                f"source '{source.id}': archive file '{source.archive}' must be a file name inside the archive folder",
            )
            continue
        if not path.is_file():
            collector.error(source, f"source '{source.id}': archive file '{source.archive}' not found in {archive_dir}")
            continue
        try:
            texts[source.id] = quote_search_form(read_text(path, str(path)))
        except InputError as exc:
            collector.error(source, f"source '{source.id}': archive file unusable: {exc}")
    return texts


class _QuoteCheck:
    """Every quote against its source's archived text, all quotes of a source in one pass (see QuoteFinder)."""

    def __init__(self, archives: dict[str, str]):
        self.finders = {source: QuoteFinder(text) for source, text in archives.items()}
        self.pending: list[tuple[Citation, str, int]] = []  # citation, whose it is, key in its source's finder

    def add(self, citation: Citation, owner: str) -> None:
        """`owner` names the citing record in messages: "fact 'x'", "glossary entry 'y'"."""
        finder = self.finders.get(citation.source)
        if finder is not None:
            self.pending.append((citation, owner, finder.add(citation.quote)))

    def report(self, collector: _Collector) -> None:
        found = {source: finder.found() for source, finder in self.finders.items()}
        for citation, owner, key in self.pending:
            if key not in found[citation.source]:
                shown = citation.quote if len(citation.quote) <= 80 else citation.quote[:77] + "..."
                collector.error(citation, f"{owner}: quote not found in source '{citation.source}': \"{shown}\"")


def _check_citations(
    collector: _Collector,
    fact: Fact | str,
    citations: list[Citation],
    sources: dict[str, Source],
    quotes: _QuoteCheck,
) -> None:
    """`fact`: the citing fact, or how messages name another citing record ("glossary entry 'x'")."""
    owner = fact if isinstance(fact, str) else f"fact '{fact.id}'"
    for citation in citations:
        if citation.source not in sources:
            collector.error(citation, f"{owner}: unknown source '{citation.source}'{suggest(citation.source, sources)}")
            continue
        words = word_count(citation.quote)
        if words > MAX_QUOTE_WORDS:
            collector.error(citation, f"{owner}: quote has {words} words (at most {MAX_QUOTE_WORDS})")
        quotes.add(citation, owner)


def _check_fact(
    collector: _Collector,
    fact: Fact,
    sources: dict[str, Source],
    eras: dict[str, Era],
    quotes: _QuoteCheck,
) -> None:
    """The rules for one fact: they read only the fact, the sources, the eras and the archive (see record_cache)."""
    if fact.era not in eras:
        collector.error(fact, f"fact '{fact.id}': unknown era '{fact.era}'{suggest(fact.era, eras)}")
    elif fact.date:
        start, end = _era_bounds(eras[fact.era])
        when = parse_date(fact.date)
        if when.end.year < start or (end is not None and when.start.year > end):
            collector.warning(
                fact,
                f"fact '{fact.id}': date {fact.date} is outside era '{fact.era}' ({eras[fact.era].start}–{eras[fact.era].end})",
            )
    if not fact.citations:
        collector.error(fact, f"fact '{fact.id}' has no citations")
    _check_citations(collector, fact, fact.citations, sources, quotes)
    if fact.dispute:
        versions = fact.dispute.versions
        if len(versions) < 2:
            collector.error(
                fact.dispute, f"fact '{fact.id}': a dispute needs at least two versions, found {len(versions)}"
            )
        ids: dict[str, Any] = {}
        claims: dict[str, Any] = {}
        for version in versions:
            if version.id in ids:
                collector.error(version, f"fact '{fact.id}': duplicate version id '{version.id}'")
            ids[version.id] = version
            claim = quote_search_form(version.claim)
            if claim in claims:
                collector.error(
                    version, f"fact '{fact.id}': versions '{claims[claim].id}' and '{version.id}' make the same claim"
                )
            claims.setdefault(claim, version)
            if not version.citations:
                collector.error(version, f"fact '{fact.id}': version '{version.id}' has no citations")
            else:
                _check_citations(collector, fact, version.citations, sources, quotes)
    if fact.kind == "characterization" and not (fact.attribution or fact.dispute):
        collector.error(fact, f"fact '{fact.id}': a characterization needs an attribution or a dispute")
    if fact.status == "vetted" and not fact.vetted:
        collector.error(fact, f"fact '{fact.id}': status is vetted but 'vetted' (the date) is missing")


def _check_selection(
    collector: _Collector,
    deck: DeckSpec,
    selection: Selection,
    which: str,
    eras: dict[str, Era],
    facts: dict[str, Fact],
    tags: set[str],
) -> None:
    for era in selection.eras:
        if era not in eras:
            collector.error(selection, f"deck '{deck.id}': {which} names unknown era '{era}'{suggest(era, eras)}")
    for fact_id in selection.facts:
        if fact_id not in facts:
            collector.error(
                selection, f"deck '{deck.id}': {which} names unknown fact '{fact_id}'{suggest(fact_id, facts)}"
            )
    for tag in selection.tags:
        if tag not in tags:
            collector.warning(
                selection, f"deck '{deck.id}': {which} names tag '{tag}', which no fact has{suggest(tag, tags)}"
            )


def _glossary(
    collector: _Collector, raw: RawProject, sources: dict[str, Source], archives: dict[str, str]
) -> list[GlossaryEntry]:
    """facts/glossary.yaml's entries, with their citations checked like a fact's (records/naming.py's rules)."""
    entries: list[GlossaryEntry] = collector.records(GlossaryEntry, raw.glossary, "glossary entry", "glossary entries")
    quotes = _QuoteCheck(archives)
    for entry in entries:
        _check_citations(collector, f"glossary entry '{entry.term}'", entry.citations, sources, quotes)
    quotes.report(collector)
    for problem in check_glossary(entries):
        collector.add(problem.where, problem.message, problem.severity)
    return entries


FileResults = dict[str, tuple[list[Fact], list[Problem]]]


@dataclass(frozen=True)
class FileContext:
    """What validating one fact file reads besides the file: the sources, the eras and the archived texts
    (by source id). A cache of validated files must key its entries by all of it (`key_parts`)."""

    sources: dict[str, Source]
    eras: dict[str, Era]
    archives: dict[str, str]

    def key_parts(self) -> list[Any]:
        return [
            list(self.sources),
            [(e.id, e.start, e.end) for e in self.eras.values()],
            sorted(
                (source, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())
                for source, text in self.archives.items()
            ),
        ]

    def validate(self, files: list[FactFile]) -> dict[str, tuple[list[Fact], list[Problem], bool]]:
        """Each file's facts and problems, and whether it parsed (a file that did not is never cached); the
        quotes of all the files are found in one pass per source."""
        collector = _Collector()
        parsed: dict[str, list[Fact]] = {}
        for file in files:
            try:
                doc = file.parse()
            except InputError as exc:
                collector.problems.append(exc.problem)
                continue
            parsed[file.display] = collector.records(Fact, doc, "fact")
        quotes = _QuoteCheck(self.archives)
        for file_facts in parsed.values():
            for fact in file_facts:
                _check_fact(collector, fact, self.sources, self.eras, quotes)
        quotes.report(collector)
        problems: dict[str, list[Problem]] = {file.display: [] for file in files}
        for problem in collector.problems:
            problems[problem.path].append(problem)
        return {f.display: (parsed.get(f.display, []), problems[f.display], f.display in parsed) for f in files}


def validate_files(files: list[FactFile], context: FileContext) -> FileResults:
    """Every fact file validated afresh: by file name, its facts and problems."""
    return {display: (facts, problems) for display, (facts, problems, _) in context.validate(files).items()}


def validate_project(
    raw: RawProject,
    keeper: Keeper,
    archive: Path | None = None,
    strict: bool = False,
    fact_files: Callable[[list[FactFile], FileContext], FileResults] = validate_files,
) -> FactBase:
    """Check everything and return the `FactBase` (made in `keeper`, the session), or raise `ValidationFailed`
    with every problem, sorted. `archive` overrides factdeck.yaml's archive folder; `strict` makes warnings
    errors. `fact_files` validates the fact files (engine/validation.py's passes them through its caches and
    the second core); the rules across files always run here over every record."""
    collector = _Collector()
    collector.problems.extend(e.problem for e in raw.errors)

    config = ProjectConfig()
    if raw.config is not None:
        if isinstance(raw.config.data, dict):
            config = collector.model(ProjectConfig, raw.config, (), "configuration") or config
        else:
            collector.error((raw.config.display, 1), "configuration must be a mapping")

    sources = _unique(collector, collector.records(Source, raw.sources, "source"), "source")
    eras = _unique(collector, collector.records(Era, raw.eras, "era"), "era")
    for era in eras.values():
        if "::" in era.title:  # a deck's cards go to "<deck>::<era title>" when cards.subdecks is on
            collector.error(
                era, f"era '{era.id}': title '{era.title}' contains '::', which Anki reads as a further subdeck"
            )
    decks: list[DeckSpec] = []
    for doc in raw.decks:
        if not isinstance(doc.data, dict):
            collector.error((doc.display, doc.line()), f"a deck file must be a mapping, not {describe_input(doc.data)}")
            continue
        ident = doc.data.get("id")
        deck = collector.model(DeckSpec, doc, (), f"deck '{ident}'" if isinstance(ident, str) else "deck")
        if deck is not None:
            decks.append(deck)
    _unique(collector, decks, "deck")
    namespace = namespace_of(config)
    if config.namespace is None:
        collector.warning(
            (raw.config.display if raw.config is not None else "factdeck.yaml", 1 if raw.config is not None else 0),
            f"no namespace set: Anki identities use '{LEGACY_NAMESPACE}', which every project without one shares, "
            "so two projects' notes can overwrite each other; set `namespace:` to a slug of your own before "
            f"publishing (or `namespace: {LEGACY_NAMESPACE}` to keep the notes learners already have)",
        )
    anki_decks: dict[int, DeckSpec] = {}
    for deck in decks:
        first = anki_decks.setdefault(deck_id(deck, namespace), deck)
        if first is not deck:
            collector.error(
                deck,
                f"deck '{deck.id}' has the same Anki deck id as deck '{first.id}' "
                f"({deck_id(deck, namespace)}): set cards.anki_deck_id",
            )

    if archive is None and config.archive:
        archive = raw.root / config.archive
    archives = _load_archives(collector, sources, archive)

    found = fact_files(raw.facts, FileContext(sources, eras, archives))
    facts: list[Fact] = []
    for file in raw.facts:
        file_facts, file_problems = found[file.display]
        facts.extend(file_facts)
        collector.problems.extend(file_problems)

    # Rules across files, over every record.
    facts_by_id = _unique(collector, facts, "fact")
    cited = {c.source for fact in facts for c in fact.all_citations()}
    for source in sources.values():
        if source.id not in cited:
            collector.warning(source, f"source '{source.id}' is never cited")
    for name_problem in check_source_names(facts, sources):  # one name per source (records/naming.py)
        collector.add(name_problem.where, name_problem.message, name_problem.severity)
    glossary = _glossary(collector, raw, sources, archives)
    rules = OptionRules(facts)  # authored wrong options and false statements (records/options.py)
    for fact in facts:
        for option_problem in rules.check(fact):
            collector.add(option_problem.where, option_problem.message, option_problem.severity)

    base = FactBase(raw.root, config, sources, list(eras.values()), facts, decks, keeper, glossary=glossary)
    tags = {t for f in facts for t in f.tags}
    for deck in decks:
        _check_selection(collector, deck, deck.select.include, "include", eras, facts_by_id, tags)
        _check_selection(collector, deck, deck.select.exclude, "exclude", eras, facts_by_id, tags)
        if not any(deck.select.matches(f) for f in facts):
            collector.error(deck, f"deck '{deck.id}': its selection matches no vetted fact")

    published, unreadable = load_published(raw.root)
    for display, message in unreadable:
        collector.error((display, 0), message)
    for where, message in published_warnings(published, decks, eras, facts_by_id):
        collector.warning(where, message)

    problems = collector.problems
    if strict:
        problems = [Problem(p.path, p.line, p.message, "error") for p in problems]
    if any(p.severity == "error" for p in problems):
        raise ValidationFailed(problems)
    base.warnings = sorted(problems)
    return base
