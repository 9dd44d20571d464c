"""An Anki package (.apkg) with genanki's collection layout, its note and card rows made directly and written
in one transaction, reproducibly: deflated by zlib-ng at level 2, fixed zip times, no leftover temporary
database. The format is Anki's own: a zip holding `collection.anki2` (SQLite) and `media`.

genanki's `Package.write_to_db` makes a `Note` object per note and inserts its note and each card row by row;
at 25,000 notes that was a fifth of the package's time. Here genanki still writes the schema, the collection
row and each deck's and note type's JSON (`Deck.write_to_db` with the deck's note types and no notes), and
the rows it would insert for each note are made from the note's values and inserted with `executemany`: the
same values, ids from the same sequence (a note's id, then its cards' ids), cards decided by genanki's own
rules (`Model._req` for a front/back note type, the `{{cN::` markers for a cloze). tests/test_anki_rows.py
holds the rows to those genanki writes for the same notes.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import sqlite3
import struct
import tempfile
from array import array
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA
from zlib_ng import zlib_ng

from factdeck.engine.parallel import cores
from factdeck.exceptions import OutputError

# The collection's SQLite page size (bytes; SQLite's largest). SQLite reads and writes a page per system call:
# with its default 4 KiB a 10,000-fact rebuild made about 22,000 reads and as many writes copying the kept rows,
# and long fields spilled into overflow pages. 64 KiB pages cut the rebuild's CPU time by a tenth to a fifth and
# the collection by a sixth (docs/performance.md). A kept collection of other pages (an older build's) reads the same.
PAGE_SIZE = 65536
_NOTE_ROW = "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)"
_CARD_ROW = "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"


class PackageNote(NamedTuple):
    """One note as the package stores it: its note type, fields (in the note type's order), tags (no spaces),
    GUID, modification time (seconds), position among the deck's new cards, and whether it has cards (a
    withdrawn note has none: Anki's importer keeps a learner's cards on update). (A tuple: a deck may have tens
    of thousands.)"""

    model: genanki.Model
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    guid: str
    mod: int
    due: int
    cards: bool = True
    # A note whose row (GUID, note type, tags, fields) and cards (their order and templates) are those of the
    # note with this id in the previous collection (`write_collection`'s `previous`), which holds `kept_cards`
    # cards for it: copied from there, only ids, times, deck and position new. `fields`, `tags` and `guid` are
    # then not read.
    kept: int | None = None
    kept_cards: int = 0


@dataclass
class PackageDeck:
    """A deck of the package (genanki's, for its JSON) and its notes in order."""

    deck: genanki.Deck
    notes: Sequence[PackageNote]
    sources: list[Any] = field(default_factory=list)  # what each note was made from, if the maker keeps it
    # Its notes' note types in the order they first come, if the maker knows them: else read from the notes, each
    # made for it (a note made again may read its fields back from the card-field store: spilled.py).
    models: list[genanki.Model] | None = None


class MadeNotes(Sequence[PackageNote]):
    """A package deck's notes, each made when read (`make` of its source, modification time and position among the
    deck's new cards), the sources being the deck's (`PackageDeck.sources`) and the times and positions held as
    machine numbers: the collection's rows read each note twice, and a `PackageNote` and two ints held per note were
    about 28 MB for the 150,000 notes of deck `all` at 50,000 facts, from the package's decks to its kept record."""

    def __init__(self, make: Callable[[Any, int, int], PackageNote], sources: list[Any]) -> None:
        self.make = make
        self.sources = sources
        self.mods = array("q")
        self.dues = array("q")

    def append(self, source: Any, mod: int, due: int) -> None:
        self.sources.append(source)
        self.mods.append(mod)
        self.dues.append(due)

    def __len__(self) -> int:
        return len(self.mods)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        return self.make(self.sources[index], self.mods[index], self.dues[index])

    def __iter__(self) -> Iterator[PackageNote]:
        return map(self.make, self.sources, self.mods, self.dues)


def latest_mod(decks: list[PackageDeck]) -> int | None:
    """The latest modification time of the decks' notes (None if they have none), read without making them."""
    times = (
        max(d.notes.mods) if isinstance(d.notes, MadeNotes) else max(n.mod for n in d.notes) for d in decks if d.notes
    )
    return max(times, default=None)


class _CardRule:
    """Which cards genanki gives a note of `model` (`Note.cards`), worked out once per note type."""

    def __init__(self, model: genanki.Model):
        self.cloze = model.model_type == model.CLOZE
        if self.cloze:
            qfmt = model.templates[0]["qfmt"]
            names = set(re.findall(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}", qfmt) + re.findall("<%cloze:(.+?)%>", qfmt))
            positions = [next((i for i, f in enumerate(model.fields) if f["name"] == n), -1) for n in names]
            self.cloze_fields = positions
        else:
            self.req = [({"any": any, "all": all}[how], card, fields) for card, how, fields in model._req]
        self.field_count = len(model.fields)

    def ords(self, fields: tuple[str, ...]) -> list[int]:
        if len(fields) != self.field_count:
            raise ValueError(f"a note has {len(fields)} fields where its note type has {self.field_count}")
        if not self.cloze:
            return [card for test, card, required in self.req if test(fields[i] for i in required)]
        ords: set[int] = set()
        for i in self.cloze_fields:
            value = fields[i] if i >= 0 else ""
            ords.update(int(m) - 1 for m in _CLOZE_NUMBER.findall(value) if int(m) > 0)
        return list(ords)  # genanki's order: the set's


_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)


# The rows of a kept note and of its cards, copied from the previous collection (attached as `previous`) with the
# ids, times, deck and position this package gives it (the `kept` table, one row per kept note in package order).
_COPY_NOTES = (
    "INSERT INTO notes SELECT k.id, n.guid, n.mid, k.mod, -1, n.tags, n.flds, n.sfld, 0, 0, '' "
    "FROM temp.kept k JOIN previous.notes n ON n.id = k.old WHERE k.seq BETWEEN ? AND ? ORDER BY k.seq"
)
_COPY_CARDS = (
    "INSERT INTO cards SELECT k.id + c.id - k.old, k.id, k.did, c.ord, k.mod, -1, 0, 0, k.due, 0, 0, 0, 0, 0, 0, 0, 0, '' "
    "FROM temp.kept k JOIN previous.cards c ON c.nid = k.old WHERE k.seq BETWEEN ? AND ? ORDER BY k.seq, c.id"
)
_KEPT_ROW = "INSERT INTO temp.kept VALUES(?,?,?,?,?,?,?)"


@dataclass
class _DeckRows:
    """One deck's rows in the order genanki inserts them: runs of new notes (each note's id and place among the deck's
    notes; for the cards, the first card's id, the note's id, the deck's id, the template numbers and the note's time
    and position: the rows are made as they are inserted) and of kept notes (their first and last `seq` in the `kept` table), for the notes and for their
    cards; and the kept table's rows."""

    deck_id: int
    notes: list[list[tuple] | tuple[int, int]]
    cards: list[list[tuple] | tuple[int, int]]
    kept: list[tuple]


class Placed(Sequence[tuple[int, int]]):
    """Each note's id and card count as written, in the order of the decks' notes, as (id, count) pairs: held in two
    arrays of machine numbers, not a tuple and an int object per note (about 15 MB for the 150,000 notes of deck
    `all` at 50,000 facts, held until the kept collection's record is written)."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.cards = array("q")

    def append(self, placed: tuple[int, int]) -> None:
        self.ids.append(placed[0])
        self.cards.append(placed[1])

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return list(zip(self.ids[index], self.cards[index]))
        return self.ids[index], self.cards[index]


def _rows(decks: list[PackageDeck], ids: Iterator[int], placed: Placed) -> Iterator[_DeckRows]:
    """Per deck: its rows, ids drawn as genanki draws them (a note's id, then its cards'). `placed` gets each
    note's id and card count, in the order of the decks' notes."""
    rules: dict[int, _CardRule] = {}
    seq = itertools.count()
    for entry in decks:
        deck_id = entry.deck.deck_id
        rows = _DeckRows(deck_id, [], [], [])
        for index, note in enumerate(entry.notes):
            model = note.model
            note_id = next(ids)
            if note.kept is not None:
                number = next(seq)
                rows.kept.append((number, note_id, note.kept, note.mod, note.due, deck_id, note.kept_cards))
                for _ in range(note.kept_cards):
                    next(ids)
                # The notes' and the cards' runs end alike: a kept run grows, or one starts.
                last = rows.notes[-1] if rows.notes else None
                if type(last) is tuple and last[1] == number - 1:
                    rows.notes[-1] = rows.cards[-1] = (last[0], number)
                else:
                    rows.notes.append((number, number))
                    rows.cards.append((number, number))
                placed.append((note_id, note.kept_cards))
                continue
            rule = rules.get(id(model))
            if rule is None:
                rule = rules[id(model)] = _CardRule(model)
            for tag in note.tags:
                if " " in tag:
                    raise ValueError(f'Tag "{tag}" contains a space; this is not allowed!')
            ords = rule.ords(note.fields)
            # A note's rows are made as they are inserted (`_note_row`, `_card_rows`): a deck's rows, its fields
            # joined, were all made before the first was inserted (86 MB at once for the 21,000 notes of a deck
            # without subdecks at 50,000 facts). The note is made again then, from its place: a note made from
            # a source without fields reads them back (spilled.py), and a deck's notes held whole would hold them.
            _new_rows(rows.notes).append((note_id, index))
            cards = _new_rows(rows.cards)
            if note.cards and ords:
                first = next(ids)  # the cards' ids follow one another
                for _ in ords[1:]:
                    next(ids)
                cards.append((first, note_id, deck_id, ords, note.mod, note.due))
            placed.append((note_id, len(ords) if note.cards else 0))
        yield rows


def _note_row(notes: Sequence[PackageNote], new: tuple[int, int]) -> tuple:
    """The row of a new note (its id, its place in its deck's `notes`), as genanki writes it."""
    note_id, index = new
    note = notes[index]
    fields = note.fields
    return (note_id, note.guid, note.model.model_id, note.mod, -1, f" {' '.join(note.tags)} ", "\x1f".join(fields),
            fields[note.model.sort_field_index], 0, 0, "")  # fmt: skip


def _card_rows(cards: tuple[int, int, int, list[int], int, int]) -> Iterator[tuple]:
    """The rows of a new note's cards (the first card's id, the note's id, the deck's id, the cards' template
    numbers, the note's time and position), as genanki writes them."""
    first, note_id, deck_id, ords, mod, due = cards
    for n, card in enumerate(ords):
        yield (first + n, note_id, deck_id, card, mod, -1, 0, 0, due, 0, 0, 0, 0, 0, 0, 0, 0, "")


def _new_rows(runs: list[list[tuple] | tuple[int, int]]) -> list[tuple]:
    """The run of new rows at the end of `runs` (started if the last run is of kept notes)."""
    if not runs or isinstance(runs[-1], tuple):
        runs.append([])
    last = runs[-1]
    assert isinstance(last, list)
    return last


def write_collection(database: Path, decks: list[PackageDeck], timestamp: int, previous: Path | None = None) -> Placed:
    """Write the collection of `decks` (genanki's schema and JSON, then every note and card row) to `database`,
    a new file, in one transaction. `timestamp`: the collection's time (genanki's; the notes carry their own).
    Kept notes (`PackageNote.kept`) are copied from the collection `previous`; the rows are inserted in the same
    order either way, so the file is byte for byte the one all new rows make. Returns each note's id and card
    count, in the order of the decks' notes (`Placed`). Raises `sqlite3.DatabaseError` if `previous` cannot be read."""
    connection = sqlite3.connect(database)
    placed = Placed()
    try:
        # Set while the file is still empty: the page size is fixed when the first table is made.
        connection.execute(f"PRAGMA page_size={PAGE_SIZE}")
        # A scratch file zipped as soon as it is written: no rollback journal, no waiting for the disk.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        cursor = connection.cursor()
        if previous is not None:  # outside any transaction, which ATTACH needs; nothing of it is in `database`
            cursor.execute("ATTACH DATABASE ? AS previous", (str(previous),))
            cursor.execute("PRAGMA temp_store=MEMORY")
            cursor.execute("CREATE TEMP TABLE kept (seq INTEGER PRIMARY KEY, id, old, mod, due, did, cards)")
        cursor.executescript(APKG_SCHEMA)
        cursor.executescript(APKG_COL)
        # From here on one transaction (the sqlite3 module opens it at the first UPDATE), committed once.
        ids = itertools.count(timestamp * 1000)
        rows = _rows(decks, ids, placed)
        for entry in decks:
            for model in entry.models if entry.models is not None else (note.model for note in entry.notes):
                entry.deck.add_model(model)
            entry.deck.write_to_db(cursor, timestamp, ids)  # its JSON and its note types' (it holds no notes)
            made = next(rows)
            assert made.deck_id == entry.deck.deck_id
            if made.kept:
                cursor.executemany(_KEPT_ROW, made.kept)
            for runs, insert, copy in ((made.notes, _NOTE_ROW, _COPY_NOTES), (made.cards, _CARD_ROW, _COPY_CARDS)):
                for run in runs:
                    if isinstance(run, list):
                        made_rows = (
                            map(partial(_note_row, entry.notes), run)
                            if insert is _NOTE_ROW
                            else itertools.chain.from_iterable(map(_card_rows, run))
                        )
                        cursor.executemany(insert, made_rows)
                        continue
                    cursor.execute(copy, run)
                    first = made.kept[0][0]
                    kept = made.kept[run[0] - first : run[1] + 1 - first]
                    if cursor.rowcount != (len(kept) if copy is _COPY_NOTES else sum(k[6] for k in kept)):
                        raise sqlite3.DatabaseError("the previous collection does not hold the notes it was kept for")
        connection.commit()
    finally:
        connection.close()
    return placed


def write_package(decks: list[PackageDeck], target: Path, timestamp: int) -> None:
    """The package of `decks` at `target`: the collection written to a scratch file, then zipped."""
    with tempfile.TemporaryDirectory(prefix="factdeck-apkg-") as folder:
        database = Path(folder) / "collection.anki2"
        write_collection(database, decks, timestamp)
        zip_collection(database, target)


def zip_collection(database: Path, target: Path) -> None:
    """`database` as the package `target`: a zip of `collection.anki2` and `media` (an empty media map).

    The collection is deflated by zlib-ng at level 2 (`_LEVEL`) in pieces of 1 MiB, each by its own compressor
    primed with the 32 KiB before it (as pigz does), on as many threads as the build may use cores: the pieces
    joined are one deflate stream any reader inflates, a few bytes longer than one compressor's, and the same
    bytes however many threads made them.
    The zip around them is written here (zipfile has no way to take data already deflated): the layout and
    values zipfile writes on Linux, on every system, times fixed at the zip format's earliest."""
    name = b"collection.anki2"
    with open(database, "rb") as source, open(target, "wb") as out:
        size = os.fstat(source.fileno()).st_size
        _fits(target, size)
        # The local header before the deflated pieces, written again once their CRC and length are known: each
        # piece goes to the file as it is made, never all of them in memory (30 MB at 50,000 facts, on top of the
        # build's peak).
        out.write(_LOCAL_HEADER.pack(b"PK\x03\x04", *_entry_values(0, 0, size, name)) + name)
        workers = min(cores(), -(-size // _PIECE))
        with ThreadPoolExecutor(workers) if workers > 1 else contextlib.nullcontext() as pool:
            length = 0
            crc = 0
            window = b""
            batch: list[tuple[bytes, bytes, bool]] = []
            at = 0
            while True:  # read a few pieces at a time: the collection is never in memory whole
                piece = source.read(_PIECE)
                at += len(piece)
                crc = zlib_ng.crc32(piece, crc)
                last = at >= size or not piece
                batch.append((window, piece, last))
                window = piece[-_WINDOW:]
                if last or len(batch) == 4 * workers:
                    for deflated in pool.map(_deflate, *zip(*batch)) if pool else (_deflate(*b) for b in batch):
                        out.write(deflated)
                        length += len(deflated)
                    batch = []
                if last:
                    break
        _fits(target, length)
        end = out.tell()
        # Where the media entry and the central directory start must fit their 4-byte fields too.
        _fits(target, end + _TAIL)
        values = _entry_values(crc, length, size, name)
        out.seek(0)
        out.write(_LOCAL_HEADER.pack(b"PK\x03\x04", *values))
        out.seek(end)
        central = [_CENTRAL_HEADER.pack(b"PK\x01\x02", 20, 3, *values, 0, 0, 0, 0o600 << 16, 0) + name]
        media, data = b"media", _deflate(b"", b"{}", True)
        values = _entry_values(zlib_ng.crc32(b"{}"), len(data), 2, media)
        offset = out.tell()
        out.write(_LOCAL_HEADER.pack(b"PK\x03\x04", *values) + media)
        out.write(data)
        central.append(_CENTRAL_HEADER.pack(b"PK\x01\x02", 20, 3, *values, 0, 0, 0, 0o600 << 16, offset) + media)
        start = out.tell()
        out.writelines(central)
        out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))


def _entry_values(crc: int, length: int, size: int, name: bytes) -> tuple[int, ...]:
    """A zip entry's values as its local and central headers hold them (after the signature): version needed,
    flags, method (deflate), time, date, CRC, deflated length, size, name length, extra length."""
    return (20, 0, 0, 8, _DOS_TIME, _DOS_DATE, crc, length, size, len(name), 0)


def _fits(target: Path, size: int) -> None:
    """Raises `OutputError` if `size` bytes (an entry's size, or an offset in the zip) are more than a zip without
    ZIP64 holds."""
    if size >= _ZIP32_LIMIT:
        raise OutputError(f"{target.name}: the collection is over 4 GB, more than a package without ZIP64 holds")


_PIECE = 1 << 20
_ZIP32_LIMIT = 0xFFFFFFFF  # sizes and offsets are 4-byte fields, this value meaning "see ZIP64"
# An upper bound of what follows the collection's deflated bytes: the media entry (its header, name and deflated
# "{}"), both central headers with their names, the end record (bytes).
_TAIL = 256
# zlib-ng's level 2 (its `deflate_fast`) deflates the 57 MB collection of 10,000 facts in 0.10 CPU s to 6.02 MB, where
# the standard library's zlib took 0.17 s at level 1 for 6.09 MB; zlib-ng's level 1 (`deflate_quick`, 0.07 s) makes
# it a fifth larger. The bytes follow zlib-ng's version (pinned in constraints.txt) as zlib's followed zlib's, and
# may differ on another kind of processor (x86, ARM: docs/performance.md); the collection inside never does.
_LEVEL = 2
_WINDOW = 1 << 15  # deflate's: no back-reference reaches further
_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1 January 1980 (the zip format's earliest), 00:00:00
_DOS_TIME = 0
# zipfile's structFileHeader, structCentralDir and structEndArchive (APPNOTE.TXT, 4.3.7, 4.3.12, 4.3.16).
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def _deflate(window: bytes, piece: bytes, last: bool) -> bytes:
    """Raw deflate of `piece`, primed with the `window` of data before it, ending the stream if `last`, else on a
    byte boundary (an empty stored block, as zlib's sync flush makes it)."""
    if window:
        compressor = zlib_ng.compressobj(_LEVEL, zlib_ng.DEFLATED, -15, zdict=window)
    else:
        compressor = zlib_ng.compressobj(_LEVEL, zlib_ng.DEFLATED, -15)
    return compressor.compress(piece) + compressor.flush(zlib_ng.Z_FINISH if last else zlib_ng.Z_SYNC_FLUSH)
