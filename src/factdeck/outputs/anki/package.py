"""Anki stage: note records to an `.apkg` per deck, with identities that never change.

Stable identity is what lets a learner re-import a rebuilt deck without losing
review history:

- note types and decks have fixed ids, derived from keys that never change
  (or, for a deck, set in its configuration);
- notes carry the GUIDs cards.py derives from fact ids;
- each note's modification time changes only when its content does. Anki's
  importer (default options) updates a note only if the incoming one is newer,
  so a changed note must look newer and an unchanged one must not. The times
  are kept in a small state file inside the output folder.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import marshal
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import genanki

from factdeck.exceptions import OutputError, TemplateError
from factdeck.outputs.anki.cards import CARD, CLOZE, NOTE_FIELDS, CardMaker, NoteRecord, RenderedFields, anki_text
from factdeck.outputs.base import Output
from factdeck.outputs.write import OutputWriter
from factdeck.records.factbase import FactBase
from factdeck.records.identity import deck_id, stable_id, subdeck_id
from factdeck.records.schema import DeckSpec, Fact
from factdeck.records.templates import display_name, template_path

STATE_FILE = ".factdeck/anki-notes.json"
STATE_VERSION = 1
FIELDS_FILE = ".factdeck/anki-fields.bin"
_FIELDS_MAGIC = b"factdeck-anki-fields-1\0"
NOTE_TYPE_FOLDER = "anki/note-types"
# Fixed timestamp inside the zip, so the archive's bytes depend on its contents only.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def current_time() -> float:
    """The clock; tests replace it."""
    return time.time()


@dataclass(frozen=True)
class NoteTypeSpec:
    """A factdeck note type: its permanent key (the id derives from it), name, and template files."""

    key: str
    name: str
    note_type: str  # CARD or CLOZE, the cards.py field layout
    front: str
    back: str


NOTE_TYPES = (
    NoteTypeSpec("factdeck-card-v1", "factdeck: fact card", CARD, "card-front.html", "card-back.html"),
    NoteTypeSpec("factdeck-cloze-v1", "factdeck: fact cloze", CLOZE, "cloze-front.html", "cloze-back.html"),
)
STYLE = "style.css"


# --- modification times ----------------------------------------------------------------


class ModTimes:
    """Modification times that move only when content changes, remembered between builds."""

    def __init__(self, entries: dict[str, dict], now: int):
        self.entries = entries
        self.now = now

    @classmethod
    def load(cls, path: Path, now: int) -> ModTimes:
        if not path.exists():
            return cls({}, now)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["entries"]
            if data.get("version") != STATE_VERSION or not all(
                isinstance(e.get("hash"), str) and isinstance(e.get("mod"), int) for e in entries.values()
            ):
                raise ValueError("unexpected layout")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OutputError(
                f"{path}: unreadable Anki note state ({exc}); delete it to start afresh "
                "(every note then looks changed to Anki once)"
            ) from None
        return cls(entries, now)

    def stamp(self, key: str, content_hash: str) -> int:
        """The modification time for `key`: unchanged content keeps its time, changed content gets a later one."""
        old = self.entries.get(key)
        if old is not None and old["hash"] == content_hash:
            return old["mod"]
        # Strictly later than before even within the same second (Anki compares whole seconds).
        mod = max(self.now, old["mod"] + 1) if old is not None else self.now
        self.entries[key] = {"hash": content_hash, "mod": mod}
        return mod

    def to_bytes(self) -> bytes:
        # One entry per line, dumped by json's C encoder (an indented dump uses the slow Python one), the
        # value's two fields each on their own: a third faster than dumping the value's dictionary.
        dumps = json.dumps
        entries = ",\n".join(
            f' {dumps(k, ensure_ascii=False)}: {{"hash": {dumps(v["hash"])}, "mod": {int(v["mod"])}}}'
            for k, v in sorted(self.entries.items())
        )
        return f'{{"version": {STATE_VERSION}, "entries": {{\n{entries}\n}}}}\n'.encode()


# --- genanki objects with our own modification times ------------------------------------


class _NoteType(genanki.Model):
    def __init__(self, *args, mod: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> dict:
        return super().to_json(self.mod, deck_id)


class _Note(genanki.Note):
    def __init__(self, *args, mod: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.mod = mod

    def write_to_db(self, cursor, timestamp: float, deck_id, id_gen) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)

    def _check_invalid_html_tags_in_fields(self) -> None:
        """Skipped: genanki warns here about text that was never HTML-escaped, by a regular expression over
        every field of every note. Fields come from autoescaped templates, and the shipped templates' output
        is held to this check by the tests (a tenth of the package's write time at 10,000 facts)."""


# --- the stage ---------------------------------------------------------------------------


class ApkgStage:
    """Writes `<deck id>/<deck id>.apkg` for each deck, then the note state, through one OutputWriter."""

    def __init__(self, base: FactBase, writer: OutputWriter):
        self.base = base
        self.writer = writer
        from factdeck.engine.incremental import shared_key

        shared = shared_key(base, base.root, "apkg")
        self.fields = RenderedFields(shared, _load_fields(writer.root / FIELDS_FILE, shared), base.fact_json)
        self.cards = CardMaker(base, self.fields)
        self.mods = ModTimes.load(writer.root / STATE_FILE, int(current_time()))
        self.note_types = {spec.note_type: self._note_type(spec) for spec in NOTE_TYPES}

    def write_deck(self, deck: DeckSpec, facts: list[Fact]) -> list[NoteRecord]:
        """Stage `<deck id>/<deck id>.apkg` with the notes of `facts`; returns the notes."""
        records = self.cards.deck_notes(deck, facts)
        self._write(deck, records, f"{deck.id}/{deck.id}.apkg")
        return records

    def write_subdeck(self, deck: DeckSpec, facts: list[Fact], subdeck: str, relative: str) -> list[NoteRecord]:
        """Part of a deck as one subdeck `<Deck>::<subdeck>` (a study-group meeting). The notes keep the full
        deck's GUIDs, so a learner who imports both gets each note once."""
        name = f"{deck.name}::{subdeck}"
        records = [replace(r, deck=name) for r in self.cards.deck_notes(deck, facts)]
        self._write(deck, records, relative)
        return records

    def _write(self, deck: DeckSpec, records: list[NoteRecord], relative: str) -> None:
        decks = self._decks(deck, records)
        package = genanki.Package(decks)
        stamps = [n.mod for d in decks for n in d.notes] + [t.mod for t in self.note_types.values()]
        _write_package(package, self.writer.stage(relative), timestamp=max(stamps))

    def finish(self) -> None:
        self.writer.write_bytes(STATE_FILE, self.mods.to_bytes())
        # Fields of facts no longer in the base go; those of facts this build did not render stay.
        # One small record per fact, streamed: one dump of them all would need their size again in memory.
        with open(self.writer.stage(FIELDS_FILE), "wb") as out:
            out.write(_FIELDS_MAGIC)
            marshal.dump(self.fields.shared, out)
            for record in self.fields.to_keep(self.base.facts_by_id):
                marshal.dump(record, out)
            out.flush()
            os.fsync(out.fileno())

    def _note_type(self, spec: NoteTypeSpec) -> _NoteType:
        # Read as they are: these use Anki's {{Field}} syntax and must never pass through Jinja2. Each is the
        # project's own file if it has one, else the built-in one.
        names = [f"{NOTE_TYPE_FOLDER}/{name}" for name in (spec.front, spec.back, STYLE)]
        try:
            front, back, css = (template_path(self.base.root, name).read_text(encoding="utf-8") for name in names)
        except OSError as exc:
            name = f"{NOTE_TYPE_FOLDER}/{Path(exc.filename or '').name}"
            raise TemplateError(
                f"{display_name(name, exc.filename)}: cannot read Anki card template ({exc.strerror})"
            ) from None
        fields = [{"name": name} for name in NOTE_FIELDS[spec.note_type]]
        templates = [{"name": "Cloze" if spec.note_type == CLOZE else "Card", "qfmt": front, "afmt": back}]
        content = json.dumps([spec.name, fields, templates, css], ensure_ascii=False)
        mod = self.mods.stamp(f"notetype:{spec.key}", hashlib.sha256(content.encode("utf-8")).hexdigest())
        return _NoteType(
            stable_id("factdeck note type", spec.key),
            spec.name,
            fields=fields,
            templates=templates,
            css=css,
            model_type=genanki.Model.CLOZE if spec.note_type == CLOZE else genanki.Model.FRONT_BACK,
            mod=mod,
        )

    def _decks(self, deck: DeckSpec, records: list[NoteRecord]) -> list[genanki.Deck]:
        top = genanki.Deck(
            deck_id(deck), deck.name, description=str(anki_text(deck.description))
        )  # HTML in Anki, like a field
        decks = {deck.name: top}
        for position, record in enumerate(records, start=1):
            if record.deck not in decks:
                decks[record.deck] = genanki.Deck(subdeck_id(top.deck_id, record.deck), record.deck)
            decks[record.deck].add_note(
                _Note(
                    model=self.note_types[record.note_type],
                    fields=list(record.fields),
                    tags=list(record.tags),
                    guid=record.guid,
                    due=position,  # new cards come in the deck's (chronological) order
                    mod=self.mods.stamp(f"note:{record.identity}", record.content_hash()),
                )
            )
        return list(decks.values())


def _load_fields(path: Path, shared: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The fields the last build saved, if it saved them for the same `shared` hash; anything unreadable or
    unexpected counts as nothing saved (a full render, never a crash)."""
    entries: dict[str, tuple[str, dict[str, str]]] = {}
    try:
        with open(path, "rb") as saved:
            if saved.read(len(_FIELDS_MAGIC)) != _FIELDS_MAGIC or marshal.load(saved) != shared:
                return {}
            while True:
                try:
                    fact_id, entry = marshal.load(saved)
                except EOFError:
                    return entries
                digest, fields = entry
                if not (
                    type(fact_id) is str
                    and type(digest) is str
                    and type(fields) is dict
                    and all(type(k) is str and type(v) is str for k, v in fields.items())
                ):
                    return {}
                entries[fact_id] = (digest, fields)
    except (OSError, ValueError, EOFError, TypeError):
        return {}


def _write_package(package: genanki.Package, target: Path, timestamp: int) -> None:
    """genanki's write_to_file, but deflated, with fixed zip times and no leftover temporary database."""
    with tempfile.TemporaryDirectory(prefix="factdeck-apkg-") as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            # A scratch file zipped as soon as it is written: no rollback journal, no waiting for the disk.
            connection.execute("PRAGMA journal_mode=OFF")
            connection.execute("PRAGMA synchronous=OFF")
            package.write_to_db(connection.cursor(), timestamp, itertools.count(timestamp * 1000))
            connection.commit()
        finally:
            connection.close()
        # Level 1: a third of level 6's time on a large collection, for a file about a quarter larger. The
        # database is copied in, not read whole: at 10,000 facts it is 55 MB.
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            with open(database, "rb") as source, archive.open(_zip_entry("collection.anki2"), "w") as entry:
                shutil.copyfileobj(source, entry, 1 << 20)
            archive.writestr(_zip_entry("media"), b"{}")


def _zip_entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    # ZipFile.open takes the level from the entry; `_compresslevel` is its only name before Python 3.13, and
    # an alias of `compress_level` from then on.
    entry._compresslevel = 1  # type: ignore[attr-defined]
    return entry


class AnkiPackages(Output):
    """`<deck id>/<deck id>.apkg` for each deck, and the note state once every deck is written."""

    name = "apkg"
    formats = ("apkg",)
    reads = ("apkg",)

    def __init__(self, base: FactBase, writer: OutputWriter, formats: tuple[str, ...]) -> None:
        super().__init__(base, writer, formats)
        self.stage_for_decks = ApkgStage(base, writer) if self.made else None

    def key_extra(self, deck: DeckSpec) -> str:
        return ""

    def stage(self, deck: DeckSpec, facts: list[Fact]) -> list[str]:
        assert self.stage_for_decks is not None
        self.stage_for_decks.write_deck(deck, facts)
        return []

    def finish(self) -> None:
        if self.stage_for_decks is not None:
            self.stage_for_decks.finish()
