"""The collection (the SQLite file inside the `.apkg`) of each deck's last package, kept in the build folder
(`.factdeck/anki-collections/<deck id>.anki2`) with a record of the notes it holds, so that a rebuild makes only
the notes of facts that changed and copies every other note's row and cards from it.

A fact's notes (GUIDs, note types, fields, tags, which cards) depend only on its whole record, on what every
card may show (the card-field store's shared hash: factdeck's code, `templates/anki/`, sources, eras, glossary,
translations, catalogs), on the deck's spec and on the note types (their templates decide the cards). So the
record keeps, per fact, a hash of the record the notes were made from, the subdeck they went to, and each
note's identity, content hash, note type, front (as Anki compares fronts for duplicates), row id and number of
cards; and, for the whole package, a hash of the rest (the `shape`). A note's id, time, deck and position are
not kept: every build gives them afresh (ids follow the package's time and the notes' order, as genanki's do),
so the package is byte for byte the one a build with nothing kept writes (apkg_file.py inserts the rows in the
same order either way; tests hold the two to each other after each kind of change).

The collection is trusted only with the size, modification time and inode the record holds for it (a
replaced, edited, truncated or missing file means making every note), and a record that is missing, damaged,
of another shape or another layout counts as nothing kept. Both are caches: never outputs, never hashed into
the build's state, and rewritten by the next build that writes the deck's package.
"""

from __future__ import annotations

import contextlib
import itertools
import marshal
import os
import sqlite3
import struct
from collections.abc import Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from factdeck.engine.parallel import MIN_ITEMS
from factdeck.outputs.anki.fronts import front_of
from factdeck.records.identity import WITHDRAWN_TAG

if TYPE_CHECKING:
    from factdeck.outputs.anki.apkg_file import PackageDeck
    from factdeck.outputs.anki.cards import CardMaker, NoteRecord
    from factdeck.outputs.anki.rendered import RenderedFields
    from factdeck.outputs.anki.spilled import SpilledNote
    from factdeck.records.factbase import FactBase
    from factdeck.records.schema import DeckSpec, Fact

FOLDER = ".factdeck/anki-collections"
_LAYOUT = "factdeck-kept-collection-3"  # the pieces below, and KeptNote's values in their order
_SUFFIX = ".factdeck-tmp"  # outputs/write.py's TEMP_SUFFIX: a build sweeps what an interrupted one left
# The record is a header piece (layout, shape, stamp, how many pieces follow), then its facts in pieces of up to
# _FACTS_PER_PIECE, each piece its length (8 bytes, little-endian) and a marshalled list of (fact id, record hash,
# subdeck, notes): written and read a piece at a time, never whole (about 100 MB at 50,000 facts, on top of the
# build's peak).
_FACTS_PER_PIECE = 1000
_LENGTH = struct.Struct("<Q")


class KeptNote(NamedTuple):
    """A note of the last package, as the package step reads it without its fields: identity, content hash,
    fact, note type (cards.py's CARD or CLOZE), subdeck, front (plain, as Anki compares them), its note id in the
    kept collection, the number of cards it has there and its GUID (what its time is found by: an edition's note
    has its original's identity). (A tuple: a large deck keeps tens of thousands.)"""

    identity: str
    content: str
    fact_id: str
    note_type: str
    deck: str
    front: str
    row: int
    cards: int
    guid: str

    def content_hash(self) -> str:
        return self.content

    @property
    def tags(self) -> tuple[str, ...]:
        return ()  # a kept note is a live one (withdrawn notes are made afresh): it has no withdrawn tag


class ManyChanged(Exception):
    """So many facts changed that their notes are better made on two cores, as if nothing were kept."""


def _stamp(path: Path) -> list[int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ino]


class KeptCollection:
    """One deck's kept collection and its record (`load` gives it when both are usable)."""

    def __init__(self, database: Path, facts: dict[str, tuple[str, str, tuple[KeptNote, ...]]]):
        self.database = database
        self.facts = facts  # fact id -> (record hash, subdeck, notes)
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def load(cls, folder: Path, deck_id: str, shape: str) -> KeptCollection | None:
        """The kept collection of `deck_id` in the build folder `folder`, if its record is readable, of `shape`,
        and the file is the one the record was written with; else None."""
        database, record = paths(folder, deck_id)
        try:
            pieces = read_record(record)
            try:
                header = next(pieces)
                if not (type(header) is dict and header.get("layout") == _LAYOUT and header.get("shape") == shape):
                    return None
                if header.get("stamp") != _stamp(database):
                    return None  # the pieces are not read at all
                facts: dict[str, tuple[str, str, tuple[KeptNote, ...]]] = {}
                make = KeptNote._make
                for piece in pieces:
                    for fact_id, digest, deck, notes in piece:
                        facts[fact_id] = (digest, deck, tuple(map(make, notes)))
            finally:
                pieces.close()
            return cls(database, facts)
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            return None

    def notes(self, fact_id: str, digest: str, deck: str) -> tuple[KeptNote, ...] | None:
        """The kept notes of a fact whose record hashes to `digest` and whose notes go to `deck`, or None."""
        kept = self.facts.get(fact_id)
        if kept is None or kept[0] != digest or kept[1] != deck:
            return None
        return kept[2]

    def live_notes(self, deck: DeckSpec, facts: list[Fact], cards: CardMaker) -> list[NoteRecord | KeptNote]:
        """The notes of `facts` in `deck` (cards.py's `deck_notes`): kept where the fact and its subdeck are as
        they were, else made. Raises `ManyChanged` when it would make the notes of MIN_ITEMS facts or more."""
        live: list[NoteRecord | KeptNote] = []
        made = 0
        # `notes` inlined, with the subdeck's name made once per era: 30,000 calls fewer at 10,000 facts.
        kept_facts, digest, deck_name = self.facts, cards.rendered_fields.digest, cards.deck_name
        names: dict[str, str] = {}
        for fact in facts:
            kept = kept_facts.get(fact.id)
            notes = None
            if kept is not None and kept[0] == digest(fact):
                name = names.get(fact.era)
                if name is None:
                    name = names[fact.era] = deck_name(deck, fact)
                if kept[1] == name:
                    notes = kept[2]
            if notes is None:
                made += 1
                if made >= MIN_ITEMS:
                    raise ManyChanged
                live.extend(cards.fact_notes(deck, fact))
            else:
                live.extend(notes)
        return live

    def back(self, note: KeptNote) -> str:
        """The note's fields after the front, joined as the collection joins them (for the duplicate-front check,
        which compares backs only of notes whose fronts are the same). Raises `sqlite3.DatabaseError`."""
        if self._connection is None:
            self._connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        row = self._connection.execute("SELECT flds FROM notes WHERE id = ?", (note.row,)).fetchone()
        if row is None:
            raise sqlite3.DatabaseError(f"{self.database}: note {note.row} is missing")
        return str(row[0]).partition("\x1f")[2]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def paths(folder: Path, deck_id: str) -> tuple[Path, Path]:
    """The kept collection of a deck and its record, in the build folder `folder`."""
    kept = folder / FOLDER
    return kept / f"{deck_id}.anki2", kept / f"{deck_id}.notes"


def scratch(folder: Path, deck_id: str) -> Path | None:
    """Where a deck's new collection is written before it is zipped and kept (beside the kept one, so it replaces
    it without copying; swept as a leftover if the build is interrupted); None if the folder cannot be made
    (then nothing is kept)."""
    database, _ = paths(folder, deck_id)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return database.with_name(f".{database.name}.{os.getpid()}{_SUFFIX}")


def keep(
    folder: Path,
    deck_id: str,
    shape: str,
    written: Path,
    facts: Iterable[tuple[str, tuple[str, str, list[tuple[Any, ...]]]]],
) -> None:
    """Keep the collection `written` (from `scratch`) as the deck's, with its record: per fact (`held`'s pairs, or a
    dict's items) its id, record hash, subdeck and notes (KeptNote's values), written a piece at a time as they come.
    A record that cannot be written (or a `facts` that raises ValueError) only means the next build makes every
    note."""
    database, record = paths(folder, deck_id)
    stale = record.with_name(f".{record.name}.{os.getpid()}{_SUFFIX}")
    try:
        # The record is written beside the collection before either is renamed into place, so a build killed at
        # any moment leaves both files (tests/test_interrupted.py). A rename keeps a file's size, time and inode,
        # so `written`'s stamp is the kept collection's; and a record left beside a newer collection (killed
        # between the two renames) names another inode than that collection's, so `load` refuses it.
        stamp = _stamp(written)
        if stamp is None:
            raise OSError(f"{written}: the collection written is gone")
        with open(stale, "wb") as out:
            # The header says how many pieces follow: written first as if none did, and again once they are
            # written (its length does not depend on the count, a marshalled int of four bytes).
            first = _piece({"layout": _LAYOUT, "shape": shape, "stamp": stamp, "pieces": 0})
            out.write(first)
            entries = iter(facts)
            pieces = 0
            while piece := [(i, d, deck, n) for i, (d, deck, n) in itertools.islice(entries, _FACTS_PER_PIECE)]:
                out.write(_piece(piece))
                pieces += 1
            header = _piece({"layout": _LAYOUT, "shape": shape, "stamp": stamp, "pieces": pieces})
            if len(header) != len(first):
                raise ValueError("the record's header would not fit its place")
            out.seek(0)
            out.write(header)
        os.replace(written, database)
        os.replace(stale, record)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            stale.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            # The collection is kept without a record (the old record would not match it, but goes first anyway).
            record.unlink(missing_ok=True)
            if written.exists():
                os.replace(written, database)
        with contextlib.suppress(OSError):
            written.unlink(missing_ok=True)


def read_record(path: Path) -> Generator[Any, None, None]:
    """The pieces of a kept collection's record file `path`, in order: its header (a dict), then lists of (fact id,
    record hash, subdeck, notes), as many as the header's `pieces` says, each read when asked for. Raises `OSError`,
    `ValueError` (a short piece, or bytes after the last), `EOFError`, and `KeyError` or `TypeError` (a header
    without a count of pieces) when the pieces are asked for."""
    with open(path, "rb") as source:
        header = _read_piece(source)
        yield header
        for _ in range(header["pieces"]):
            yield _read_piece(source)
        if source.read(1):
            raise ValueError("more pieces than the record's header says")


def _piece(value: Any) -> bytes:
    data = marshal.dumps(value)
    return _LENGTH.pack(len(data)) + data


def _read_piece(source: Any) -> Any:
    """The next piece of an open record file (a read of its own length: marshal.load reads a file in small pieces,
    six times slower). Raises `ValueError` if the file ends within it."""
    head = source.read(_LENGTH.size)
    if len(head) != _LENGTH.size:
        raise ValueError("the record ends within a piece's length")
    (length,) = _LENGTH.unpack(head)
    # Checked before reading: a record of another layout or garbled has anything there, up to 2**64.
    if length > os.fstat(source.fileno()).st_size - source.tell():
        raise ValueError("the record ends within a piece")
    return marshal.loads(source.read(length))


def prune(folder: Path, deck_ids: set[str]) -> None:
    """Remove the kept collections of decks the project no longer has (a deck whose id changed leaves its old
    one behind otherwise)."""
    with contextlib.suppress(OSError):
        for path in (folder / FOLDER).iterdir():
            if path.suffix in (".anki2", ".notes") and path.stem not in deck_ids:
                path.unlink(missing_ok=True)


def held(
    live: Sequence[NoteRecord | KeptNote | SpilledNote],
    decks: list[PackageDeck],
    placed: Sequence[tuple[int, int]],
    fronts: dict[str, str] | None,
    base: FactBase,
    rendered: RenderedFields,
) -> Iterator[tuple[str, tuple[str, str, list[tuple[Any, ...]]]]]:
    """What `keep` records of a package's `live` notes (its facts' own, in order, each fact's together): per fact its
    id and its record's hash, subdeck and notes, each with its row id and card count as written (`placed`, in the
    order of the subdecks' notes, whose `sources` are the records) and its plain front (`fronts`, by identity; None:
    made here as the duplicate check made it, `fronts.front_of`, which then holds none of them).
    Made a fact at a time as `keep` writes them, never all at once (about 30 MB at 50,000 facts, on top of the
    build's peak). A fact with a note the duplicate check did not read (none should be) is left out: made next
    time. Raises ValueError if a fact's notes are not together."""
    # Each record's row id and card count: `placed` follows the subdecks' notes, each subdeck's in the order of
    # `live` (package.py's `_decks`), so a live note is its subdeck's next one. Found so, not by a dict of every
    # note by its identity in memory (10 MB at 50,000 facts); a note that is not where it should be raises.
    starts: dict[str, list[Any]] = {}  # per subdeck: [its first note's place, its notes, the next live note's place]
    start = 0
    for subdeck in decks:
        starts[subdeck.deck.name] = [start, subdeck.sources, start]
        start += len(subdeck.sources)
    facts_by_id = base.facts_by_id
    digest = rendered.digest
    done: set[str] = set()
    entry: tuple[str, str, list[tuple[Any, ...]]] | None = None
    current = ""
    whole = True  # whether every note of the current fact has its front
    for record in live:
        fact_id = record.fact_id
        if entry is None or fact_id != current:
            if entry is not None and whole:
                yield current, entry
            if fact_id in done:
                raise ValueError(f"the notes of fact '{fact_id}' are not together")
            done.add(fact_id)
            current, whole = fact_id, True
            entry = (digest(facts_by_id[fact_id]), record.deck, [])
        identity = record.identity
        place = starts.get(record.deck)
        if place is None or place[2] - place[0] >= len(place[1]) or place[1][place[2] - place[0]] is not record:
            raise ValueError(f"note '{identity}' is not where the package placed it")
        row, cards = placed[place[2]]
        place[2] += 1
        if fronts is not None:
            front = fronts.get(identity)
        else:  # what the duplicate check read: every note's but a withdrawn one's
            front = None if WITHDRAWN_TAG in record.tags else front_of(record)
        if front is None:
            whole = False
            continue
        if type(record) is KeptNote and front == record[5]:
            # A kept note's values are its own with this package's row id and card count: sliced, not spelled out.
            entry[2].append((*record[:6], row, cards, record[8]))
            continue
        entry[2].append(
            (identity, record.content, fact_id, record.note_type, record.deck, front, row, cards, record.guid)
        )
    if entry is not None and whole:
        yield current, entry
