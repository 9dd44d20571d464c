"""The package's zip (outputs/anki/apkg_file.py's `zip_collection`): the collection deflated in pieces on
threads reads back whole with Python's zipfile and zlib, and is the same bytes on one thread or several. It is
deflated by zlib-ng, where builds before it used the standard library's zlib: the same collection in other
compressed bytes, which a learner's Anki takes as the same notes."""

from __future__ import annotations

import random
import sqlite3
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import genanki
import pytest
from conftest import learner_takes_the_rebuild_as_an_update, sample_project

from factdeck.build import build
from factdeck.exceptions import OutputError
from factdeck.outputs.anki import apkg_file
from factdeck.outputs.anki.apkg_file import _PIECE, zip_collection

DECK = "guild-history"
APKG = f"build/{DECK}/{DECK}.apkg"


def with_standard_zlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deflate as builds before zlib-ng did: the standard library's zlib at level 1 (the same calls)."""
    monkeypatch.setattr(apkg_file, "zlib_ng", zlib)
    monkeypatch.setattr(apkg_file, "_LEVEL", 1)


@pytest.mark.parametrize("size", [0, 1, _PIECE - 1, _PIECE, 3 * _PIECE + 12345])
def test_a_collection_zips_to_the_same_bytes_on_any_number_of_threads(tmp_path, monkeypatch, size):
    rng = random.Random(size)
    words = [bytes(rng.choice(b"abcdefghij <>") for _ in range(rng.randint(1, 12))) for _ in range(300)]
    data = b"".join(rng.choice(words) for _ in range(size))[:size].ljust(size, b"\0")
    database = tmp_path / "collection.anki2"
    database.write_bytes(data)
    made = {}
    for jobs in ("1", "2", "3"):
        monkeypatch.setenv("FACTDECK_JOBS", jobs)
        zip_collection(database, tmp_path / f"{jobs}.apkg")
        made[jobs] = (tmp_path / f"{jobs}.apkg").read_bytes()
    assert made["1"] == made["2"] == made["3"]
    with zipfile.ZipFile(tmp_path / "1.apkg") as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["collection.anki2", "media"]
        assert archive.read("collection.anki2") == data
        assert archive.read("media") == b"{}"
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_zlib_ng_deflates_the_same_collection_to_other_bytes_than_the_standard_zlib(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    project = sample_project(tmp_path / "proj")
    build(project.root, formats=("apkg",))
    with zipfile.ZipFile(project.path(APKG)) as archive:
        collection = archive.read("collection.anki2")
    database = tmp_path / "collection.anki2"
    database.write_bytes(collection)
    zip_collection(database, tmp_path / "ng.apkg")
    with monkeypatch.context() as older:
        with_standard_zlib(older)
        zip_collection(database, tmp_path / "zlib.apkg")
    packages = {name: (tmp_path / f"{name}.apkg").read_bytes() for name in ("ng", "zlib")}
    assert packages["ng"] == project.path(APKG).read_bytes()  # the build's own zip is zlib-ng's
    assert packages["ng"] != packages["zlib"]  # else this test would compare a deflate with itself
    for name in packages:
        with zipfile.ZipFile(tmp_path / f"{name}.apkg") as archive:
            assert archive.testzip() is None
            assert archive.read("collection.anki2") == collection


def package_notes(package: Path, folder: Path) -> dict[str, tuple[int, str, str]]:
    """Each note of the package by GUID: its modification time, fields and cards (ord, deck, position)."""
    with zipfile.ZipFile(package) as archive:
        database = archive.extract("collection.anki2", folder)
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            "SELECT n.guid, n.mod, n.flds, group_concat(c.ord || ':' || c.due, ' ') FROM notes n "
            "LEFT JOIN cards c ON c.nid = n.id GROUP BY n.id"
        )
        return {guid: (mod, fields, cards or "") for guid, mod, fields, cards in rows}
    finally:
        connection.close()


def test_the_first_package_deflated_by_zlib_ng_updates_only_the_changed_notes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    project = sample_project(tmp_path / "proj")
    assert project.run("release").exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000100")
    with monkeypatch.context() as older:
        with_standard_zlib(older)
        build(project.root, formats=("apkg",))
    learner_takes_the_rebuild_as_an_update(project, APKG, tmp_path, package_notes)


def zipped_whole(database: Path, target: Path) -> None:
    """The package as zip_collection wrote it before it wrote each piece as it was made: every piece deflated
    (one thread), then the zip written from them in memory."""
    data = database.read_bytes()
    pieces = [data[at : at + _PIECE] for at in range(0, len(data), _PIECE)] or [b""]
    deflated = [
        apkg_file._deflate(pieces[i - 1][-apkg_file._WINDOW :] if i else b"", piece, i == len(pieces) - 1)
        for i, piece in enumerate(pieces)
    ]
    entries = [
        (b"collection.anki2", zlib.crc32(data), len(data), deflated),
        (b"media", zlib.crc32(b"{}"), 2, [apkg_file._deflate(b"", b"{}", True)]),
    ]
    out = bytearray()
    central = b""
    for name, crc, size, parts in entries:
        values = (20, 0, 0, 8, apkg_file._DOS_TIME, apkg_file._DOS_DATE, crc, sum(map(len, parts)), size, len(name), 0)
        offset = len(out)
        out += apkg_file._LOCAL_HEADER.pack(b"PK\x03\x04", *values) + name + b"".join(parts)
        central += apkg_file._CENTRAL_HEADER.pack(b"PK\x01\x02", 20, 3, *values, 0, 0, 0, 0o600 << 16, offset) + name
    start = len(out)
    out += central + apkg_file._END.pack(b"PK\x05\x06", 0, 0, 2, 2, len(central), start, 0)
    target.write_bytes(bytes(out))


@pytest.mark.parametrize("size", [0, 1, _PIECE, 2 * _PIECE + 77])
def test_pieces_written_as_made_are_the_zip_written_whole(tmp_path, monkeypatch, size):
    rng = random.Random(size)
    database = tmp_path / "collection.anki2"
    database.write_bytes(bytes(rng.choice(b"abc <>\0") for _ in range(size)))
    monkeypatch.setenv("FACTDECK_JOBS", "2")
    zip_collection(database, tmp_path / "pieces.apkg")
    zipped_whole(database, tmp_path / "whole.apkg")
    assert (tmp_path / "pieces.apkg").read_bytes() == (tmp_path / "whole.apkg").read_bytes()


def test_the_deflated_collection_is_never_in_memory_whole(tmp_path, monkeypatch):
    # Bytes that do not deflate: the deflated collection is as large as the collection (24 MiB).
    database = tmp_path / "collection.anki2"
    database.write_bytes(random.Random(5).randbytes(24 * _PIECE))
    monkeypatch.setenv("FACTDECK_JOBS", "1")
    tracemalloc.start()
    try:
        zip_collection(database, tmp_path / "package.apkg")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * _PIECE  # a batch of pieces read and deflated (4 of each), not the 24 MiB deflated
    with zipfile.ZipFile(tmp_path / "package.apkg") as archive:
        assert archive.read("collection.anki2") == database.read_bytes()


def test_a_decks_rows_are_made_as_they_are_inserted(tmp_path):
    # 400 notes of 40 KB of fields each in one deck: their joined fields (16 MB) were all made before the first
    # row was inserted; now one note's at a time.
    model = genanki.Model(
        1607392319,
        "Simple",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    )
    deck = apkg_file.PackageDeck(genanki.Deck(2059400110, "Deck"), [])
    for n in range(400):
        fields = (f"front {n}", f"{n} " + "back " * 8000)
        deck.notes.append(apkg_file.PackageNote(model, fields, ("tag",), f"guid{n}", 1_700_000_000, n))
    tracemalloc.start()
    try:
        placed = apkg_file.write_collection(tmp_path / "collection.anki2", [deck], 1_700_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000
    assert len(placed) == 400
    with sqlite3.connect(tmp_path / "collection.anki2") as database:
        rows = database.execute("SELECT id, flds FROM notes ORDER BY id").fetchall()
        cards = database.execute("SELECT nid, ord FROM cards ORDER BY id").fetchall()
    assert [flds for _, flds in rows] == ["\x1f".join(note.fields) for note in deck.notes]
    assert [(note_id, 1) for note_id, _ in rows] == list(placed)
    assert cards == [(note_id, 0) for note_id, _ in rows]


def test_a_zip_whose_offsets_would_pass_the_4_byte_fields_is_refused(tmp_path, monkeypatch):
    # Entries under the limit, but the media entry and the central directory after it beyond: zipfile's 4-byte
    # offsets would not hold them (struct.error, a traceback, at 4 GiB; here with the limit brought down).
    database = tmp_path / "collection.anki2"
    database.write_bytes(random.Random(7).randbytes(2 * _PIECE))
    zip_collection(database, tmp_path / "fits.apkg")
    with zipfile.ZipFile(tmp_path / "fits.apkg") as archive:
        (entry, _) = archive.infolist()
    end = 30 + len(b"collection.anki2") + entry.compress_size  # where the media entry starts
    assert max(entry.file_size, entry.compress_size) < end + 10
    monkeypatch.setattr(apkg_file, "_ZIP32_LIMIT", end + 10)
    with pytest.raises(OutputError, match="over 4 GB"):
        zip_collection(database, tmp_path / "refused.apkg")
