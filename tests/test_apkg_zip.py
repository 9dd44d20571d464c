"""The package's zip (outputs/anki/apkg_file.py's `zip_collection`): the collection deflated in pieces on
threads reads back whole with Python's zipfile and zlib, and is the same bytes on one thread or several."""

from __future__ import annotations

import random
import zipfile

import pytest

from factdeck.outputs.anki.apkg_file import _PIECE, zip_collection


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
