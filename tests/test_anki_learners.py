"""Learners who are not the ideal case, in a real collection (the official `anki` package, Anki's default import
options unless a test says otherwise): a learner who marks, edits or leeches a note between releases, a new
learner after a withdrawal, a study group with meeting packs, the Anki text file beside the package, and the
release record that keeps every build of a released commit from touching a learner's notes.

Anki stamps a learner's mark, edit or leech tag with the real clock, so these stories release at the real clock
too (a release is always later than what a learner did before it)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageRequest, ImportCsvRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS, ImportAnkiPackageOptions
from conftest import REPO, Project, sample_project
from markupsafe import escape

from factdeck.outputs.anki import package as anki
from factdeck.outputs.anki.cards import note_guid
from factdeck.records.identity import WITHDRAWN_TAG
from test_anki_lifecycle import git

APKG = "build/guild-history/guild-history.apkg"
EDITS = {  # fact id -> (old question, corrected question)
    "guild-founded": ("In what year was the River Guild founded?", "In which year was the River Guild founded?"),
    "first-master": ("Who was the River Guild's first master?", "Who was the first master of the River Guild?"),
    "guild-hall": ("In which town did the River Guild build its hall?", "In what town did the River Guild build its hall?"),
}  # fmt: skip


@pytest.fixture
def clock(monkeypatch):
    """The release's clock: the real one plus `ahead` seconds (Anki's marks use the real clock)."""
    state = {"ahead": 0}
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(anki, "current_time", lambda: int(time.time()) + state["ahead"])
    return state


def run(project: Project, *args: str) -> str:
    result = project.run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def release_and_build(project: Project) -> None:
    run(project, "release")
    run(project, "build", "--format", "apkg")


def import_apkg(col: Collection, path: Path, always: bool = False):
    options = ImportAnkiPackageOptions(update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS) if always else None
    request = ImportAnkiPackageRequest(package_path=str(path), options=options)
    return col.import_anki_package(request).log


def note_id(col: Collection, fact_id: str, kind: str = "qa") -> int | None:
    guid = note_guid(fact_id, kind, None, "river-guild")
    return next((n for n in col.find_notes("") if col.get_note(n).guid == guid), None)


def note_of(col: Collection, fact_id: str, kind: str = "qa"):
    found = note_id(col, fact_id, kind)
    assert found is not None, (fact_id, kind)
    return col.get_note(found)


def make_a_leech(col: Collection, card_id: int) -> None:
    """Review the card until Anki's scheduler itself tags its note `leech` (eight lapses, the default)."""
    answer = lambda ease: (card := col.get_card(card_id), card.start_timer(), col.sched.answerCard(card, ease))  # noqa: E731
    answer(4)  # Easy: a review card
    while "leech" not in col.get_card(card_id).note().tags:
        assert col.get_card(card_id).lapses < 20
        answer(1)  # Again: a lapse
        while col.get_card(card_id).queue in (1, 3):  # (re)learning: back to review
            answer(3)


def wait_a_second() -> None:
    """Anki compares whole seconds: what a learner does next is in a later second than the last release."""
    time.sleep(1.1)


def test_a_marked_an_edited_and_a_leech_note_each_get_their_correction(project, clock, tmp_path):
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        release_and_build(project)
        import_apkg(col, project.path(APKG))
        wait_a_second()
        marked, edited, leech = (note_of(col, f) for f in EDITS)
        col.tags.bulk_add([marked.id], "marked")  # Ctrl+K in the browser or reviewer
        edited["Answer"] = edited["Answer"] + " (my note)"
        col.update_note(edited)
        make_a_leech(col, leech.cards()[0].id)
        untouched = note_of(col, "flood-deaths").mod
        wait_a_second()
        for old, new in EDITS.values():
            project.replace("facts/guild.yaml", old, new)
        release_and_build(project)
        log = import_apkg(col, project.path(APKG))
        for fact_id, (old, new) in EDITS.items():
            assert str(escape(new)) in note_of(col, fact_id)["Front"], fact_id
            # Its reverse card (where it has one) says the same: the two cards agree.
            reverse = note_id(col, fact_id, "reverse")
            if reverse is not None:
                assert str(escape(new)) in col.get_note(reverse)["Answer"]
                assert str(escape(old)) not in col.get_note(reverse)["Answer"]
        assert "marked" not in note_of(col, "guild-founded").tags  # an update replaces the tags (docs/anki.md)
        assert len(log.updated) >= len(EDITS) and not log.conflicting
        assert note_of(col, "flood-deaths").mod == untouched  # an unchanged note stays as it was
    finally:
        col.close()


def test_a_note_touched_after_the_release_takes_its_correction_from_the_corrections_package(project, clock, tmp_path):
    """The documented path for the one case the default options cannot reach: the learner marked the note after
    the correction's release and before importing it. `factdeck changes` lists its search and writes the
    corrections package; importing that with "Update notes: Always" corrects the note and leaves every other
    note the learner marked as it is."""
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        release_and_build(project)
        git(project.root, "init", "-q")
        git(project.root, "add", "-A")
        git(project.root, "commit", "-qm", "first release")
        import_apkg(col, project.path(APKG))
        old, new = EDITS["guild-founded"]
        project.replace("facts/guild.yaml", old, new)
        release_and_build(project)
        git(project.root, "commit", "-qam", "second release")
        time.sleep(2.1)  # a second after the release's time, which is a second after the first release's
        col.tags.bulk_add([note_of(col, "guild-founded").id, note_of(col, "first-master").id], "marked")
        import_apkg(col, project.path(APKG))
        assert str(escape(new)) not in note_of(col, "guild-founded")["Front"]  # Anki keeps the newer copy

        changes = run(project, "changes", "--since", "HEAD~1", "--corrections", str(tmp_path / "fixes"))
        assert '("FactId:guild-founded") (tag:marked OR tag:leech)' in changes
        assert "'Update notes: Always'" in changes
        pack = tmp_path / "fixes" / "guild-history" / "guild-history-corrections.apkg"
        assert f"wrote {pack}: 1 note corrected since HEAD~1" in changes
        log = import_apkg(col, pack, always=True)
        assert str(escape(new)) in note_of(col, "guild-founded")["Front"]
        assert len(log.updated) == 1 and not log.conflicting and not log.new
        assert "marked" in note_of(col, "first-master").tags  # every other note as the learner left it
        # The deck's own package, imported again, changes nothing more.
        again = import_apkg(col, project.path(APKG))
        assert not again.updated and not again.new
    finally:
        col.close()


def test_a_corrections_package_needs_a_current_release_record(project, clock, tmp_path):
    run(project, "release")
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "release")
    old, new = EDITS["guild-founded"]
    project.replace("facts/guild.yaml", old, new)
    result = project.run("changes", "--since", "HEAD", "--corrections", str(tmp_path / "fixes"))
    assert result.exit_code == 1 and "run `factdeck release`" in result.stderr
    assert not (tmp_path / "fixes" / "guild-history").exists()
    missing = project.run("changes", "--corrections", str(tmp_path / "fixes"))
    assert missing.exit_code == 2 and "--corrections needs --since REV" in missing.stderr


def retract(project: Project, fact_id: str) -> None:
    text = project.read("facts/guild.yaml")
    head, tail = text.split(f"- id: {fact_id}", 1)
    project.write(
        "facts/guild.yaml", head + f"- id: {fact_id}" + tail.replace("status: vetted", "status: retracted", 1)
    )


def test_a_new_learner_gets_no_withdrawn_card_and_an_existing_learner_gets_every_banner(project, clock, tmp_path):
    old_learner = Collection(str(tmp_path / "old.anki2"))
    new_learner = Collection(str(tmp_path / "new.anki2"))
    try:
        release_and_build(project)
        import_apkg(old_learner, project.path(APKG))
        retract(project, "guild-called-cartel")
        clock["ahead"] = 5
        release_and_build(project)
        withdrawn = {"guild-called-cartel/qa", "guild-called-cartel/cloze"}
        import_apkg(old_learner, project.path(APKG))
        banners = old_learner.find_notes(f"tag:{WITHDRAWN_TAG}")
        assert len(banners) == len(withdrawn)
        for note_id in banners:
            note = old_learner.get_note(note_id)
            assert "This fact was retracted." in note.fields[0] and note.cards()  # the learner's cards stay
        import_apkg(new_learner, project.path(APKG))
        assert len(new_learner.find_notes(f"tag:{WITHDRAWN_TAG}")) == len(withdrawn)  # the notes, for later
        assert new_learner.find_cards(f"tag:{WITHDRAWN_TAG}") == []  # but nothing to study
        assert new_learner.find_cards("is:new") and not new_learner.find_cards(f"is:new tag:{WITHDRAWN_TAG}")
    finally:
        old_learner.close()
        new_learner.close()


def test_a_meeting_pack_withdraws_a_fact_retracted_after_an_earlier_pack(tmp_path, clock):
    project = sample_project(tmp_path / "proj", more_facts=True)
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        run(project, "release")
        run(project, "sessions", "guild-history", "--meetings", "2")
        built = sorted(project.path("build/guild-history/sessions").rglob("*.apkg"))
        (tmp_path / "earlier").mkdir()
        packs = [
            Path(shutil.copy(pack, tmp_path / "earlier" / pack.name)) for pack in built
        ]  # the next build replaces them
        import_apkg(col, packs[0])
        import_apkg(col, packs[1])
        cartel = note_id(col, "guild-called-cartel")
        assert cartel is not None and col.get_note(cartel).cards()
        retract(project, "guild-called-cartel")
        clock["ahead"] = 5
        run(project, "release")
        run(project, "sessions", "guild-history", "--meetings", "2")
        later = sorted(project.path("build/guild-history/sessions").rglob("*.apkg"))
        # Whichever pack the group imports next withdraws it.
        for pack in later:
            copy = Collection(str(tmp_path / f"{pack.stem}.anki2"))
            try:
                import_apkg(copy, packs[0])
                import_apkg(copy, packs[1])
                import_apkg(copy, pack)
                note = note_of(copy, "guild-called-cartel")
                assert WITHDRAWN_TAG in note.tags and "This fact was retracted." in note.fields[0]
                assert note.cards()  # the group's cards stay, now showing the banner
            finally:
                copy.close()
            newcomer = Collection(str(tmp_path / f"{pack.stem}-newcomer.anki2"))
            try:
                import_apkg(newcomer, pack)
                assert newcomer.find_cards(f"tag:{WITHDRAWN_TAG}") == [] and newcomer.find_cards("is:new")
            finally:
                newcomer.close()
    finally:
        col.close()


def export_text(project: Project, tmp_path: Path) -> Path:
    path = tmp_path / "deck.txt"
    result = project.run("export", "csv", "guild-history", "--anki-headers")
    assert result.exit_code == 0, result.output
    path.write_bytes(result.stdout_bytes)
    return path


def import_text(col: Collection, path: Path):
    metadata = col.get_csv_metadata(str(path), delimiter=None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def test_the_anki_text_file_updates_the_package_notes_and_the_package_updates_its_notes(project, clock, tmp_path):
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        release_and_build(project)
        import_apkg(col, project.path(APKG))
        notes = set(col.find_notes(""))
        # The same notes as the package: nothing to update, nothing new, nothing conflicting.
        same = import_text(col, export_text(project, tmp_path))
        assert not same.new and not same.conflicting and not same.updated and len(same.duplicate) == 5
        old, new = EDITS["guild-founded"]
        project.replace("facts/guild.yaml", old, new)
        changed = import_text(col, export_text(project, tmp_path))
        assert len(changed.updated) == 1 and not changed.new and not changed.conflicting
        assert new in note_of(col, "guild-founded")["Front"] and set(col.find_notes("")) == notes
        tags = note_of(col, "guild-founded").tags
        assert len(tags) == len(set(tags))
        # The reverse: a later package updates the note the text file wrote.
        project.replace("facts/guild.yaml", new, "In which year did the River Guild begin?")
        wait_a_second()
        clock["ahead"] = 5
        release_and_build(project)
        log = import_apkg(col, project.path(APKG))
        assert not log.conflicting and "begin?" in note_of(col, "guild-founded")["Front"]
    finally:
        col.close()


def test_a_code_only_commit_changes_no_note_and_a_stale_record_fails_check(project, clock, tmp_path):
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        release_and_build(project)
        assert "differs from its release record" not in project.run("check", "--strict").output
        import_apkg(col, project.path(APKG))
        wait_a_second()
        col.tags.bulk_add([note_of(col, "guild-hall").id], "marked")
        git(project.root, "init", "-q")
        git(project.root, "add", "-A")
        git(project.root, "commit", "-qm", "released")
        project.write("notes.txt", "a change to something that is not an input\n")
        git(project.root, "add", "-A")
        git(project.root, "commit", "-qm", "code only")
        clock["ahead"] = 100
        run(project, "build", "--format", "apkg")
        log = import_apkg(col, project.path(APKG))
        assert not log.updated and not log.new
        assert "marked" in note_of(col, "guild-hall").tags
        # An edit not yet released: check warns, and fails under --strict (as CI runs it).
        old, new = EDITS["guild-hall"]
        project.replace("facts/guild.yaml", old, new)
        built = project.run("build", "--format", "apkg")
        assert built.exit_code == 0 and "2 notes of this package differ from its release record" in built.stderr
        warned = project.run("check")
        assert warned.exit_code == 0 and "(2 notes changed)" in warned.stderr and "factdeck release" in warned.stderr
        run(project, "vet", "guild-hall", "--reviewer", "fact-editor")
        strict = project.run("check", "--strict")
        assert (
            strict.exit_code == 1 and "guild-history.json: deck 'guild-history': its package differs" in strict.stderr
        )
        run(project, "release")
        assert project.run("check", "--strict").exit_code == 0
    finally:
        col.close()


def test_check_and_release_refuse_a_field_anki_cannot_add_in_place(project, clock, monkeypatch):
    from factdeck.outputs.anki import cards

    run(project, "release")
    monkeypatch.setitem(cards.NOTE_FIELDS, cards.CARD, (*cards.NOTE_FIELDS[cards.CARD], "Extra"))
    monkeypatch.setitem(cards.FIELD_KEYS, cards.CARD, (*cards.FIELD_KEYS[cards.CARD], "extra"))
    monkeypatch.setattr(cards, "SPARE_VALUES", (*cards.SPARE_VALUES, ""))
    checked = project.run("check")
    assert checked.exit_code == 1
    assert "note type 'river-guild: fact card': a field was added since the release" in checked.stderr
    released = project.run("release")
    assert released.exit_code != 0 and "a field was added" in released.output + released.stderr


def test_the_shipped_deck_gives_a_new_learner_no_withdrawn_card_and_matches_its_record(tmp_path):
    """The shipped mek-history deck, as a fresh clone of this commit builds it: its package is its release
    record's (so its notes keep their released times), and its withdrawn notes come with nothing to study."""
    from factdeck.build import load_and_validate
    from factdeck.outputs.anki.release import drift
    from factdeck.outputs.write import OutputWriter
    from factdeck.records.identity import load_published
    from factdeck.records.select import select_facts

    base = load_and_validate(REPO)
    deck = base.deck("mek-history")
    stage = anki.ApkgStage(base, OutputWriter(tmp_path / "build"))
    record = load_published(REPO)[0]["mek-history"]
    assert not drift(record, stage.release_record(deck, select_facts(base, deck)))
    result = Project(REPO).run("build", "mek-history", "--format", "apkg", "--output", str(tmp_path / "build"))
    assert result.exit_code == 0, result.output
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        log = import_apkg(col, tmp_path / "build" / "mek-history" / "mek-history.apkg")
        withdrawn = sum(note.withdrawn for note in record.notes.values())
        assert len(log.new) == len(record.notes) and withdrawn > 0
        assert len(col.find_notes(f"tag:{WITHDRAWN_TAG}")) == withdrawn
        assert col.find_cards(f"tag:{WITHDRAWN_TAG}") == []
        assert len(col.find_cards("is:new")) == col.card_count() > 0
    finally:
        col.close()
