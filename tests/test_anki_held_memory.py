"""What the Anki step holds while it writes a deck's package, counted in objects: the card fields kept for every
fact (until the card-field store is written) share one copy of each key, the notes one copy of each tag they all
have, and the records of facts one copy of each short value they repeat (records/fields.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from conftest import sample_project

from factdeck.build import build, load_and_validate
from factdeck.outputs.anki import kept_collection
from factdeck.outputs.anki.cards import NoteRecord


def copies(values: list[str]) -> dict[str, int]:
    """How many distinct objects hold each value."""
    held: dict[str, set[int]] = defaultdict(set)
    for value in values:
        held[value].add(id(value))
    return {value: len(ids) for value, ids in held.items()}


def held_while_writing(project: Any, monkeypatch: Any) -> tuple[list[NoteRecord], dict[str, dict[str, str]]]:
    """The live notes of the first package written, and the card fields kept by then, by fact."""
    seen: list[tuple[list[NoteRecord], dict[str, dict[str, str]]]] = []
    held = kept_collection.held

    def looked_at(live, decks, placed, fronts, base, rendered):
        if not seen:
            notes = [note for note in live if isinstance(note, NoteRecord)]
            seen.append((notes, {fact_id: dict(entry[1]) for fact_id, entry in rendered.used.items()}))
        return held(live, decks, placed, fronts, base, rendered)

    monkeypatch.setattr(kept_collection, "held", looked_at)
    build(project.root, formats=("apkg",))
    return seen[0]


def test_kept_card_fields_and_note_tags_are_one_copy_each(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTDECK_JOBS", "1")
    project = sample_project(tmp_path / "proj")
    notes, fields = held_while_writing(project, monkeypatch)
    keys = [key for entries in fields.values() for key in entries]
    assert len(fields) > 1 and len(keys) > len(set(keys))  # the same keys in many facts' fields
    assert set(copies(keys).values()) == {1}
    tags = [tag for note in notes for tag in note.tags[:3]]  # era, kind and card kind: every note has them
    assert len(tags) > len(set(tags))
    assert set(copies(tags).values()) == {1}
    tag_sets = [note.tags for note in notes]  # and each set of tags is one tuple, however many notes have it
    assert len(tag_sets) > len(set(tag_sets))
    held: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for tag_set in tag_sets:
        held[tag_set].add(id(tag_set))
    assert {len(ids) for ids in held.values()} == {1}


def test_records_repeat_no_short_value(tmp_path):
    project = sample_project(tmp_path / "proj")
    for _ in range(2):  # validated afresh, then restored from the record cache: marshal keeps the values interned
        base = load_and_validate(project.root)
        eras = [fact.era for fact in base.facts]
        sources = [c.source for fact in base.facts for c in fact.citations]
        days = [fact.vetted for fact in base.facts if fact.vetted]
        for repeated in (eras, sources, days):
            assert len(repeated) > len(set(repeated))
            assert set(copies(repeated).values()) == {1}


def test_a_build_keeps_each_facts_digest_not_its_json(tmp_path, monkeypatch):
    """Every fact's JSON (70 MB at 50,000 facts) is made once, for the export, and not kept: the step keys and the
    card fields' reuse read its SHA-256, which is the digest the card-field store keeps (a store written by an
    earlier build is reused as before)."""
    import hashlib

    project = sample_project(tmp_path / "p")
    base = build(project.root).made[0]
    assert base._fact_json == {}
    digests = {f.id: hashlib.sha256(f.model_dump_json().encode()).hexdigest() for f in base.facts}
    assert {f.id: base.fact_digest(f) for f in base.facts} == digests
    from factdeck.outputs.anki.field_store import FIELDS_FILE, load_fields
    from factdeck.outputs.anki.package import ApkgStage
    from factdeck.outputs.write import OutputWriter

    stage = ApkgStage(base, OutputWriter(project.root / "build"))
    stored = load_fields(project.root / "build" / FIELDS_FILE, stage.fields.shared)
    assert stored and {fact_id: stored[fact_id][0] for fact_id in stored} == {i: digests[i] for i in stored}
    # What the first assertion catches: a base that keeps the JSON of every fact asked for.
    base.fact_json(base.facts[0])
    assert base._fact_json != {}


def test_placed_notes_hold_no_object_per_note():
    """Each note's id and card count, held from the collection's rows to the kept record (150,000 notes of deck
    `all` at 50,000 facts), are machine numbers in two arrays: a list of (id, count) tuples held three objects per
    note."""
    import tracemalloc

    from factdeck.outputs.anki.apkg_file import Placed

    def traced(make: Any) -> int:
        tracemalloc.start()
        try:
            held = make()
            for n in range(10_000):
                held.append((1_700_000_000_000 + n, n % 3))
            return tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()

    placed = Placed()
    placed.append((5, 2))
    assert (len(placed), placed[0], list(placed)) == (1, (5, 2), [(5, 2)])
    assert traced(Placed) < 24 * 10_000
    assert traced(list) > 24 * 10_000  # what the bound catches


def test_package_decks_make_their_notes_when_read(tmp_path):
    """A package deck's notes are made each time they are read (`MadeNotes`: sources, times and positions held, not
    a `PackageNote` per note, 28 MB at 50,000 facts), and are the notes made all at once as before."""
    from factdeck.outputs.anki.apkg_file import PackageNote, latest_mod
    from factdeck.outputs.anki.kept_collection import KeptNote
    from factdeck.outputs.anki.package import ApkgStage
    from factdeck.outputs.write import OutputWriter
    from factdeck.records.identity import WITHDRAWN_TAG
    from factdeck.records.select import select_facts

    project = sample_project(tmp_path / "p", more_facts=True)
    assert project.run("release").exit_code == 0
    base = load_and_validate(project.root)
    stage = ApkgStage(base, OutputWriter(tmp_path / "out"))
    for deck in base.decks:
        records = stage.package_notes(deck, select_facts(base, deck))
        decks = stage._decks(deck, records)
        # the genanki models the package writes its notes with
        types = {kind: model.genanki() for kind, model in stage.parts(deck).note_types.items()}
        at_once = {d.deck.name: [] for d in decks}  # as `_decks` made them, each note made once and held
        for position, record in enumerate(records, start=1):
            mod = stage.times.stamp_note(record.guid, record.content)
            assert not isinstance(record, KeptNote)
            note = PackageNote(types[record.note_type], record.fields, record.tags, record.guid, mod, position)
            at_once[record.deck].append(note._replace(cards=WITHDRAWN_TAG not in record.tags))
        assert {d.deck.name: list(d.notes) for d in decks} == at_once
        assert latest_mod(decks) == max(n.mod for notes in at_once.values() for n in notes)
        assert [d.sources for d in decks] == [[r for r in records if r.deck == d.deck.name] for d in decks]
        first = next(d for d in decks if d.notes)
        assert first.notes[0] == first.notes[0] and first.notes[0] is not first.notes[0]  # made when read
        assert first.notes[-1:] == [list(first.notes)[-1]]


def _duplicate_check_peak(check: Any) -> int:
    """The traced peak of `check` over 20,000 notes of one note type with different fronts (more than the 2,000
    tuples of a size Python keeps for reuse, which are not traced)."""
    import tracemalloc
    from types import SimpleNamespace

    notes = [
        SimpleNamespace(tags=(), fields=(f"<b>front number {n}</b>", "back"), note_type="card", identity=f"f{n}/qa")
        for n in range(20_000)
    ]
    tracemalloc.start()
    try:
        check(notes)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_duplicate_check_holds_no_front():
    """The duplicate-front check keys each note type's first notes by their fronts' hashes: it holds no front and
    no (note type, front) key per note (30 MB of deck `all`'s check at 50,000 facts); the kept record makes the
    fronts again."""
    from factdeck.outputs.anki import fronts as module

    def by_pair(records: Any) -> list[str]:  # the check as it was: each front held in a tuple per note
        first: dict[tuple[str, str], Any] = {}
        for record in records:
            first.setdefault((record.note_type, module.plain(record.fields[0])), record)
        return []

    assert _duplicate_check_peak(module.duplicate_fronts) + 50 * 20_000 < _duplicate_check_peak(by_pair)
