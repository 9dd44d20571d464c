"""File stamps: a digest is reused only while the file's stat is the one recorded, and never for a file
modified just before it was stamped."""

from __future__ import annotations

import hashlib
import os

from factdeck.engine.stamps import FileStamps
from factdeck.outputs.write import OutputWriter


def _age(path, seconds: float) -> None:
    """Set the file's modification time `seconds` into the past (its stamp is then trusted)."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - int(seconds * 1e9)))


def test_an_unchanged_file_is_not_read_again(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    _age(path, 10)
    first = FileStamps()
    assert first.digest(path) == hashlib.sha256(b"one").digest()
    again = FileStamps.from_json(first.to_json())
    assert again.digest(path) == hashlib.sha256(b"one").digest()
    assert again.hashed == 0


def test_a_changed_file_is_hashed_again_even_with_the_same_size(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    _age(path, 10)
    stamps = FileStamps()
    stamps.digest(path)
    path.write_bytes(b"two")
    again = FileStamps.from_json(stamps.to_json())
    assert again.digest(path) == hashlib.sha256(b"two").digest()
    assert again.hashed == 1


def test_a_file_modified_just_before_its_stamp_is_hashed_again(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    stamps = FileStamps()
    stamps.digest(path)
    again = FileStamps.from_json(stamps.to_json())
    again.digest(path)
    assert again.hashed == 1  # racy: it could have changed within the same tick of the clock


def test_a_missing_file_and_a_damaged_record(tmp_path):
    assert FileStamps().digest(tmp_path / "missing") is None
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    damaged = FileStamps.from_json({str(path): [1, 2, "x"], 3: []})
    assert damaged.digest(path) == hashlib.sha256(b"one").digest()
    assert FileStamps.from_json("not a mapping").to_json() == {}


def test_the_writer_hashes_what_it_writes(tmp_path):
    writer = OutputWriter(tmp_path)
    writer.write_bytes("a/b.txt", b"data")
    temporary = writer.stage("c.bin")
    temporary.write_bytes(b"streamed")
    assert writer.digest(tmp_path / "a" / "b.txt") == hashlib.sha256(b"data").digest()
    assert writer.digest(tmp_path / "c.bin") == hashlib.sha256(b"streamed").digest()
    writer.commit()
    assert (tmp_path / "a" / "b.txt").read_bytes() == b"data"
