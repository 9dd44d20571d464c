"""`factdeck check` of a released project after an edit: the release records restored without their notes made
(records/note_columns.py's `NoteColumns`: the edited facts' notes looked up, every identity read from its column), the
notes the records hold and no file makes looked for only when the counts say there are some (release.py's
`deck_drift`), and each deck's fronts carried for the edited file's other facts (checks.py's `_FrontShares`). The
answer (every message, in order, and the exit code) is a cold check's after each kind of edit."""

from __future__ import annotations

import re

import pytest
from conftest import Project, cli_check

from factdeck.build import load_and_validate
from factdeck.outputs.anki import lifecycle
from factdeck.outputs.anki.note_keys import NoteKeys
from factdeck.outputs.anki.release import comparison_stage, deck_drift, drift
from factdeck.records import identity, note_columns
from factdeck.records.select import select_facts
from test_release_inputs import released_sample

MORE = "facts/more-guild.yaml"
TREASURER = "Tomas Reed became the River Guild's first treasurer in 1905."


pytestmark = pytest.mark.usefixtures("every_check_validates")


@pytest.fixture
def released(tmp_path, monkeypatch) -> Project:  # type: ignore[no-untyped-def]
    return released_sample(tmp_path, monkeypatch)


def check(project: Project, cache: bool = True) -> tuple[int, str]:
    return cli_check(project, cache=cache)


def _statement(project: Project) -> None:
    project.replace(MORE, TREASURER, TREASURER.replace("in 1905", "in 1905, by a vote"))


def _statement_and_back(project: Project) -> None:
    _statement(project)
    check(project)
    project.replace(MORE, TREASURER.replace("in 1905", "in 1905, by a vote"), TREASURER)


def _removed(project: Project) -> None:
    head, tail = project.read(MORE).split("- id: first-treasurer", 1)
    project.write(MORE, head + tail.split("\n\n", 1)[1])


def _excluded(project: Project) -> None:
    project.replace("decks/all.yaml", "cards:\n", "select:\n  exclude:\n    facts: [first-treasurer]\ncards:\n")


def _released_again(project: Project) -> None:
    _statement(project)
    check(project)
    assert project.run("release").exit_code == 0


def _held_back(project: Project) -> None:
    project.replace(MORE, TREASURER, TREASURER.replace("in 1905", "in 1906"), vet=False)


def _added(project: Project) -> None:
    text = project.read(MORE)
    block = "- id: first-treasurer" + text.split("- id: first-treasurer", 1)[1].split("\n\n", 1)[0] + "\n"
    new = block.replace("- id: first-treasurer", "- id: second-treasurer").replace(
        "first treasurer", "second treasurer"
    )
    new = re.sub("vetted_hash: .*", "vetted_hash: aaaaaaaaaaaaaaaa", new)  # vetted afresh by `write`
    project.write(MORE, text.rstrip("\n") + "\n\n" + new)


EDITS = [_statement, _statement_and_back, _removed, _excluded, _released_again, _held_back, _added]


@pytest.mark.parametrize("edit", EDITS)
def test_after_each_edit_the_answer_is_a_cold_check_s(released, edit):
    assert check(released)[0] == 0
    edit(released)
    cached = check(released)
    assert cached == check(released, cache=False)
    assert cached == check(released)  # and again, from what the first kept
    changed = edit not in (_statement_and_back, _released_again)
    assert ("differs from its release record" in cached[1]) == changed, cached[1]


class Spied:
    """What the checks do with the release records while installed: the notes looked up one by one (their facts),
    the records whose every note was made, and the decks whose notes the record holds and no file makes were looked
    for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.looked_up: set[str] = set()
        self.made: list[int] = []
        self.outside: list[str] = []
        note, notes, outside = (
            note_columns.NoteColumns._note,
            note_columns.NoteColumns.notes,
            lifecycle.PublishedNotes.outside,
        )

        def counted_note(columns, row):  # type: ignore[no-untyped-def]
            made = note(columns, row)
            self.looked_up.add(made.fact)
            return made

        def counted_notes(columns):  # type: ignore[no-untyped-def]
            self.made.append(len(columns.columns[0]))
            return notes(columns)

        def counted_outside(published, deck, identities):  # type: ignore[no-untyped-def]
            self.outside.append(deck.id)
            return outside(published, deck, identities)

        monkeypatch.setattr(note_columns.NoteColumns, "_note", counted_note)
        monkeypatch.setattr(note_columns.NoteColumns, "notes", counted_notes)
        monkeypatch.setattr(lifecycle.PublishedNotes, "outside", counted_outside)


def test_a_check_after_an_edit_makes_only_the_edited_file_s_notes_of_the_record(released, monkeypatch):
    check(released)
    base = load_and_validate(released.root)
    in_file = {fact.id for fact in base.facts if fact.file == MORE}
    released_facts = {note.fact for record in base.published.values() for note in record.notes.values()}
    _statement(released)
    spied = Spied(monkeypatch)
    assert check(released)[0] == 0
    assert spied.made == []  # no record's every note made
    assert spied.looked_up and spied.looked_up <= in_file < released_facts  # the edited file's facts' notes only
    assert spied.outside == []  # the counts say the record holds no note the files do not make
    _removed(released)
    assert check(released) == check(released, cache=False)
    assert spied.outside  # now it holds some: looked for


@pytest.mark.parametrize("edit", [_statement, _removed, _excluded, _held_back, _added])
def test_each_drift_from_a_restored_record_is_the_whole_record_s(released, edit):
    check(released)
    edit(released)
    base = load_and_validate(released.root)
    assert all(record._unmade() is not None for record in base.published.values())  # restored, notes not made
    parsed, _ = identity.load_published(released.root)
    counted = comparison_stage(base, released.root / "build", NoteKeys(base), base.published)
    whole = comparison_stage(base, released.root / "build", NoteKeys(base), parsed)
    for deck in base.decks:
        facts = select_facts(base, deck)
        assert deck_drift(counted, deck, facts, base.published[deck.id]) == drift(
            parsed[deck.id], whole.release_record(deck, facts)
        )


def test_extra_notes_never_looked_for_would_be_caught(released, monkeypatch):
    from factdeck.outputs.anki import release

    monkeypatch.setattr(release, "_holds_others", lambda record, held: False)
    with pytest.raises(AssertionError):
        test_each_drift_from_a_restored_record_is_the_whole_record_s(released, _removed)
