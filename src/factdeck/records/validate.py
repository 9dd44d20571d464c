"""Validate stage: raw documents to a `FactBase`, collecting every problem before failing.

Single-record rules come from the pydantic models in `schema.py`; the rules
that need more than one record (ids that must exist or be unique, quotes that
must appear in an archived source, decks that must select something) are here.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from factdeck.exceptions import InputError, Problem, ValidationFailed
from factdeck.records.across import AcrossFiles, FileResults, across_files
from factdeck.records.archive import ArchivedText, QuoteCheck, QuoteTally, load_archives
from factdeck.records.bounds import check_bounds
from factdeck.records.collect import Collector, describe_input, suggest, unique_ids, unknown
from factdeck.records.consequences import fold_consequences
from factdeck.records.dates import latest_today, parse_calendar_date, parse_date
from factdeck.records.fact_columns import FactParts, FactsById
from factdeck.records.fact_rules import FactRules
from factdeck.records.factbase import FactBase
from factdeck.records.identity import (
    LEGACY_NAMESPACE,
    PublishedDeck,
    deck_id,
    load_published,
    namespace_changes,
    namespace_of,
    published_warnings,
)
from factdeck.records.load import Document, FactFile, RawProject
from factdeck.records.load_hints import unportable_names
from factdeck.records.memo import Keeper
from factdeck.records.naming import check_glossary
from factdeck.records.quotes import quote_search_form, word_count
from factdeck.records.schema import (
    Citation,
    DeckSpec,
    Era,
    Fact,
    GlossaryEntry,
    ProjectConfig,
    Selection,
    Source,
)
from factdeck.records.vetting import CHANGED, hold_back_changed_parts, review_need

MAX_QUOTE_WORDS = 40


def _era_bounds(era: Era) -> tuple[int, int | None]:
    start = parse_date(era.start).start.year
    end = None if era.end == "present" else parse_date(era.end).end.year
    return start, end


def _check_citations(
    collector: Collector,
    fact: Fact | str,
    citations: list[Citation],
    sources: dict[str, Source],
    quotes: QuoteCheck,
    broken: frozenset[str] = frozenset(),
) -> None:
    """`fact`: the citing fact, or how messages name another citing record ("glossary entry 'x'")."""
    owner = fact if isinstance(fact, str) else f"fact '{fact.id}'"
    for citation in citations:
        if citation.source not in sources:
            if citation.source not in broken:  # a source whose own record is wrong is reported there, once
                collector.error(citation, f"{owner}: {unknown('source', citation.source, sources)}")
            continue
        words = word_count(citation.quote)
        if words > MAX_QUOTE_WORDS:
            collector.error(citation, f"{owner}: quote has {words} words (at most {MAX_QUOTE_WORDS})")
        quotes.add(citation, owner)


def _check_fact(
    collector: Collector,
    fact: Fact,
    sources: dict[str, Source],
    eras: dict[str, Era],
    quotes: QuoteCheck,
    broken_sources: frozenset[str] = frozenset(),
    broken_eras: frozenset[str] = frozenset(),
) -> None:
    """The rules for one fact: they read only the fact, the sources, the eras and the archive (see record_cache).
    `broken_sources` and `broken_eras`: ids of records that failed their own validation (reported there)."""
    if fact.era not in eras:
        if fact.era not in broken_eras:  # an era whose own record is wrong is reported there, once
            collector.error(fact, f"fact '{fact.id}': {unknown('era', fact.era, eras)}")
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
    _check_citations(collector, fact, fact.citations, sources, quotes, broken_sources)
    if fact.dispute:
        versions = fact.dispute.versions
        if len(versions) < 2:
            collector.error(
                fact.dispute, f"fact '{fact.id}': a dispute needs at least two versions, found {len(versions)}"
            )
        ids: dict[str, Any] = {}
        claims: dict[str, Any] = {}
        answers: dict[str, Any] = {}
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
            answer = quote_search_form(version.answer)
            if answer in answers:
                collector.error(
                    version,
                    f"fact '{fact.id}': versions '{answers[answer].id}' and '{version.id}' give the same answer "
                    f"'{version.answer}': a dispute is between different answers (merge them into one version "
                    "with both claimants, or drop the dispute)",
                )
            answers.setdefault(answer, version)
            if not version.citations:
                collector.error(version, f"fact '{fact.id}': version '{version.id}' has no citations")
            else:
                _check_citations(collector, fact, version.citations, sources, quotes, broken_sources)
    if fact.kind == "characterization" and not (fact.attribution or fact.dispute):
        collector.error(fact, f"fact '{fact.id}': a characterization needs an attribution or a dispute")
    if fact.status == "vetted" and not fact.vetted:
        collector.error(fact, f"fact '{fact.id}': status is vetted but 'vetted' (the date) is missing")
    elif fact.status == "vetted":
        need = review_need(fact)
        if need is not None:
            held = need.reason == "changed"  # left out of every output until vetted again (hold_back_changed)
            collector.warning(
                fact,
                f"fact '{fact.id}': {need.describe()}"
                + (", so no output includes it (as a fact under review)" if held else "")
                + f": review it, then `factdeck vet {fact.id} --reviewer ROLE`"
                + (" to include it again" if held else ""),
            )


def _check_namespace(collector: Collector, raw: RawProject, published: dict[str, PublishedDeck], now: str) -> None:
    """An error at factdeck.yaml's `namespace:` when the released decks were made under another namespace: every
    GUID derives from it (records/identity.py), so a build would duplicate every learner's notes."""
    changed = namespace_changes(published, now)
    if not changed:
        return
    record, old = changed[0]
    config = raw.config
    line = 0
    if config is not None and isinstance(config.data, dict) and "namespace" in config.data:
        line = config.line("namespace")
    where = (config.display if config is not None else "factdeck.yaml", line if config is not None else 0)
    what = f"namespace '{now}'" if config is not None and line else f"no namespace set (so '{now}')"
    records = ", ".join(r.file for r, _ in changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    fix = (
        f"restore `namespace: {old}`" + ("" if config is not None else " in factdeck.yaml")
        if old is not None
        else "restore the namespace the decks were released with (`git log -p factdeck.yaml` shows it)"
    )
    collector.error(
        where,
        f"{what} is not the namespace the decks were released under"
        + (f", '{old}'" if old else "")
        + f" ({records}): every note's GUID derives from it, so every learner would get a second copy of every "
        f"note and lose its review history in the new one; {fix}",
    )


_CRITERIA = ("eras", "tags", "kinds", "facts", "disputed")


def _emptied_by(deck: DeckSpec, facts: Sequence[Fact]) -> str:
    """Which step of a deck's selection leaves it no fact: no vetted fact at all, or the first criterion of
    `include` (in the order eras, tags, kinds, facts, disputed) that matches none of the facts left, or the
    `exclude` criterion that removes the last of them."""
    left = [f for f in facts if f.status == "vetted"]
    if not left:
        return "no fact is vetted yet (`factdeck review` lists them; `factdeck vet ID --reviewer ROLE` vets one)"
    for which in ("include", "exclude"):
        selection: Selection = getattr(deck.select, which)
        for name in _CRITERIA:
            value = getattr(selection, name)
            if value in ([], None):
                continue
            one = Selection.model_validate({name: value})
            left = [f for f in left if one.matches_all(f) == (which == "include")]
            if not left:
                shown = str(value).lower() if isinstance(value, bool) else "[" + ", ".join(value) + "]"
                verb = "matches none of the vetted facts" if which == "include" else "removes every fact left"
                before = " that the criteria above leave" if which == "include" and name != _first(selection) else ""
                return f"select.{which}.{name} {shown} {verb}{before}"
    return "no fact meets every criterion"


def _first(selection: Selection) -> str:
    return next(n for n in _CRITERIA if getattr(selection, n) not in ([], None))


def _ids(doc: Document | None) -> frozenset[str]:
    """The ids a file of records names, valid or not."""
    items = doc.data if doc is not None and isinstance(doc.data, list) else []
    return frozenset(i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str))


def _check_days(collector: Collector, sources: dict[str, Source], facts: FactParts, today: _dt.date) -> None:
    """Days that cannot have come yet: a fact vetted, or a source read, after today. (Not in the per-file
    rules: their results are cached by the file's text, and today changes.)"""
    # Each day written once looked at (a base's facts were vetted on a few hundred days: parsing each fact's was a
    # loop over every fact's date after any edit), the days read from the files' columns, and the facts looked at
    # only when one is in the future.
    future = {day for day in set(facts.vetted_days()) if day and parse_calendar_date(day) > today}
    for fact in facts if future else ():
        if fact.vetted in future:
            collector.error(
                fact,
                f"fact '{fact.id}': vetted date {fact.vetted} is in the future (after today in every time zone): write the day it was vetted",
            )
    for source in sources.values():
        if parse_calendar_date(source.accessed) > today:
            collector.error(
                source,
                f"source '{source.id}': accessed date {source.accessed} is in the future (after today in every time zone): write the day it was read",
            )


def _check_selection(
    collector: Collector,
    deck: DeckSpec,
    selection: Selection,
    which: str,
    eras: dict[str, Era],
    facts: Mapping[str, Fact],
    tags: set[str],
) -> None:
    for era in selection.eras:
        if era not in eras:
            collector.error(selection, f"deck '{deck.id}': {which} names {unknown('era', era, eras)}")
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
    collector: Collector, raw: RawProject, sources: dict[str, Source], archives: dict[str, ArchivedText]
) -> list[GlossaryEntry]:
    """facts/glossary.yaml's entries, with their citations checked like a fact's (records/naming.py's rules)."""
    entries: list[GlossaryEntry] = collector.records(GlossaryEntry, raw.glossary, "glossary entry", "glossary entries")
    quotes = QuoteCheck(archives)
    for entry in entries:
        _check_citations(collector, f"glossary entry '{entry.term}'", entry.citations, sources, quotes)
    quotes.report(collector)
    for problem in check_glossary(entries):
        collector.add(problem.where, problem.message, problem.severity)
    return entries


@dataclass(frozen=True)
class FileContext:
    """What validating one fact file reads besides the file: the sources, the eras and the archived texts
    (by source id). A cache of validated files must key its entries by all of it (`key_parts`)."""

    sources: dict[str, Source]
    eras: dict[str, Era]
    archives: dict[str, ArchivedText]
    broken_sources: frozenset[str] = frozenset()  # ids of sources and eras whose records failed validation
    broken_eras: frozenset[str] = frozenset()

    @cached_property
    def rules(self) -> FactRules:
        """The rules about one fact that read the sources and archived texts (records/fact_rules.py)."""
        return FactRules(self.sources, self.archives)

    def key_parts(self) -> list[Any]:
        return [
            [repr(source.model_dump()) for source in self.sources.values()],  # names, variants, dates: fact_rules
            sorted(self.broken_sources),
            sorted(self.broken_eras),
            [(e.id, e.start, e.end) for e in self.eras.values()],
            sorted((source, text.digest) for source, text in self.archives.items()),
        ]

    def validate(self, files: list[FactFile]) -> dict[str, tuple[list[Fact], list[Problem], bool]]:
        """Each file's facts and problems, and whether it parsed (a file that did not is never cached); the
        quotes of all the files are found in one pass per source."""
        if not files:  # every file from the record cache: no archived text to prepare for quotes
            return {}
        collector = Collector()
        parsed: dict[str, list[Fact]] = {}
        for file in files:
            try:
                doc = file.parse()
            except InputError as exc:
                collector.problems.append(exc.problem)
                continue
            parsed[file.display] = collector.records(Fact, doc, "fact")
        quotes = QuoteCheck(self.archives)
        for file_facts in parsed.values():
            for fact in file_facts:
                _check_fact(collector, fact, self.sources, self.eras, quotes, self.broken_sources, self.broken_eras)
        self.rules.check(collector, [fact for file_facts in parsed.values() for fact in file_facts])
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
    across_facts: AcrossFiles = across_files,
    today: _dt.date | None = None,
    unhashed: frozenset[str] = frozenset(),
    published_parse: Callable[[Path, str], PublishedDeck] | None = None,
    search_form: Callable[[str], str] | None = None,
) -> FactBase:
    """Check everything and return the `FactBase` (made in `keeper`, the session), or raise `ValidationFailed`
    with every problem, sorted. `archive` overrides factdeck.yaml's archive folder; `strict` makes warnings
    errors. `fact_files` validates the fact files (engine/validation.py's passes them through its caches and
    the second core); `across_facts` runs the rules that read other facts on each file's facts (the engine's
    keeps each file's findings while what those rules read of the others is unchanged). `today` (default: the
    system's date) is the last day a vetted or accessed date may name; the archive files of the sources in
    `unhashed` are used whatever their recorded SHA-256 (see records/archive.py). `published_parse` makes each
    release record of its file (identity.py's `load_published`; the engine's keeps what it parsed), and `search_form` each
    archived text's search form (quotes.py's `quote_search_form`; the engine's keeps them)."""
    collector = Collector()
    collector.problems.extend(e.problem for e in raw.errors)
    collector.problems.extend(unportable_names(raw.root))  # names other systems cannot hold (warnings)

    config = ProjectConfig()
    if raw.config is not None:
        if isinstance(raw.config.data, dict):
            config = collector.model(ProjectConfig, raw.config, (), "configuration") or config
        else:
            collector.error((raw.config.display, 1), "configuration must be a mapping")

    sources = unique_ids(collector, collector.records(Source, raw.sources, "source"), "source")
    eras = unique_ids(collector, collector.records(Era, raw.eras, "era"), "era")
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
    unique_ids(collector, decks, "deck")
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
    archives = load_archives(collector, sources, archive, unhashed, search_form or quote_search_form)

    broken_sources, broken_eras = _ids(raw.sources) - set(sources), _ids(raw.eras) - set(eras)
    context = FileContext(sources, eras, archives.texts, broken_sources, broken_eras)
    found = fact_files(raw.facts, context)
    # Every fact as its files' parts: the rules below read an unchanged file's kept columns (records/fact_columns.py).
    facts = FactParts(found[file.display][0] for file in raw.facts)
    for file in raw.facts:
        collector.problems.extend(found[file.display][1])

    # Rules across files, over every record. A fact file that did not parse leaves its facts out, so the
    # rules about what no fact does (cite a source, fill a deck) would only repeat that error in other words.
    unreadable_facts = any(
        not file_facts and any(p.severity == "error" for p in file_problems)
        for file_facts, file_problems in found.values()
    )
    facts_by_id = FactsById.of(facts, collector)
    _check_days(collector, sources, facts, today or latest_today())
    # Each fact's `all_citations` (its own, then its dispute versions'), counted by source once for the sources never
    # cited and the quotes' tally (a fact held back below keeps its citations).
    cited = facts.cited()
    for source in sources.values():
        if source.id not in cited and not unreadable_facts:
            collector.warning(source, f"source '{source.id}' is never cited")
    glossary = _glossary(collector, raw, sources, archives.texts)
    # The rules about each fact that read other facts (records/across.py); those about one fact alone ran with
    # the fact's file (records/fact_rules.py).
    disagreements, across_found = across_facts(raw.facts, found, context, glossary, list(sources.values()))
    for file_problems in across_found.values():
        collector.problems.extend(file_problems)
    for where, message, severity in [
        *((p.where, p.message, p.severity) for p in disagreements),
        # Wrong dates' bounds (records/bounds.py): none where no fact has a bound (no record made to look).
        *((p.where, p.message, p.severity) for p in (check_bounds(facts.records()) if facts.bounded() else [])),
    ]:
        collector.add(where, message, severity)

    flagged = {(p.path, p.line) for p in collector.problems if CHANGED in p.message}
    held: dict[str, Fact] = {}
    if flagged:  # most checks flag none: no fact looked at, no record made (nor of a file none of whose is flagged)
        facts, held = hold_back_changed_parts(facts, flagged)
    if held:  # each held fact's record under review (ids unique: by place in the parts, records made when looked up)
        by_id = FactsById(facts, facts.ids()) if isinstance(facts_by_id, FactsById) else None
        facts_by_id = by_id or dict(facts_by_id) | {fact.id: fact for fact in facts if fact.id in held}
    base = FactBase(raw.root, config, sources, list(eras.values()), [], decks, keeper, glossary=glossary)
    base.take_facts(facts)
    base.held_back = held
    base.parse_cache = raw.parse_cache
    base.quotes = QuoteTally.count(facts, sources, archives, cited)
    tags = facts.tags()
    published, unreadable = load_published(raw.root, published_parse)
    base.published = published  # read once: `check` compares each deck with its record (outputs/anki/release.py)
    for deck in decks:
        _check_selection(collector, deck, deck.select.include, "include", eras, facts_by_id, tags)
        _check_selection(collector, deck, deck.select.exclude, "exclude", eras, facts_by_id, tags)
        released = published.get(deck.id)
        selects_some = any(map(deck.select.matcher(), facts.restored_first()))  # no record made if one is
        if released is not None and not selects_some and not unreadable_facts:
            # Its package would be removed while learners still hold every note it published.
            collector.error(
                deck, f"deck '{deck.id}' was released ({released.file}) but its selection now matches no vetted "
                f"fact: {_emptied_by(deck, facts)}; fix the selection (a released deck's package keeps carrying "
                "every note it published)",
            )  # fmt: skip
        elif not selects_some and not unreadable_facts:
            # A warning, not an error: a new project's first facts are not vetted yet, and `review` and `vet`
            # must still run; a build leaves the deck out (an error under --strict).
            collector.warning(
                deck, f"deck '{deck.id}': its selection matches no vetted fact, so no output is made for it: "
                f"{_emptied_by(deck, facts)}",
            )  # fmt: skip

    for display, message in unreadable:
        collector.error((display, 0), message)
    for orphan in sorted(set(published) - {deck.id for deck in decks}):
        collector.warning(
            (published[orphan].file, 0),
            f"release record of deck '{orphan}', which no deck file defines any more: restore the deck file "
            f"(`git checkout`), or to retire the deck, delete {published[orphan].file} (learners keep its cards; "
            "no later package updates them)",
        )
    for where, message in published_warnings(published, decks, eras, facts_by_id):
        collector.warning(where, message)
    _check_namespace(collector, raw, published, namespace)

    defined = {("source", s.id): (s.file, s.line) for s in sources.values()}
    defined |= {("era", e.id): (e.file, e.line) for e in eras.values()}
    used = {("source", source) for source in cited} | {("era", era) for era in set(facts.eras())}
    problems = fold_consequences(collector.problems, defined, set(defined) - used)
    if strict:
        problems = [dataclasses.replace(p, severity="error") for p in problems]  # keeping what each causes
    if any(p.severity == "error" for p in problems):
        raise ValidationFailed(problems)
    base.warnings = sorted(problems)
    return base
