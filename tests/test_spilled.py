"""A large deck's live notes held without their fields while its package is written (outputs/anki/spilled.py): the
same packages, warnings, kept records and card-field store as notes held whole, on one core and two, and after an
edit; no note with its fields, and no fact's fields, held while the collection is written; the duplicate-front
check given each note while its fields are at hand finds what the whole check finds."""

from __future__ import annotations

import weakref
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given

from factdeck.outputs.anki.fronts import FrontCheck, duplicate_fronts, plain
from factdeck.records.identity import WITHDRAWN_TAG
from test_anki_note_types import add_a_note_of_the_same_front
from test_field_store import assert_same_stores
from test_fronts_by_hash import notes as kept_or_not


def _outputs(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".factdeck" not in p.parts
    }


def _kept_records(folder: Path) -> dict[str, list[Any]]:
    """Each deck's kept-collection record, its pieces after the header (whose stamp names the file's inode)."""
    from factdeck.outputs.anki.kept_collection import FOLDER, read_record

    return {path.name: list(read_record(path))[1:] for path in sorted((folder / FOLDER).glob("*.notes"))}


def _withdrawn(folder: Path) -> int:
    """How many withdrawn notes the build's packages hold."""
    import sqlite3
    import zipfile

    count = 0
    for package in folder.rglob("*.apkg"):
        database = folder / f"{package.stem}.anki2"
        database.write_bytes(zipfile.ZipFile(package).read("collection.anki2"))
        with sqlite3.connect(database) as connection:
            count += connection.execute(
                "SELECT count(*) FROM notes WHERE tags LIKE ?", (f"% {WITHDRAWN_TAG} %",)
            ).fetchone()[0]
        connection.close()
        database.unlink()
    return count


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from conftest import sample_project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    project = sample_project(tmp_path / "p", more_facts=True)
    assert project.run("release").exit_code == 0
    # Two notes of one front with different backs (a warning), and notes the release record does not hold.
    add_a_note_of_the_same_front(project)
    # A released cloze withdrawn: its answer is no longer in the statement.
    project.replace("facts/guild.yaml", "built its hall in Millford in 1910.", "built its hall in 1910.")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000100")
    return project


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_deck_spilled_a_batch_at_a_time_builds_what_a_deck_held_whole_builds(tmp_path, monkeypatch, jobs):
    from factdeck.build import build
    from factdeck.outputs.anki import package, spilled

    monkeypatch.setenv("FACTDECK_JOBS", jobs)
    monkeypatch.setattr("factdeck.outputs.anki.cards.MIN_ITEMS", 2)  # two cores for every batch of two or more
    project = _project(tmp_path, monkeypatch)
    batches: list[int] = []
    deck_notes = package.CardMaker.deck_notes

    def counted(self, deck, facts):
        batches.append(len(facts))
        return deck_notes(self, deck, facts)

    monkeypatch.setattr(package.CardMaker, "deck_notes", counted)
    built = {}
    for name, least, batch in (("held", 10**9, 5000), ("spilled", 1, 3)):
        monkeypatch.setattr(package, "STREAM_FACTS", least)
        monkeypatch.setattr(spilled, "STREAM_BATCH", batch)
        built[name] = build(project.root, output=tmp_path / name)
    assert max(batches[: len(batches) // 2]) > 3 and set(batches[len(batches) // 2 :]) <= {1, 2, 3}
    held, spilled_build = built["held"], built["spilled"]
    assert any("have the same front" in w.message for w in held.warnings)
    assert [str(w) for w in spilled_build.warnings] == [str(w) for w in held.warnings]
    assert _outputs(spilled_build.output) == _outputs(held.output)
    assert _withdrawn(held.output) > 0
    assert _kept_records(spilled_build.output) == _kept_records(held.output)
    assert_same_stores(held.made[1][0].stage_for_decks.fields.shared, spilled_build.output, held.output)
    # A rebuild after an edit reads each folder's kept collection and record: the same again.
    project.replace("facts/guild.yaml", "The River Guild built its hall near the river.", "The hall rose by the river.")
    for name, least in (("held", 10**9), ("spilled", 1)):
        monkeypatch.setattr(package, "STREAM_FACTS", least)
        built[name] = build(project.root, output=tmp_path / name)
    assert _outputs(built["spilled"].output) == _outputs(built["held"].output)


@pytest.mark.parametrize("spill", [True, False])
def test_no_note_with_its_fields_is_held_while_a_spilled_deck_is_written(tmp_path, monkeypatch, spill):
    """While a spilled deck's collection is written, none of the notes made with their fields is alive and no fact's
    fields are held (`RenderedFields.used`); held whole (the code before), every note made is alive and every
    fact's fields are held, which the counts catch."""
    from factdeck.build import build
    from factdeck.outputs.anki import apkg_file, package, spilled

    project = _project(tmp_path, monkeypatch)
    monkeypatch.setattr(package, "STREAM_FACTS", 1 if spill else 10**9)
    monkeypatch.setattr(spilled, "STREAM_BATCH", 2)
    made: weakref.WeakSet[Any] = weakref.WeakSet()
    total = [0]
    deck_notes = package.CardMaker.deck_notes

    def tracked(self, deck, facts):
        notes = deck_notes(self, deck, facts)
        made.update(notes)
        total[0] += len(notes)
        return notes

    stages: list[Any] = []
    stage_init = package.ApkgStage.__init__

    def kept_stage(self, *args, **kwargs):
        stage_init(self, *args, **kwargs)
        stages.append(self)

    seen: list[tuple[int, int, int]] = []  # per collection written: notes made, notes alive, facts' fields held
    write_collection = apkg_file.write_collection

    def counted(database, decks, timestamp, previous=None):
        seen.append((total[0], len(made), len(stages[0].fields.used)))
        return write_collection(database, decks, timestamp, previous)

    monkeypatch.setattr(package.CardMaker, "deck_notes", tracked)
    monkeypatch.setattr(package.ApkgStage, "__init__", kept_stage)
    monkeypatch.setattr(apkg_file, "write_collection", counted)
    build(project.root, formats=("apkg",))
    assert seen and all(notes > 0 for notes, _, _ in seen)
    if spill:
        # One fact's fields are read whole again: the withdrawn cloze's, whose back shows them.
        assert all(alive == 0 and fields <= 1 for _, alive, fields in seen), seen
    else:
        assert all(alive == notes and fields > 1 for notes, alive, fields in seen), seen


class _Spilled:
    """A note without fields, as spilled.py keeps one: its front and back read again when asked for."""

    def __init__(self, record: Any) -> None:
        self.identity, self.note_type, self.tags = record.identity, record.note_type, record.tags
        self.record = record
        self.reads = 0

    @property
    def front(self) -> str:
        self.reads += 1
        return plain(self.record.fields[0])


# test_fronts_by_hash.py's notes without their last value (whether a note is kept: no note is kept here).
notes = kept_or_not.map(lambda drawn: [note[:4] for note in drawn])


@given(notes)
def test_the_check_given_notes_one_at_a_time_finds_what_the_whole_check_finds(drawn):
    records = [
        SimpleNamespace(
            identity=f"f{n}", note_type=kind, tags=(WITHDRAWN_TAG,) if withdrawn else (), fields=(front, back)
        )
        for n, (kind, front, back, withdrawn) in enumerate(drawn)
    ]
    check = FrontCheck(None, lambda held: "\x1f".join(held.record.fields[1:]))
    standing = [_Spilled(record) for record in records]
    for record, held in zip(records, standing):
        check.add(record, held)
    assert check.warnings == duplicate_fronts(records)
    # Only a later note with the same front made a held one's front again.
    fronts = [plain(r.fields[0]) for r in records if WITHDRAWN_TAG not in r.tags]
    assert sum(h.reads for h in standing) <= len(fronts) * len(fronts)
    if len(set(fronts)) == len(fronts):
        assert all(h.reads == 0 for h in standing)


def test_a_decks_rows_hold_no_note_made_for_them(tmp_path):
    """The collection's rows make each new note again when they insert it (`_note_row`, from its place): a note
    made from a source without fields reads them back (spilled.py), so a deck without subdecks held every note's
    fields while its rows were made, when they held the notes (about 10 MB traced here, where now under 3 MB)."""
    import tracemalloc

    import genanki

    from factdeck.outputs.anki.apkg_file import MadeNotes, PackageDeck, PackageNote, write_collection

    model = genanki.Model(
        1607392319,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    )

    def made(source: int, mod: int, due: int) -> PackageNote:  # fields made afresh on every read, as read back
        return PackageNote(model, (f"front {source}", "x" * 10_000 + str(source)), (), f"guid{source}", mod, due)

    notes = MadeNotes(made, [])
    for n in range(1_000):
        notes.append(n, 1_800_000_000, n + 1)
    deck = PackageDeck(genanki.Deck(2059400110, "Deck"), notes, notes.sources)
    tracemalloc.start()
    try:
        write_collection(tmp_path / "collection.anki2", [deck], 1_800_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000
