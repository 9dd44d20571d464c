"""A rebuild copies the notes of unchanged facts from the kept collection of the deck's last package
(outputs/anki/kept_collection.py) and makes only the others: after each kind of change its package is byte for
byte the one a build with nothing kept writes, and a kept collection that is missing, damaged or stale only means
making every note."""

from __future__ import annotations

import marshal
import os
import sqlite3
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import MORE_FACTS, Project, released_then_built_in_4_kib_pages, sample_project, shipped_copy

from factdeck.build import build, load_and_validate
from factdeck.outputs.anki import apkg_file, kept_collection
from factdeck.outputs.anki import package as anki_package
from factdeck.outputs.anki.kept_collection import FOLDER, KeptNote, read_record
from factdeck.outputs.write import OutputWriter
from factdeck.records.schema import DeckSpec, Selection

DECK = "guild-history"
APKG = f"{DECK}/{DECK}.apkg"
CARTEL_VETTED = "status: vetted\n  vetted: 2026-11-22\n  reviewer: fact-editor\n  vetted_hash: 9dc25e7b8adbaeb8"


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The sample project, released, then built (the kept collection written); new and changed notes get a
    fixed time later than the release's, so a build elsewhere gives them the same."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    project = sample_project(tmp_path / "proj")
    assert project.run("release").exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000100")
    build(project.root, formats=("apkg",))
    return project


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """For each collection written: how many of its notes were copied from a kept collection (None: written
    with nothing kept)."""
    seen: list[int | None] = []
    original = apkg_file.write_collection

    def counting(database, decks, timestamp, previous=None):
        seen.append(None if previous is None else sum(n.kept is not None for d in decks for n in d.notes))
        return original(database, decks, timestamp, previous)

    monkeypatch.setattr(apkg_file, "write_collection", counting)  # package.py imports it where it writes
    return seen


def notes_of(project: Project) -> dict[str, int]:
    """The number of notes each fact has in the kept collection's record."""
    _, *pieces = read_record(project.path(f"build/{FOLDER}/{DECK}.notes"))
    return {fact_id: len(notes) for piece in pieces for fact_id, _, _, notes in piece}


def same_as_fresh(project: Project, tmp_path: Path) -> bool:
    """Whether the rebuilt package is, byte for byte, the one a build into an empty folder writes."""
    fresh = build(project.root, formats=("apkg",), output=tmp_path / "fresh")
    return project.path(f"build/{APKG}").read_bytes() == (fresh.output / APKG).read_bytes()


def test_an_edited_fact_alone_is_made_again(released, kept, tmp_path):
    before = notes_of(released)
    released.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
    build(released.root, formats=("apkg",))
    assert kept == [sum(before.values()) - before["guild-founded"]]
    assert same_as_fresh(released, tmp_path)
    assert notes_of(released) == before


def records_of(folder: Path) -> list[Any]:
    """A kept collection's record, header and pieces, as read back."""
    return list(read_record(folder / FOLDER / f"{DECK}.notes"))


def test_a_rebuild_keeps_the_record_a_build_into_an_empty_folder_keeps(released, kept, tmp_path):
    # The kept notes' entries are sliced from the notes read back (kept_collection.held); a fresh build spells out
    # every note's values. The two records must hold the same values, row ids and card counts included.
    released.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
    build(released.root, formats=("apkg",))
    assert kept[-1]  # notes were kept
    fresh = build(released.root, formats=("apkg",), output=tmp_path / "fresh")
    assert kept[-1] is None  # and none here
    (header, *pieces), (fresh_header, *fresh_pieces) = records_of(released.path("build")), records_of(fresh.output)
    assert header["shape"] == fresh_header["shape"]  # the stamps name each folder's own file
    assert pieces == fresh_pieces


def test_a_kept_note_takes_the_front_the_duplicate_check_read():
    # A kept note whose front differs from the one the duplicate check recorded is written with the recorded
    # one, not sliced as it is: a shortcut that copied the kept note whole fails here.
    note = KeptNote("f/name", "hash", "f", "card", "Deck", "old front", 7, 1, "guid-f")
    source = SimpleNamespace(deck=SimpleNamespace(name="Deck"), notes=[], sources=[note])
    base = SimpleNamespace(facts_by_id={"f": object()})
    rendered = SimpleNamespace(digest=lambda fact: "digest")
    facts = dict(kept_collection.held([note], [source], [(42, 2)], {"f/name": "new front"}, base, rendered))
    assert facts == {"f": ("digest", "Deck", [("f/name", "hash", "f", "card", "Deck", "new front", 42, 2, "guid-f")])}
    same = dict(kept_collection.held([note], [source], [(42, 2)], {"f/name": "old front"}, base, rendered))
    assert same == {"f": ("digest", "Deck", [("f/name", "hash", "f", "card", "Deck", "old front", 42, 2, "guid-f")])}


def test_an_added_fact_is_made_and_the_others_kept(released, kept, tmp_path):
    before = notes_of(released)
    added = MORE_FACTS.read_text(encoding="utf-8").split("\n\n")[0]  # its first fact (second-master)
    released.write("facts/added.yaml", added.split("\n", 3)[3] + "\n")
    build(released.root, formats=("apkg",))
    assert kept == [sum(before.values())]
    assert same_as_fresh(released, tmp_path)
    assert notes_of(released) == {**before, "second-master": notes_of(released)["second-master"]}


def test_a_withdrawn_fact_comes_back_withdrawn_and_the_others_are_kept(released, kept, tmp_path):
    before = notes_of(released)
    released.replace("facts/guild.yaml", CARTEL_VETTED, CARTEL_VETTED.replace("vetted", "retracted", 1))
    build(released.root, formats=("apkg",))
    assert kept == [sum(before.values()) - before["guild-called-cartel"]]
    assert same_as_fresh(released, tmp_path)
    assert "guild-called-cartel" not in notes_of(released)


@pytest.mark.parametrize(
    "template",
    ["anki/note-types/card-back.html", "anki/note-types/style.css", "anki/fields/details.html"],
)
def test_a_changed_card_template_makes_every_note(released, kept, tmp_path, template):
    text = released.read(f"templates/{template}")
    released.write(f"templates/{template}", text + "\n<!-- edited -->\n" if template.endswith("html") else text + "\n")
    build(released.root, formats=("apkg",))
    assert kept == [None]
    assert same_as_fresh(released, tmp_path)


def test_a_changed_deck_spec_makes_every_note(released, kept, tmp_path):
    released.replace("decks/all.yaml", 'name: "River Guild history"', 'name: "The River Guild\'s history"')
    build(released.root, formats=("apkg",))
    assert kept == [None]
    assert same_as_fresh(released, tmp_path)


def _overwrite_in_place(path: Path, data: bytes) -> None:
    """New bytes in the same file, its size and modification time as they were: what the record's stamp
    cannot see."""
    status = path.stat()
    with open(path, "r+b") as file:
        file.write(data[: status.st_size].ljust(status.st_size, b"\0"))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def _delete_a_note(path: Path) -> None:
    status = path.stat()
    connection = sqlite3.connect(path)
    connection.execute("DELETE FROM notes WHERE id = (SELECT max(id) FROM notes)")
    connection.commit()
    connection.close()
    assert path.stat().st_size == status.st_size
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


@pytest.mark.parametrize(
    "damage",
    ["collection missing", "collection replaced", "collection garbled in place", "a note deleted in place",
     "record missing", "record garbled"],
)  # fmt: skip
def test_a_missing_or_damaged_kept_collection_means_making_every_note(released, kept, tmp_path, damage):
    collection = released.path(f"build/{FOLDER}/{DECK}.anki2")
    record = collection.with_suffix(".notes")
    if damage == "collection missing":
        collection.unlink()
    elif damage == "collection replaced":
        collection.write_bytes(collection.read_bytes())
    elif damage == "collection garbled in place":
        _overwrite_in_place(collection, b"not a database " * 100)
    elif damage == "a note deleted in place":
        _delete_a_note(collection)
    elif damage == "record missing":
        record.unlink()
    else:
        record.write_bytes(record.read_bytes()[:100])
    released.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
    build(released.root, formats=("apkg",))
    assert kept[-1] is None  # written with nothing kept (after a failed try, for damage the stamp cannot see)
    assert same_as_fresh(released, tmp_path)
    kept.clear()
    released.replace("facts/guild.yaml", "by river ferry workers.", "by the river's ferry workers.")
    build(released.root, formats=("apkg",))
    assert kept and kept[0]  # and the next build keeps again
    assert same_as_fresh(released, tmp_path / "again")


def page_size(database: Path) -> int:
    """The page size (bytes) of the SQLite file `database`."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA page_size").fetchone()[0]
    finally:
        connection.close()


def package_page_size(package: Path, tmp_path: Path) -> int:
    """The page size of the collection inside the package `package`."""
    with zipfile.ZipFile(package) as archive:
        return page_size(Path(archive.extract("collection.anki2", tmp_path)))


def test_a_kept_collection_of_an_older_builds_4_kib_pages_is_kept(tmp_path, monkeypatch, kept):
    # Builds before apkg_file.PAGE_SIZE wrote SQLite's default 4 KiB pages: the first rebuild after upgrading still
    # copies the unchanged notes from such a collection (ATTACHed, it is read in its own pages), and the package
    # it writes, in the new pages, is byte for byte a fresh build's.
    assert apkg_file.PAGE_SIZE != 4096
    project = released_then_built_in_4_kib_pages(tmp_path / "proj", monkeypatch)
    collection = project.path(f"build/{FOLDER}/{DECK}.anki2")
    assert page_size(collection) == 4096
    assert package_page_size(project.path(f"build/{APKG}"), tmp_path / "older") == 4096
    before = notes_of(project)
    project.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
    build(project.root, formats=("apkg",))
    assert kept[-1] == sum(before.values()) - before["guild-founded"]  # copied from the 4 KiB collection
    assert page_size(collection) == apkg_file.PAGE_SIZE
    assert package_page_size(project.path(f"build/{APKG}"), tmp_path / "newer") == apkg_file.PAGE_SIZE
    assert same_as_fresh(project, tmp_path)


def test_a_build_that_cannot_keep_its_collection_still_writes_the_package(released, kept, tmp_path):
    folder = released.path(f"build/{FOLDER}")
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_text("a file where the folder was")
    released.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
    build(released.root, formats=("apkg",))
    assert kept == [None]
    assert same_as_fresh(released, tmp_path)


def test_a_removed_deck_leaves_no_kept_collection(released):
    released.write("decks/other.yaml", released.read("decks/all.yaml").replace("id: guild-history", "id: other"))
    build(released.root, formats=("apkg",))
    assert released.path(f"build/{FOLDER}/other.anki2").is_file()
    released.path("decks/other.yaml").unlink()
    build(released.root, formats=("apkg",))
    assert sorted(p.name for p in released.path(f"build/{FOLDER}").iterdir()) == [f"{DECK}.anki2", f"{DECK}.notes"]


def test_a_deck_in_another_language_keeps_its_notes_too(tmp_path, monkeypatch, kept):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000100")
    project = shipped_copy(tmp_path / "shipped", translations=True)
    deck, apkg = "mek-history-fa", "mek-history-fa/mek-history-fa.apkg"
    build(project.root, [deck], formats=("apkg",))
    kept.clear()
    project.replace("facts/albania.yaml", 'locator: "lead, para. 1"', 'locator: "lead, first paragraph"')
    build(project.root, [deck], formats=("apkg",))
    assert kept[0]  # the package (its meeting packs, written after it, keep nothing)
    fresh = build(project.root, [deck], formats=("apkg",), output=tmp_path / "fresh")
    assert project.path(f"build/{apkg}").read_bytes() == (fresh.output / apkg).read_bytes()


def test_a_record_in_many_pieces_keeps_every_fact(tmp_path, monkeypatch, kept):
    # Pieces of two facts: the sample's facts span several, and an edit is kept and made as with one piece.
    monkeypatch.setattr(kept_collection, "_FACTS_PER_PIECE", 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    project = sample_project(tmp_path / "proj")
    assert project.run("release").exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000100")
    build(project.root, formats=("apkg",))
    header, *pieces = read_record(project.path(f"build/{FOLDER}/{DECK}.notes"))
    before = notes_of(project)
    assert header["pieces"] == len(pieces) == -(-len(before) // 2) > 2
    kept.clear()
    project.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
    build(project.root, formats=("apkg",))
    assert kept == [sum(before.values()) - before["guild-founded"]]
    assert same_as_fresh(project, tmp_path)
    assert notes_of(project) == before


@pytest.mark.parametrize("damage", ["last piece missing", "a piece cut short", "a piece too many"])
def test_a_record_whose_pieces_do_not_add_up_means_making_every_note(released, kept, tmp_path, damage):
    record = released.path(f"build/{FOLDER}/{DECK}.notes")
    data = record.read_bytes()
    starts = [0]  # where each piece (its length, then its data) starts
    while starts[-1] < len(data):
        starts.append(starts[-1] + 8 + int.from_bytes(data[starts[-1] : starts[-1] + 8], "little"))
    assert starts[-1] == len(data) and len(starts) > 2  # a header and a piece of facts
    last = data[starts[-2] :]
    if damage == "last piece missing":
        record.write_bytes(data[: -len(last)])
    elif damage == "a piece cut short":
        record.write_bytes(data[:-1])
    else:
        record.write_bytes(data + last)
    released.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
    build(released.root, formats=("apkg",))
    assert kept == [None]
    assert same_as_fresh(released, tmp_path)


def test_a_record_of_the_earlier_layout_means_making_every_note(released, kept, tmp_path):
    # One marshalled dict (layout 1): its first bytes read as a piece's length are far more than the file holds.
    record = released.path(f"build/{FOLDER}/{DECK}.notes")
    header, *pieces = read_record(record)
    facts = {fact_id: (digest, deck, notes) for piece in pieces for fact_id, digest, deck, notes in piece}
    record.write_bytes(marshal.dumps({**header, "layout": "factdeck-kept-collection-1", "facts": facts}))
    released.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
    build(released.root, formats=("apkg",))
    assert kept == [None]
    assert same_as_fresh(released, tmp_path)


def holds_unselected_plainly(stage: anki_package.ApkgStage, deck: DeckSpec) -> bool:
    """The plain test: every fact of the base tested against the deck's selection."""
    selected = {f.id for f in stage.base.facts if deck.select.matches(f)}
    return any(note.fact not in selected for note in stage.records[deck.id].notes.values())


def test_a_deck_whose_record_holds_notes_it_no_longer_selects_is_told_apart(released, tmp_path, monkeypatch):
    # key_extra tests only the record's own facts (each once); it must say what testing every fact says, and a
    # deck that no longer selects a released fact must get another key (a shortcut answering "no" fails here).
    base = load_and_validate(released.root)
    stage = anki_package.ApkgStage(base, OutputWriter(tmp_path / "out"))
    deck = base.deck(DECK)
    record = stage.records[DECK]
    fact_id = next(iter(record.notes.values())).fact
    exclude = Selection(facts=[fact_id])
    narrowed = deck.model_copy(update={"select": deck.select.model_copy(update={"exclude": exclude})})
    assert not stage._holds_unselected(deck, record) and not holds_unselected_plainly(stage, deck)
    assert stage._holds_unselected(narrowed, record) and holds_unselected_plainly(stage, narrowed)
    assert stage.key_extra(narrowed) != stage.key_extra(deck)
    # A released fact the base no longer has.
    monkeypatch.setattr(base, "facts", [f for f in base.facts if f.id != fact_id])
    monkeypatch.delitem(base.facts_by_id, fact_id)
    assert stage._holds_unselected(deck, record) and holds_unselected_plainly(stage, deck)


def kept_notes(*fact_ids: str) -> list[KeptNote]:
    return [KeptNote(f"{f}/name", "hash", f, "card", "Deck", "front", 0, 1, f"guid-{f}") for f in fact_ids]


def test_the_record_is_made_a_fact_at_a_time_as_it_is_written():
    notes = kept_notes("a", "a", "b", "c")
    source = SimpleNamespace(deck=SimpleNamespace(name="Deck"), notes=[], sources=notes)
    asked: list[str] = []
    base = SimpleNamespace(facts_by_id={f: f for f in "abc"})
    rendered = SimpleNamespace(digest=lambda fact: asked.append(fact) or f"digest-{fact}")
    fronts = {"a/name": "front", "b/name": "front", "c/name": "front"}
    pairs = kept_collection.held(notes, [source], [(1, 1), (2, 1), (3, 1), (4, 1)], fronts, base, rendered)
    fact_id, (digest, deck, values) = next(pairs)
    assert (fact_id, digest, deck, [v[6] for v in values]) == ("a", "digest-a", "Deck", [1, 2])
    assert asked == ["a"]  # the next facts' entries are not made yet
    assert [f for f, _ in pairs] == ["b", "c"]


def test_a_fact_without_every_front_is_left_out_and_notes_apart_keep_no_record(tmp_path):
    notes = kept_notes("a", "b", "b")
    source = SimpleNamespace(deck=SimpleNamespace(name="Deck"), notes=[], sources=notes)
    base = SimpleNamespace(facts_by_id={f: f for f in "ab"})
    rendered = SimpleNamespace(digest=lambda fact: "digest")
    placed = [(1, 1), (2, 1), (3, 1)]
    assert [f for f, _ in kept_collection.held(notes, [source], placed, {"a/name": "front"}, base, rendered)] == ["a"]
    apart = kept_notes("a", "b", "a")
    source = SimpleNamespace(deck=SimpleNamespace(name="Deck"), notes=[], sources=apart)
    with pytest.raises(ValueError, match="not together"):
        list(kept_collection.held(apart, [source], placed, {"a/name": "front", "b/name": "front"}, base, rendered))
    # keep takes that as a record it cannot write: the collection stays, without a record (every note made next time).
    written = kept_collection.scratch(tmp_path, "deck")
    assert written is not None
    written.write_bytes(b"collection")
    pairs = kept_collection.held(apart, [source], placed, {"a/name": "front", "b/name": "front"}, base, rendered)
    kept_collection.keep(tmp_path, "deck", "shape", written, pairs)
    database, record = kept_collection.paths(tmp_path, "deck")
    assert database.read_bytes() == b"collection"
    assert not record.exists()
    assert [p.name for p in record.parent.iterdir()] == [database.name]


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 1001, 2500])
def test_a_record_written_from_pairs_as_they_come_is_the_record_of_them_all(tmp_path, count):
    facts = {
        f"f{i}": (f"digest{i}", "Deck", [(f"f{i}/name", "hash", f"f{i}", "card", "Deck", "front", i, 1)])
        for i in range(count)
    }
    records = {}
    for name, given in (("dict", facts), ("pairs", iter(facts.items()))):
        folder = tmp_path / name
        written = kept_collection.scratch(folder, "deck")
        assert written is not None
        written.write_bytes(b"collection")
        kept_collection.keep(folder, "deck", "shape", written, given.items() if isinstance(given, dict) else given)
        records[name] = kept_collection.paths(folder, "deck")[1].read_bytes()
        pieces = list(kept_collection.read_record(kept_collection.paths(folder, "deck")[1]))
        assert pieces[0]["pieces"] == len(pieces) - 1 == -(-count // 1000)
        assert [e for piece in pieces[1:] for e in piece] == [(i, *v) for i, v in facts.items()]
    # The same bytes but the stamp (each its own file's inode).
    assert len(records["dict"]) == len(records["pairs"])


def test_each_note_takes_its_place_among_its_subdecks_notes():
    # `placed` follows the subdecks' notes (each subdeck's in the live notes' order), not the live notes' order:
    # a note takes its subdeck's next place, and a note that is not where the package put it raises.
    a, b, c = (
        KeptNote(f"{f}/name", "hash", f, "card", deck, "front", 0, 1, f"guid-{f}")
        for f, deck in zip("abc", ["X", "Y", "X"])
    )
    first = SimpleNamespace(deck=SimpleNamespace(name="X"), notes=[], sources=[a, c])
    second = SimpleNamespace(deck=SimpleNamespace(name="Y"), notes=[], sources=[b])
    base = SimpleNamespace(facts_by_id={f: f for f in "abc"})
    rendered = SimpleNamespace(digest=lambda fact: "digest")
    fronts = {"a/name": "front", "b/name": "front", "c/name": "front"}
    placed = [(10, 1), (11, 2), (12, 3)]
    facts = dict(kept_collection.held([a, b, c], [first, second], placed, fronts, base, rendered))
    assert {f: [v[6:8] for v in values] for f, (_, _, values) in facts.items()} == {
        "a": [(10, 1)],
        "b": [(12, 3)],
        "c": [(11, 2)],
    }
    with pytest.raises(ValueError, match="not where the package placed it"):
        list(kept_collection.held([c, a, b], [first, second], placed, fronts, base, rendered))


def test_a_collection_kept_again_leaves_both_files_at_every_moment(tmp_path, monkeypatch):
    """A build killed while it keeps a deck's collection loses neither file (tests/test_interrupted.py found the record
    gone when it was removed before the new one was written): the previous pair stays whole while the new record is
    written, and a kill between the two renames leaves the old record beside the new collection, which `load`
    refuses (another inode), so the next build makes every note rather than trusting it."""
    facts = {"f1": ("digest1", "Deck", [("f1/name", "hash", "f1", "card", "Deck", "front", 1, 1, "guid-f1")])}
    written = kept_collection.scratch(tmp_path, "deck")
    assert written is not None
    written.write_bytes(b"first collection")
    kept_collection.keep(tmp_path, "deck", "shape", written, facts.items())
    database, record = kept_collection.paths(tmp_path, "deck")
    first_record = record.read_bytes()
    assert kept_collection.KeptCollection.load(tmp_path, "deck", "shape") is not None

    def while_written():  # the record's entries, made while the new record is being written
        assert database.read_bytes() == b"first collection" and record.read_bytes() == first_record
        assert kept_collection.KeptCollection.load(tmp_path, "deck", "shape") is not None
        yield from facts.items()

    written = kept_collection.scratch(tmp_path, "deck")
    assert written is not None
    written.write_bytes(b"second collection, longer")
    real_replace, renames = os.replace, []

    def killed_after_one_rename(source, target):
        if renames:
            raise SystemExit("killed")  # not an OSError: keep does not clean up after it, as after a kill
        renames.append(target)
        real_replace(source, target)

    monkeypatch.setattr(kept_collection.os, "replace", killed_after_one_rename)
    with pytest.raises(SystemExit):
        kept_collection.keep(tmp_path, "deck", "shape", written, while_written())
    monkeypatch.undo()
    assert database.read_bytes() == b"second collection, longer" and record.read_bytes() == first_record
    assert kept_collection.KeptCollection.load(tmp_path, "deck", "shape") is None
