"""The card-field store (outputs/anki/field_store.py): records read only when asked for, records not asked for
left or written back as they were, a store brought up to date in place the same as one written afresh, and
anything damaged read as missing (rendered again), never a crash."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdeck.outputs.anki.field_store import FIELDS_FILE, load_fields, save_fields
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


def _fresh(path: Path, fields: RenderedFields, fact_ids: list[str]) -> dict:
    """What a store written afresh (nothing read before) holds for the same fields: by fact, in order."""
    fresh = RenderedFields(fields.shared, {})  # nothing read: written whole
    fresh.used.update(fields.used)
    for fact_id, entry in dict(fields.previous).items():  # what the build did not ask for, read out in full
        fresh.used.setdefault(fact_id, entry)
    save_fields(path, fresh, fact_ids)
    stored = load_fields(path, fields.shared)
    return {fact_id: stored[fact_id] for fact_id in stored}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rounds=st.lists(
        st.tuples(
            st.sets(st.integers(0, 59), max_size=12),  # facts asked for (rendered, or read and unchanged)
            st.sets(st.integers(0, 59), max_size=4),  # facts gone from the base
            st.booleans(),  # whether the asked-for facts' fields changed
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_store_written_over_its_index_reads_as_one_written_afresh(tmp_path_factory, rounds):
    folder = tmp_path_factory.mktemp("store")
    path = folder / "anki-fields.bin"
    _store(path, ENTRIES)
    base = [*ENTRIES, *(f"fact-{n}" for n in range(50, 60))]
    for number, (asked, gone, changed) in enumerate(rounds):
        stored = load_fields(path, "shared")
        expected_before = {fact_id: stored[fact_id] for fact_id in stored}
        fields = RenderedFields("shared", stored)
        for n in sorted(asked):
            fact_id = f"fact-{n}"
            old = expected_before.get(fact_id)
            if changed or old is None:
                fields.used[fact_id] = (f"digest {number}", {"\0front-qa.html": f"round {number} " * n})
            else:
                fields.used[fact_id] = (old[0], dict(old[1]))  # asked for and read back the same
        fact_ids = [f for f in base if int(f.split("-")[1]) not in gone]
        expected = _fresh(folder / f"fresh-{number}.bin", fields, fact_ids)
        save_fields(path, fields, fact_ids)
        again = load_fields(path, "shared")
        assert {fact_id: again[fact_id] for fact_id in again} == expected
        assert list(again) == list(expected)
        assert all(int(f.split("-")[1]) not in gone for f in again)
        again.close()
    # Records no fact points to never grow past half the size of those it does.
    stored = load_fields(path, "shared")
    first, end = stored.records
    used = sum(length for _, length in stored.index.values())
    assert 2 * (end - first - used) <= used
    stored.close()


def test_a_rebuild_writes_only_the_changed_record_and_a_new_index(tmp_path):
    path = tmp_path / "store.bin"
    _store(path, ENTRIES)
    before = path.read_bytes()
    inode = path.stat().st_ino
    stored = load_fields(path, "shared")
    end, kept = stored.records[1], stored.index["fact-4"]
    fields = RenderedFields("shared", stored)
    fields.used["fact-3"] = ("new digest", {"\0front-qa.html": "changed"})
    fields.used["fact-4"] = (ENTRIES["fact-4"][0], dict(ENTRIES["fact-4"][1]))  # asked for, the same: not written
    save_fields(path, fields, list(ENTRIES))
    after = path.read_bytes()
    assert path.stat().st_ino == inode  # written in place, not replaced
    assert after[:end] == before[:end]
    again = load_fields(path, "shared")
    assert again.index["fact-3"][0] == end  # the one new record, right after the old ones
    assert again.index["fact-4"] == kept
    assert dict(again) == {**ENTRIES, "fact-3": ("new digest", {"\0front-qa.html": "changed"})}


def test_a_store_with_half_its_records_unused_is_written_afresh(tmp_path):
    path = tmp_path / "store.bin"
    _store(path, ENTRIES)
    inode = path.stat().st_ino
    fields = RenderedFields("shared", load_fields(path, "shared"))
    for fact_id, (digest, entry) in ENTRIES.items():  # every record changed: the old ones would all be unused
        fields.used[fact_id] = (f"{digest}+", {key: f"{text}+" for key, text in entry.items()})
    save_fields(path, fields, list(ENTRIES))
    assert path.stat().st_ino != inode
    stored = load_fields(path, "shared")
    assert stored.records[1] - stored.records[0] == sum(length for _, length in stored.index.values())
    assert dict(stored) == fields.used


@pytest.mark.parametrize("cut", [1, 8, 40, 200])
def test_a_store_cut_short_while_written_over_its_index_is_empty(tmp_path, cut):
    path = tmp_path / "store.bin"
    _store(path, ENTRIES)
    fields = RenderedFields("shared", load_fields(path, "shared"))
    fields.used["fact-3"] = ("new digest", {"\0front-qa.html": "changed"})
    save_fields(path, fields, list(ENTRIES))
    data = path.read_bytes()
    path.write_bytes(data[:-cut])  # the write stopped short of its end
    assert dict(load_fields(path, "shared")) == {}


@pytest.mark.parametrize("failing", ["in place", "afresh"])
def test_a_store_that_fails_to_be_written_over_its_index_is_removed(tmp_path, monkeypatch, failing):
    from factdeck.outputs.anki import field_store

    path = tmp_path / "store.bin"
    _store(path, ENTRIES)
    fields = RenderedFields("shared", load_fields(path, "shared"))
    if failing == "in place":  # a record that cannot be written, after another was written over the index
        fields.used["fact-3"] = ("new digest", {"\0front-qa.html": "changed"})
        fields.used["fact-4"] = ("new digest", {"\0front-qa.html": object()})  # type: ignore[dict-item]
    else:  # every record changed (so written afresh, after the new ones went over the index), then a full disk
        for fact_id, (digest, entry) in ENTRIES.items():
            fields.used[fact_id] = (f"{digest}+", {key: f"{text}+" for key, text in entry.items()})

        def full_disk(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(field_store, "_write_whole", full_disk)
    save_fields(path, fields, list(ENTRIES))
    assert not path.exists() and list(tmp_path.iterdir()) == []
    assert dict(load_fields(path, "shared")) == {}


def _outputs(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".factdeck" not in p.parts
    }


def assert_same_stores(shared: str, one: Path, other: Path) -> None:
    """The card-field stores of two build folders hold the same records under `shared` (and more than one)."""
    stores = [load_fields(folder / FIELDS_FILE, shared) for folder in (one, other)]
    try:
        assert len(stores[1]) > 1 and dict(stores[0]) == dict(stores[1])
    finally:
        for store in stores:
            store.close()


def test_fields_spilled_between_decks_give_the_same_build(tmp_path, monkeypatch):
    """A build writes the card fields to the store after each deck's package and lets them go (`spill_fields`),
    later decks reading back those they need: the same outputs and the same store as holding them to the end."""
    from conftest import sample_project

    from factdeck.build import build
    from factdeck.outputs.anki import field_store

    project = sample_project(tmp_path / "p", more_facts=True)
    assert project.run("release").exit_code == 0
    project.write(
        "decks/again.yaml",
        'id: again\nname: "Again"\ndescription: "The same facts, a second deck."\nsessions:\n  meetings: 3\n',
    )
    held_after: list[int] = []
    spill = field_store.spill_fields

    def spilled(path, fields, fact_ids):
        spill(path, fields, fact_ids)
        held_after.append(len(fields.used))

    monkeypatch.setattr("factdeck.outputs.anki.package.spill_fields", spilled)
    monkeypatch.setattr(field_store, "SPILL_FACTS", 1)
    spilled_build = build(project.root, output=tmp_path / "spilled")
    monkeypatch.setattr(field_store, "SPILL_FACTS", 10**9)
    held = build(project.root, output=tmp_path / "held")
    assert len(held_after) > 2 and held_after[: len(held_after) // 2] == [0] * (len(held_after) // 2)
    assert set(held_after[len(held_after) // 2 :]) != {0}  # what the first count catches: fields held
    assert _outputs(spilled_build.output) == _outputs(held.output)
    assert_same_stores(held.made[1][0].stage_for_decks.fields.shared, spilled_build.output, held.output)


def test_fields_the_store_cannot_hold_stay_held(tmp_path, monkeypatch):
    from factdeck.outputs.anki import field_store

    monkeypatch.setattr(field_store, "SPILL_FACTS", 1)
    fields = RenderedFields("shared", {}, fact_key=lambda fact: ENTRIES[fact.id][0])
    fields.used.update({k: (d, dict(f)) for k, (d, f) in ENTRIES.items()})
    blocked = tmp_path / "file"
    blocked.write_text("a file where the store's folder would be")
    field_store.spill_fields(blocked / "store.bin", fields, list(ENTRIES))
    assert len(fields.used) == len(ENTRIES)
    field_store.spill_fields(tmp_path / "store.bin", fields, list(ENTRIES))
    assert fields.used == {}
    assert {k: fields.fields(SimpleNamespace(id=k)) for k in ENTRIES} == {k: f for k, (d, f) in ENTRIES.items()}
