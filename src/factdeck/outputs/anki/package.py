"""Anki stage: note records to an `.apkg` per deck, with identities that never change.

Stable identity is what lets a learner re-import a rebuilt deck without losing
review history:

- note types and decks have fixed ids, derived from the project's namespace and
  keys that never change (or, for a deck, set in its configuration); every field
  and card template of a note type has a fixed id too, so a renamed field updates
  in place;
- notes carry the GUIDs cards.py derives from the namespace and fact ids;
- each note's modification time changes only when its content does, the same on
  every machine (published.py); Anki's importer (default options) updates a note
  only if the incoming one is newer;
- every note a deck ever published stays in its packages (lifecycle.py).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from factdeck.engine.collector import collector_paused
from factdeck.i18n import Language
from factdeck.outputs.anki import release_inputs
from factdeck.outputs.anki.card_text import anki_text
from factdeck.outputs.anki.cards import CLOZE, FIELD_KEYS, NOTE_FIELDS, CardMaker, NoteRecord
from factdeck.outputs.anki.editions import Edition
from factdeck.outputs.anki.field_store import FIELDS_FILE, load_fields, save_fields, spill_fields
from factdeck.outputs.anki.lifecycle import PublishedNotes
from factdeck.outputs.anki.note_types import NOTE_TYPES, NoteTypeModel, NoteTypeSpec, note_type_texts
from factdeck.outputs.anki.published import ModTimes, NoteTimes, SourceTime, source_time, unreleased
from factdeck.outputs.anki.rendered import NoteKeysOf, RenderedFields
from factdeck.outputs.anki.spilled import STREAM_FACTS, SpilledNote, spilled_back, spilled_notes
from factdeck.outputs.base import Output
from factdeck.outputs.languages import deck_language, deck_language_tag, localized_base
from factdeck.outputs.write import OutputWriter
from factdeck.records.factbase import FactBase
from factdeck.records.identity import (
    WITHDRAWN_TAG,
    PublishedDeck,
    PublishedNote,
    deck_id,
    load_published,
    namespace_of,
    note_type_id,
    note_type_prefix,
    part_id,
    subdeck_id,
)
from factdeck.records.languages import TranslationSettings
from factdeck.records.schema import DeckSpec, Fact

if TYPE_CHECKING:
    from factdeck.outputs.anki.apkg_file import PackageDeck
    from factdeck.outputs.anki.fronts import FrontCheck
    from factdeck.outputs.anki.kept_collection import KeptCollection, KeptNote
    from factdeck.outputs.anki.note_keys import NoteKeys

# genanki, SQLite and the package writer (apkg_file.py, kept_collection.py) are imported where a package is written:
# `factdeck check` compares decks with their records through this stage and writes none (docs/performance.md).

STATE_FILE = ".factdeck/anki-notes.json"


def current_time() -> float:
    """The clock; tests replace it."""
    return time.time()


class _Parts(NamedTuple):
    """What a package is made with: the fact base (translated, for an edition), its card maker, its published
    notes, and its note types by layout (CARD, CLOZE) with their specs."""

    base: FactBase
    cards: CardMaker
    published: PublishedNotes
    note_types: dict[str, NoteTypeModel]
    specs: tuple[NoteTypeSpec, ...]

    def facts(self, facts: list[Fact]) -> list[Fact]:
        """`facts` as this base has them (translated, for an edition)."""
        own = not facts or self.base.facts_by_id.get(facts[0].id) is facts[0]
        return facts if own else [self.base.facts_by_id[f.id] for f in facts]


# --- the stage ---------------------------------------------------------------------------


class ApkgStage:
    """Writes `<deck id>/<deck id>.apkg` for each deck, then the note state, through one OutputWriter.

    `source`: the time for new and changed notes (default: published.py's rules for this project).
    """

    def __init__(
        self,
        base: FactBase,
        writer: OutputWriter,
        source: SourceTime | None = None,
        notes: NoteKeys | None = None,
        records: dict[str, PublishedDeck] | None = None,
    ):
        """`notes`: where the notes' GUIDs and content hashes come from and go to, instead of the card fields
        stored in the build folder (note_keys.py; `factdeck check` compares decks with their records so);
        `records`: the release records (default: those validation read, else read from decks/published/)."""
        self.base = base
        self.writer = writer
        self.notes = notes
        from factdeck.engine.incremental import shared_key

        shared = shared_key(base, base.root, "apkg")
        self.fields = (
            notes.fields(shared, base)
            if notes is not None
            else RenderedFields(
                shared, load_fields(writer.root / FIELDS_FILE, shared), base.fact_json, record_digest=base.fact_digest
            )
        )
        self.cards = CardMaker(base, self.fields)
        self.namespace = namespace_of(base.config)
        self.note_type_prefix = note_type_prefix(base.config)  # starts the note types' names
        # As validation read them (it reported any that is unreadable), else read again.
        if records is None:
            records = base.published if base.published is not None else load_published(base.root)[0]
        self.records = records
        now = int(current_time())
        self.source = source or source_time(base.root, now)
        self.times = NoteTimes(self.records, ModTimes.load(writer.root / STATE_FILE, now), self.source)
        self.published = PublishedNotes(base, self.cards, self.records)
        self.note_type_hashes: dict[str, str] = {}
        self.note_types = {spec.note_type: self._note_type(spec) for spec in NOTE_TYPES}
        self.own = _Parts(base, self.cards, self.published, self.note_types, NOTE_TYPES)
        self.editions: dict[tuple[str, str, bool], _Parts] = {}

    def parts(self, deck: DeckSpec) -> _Parts:
        """What the deck's package is made with: the facts' own language's, or those of the deck's edition in
        another language (editions.py), made once per language, digits and bilingual choice."""
        tag = deck_language_tag(self.base, deck)
        if tag == self.base.config.language:
            return self.own
        key = (tag, deck.translation.digits, deck.translation.bilingual)
        if key not in self.editions:
            language = deck_language(self.base, deck)
            translated, _ = localized_base(self.base, deck.model_copy(update={"translation": TranslationSettings()}))
            edition = Edition(language, self.base.config.language, self.base.facts_by_id, key[2])
            shared = f"{self.fields.shared}\0{key}"
            rendered = (
                self.notes.fields(shared, translated)
                if self.notes is not None
                else RenderedFields(shared, None, translated.fact_json, record_digest=translated.fact_digest)
            )
            cards = CardMaker(translated, rendered, edition)
            specs = tuple(
                NoteTypeSpec(f"{s.key}-{tag}", f"{s.name} ({tag})", s.note_type, s.front, s.back) for s in NOTE_TYPES
            )
            types = {spec.note_type: self._note_type(spec, language) for spec in specs}
            self.editions[key] = _Parts(
                translated, cards, PublishedNotes(translated, cards, self.records), types, specs
            )
        return self.editions[key]

    def key_extra(self, deck: DeckSpec) -> str:
        """What a deck's package depends on besides its own facts and spec: the source's time, every published
        record and, when the deck's record holds notes it no longer selects, every fact and deck."""
        digest = hashlib.sha256(self.source.token().encode())
        for name, published in sorted(self.records.items()):
            # The record's file as read (a record loaded from it is a function of its text), else its dump.
            digest.update(f"\0{name}\0".encode() + (published.digest or published.to_json()).encode())
        own = self.records.get(deck.id)
        if own is not None and self._holds_unselected(deck, own):
            digest.update("\n".join(self.base.facts_digests(self.base.facts)).encode())
            for spec in self.base.decks:
                digest.update(spec.model_dump_json().encode())
        return digest.hexdigest()

    def _holds_unselected(self, deck: DeckSpec, record: PublishedDeck) -> bool:
        """Whether the deck's release record holds a note of a fact the deck no longer selects (or the base no
        longer has). Only the record's facts are tested, each once: a small deck no longer tests every fact."""
        facts_by_id, matches = self.base.facts_by_id, deck.select.matches
        tested: dict[str, bool] = {}
        for note in record.notes.values():
            selected = tested.get(note.fact)
            if selected is None:
                fact = facts_by_id.get(note.fact)
                selected = tested[note.fact] = fact is not None and matches(fact)
            if not selected:
                return True
        return False

    def package_notes(self, deck: DeckSpec, facts: list[Fact]) -> list[NoteRecord]:
        """Every note of the deck's package: the notes of `facts`, then the published notes they no longer
        hold (kept live where some deck still makes them, else withdrawn; lifecycle.py)."""
        parts = self.parts(deck)
        live = parts.cards.deck_notes(deck, parts.facts(facts))
        kept, withdrawn = parts.published.extra_notes(deck, live)
        return [*live, *kept, *withdrawn]

    def write_deck(self, deck: DeckSpec, facts: list[Fact]) -> list[str]:
        """Stage `<deck id>/<deck id>.apkg` with the package's notes; returns warnings about them."""
        # Making a deck's notes allocates a few objects per note that all live until the package is written, and
        # the built-in fields make no reference cycles: the cyclic collector's passes over them would find
        # nothing (a tenth of the step at 10,000 facts). A project's own Jinja2 templates do make cycles (each
        # render's context), so with them the collector runs as usual.
        import sqlite3

        from factdeck.outputs.anki.fronts import FrontCheck  # here: a check compares notes without it (html)
        from factdeck.outputs.anki.kept_collection import KeptCollection, ManyChanged

        parts = self.parts(deck)
        with collector_paused(when=parts.cards.builtin is not None):
            shape = self._shape(deck, parts)
            kept = KeptCollection.load(self.writer.root, deck.id, shape)
            if kept is not None:
                try:
                    return self._write_kept(deck, parts.facts(facts), parts, kept, shape)
                except (sqlite3.DatabaseError, ManyChanged):
                    pass  # an unusable kept collection, or most notes to make: made as if nothing were kept
                finally:
                    kept.close()
            check = FrontCheck(None, spilled_back)
            live = self._live_notes(deck, parts.facts(facts), parts, check)
            extra, withdrawn = parts.published.extra_notes(deck, live)
            records: list[Any] = [*live, *extra, *withdrawn]
            # The plain fronts are made again for the kept record (`held`) rather than held from the duplicate check
            # (30 MB at 50,000 facts; a microsecond a note).
            for record in records[len(live) if live and type(live[0]) is SpilledNote else 0 :]:
                check.add(record)  # after the published notes are found, as it was: their set let go first
            warnings = check.warnings + self._unreleased(deck, records)
            del check  # and its first note of each front (a dict of every note) with it, before the package is written
            self._write(deck, records, f"{deck.id}/{deck.id}.apkg", (shape, len(live), None))
            return warnings

    def _live_notes(
        self, deck: DeckSpec, facts: list[Fact], parts: _Parts, check: FrontCheck
    ) -> list[NoteRecord] | list[SpilledNote]:
        """The notes of the deck's facts (cards.py's `deck_notes`); for a deck of `STREAM_FACTS` facts or more, held
        without their fields, which go to the card-field store a batch at a time (spilled.py), each given to the
        duplicate-front `check` as it is made."""
        if len(facts) < STREAM_FACTS or self.notes is not None or parts is not self.own:
            return parts.cards.deck_notes(deck, facts)
        record = self.records.get(deck.id)
        spill = partial(spill_fields, self.writer.root / FIELDS_FILE, self.fields, self.base.facts_by_id, 1)
        return spilled_notes(parts.cards, deck, facts, record.notes if record is not None else {}, spill, check)

    def _write_kept(
        self, deck: DeckSpec, facts: list[Fact], parts: _Parts, kept: KeptCollection, shape: str
    ) -> list[str]:
        """`write_deck` with the notes of unchanged facts kept from the last package (kept_collection.py): only
        the other facts' notes and the published notes the deck no longer holds are made. Raises
        `sqlite3.DatabaseError` if the kept collection cannot be read, `ManyChanged` if many facts changed (the
        full path makes their notes on two cores)."""
        from factdeck.outputs.anki.fronts import duplicate_fronts

        live = kept.live_notes(deck, facts, parts.cards)
        extra, withdrawn = parts.published.extra_notes(deck, {note.identity for note in live})
        records = [*live, *extra, *withdrawn]
        warnings = duplicate_fronts(records, None, kept.back) + self._unreleased(deck, records)
        self._write(deck, records, f"{deck.id}/{deck.id}.apkg", (shape, len(live), None), kept)
        return warnings

    def _shape(self, deck: DeckSpec, parts: _Parts) -> str:
        """What a deck's kept collection holds besides its facts' notes (kept_collection.py): what every card
        may show, the deck's spec, the note types (their ids and whatever decides their cards)."""
        digest = hashlib.sha256(f"{parts.cards.rendered_fields.shared}\0{parts.cards.namespace}\0".encode())
        digest.update(deck.model_dump_json().encode())
        for spec in parts.specs:  # the hash covers each note type's fields and templates, before genanki adds to them
            model = parts.note_types[spec.note_type]
            digest.update(f"{spec.key}\0{self.note_type_hashes[spec.key]}\0{model.model_id}\0".encode())
        return digest.hexdigest()

    def _unreleased(self, deck: DeckSpec, records: Sequence[NoteRecord | KeptNote | SpilledNote]) -> list[str]:
        """published.py's `unreleased` warning of the package's notes `records`, if the deck has a release record."""
        record = self.records.get(deck.id)
        return unreleased(record, records) if record is not None else []

    def withdrawn_notes(self, deck: DeckSpec, facts: list[Fact]) -> tuple[NoteRecord, ...]:
        """The withdrawn notes of the deck's package, `facts` being the deck's facts (lifecycle.py); renders
        none of the live notes."""
        parts = self.parts(deck)
        return tuple(parts.published.withdrawn_only(deck, parts.facts(facts)))

    def write_subdeck(
        self,
        deck: DeckSpec,
        facts: list[Fact],
        subdeck: str,
        relative: str,
        withdrawn: tuple[NoteRecord, ...] = (),
    ) -> list[NoteRecord]:
        """Part of a deck as one subdeck `<Deck>::<subdeck>` (a study-group meeting), with the deck's
        `withdrawn` notes (`withdrawn_notes`: every pack withdraws what the full deck withdraws, and they carry
        no card, so a group that imports only this pack studies none of them). The notes keep the full deck's
        GUIDs and times, so a learner who imports both gets each note once."""
        name = f"{deck.name}::{subdeck}"
        parts = self.parts(deck)
        records = [replace(r, deck=name) for r in [*parts.cards.deck_notes(deck, parts.facts(facts)), *withdrawn]]
        self._write(deck, records, relative)
        return records

    def release_record(self, deck: DeckSpec, facts: list[Fact], inputs: bool = False) -> PublishedDeck:
        """The published record of the deck's package as this stage makes it (`inputs`: with what its notes were
        made from, release_inputs.py, as `factdeck release` writes it)."""
        notes = {}
        parts = self.parts(deck)
        facts, own = parts.facts(facts), parts is self.own  # another language's deck keeps no inputs
        if own:  # an unchanged fact's keys from the deck's record, when it says what they were made from
            release_inputs.reuse(parts.cards, deck, self.records.get(deck.id), facts)
        # The package's notes as package_notes makes them, but only their keys: a live note whose GUID and content
        # hash are stored is not rendered.
        live = parts.cards.note_keys(deck, facts)
        kept, withdrawn_notes = parts.published.extra_notes(deck, {keys.identity for keys in live})
        for record in [*live, *(NoteKeysOf.of(note) for note in [*kept, *withdrawn_notes])]:
            fact = self.base.facts_by_id.get(record.fact_id)
            withdrawn = WITHDRAWN_TAG in record.tags
            notes[record.identity] = PublishedNote(
                record.identity,
                record.guid,
                record.content,
                self.times.stamp_note(record.guid, record.content),
                record.fact_id,
                fact.era if fact is not None and not withdrawn else None,
                withdrawn,
            )
        types = {
            spec.key: {
                "hash": self.note_type_hashes[spec.key],
                "mod": parts.note_types[spec.note_type].mod,
                **self.note_type_layout(spec, parts),
            }
            for spec in parts.specs
        }
        eras = {era.id: era.title for era in self.base.eras} if deck.cards.subdecks else {}
        made = PublishedDeck(deck.id, deck.name, self.source.seconds, eras, types, notes, deck.cards.subdecks)
        made.inputs = release_inputs.inputs_of(parts.cards, deck, notes, facts) if own and inputs else {}
        return made

    def write_notes(self, deck: DeckSpec, records: list[NoteRecord], relative: str) -> None:
        """Stage a package of `records` (some of the deck's notes, as the deck's package has them) at `relative`."""
        self._write(deck, records, relative)

    def _write(
        self,
        deck: DeckSpec,
        records: Sequence[NoteRecord | KeptNote | SpilledNote],
        relative: str,
        keep: tuple[str, int, dict[str, str] | None] | None = None,
        kept: KeptCollection | None = None,
    ) -> None:
        """Stage the package of `records` at `relative`. With `keep` (the deck's shape, how many of `records`
        are its facts' own notes, the plain fronts or None to make them again), its collection is kept for the next build; kept notes are copied
        from `kept`."""
        from factdeck.outputs.anki import kept_collection
        from factdeck.outputs.anki.apkg_file import latest_mod, write_collection, write_package, zip_collection

        decks = self._decks(deck, records)
        stamps = [t.mod for t in self.parts(deck).note_types.values()]
        latest = latest_mod(decks)
        if latest is not None:
            stamps.append(latest)
        # Staged already if a kept collection failed part way (write_deck then writes every note).
        target = self.writer.staged().get((self.writer.root / relative).resolve()) or self.writer.stage(relative)
        database = kept_collection.scratch(self.writer.root, deck.id) if keep is not None else None
        if keep is None or database is None:
            write_package(decks, target, timestamp=max(stamps))
            return
        try:
            placed = write_collection(database, decks, max(stamps), kept.database if kept is not None else None)
            zip_collection(database, target)
        except BaseException:
            database.unlink(missing_ok=True)
            raise
        shape, live, fronts = keep
        parts = self.parts(deck)
        held = kept_collection.held(records[:live], decks, placed, fronts, parts.base, parts.cards.rendered_fields)
        kept_collection.keep(self.writer.root, deck.id, shape, database, held)

    def finish(self) -> None:
        from factdeck.outputs.anki import kept_collection

        self.writer.write_bytes(STATE_FILE, self.times.local.to_bytes())
        # A cache beside the outputs, never one of them (field_store.py): written in place, not staged.
        save_fields(self.writer.root / FIELDS_FILE, self.fields, self.base.facts_by_id)
        kept_collection.prune(self.writer.root, {deck.id for deck in self.base.decks})

    def note_type_layout(self, spec: NoteTypeSpec, parts: _Parts | None = None) -> dict[str, list[int]]:
        """What Anki's importer compares to tell whether a note type can be updated in place: the ids of its
        fields and card templates, in order (rslib's `Notetype::equal_schema`). Recorded by a release so that
        `check` and `release` refuse a change that would make learners' Anki add a copy of the note type."""
        model = (parts or self.own).note_types[spec.note_type]
        return {"fields": [f["id"] for f in model.fields], "templates": [t["id"] for t in model.templates]}

    def _note_type(self, spec: NoteTypeSpec, language: Language | None = None) -> NoteTypeModel:
        front, back, css = note_type_texts(self.base.root, spec, language)
        # Fixed ids: Anki (2.1.67 and later) matches fields and templates by id, so a rename is an update.
        fields = [
            {"name": name, "id": part_id(self.namespace, spec.key, f"field:{key}")}
            for name, key in zip(NOTE_FIELDS[spec.note_type], FIELD_KEYS[spec.note_type])
        ]
        template_key = "cloze" if spec.note_type == CLOZE else "card"
        templates = [
            {
                "name": "Cloze" if spec.note_type == CLOZE else "Card",
                "qfmt": front,
                "afmt": back,
                "id": part_id(self.namespace, spec.key, f"template:{template_key}"),
            }
        ]
        content = json.dumps([spec.full_name(self.note_type_prefix), fields, templates, css], ensure_ascii=False)
        digest = self.note_type_hashes[spec.key] = hashlib.sha256(content.encode("utf-8")).hexdigest()
        return NoteTypeModel(
            note_type_id(self.namespace, spec.key),
            spec.full_name(self.note_type_prefix),
            fields=fields,
            templates=templates,
            css=css,
            layout=spec.note_type,
            mod=self.times.stamp(f"notetype:{spec.key}", digest),
        )

    def _decks(self, deck: DeckSpec, records: Sequence[NoteRecord | KeptNote | SpilledNote]) -> list[PackageDeck]:
        import genanki

        from factdeck.outputs.anki.apkg_file import MadeNotes, PackageDeck, PackageNote
        from factdeck.outputs.anki.kept_collection import KeptNote

        top = genanki.Deck(
            deck_id(deck, self.namespace), deck.name, description=str(anki_text(deck.description))
        )  # HTML in Anki, like a field
        note_types = {kind: model.genanki() for kind, model in self.parts(deck).note_types.items()}
        make = PackageNote._make

        def made(record: NoteRecord | KeptNote, mod: int, position: int) -> PackageNote:
            model = note_types[record.note_type]
            if isinstance(record, KeptNote):  # its row and cards copied from the kept collection
                return make((model, (), (), "", mod, position, True, record.row, record.cards))
            if type(record) is SpilledNote:  # its fields read back from the card-field store
                fields = record.source.fields(record)
                return make((model, fields, record.tags, record.guid, mod, position, True, None, 0))
            # A withdrawn note updates the learner who has it and gives a new learner nothing to study. New cards
            # come in the deck's (chronological) order.
            return PackageNote(
                model, record.fields, record.tags, record.guid, mod, position, WITHDRAWN_TAG not in record.tags
            )

        notes = {deck.name: MadeNotes(made, [])}
        decks = {deck.name: PackageDeck(top, notes[deck.name], notes[deck.name].sources, [])}
        kinds: dict[str, dict[str, None]] = {deck.name: {}}  # each subdeck's note types in the order they come
        stamp = self.times.stamp_note
        for position, record in enumerate(records, start=1):
            subdeck = notes.get(record.deck)
            if subdeck is None:
                subdeck = notes[record.deck] = MadeNotes(made, [])
                kinds[record.deck] = {}
                decks[record.deck] = PackageDeck(
                    genanki.Deck(subdeck_id(top.deck_id, record.deck), record.deck), subdeck, subdeck.sources, []
                )
            kinds[record.deck][record.note_type] = None
            subdeck.append(record, stamp(record.guid, record.content), position)
        for name, entry in decks.items():
            entry.models = [note_types[kind] for kind in kinds[name]]
        return list(decks.values())


class AnkiPackages(Output):
    """`<deck id>/<deck id>.apkg` for each deck, and the note state once every deck is written."""

    name = "apkg"
    formats = ("apkg",)
    reads = ("apkg",)

    def __init__(self, base: FactBase, writer: OutputWriter, formats: tuple[str, ...]) -> None:
        super().__init__(base, writer, formats)
        self.stage_for_decks = ApkgStage(base, writer) if self.made else None

    def key_extra(self, deck: DeckSpec) -> str:
        return self.stage_for_decks.key_extra(deck) if self.stage_for_decks is not None else ""

    def stage(self, deck: DeckSpec, facts: list[Fact]) -> list[str]:
        assert self.stage_for_decks is not None
        _, untranslated = localized_base(self.base, deck)  # refuses, or says which facts keep their original text
        said = self.stage_for_decks.write_deck(deck, facts)
        stage = self.stage_for_decks
        if stage.notes is None:  # the card-field store's (field_store.py): kept there, not held, until asked for again
            spill_fields(stage.writer.root / FIELDS_FILE, stage.fields, stage.base.facts_by_id)
        return untranslated + said

    def finish(self) -> None:
        if self.stage_for_decks is not None:
            self.stage_for_decks.finish()
