"""File stamps: a digest is reused only while the file's stat is the one recorded, and never for a file
modified just before it was stamped."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from factdeck.engine import stamps as stamps_module
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


def _renamed_into_place(folder, data: bytes):
    """A file written, then renamed into place a few clock ticks later, as a build commits its outputs."""
    staged = folder / ".staged"
    staged.write_bytes(data)
    time.sleep(0.05)
    final = folder / "out.bin"
    os.replace(staged, final)
    st = os.stat(final)
    if st.st_ctime_ns <= st.st_mtime_ns:
        pytest.skip("this file system does not move a file's change time when it is renamed")
    return final


def test_a_file_renamed_after_its_last_write_is_trusted_at_once(tmp_path, monkeypatch):
    path = _renamed_into_place(tmp_path, b"one")
    monkeypatch.setattr(stamps_module, "RACY_NS", 10**18)  # by the process's clock, never settled
    first = FileStamps()
    assert first.digest(path) == hashlib.sha256(b"one").digest()
    again = FileStamps.from_json(first.to_json())
    assert again.digest(path) == hashlib.sha256(b"one").digest()
    assert again.hashed == 0
    # The outputs a build wrote are recorded (hashed as written, not read) and trusted the same way.
    recorded = FileStamps()
    recorded.record(path, hashlib.sha256(b"one").digest())
    assert FileStamps.from_json(recorded.to_json()).digest(path) == hashlib.sha256(b"one").digest()


def test_any_write_after_the_stamp_of_a_renamed_file_is_seen(tmp_path, monkeypatch):
    path = _renamed_into_place(tmp_path, b"one")
    monkeypatch.setattr(stamps_module, "RACY_NS", 10**18)
    stamps = FileStamps()
    stamps.digest(path)
    path.write_bytes(b"two")  # the same size, at once
    again = FileStamps.from_json(stamps.to_json())
    assert again.digest(path) == hashlib.sha256(b"two").digest()
    assert again.hashed == 1
    # Even with its modification time put back to the nanosecond (the change time moves).
    st = os.stat(path)
    stamps = FileStamps.from_json(again.to_json())
    path.write_bytes(b"six")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert stamps.digest(path) == hashlib.sha256(b"six").digest()


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
