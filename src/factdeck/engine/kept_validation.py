"""A passing validation's outcome kept under a hash of everything validation reads, so that a command on a
project nothing has changed in (`factdeck quiz` after another worksheet of any deck, seed or settings) takes its
fact base back without running the rules again: the facts from the record cache (each file's entry, by the name
the validation that is kept found it under), the other records and every warning from the kept outcome.

What `validate_project` makes of a project is a function of what it reads, and the key hashes all of it, as
`factdeck check`'s kept answer does (engine/kept_check.py): every input file and folder entry a build reads
(incremental.py's `inputs_fingerprint`: facts/, decks/ with the release records, templates/, fonts/,
translations/, locale/, factdeck.yaml, the archive asked for or configured, factdeck's code and catalogs), what was
asked (`strict`, the archive, the sources whose archive files are used unhashed), the project's and the working
folder's paths, the latest day anywhere on Earth (a vetted day in the future becomes valid), SOURCE_DATE_EPOCH,
the Python version and the distributions installed.

Only a validation that passed is kept, and only if the inputs' fingerprint after it is the one before it (an edit
saved meanwhile is never filed under the text it replaced). The records are kept in the record cache's form
(record_cache.py), so they come back as pydantic's `model_construct` makes them; a fact changed since it was
vetted is held back again at its kept place, as `hold_back_changed` did. The release records are not kept: the base comes back with
`published` None, which every reader of it takes as "not read" (they read them themselves). Files are hashed
through file stamps kept for the project (`stamps/validate-….json`), so an unchanged project's files are only
stat'ed. Entries live in the cache folder (`…/factdeck/validations`); anything unreadable, or a record-cache entry
gone, is a miss, and `FACTDECK_NO_CACHE` keeps nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from factdeck.engine.collector import collector_paused
from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.kept_check import kept_inputs_key, surroundings
from factdeck.engine.parse_cache import ContentStore, ParseCache, cache_folder
from factdeck.engine.record_cache import restore_entry
from factdeck.engine.record_dump import dump_record, restore_record
from factdeck.engine.session import Session
from factdeck.exceptions import Problem
from factdeck.records.archive import QuoteTally
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Era, Fact, GlossaryEntry, ProjectConfig, Source

FOLDER = "validations"
_SEVERITIES = ("error", "warning")


class KeptValidation:
    """The kept outcome of validating the project at `root` with these options: `base(session)` gives the fact
    base (None: validate), `keep(base)` keeps what a validation that passed made."""

    def __init__(self, root: Path, archive: Path | None, strict: bool, unhashed: frozenset[str]) -> None:
        self.root = root.resolve()
        self.archive = archive
        folder = cache_folder(FOLDER)
        self.code = code_fingerprint()
        self.store = ContentStore(folder, self.code, FOLDER)
        self.request: dict[str, Any] = {
            "command": "validate",
            "strict": strict,
            "archive": str(archive.resolve()) if archive is not None else None,
            "unhashed": sorted(unhashed),
            "project": str(self.root),
            **surroundings(),
        }
        self.key = kept_inputs_key(self.root, self.archive, self.request, "validate-") if folder is not None else None

    def base(self, session: Session) -> FactBase | None:
        """The fact base the kept validation made, made in `session`; None if none is kept (or any of it is
        unreadable)."""
        if self.key is None:
            return None
        try:
            base = _restore(self.store.load(self.key), self.root, session, self.code)
        except (TypeError, ValueError, KeyError, IndexError):
            return None
        if base is not None:
            _made_from(base, self.key)
        return base

    def keep(self, base: FactBase) -> None:
        """Keep what a validation that passed made, if its inputs are still those it started from."""
        if self.key is None or not base.file_keys:
            return
        try:
            kept = _dump(base)
        except (TypeError, ValueError):
            return  # a value marshal cannot keep: validate next time
        if kept_inputs_key(self.root, self.archive, self.request, "validate-") != self.key:
            return
        self.store.save(self.key, kept)
        self.store.trim()
        _made_from(base, self.key)  # as a base taken back under the key: the same facts


def kept_base(
    root: Path, archive: Path | None, strict: bool, unhashed: frozenset[str], session: Session | None
) -> FactBase | None:
    """The fact base a passing validation of these very inputs and options made, if one is kept, made in
    `session` (default: a one-off session; a watching one keeps its own and gets None); None: validate
    (engine/validation.py's `load_and_validate` with `kept`, which keeps what passes)."""
    session = session or Session.one_off()
    if session.keeping:
        return None
    with collector_paused():  # restoring makes hundreds of thousands of objects and frees none (validation.py)
        return KeptValidation(root, archive, strict, unhashed).base(session)


def kept_selection(base: FactBase, deck: DeckSpec) -> list[Fact]:
    """`records.select.select_facts(base, deck)` (the deck's vetted facts in the history's order, a new list). For
    a base a kept validation gave back or kept (`_made_from`), the ids selected are kept beside that validation,
    under its key and the selection's criteria (`selection_key`), and taken back: selecting 10,000 facts (each
    matched, then sorted by era and date) took 0.04 CPU s of a fresh worksheet. Any other base, or an entry that
    is not this base's ids, is selected as usual."""
    from factdeck.quiz.option_pools import MADE_FROM
    from factdeck.records.select import select_facts, selection_key

    made_from = base.__dict__.get(MADE_FROM)
    folder = cache_folder(FOLDER) if type(made_from) is str else None
    if folder is None:
        return select_facts(base, deck)
    store = ContentStore(folder, code_fingerprint(), FOLDER)
    text = f"selection\0{made_from}\0{selection_key(deck.select)!r}"
    ids = store.load(text)
    if type(ids) is list:
        by_id = base.facts_by_id
        try:
            return [by_id[fact_id] for fact_id in ids]
        except (KeyError, TypeError):  # not this base's ids: select
            pass
    facts = select_facts(base, deck)
    store.save(text, [fact.id for fact in facts])
    store.trim()
    return facts


def _made_from(base: FactBase, key: str) -> None:
    """Note on `base` that its facts are what the inputs hashed as `key` make, for the wrong options' pools
    (quiz/option_pools.py's `MADE_FROM`; imported here, not at the top: only a worksheet, which imports the quiz
    anyway, keeps validations, and `check` and `build` import this module too)."""
    from factdeck.quiz.option_pools import MADE_FROM

    base.__dict__[MADE_FROM] = key


def _dump(base: FactBase) -> tuple:
    by_file: dict[str, None] = {}
    for fact in base.facts:
        by_file.setdefault(fact.file, None)
    if any(file not in base.file_keys for file in by_file):
        raise ValueError("a fact file without its record-cache key")
    quotes = base.quotes
    return (
        [(file, base.file_keys[file]) for file in base.file_keys],  # every fact file, in the order validated
        dump_record(base.config),
        [dump_record(s) for s in base.sources.values()],
        [dump_record(e) for e in base.eras],
        [dump_record(d) for d in base.decks],
        [dump_record(g) for g in base.glossary],
        [_problem(p) for p in base.warnings],
        sorted((f.file, f.line) for f in base.held_back.values()),
        None
        if quotes is None
        else (quotes.verified, dict(quotes.unverified), {r: sorted(s) for r, s in quotes.sources.items()}),
    )


def _problem(p: Problem) -> tuple:
    return p.path, p.line, p.message, p.severity, [_problem(f) for f in p.folded]


def _restore(entry: Any, root: Path, session: Session, code: str) -> FactBase | None:
    if type(entry) is not tuple or len(entry) != 9:
        return None
    files, config, sources, eras, decks, glossary, warnings, held, quotes = entry
    records = ContentStore(cache_folder("records"), code, "", session)
    facts = []
    file_keys: dict[str, str] = {}
    for display, name in files:
        if type(display) is not str or type(name) is not str:
            return None
        restored = restore_entry(records.load_named(name), display)
        if restored is None:
            return None  # trimmed or damaged: validate
        facts += restored[0]
        file_keys[display] = name
    # The facts validation held back (records/vetting.py's `hold_back_changed`), at their kept places: whether
    # each changed since it was vetted is what the kept validation found (fingerprinting them again built the
    # records' serializer, a tenth of a second).
    places = {(file, line) for file, line in held}
    held_back: dict[str, Fact] = {}
    # Looked for only where some fact was held back: reading every fact's place cost 10 ms at 10,000 facts.
    for i, fact in enumerate(facts if places else ()):
        if (fact.file, fact.line) in places:
            if fact.status != "vetted":
                return None
            held_back[fact.id] = fact
            facts[i] = fact.model_copy(update={"status": "review"})
    base = FactBase(
        root,
        restore_record(ProjectConfig, config),
        {s.id: s for s in (restore_record(Source, s) for s in sources)},
        [restore_record(Era, e) for e in eras],
        facts,
        [restore_record(DeckSpec, d) for d in decks],
        session,
        glossary=[restore_record(GlossaryEntry, g) for g in glossary],
    )
    if len(held_back) != len(held):
        return None
    base.held_back = held_back
    base.warnings = [_restore_problem(p) for p in warnings]
    base.file_keys = file_keys
    base.parse_cache = ParseCache(cache_folder(), code, session=session)
    if quotes is not None:
        verified, unverified, by_reason = quotes
        if type(verified) is not int or type(unverified) is not dict or type(by_reason) is not dict:
            return None
        base.quotes = QuoteTally(verified, Counter(unverified), {r: set(s) for r, s in by_reason.items()})
    return base


def _restore_problem(data: Any) -> Problem:
    path, line, message, severity, folded = data
    if type(path) is not str or type(line) is not int or type(message) is not str or severity not in _SEVERITIES:
        raise ValueError("not a problem")
    return Problem(path, line, message, severity, tuple(_restore_problem(f) for f in folded))
