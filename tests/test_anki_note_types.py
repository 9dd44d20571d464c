"""Note types that can change, warnings before a surprise, and text exports that update: in a real collection
(the official `anki` package), with Anki's default import options unless a test says otherwise."""

from __future__ import annotations

import html

import pytest
from anki.collection import Collection, ImportAnkiPackageRequest
from anki.import_export_pb2 import (
    IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS,
    IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    ImportAnkiPackageOptions,
    ImportCsvRequest,
)
from conftest import Project

from factdeck.outputs.anki import cards
from factdeck.outputs.anki import package as anki
from test_anki_roundtrip import review_counts, scheduling

T0 = 1_700_000_000
APKG = "build/guild-history/guild-history.apkg"


def import_log(col: Collection, project: Project, merge: bool = False):
    # The one-off upgrade (docs/anki.md): "Merge note types" and "Update notes: Always" (merging marks the
    # learner's notes as modified now, so "If newer" would keep their old content).
    always = IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS if merge else IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    options = ImportAnkiPackageOptions(merge_notetypes=merge, update_notes=always)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(project.path(APKG)), options=options)).log


def build(project: Project) -> None:
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 0, result.output


def factdeck_note_types(col: Collection) -> dict[str, list[str]]:
    col.models._clear_cache()  # the Python side caches note types; the import changed them underneath
    return {
        m.name: [f["name"] for f in col.models.get(m.id)["flds"]]
        for m in col.models.all_names_and_ids()
        if m.name.startswith("river-guild")
    }


@pytest.fixture
def clock(monkeypatch):
    now = {"t": T0}
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(anki, "current_time", lambda: now["t"])
    return now


def test_a_renamed_field_and_a_filled_spare_field_update_in_place(project, clock, monkeypatch, tmp_path):
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        build(project)
        first = import_log(col, project)
        assert len(first.new) > 0
        before = {col.get_note(n).guid: n for n in col.find_notes("")}

        renamed = tuple("Sources" if name == "Details" else name for name in cards.NOTE_FIELDS[cards.CARD])
        monkeypatch.setitem(cards.NOTE_FIELDS, cards.CARD, renamed)
        project.replace("templates/anki/note-types/card-back.html", "{{Details}}", "{{Sources}}")
        monkeypatch.setattr(cards, "SPARE_VALUES", ("later content", "", "", ""))
        clock["t"] = T0 + 10
        build(project)
        second = import_log(col, project)
        assert len(second.conflicting) == 0 and len(second.new) == 0
        assert len(second.updated) == len(first.new)
        types = factdeck_note_types(col)
        assert set(types) == {"river-guild: fact card", "river-guild: fact cloze"}  # no copy of either
        assert types["river-guild: fact card"][:5] == ["Front", "Answer", "Sources", "FactId", "Spare1"]
        after = {col.get_note(n).guid: n for n in col.find_notes("")}
        assert after == before  # the same notes, updated
        for note_id in after.values():
            note = col.get_note(note_id)
            assert "later content" in note.fields
    finally:
        col.close()


@pytest.mark.parametrize("tried_default_first", [False, True])
def test_a_collection_from_before_the_spare_fields_upgrades_once_with_merge(
    project, clock, monkeypatch, tmp_path, tried_default_first
):
    """Packages made before factdeck reserved spare fields had four and three fields without ids. Importing the
    first package with spare fields once with 'Merge note types' keeps every note and review; after that the
    default options update in place. A learner who first imported it with the default options sees what the top
    of docs/anki.md describes ("…+" note types, conflicting notes), and the same one import fixes it."""
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        with monkeypatch.context() as old:
            old.setitem(cards.NOTE_FIELDS, cards.CARD, ("Front", "Answer", "Details", "FactId"))
            old.setitem(cards.NOTE_FIELDS, cards.CLOZE, ("Text", "Details", "FactId"))
            old.setattr(cards, "SPARE_VALUES", ())
            old.setattr(anki, "part_id", lambda *parts: None)  # no field or template ids then
            build(project)
            assert len(import_log(col, project).new) > 0
        # The build cannot see a patched layout as a change of its inputs: forget what it built.
        project.path("build/.factdeck/build-state.json").unlink()
        card = col.get_card(col.find_cards("")[0])
        card.start_timer()
        col.sched.answerCard(card, 3)
        reviewed = scheduling(col, [card.id]), review_counts(col, [card.id])
        notes = set(col.find_notes(""))

        clock["t"] = T0 + 10
        build(project)
        if tried_default_first:
            tried = import_log(col, project)
            assert len(tried.conflicting) == len(notes) and not tried.updated
            assert {"river-guild: fact card+", "river-guild: fact cloze+"} <= set(factdeck_note_types(col))
        merged = import_log(col, project, merge=True)
        assert len(merged.conflicting) == 0 and len(merged.new) == 0 and len(merged.updated) == len(notes)
        assert set(factdeck_note_types(col)) == {"river-guild: fact card", "river-guild: fact cloze"}
        assert set(col.find_notes("")) == notes
        assert (scheduling(col, [card.id]), review_counts(col, [card.id])) == reviewed
        assert len(factdeck_note_types(col)["river-guild: fact card"]) == len(cards.NOTE_FIELDS[cards.CARD])

        project.replace("facts/guild.yaml", 'answer: "Millford"', 'answer: "Millford town"')
        clock["t"] = T0 + 20
        build(project)
        later = import_log(col, project)
        # Its question and reverse notes (its cloze is no longer made: the statement says "Millford").
        assert len(later.conflicting) == 0 and len(later.new) == 0 and len(later.updated) == 2
    finally:
        col.close()


# --- warnings ------------------------------------------------------------------------------


@pytest.fixture
def released(project, clock) -> Project:
    assert project.run("release").exit_code == 0
    return project


def test_renaming_a_published_deck_or_era_and_moving_a_fact_warn(released):
    project = released
    project.replace("decks/all.yaml", 'name: "River Guild history"', 'name: "The River Guild"')
    project.replace("facts/eras.yaml", 'title: "Decline"', 'title: "The long decline"')
    project.replace(
        "facts/guild.yaml",
        "- id: guild-hall\n  kind: place\n  era: founding",
        "- id: guild-hall\n  kind: place\n  era: decline",
    )
    result = project.run("check")
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "deck 'guild-history' was published as 'River Guild history' and is now named 'The River Guild'" in err
    assert (
        "era 'decline' was published in deck 'guild-history' with the title 'Decline' and is now titled 'The long decline'"
        in err
    )
    assert "fact 'guild-hall' moved from era 'founding' to era 'decline'" in err
    assert project.run("check", "--strict").exit_code == 1


def add_a_note_of_the_same_front(project: Project) -> None:
    """A vetted fact whose question card's front is guild-hall's and whose back is another (a duplicate-front
    warning), added to the sample project's facts/guild.yaml."""
    project.replace(
        "facts/guild.yaml",
        "- id: guild-dissolved",
        "- id: guild-hall-again\n  kind: date\n  era: founding\n  tags: []\n"
        '  question: "Where did the River Guild build its hall?"\n  answer: "Near the river"\n'
        '  statement: "The River Guild built its hall near the river."\n'
        '  citations:\n    - source: chronicle\n      locator: "chapter 1"\n      quote: "the guild built its hall"\n'
        "  status: vetted\n  vetted: 2026-11-22\n\n- id: guild-dissolved",
    )
    question = (
        project.read("facts/guild.yaml").split("- id: guild-hall\n", 1)[1].split("question: ", 1)[1].split("\n")[0]
    )
    project.replace(
        "facts/guild.yaml", 'question: "Where did the River Guild build its hall?"', f"question: {question}"
    )


def test_two_notes_with_one_front_and_different_backs_are_reported(project):
    add_a_note_of_the_same_front(project)
    result = project.run("check")
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.stderr.splitlines() if "have the same front" in line)
    assert "'guild-hall/qa'" in warning and "'guild-hall-again/qa'" in warning and "different backs" in warning
    assert project.run("check", "--strict").exit_code == 1


# --- text export ---------------------------------------------------------------------------


def test_the_anki_csv_updates_notes_by_guid_and_keeps_a_leading_quote(project, clock, tmp_path):
    col = Collection(str(tmp_path / "c.anki2"))

    def import_csv() -> tuple[int, int, int, int]:
        path = tmp_path / "deck.txt"
        path.write_bytes(project.run("export", "csv", "guild-history", "--anki-headers").stdout_bytes)
        metadata = col.get_csv_metadata(str(path), delimiter=None)
        log = col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log
        return len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting)

    try:
        build(project)
        import_log(col, project)  # the note types come with a package; Anki's text importer cannot make them
        notes = {col.get_note(n).guid for n in col.find_notes("")}
        project.replace("facts/guild.yaml", 'answer: "Millford"', 'answer: "\\"Millford\\", by the river"')
        assert import_csv() == (0, 1, 4, 0)
        fields = [col.get_note(n).fields[1] for n in col.find_notes("")]
        assert any('"Millford", by the river' in html.unescape(f) for f in fields)
        project.replace(
            "facts/guild.yaml",
            "In what year was the River Guild founded?",
            "In which year was the River Guild founded?",
        )
        assert import_csv() == (0, 1, 4, 0)
        assert {col.get_note(n).guid for n in col.find_notes("")} == notes
    finally:
        col.close()
