"""The card-field store (outputs/anki/field_store.py): records read only when asked for, records not asked for
written back as they were, and anything damaged read as missing (rendered again), never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from factdeck.outputs.anki.field_store import load_fields, save_fields
from factdeck.outputs.anki.rendered import RenderedFields

ENTRIES = {
    f"fact-{n}": (f"digest-{n}", {"\0front-qa.html": f"Question {n} — ثبت", "\0details.html": "<b>x</b>" * n})
    for n in range(50)
}


def _store(path: Path, entries: dict, shared: str = "shared") -> None:
    save_fields(path, RenderedFields(shared, entries), list(entries))


def test_a_store_reads_back_whole_and_unasked_records_are_copied(tmp_path):
    _store(tmp_path / "first.bin", ENTRIES)
    stored = load_fields(tmp_path / "first.bin", "shared")
    assert dict(stored) == ENTRIES
    # A build that asks for one fact, changes it, and drops another: the rest copied unread.
    fields = RenderedFields("shared", stored)
    fields.used["fact-3"] = ("new digest", {"\0front-qa.html": "changed"})
    kept = [f for f in ENTRIES if f != "fact-7"]
    save_fields(tmp_path / "second.bin", fields, kept)
    again = load_fields(tmp_path / "second.bin", "shared")
    assert dict(again) == {**{f: ENTRIES[f] for f in kept}, "fact-3": ("new digest", {"\0front-qa.html": "changed"})}
    assert list(again) == kept


def test_another_shared_hash_means_nothing_stored(tmp_path):
    _store(tmp_path / "store.bin", ENTRIES)
    assert dict(load_fields(tmp_path / "store.bin", "other")) == {}


@pytest.mark.parametrize("cut", [0, 10, 200, -3, -20])
def test_a_truncated_store_is_empty(tmp_path, cut):
    _store(tmp_path / "store.bin", ENTRIES)
    data = (tmp_path / "store.bin").read_bytes()
    (tmp_path / "store.bin").write_bytes(data[:cut])
    assert dict(load_fields(tmp_path / "store.bin", "shared")) == {}


def test_a_damaged_record_is_missing_and_the_others_are_read(tmp_path):
    _store(tmp_path / "store.bin", ENTRIES)
    data = bytearray((tmp_path / "store.bin").read_bytes())
    start, length = load_fields(tmp_path / "store.bin", "shared").index["fact-5"]
    data[start : start + length] = b"\xff" * length
    (tmp_path / "store.bin").write_bytes(bytes(data))
    stored = load_fields(tmp_path / "store.bin", "shared")
    assert stored.get("fact-5") is None
    assert {f: stored.get(f) for f in ENTRIES if f != "fact-5"} == {f: e for f, e in ENTRIES.items() if f != "fact-5"}


def test_a_missing_store_is_empty(tmp_path):
    assert dict(load_fields(tmp_path / "none.bin", "shared")) == {}
