"""A deck's notes hold its release record's own strings for their identities, GUIDs and content hashes where they
are equal (outputs/anki/lifecycle.py's `shared_identities`): one copy of each while the package is written, not
one in the note and one in the record. Counted by object identity; the packages are the same bytes either way."""

from __future__ import annotations

import shutil

import pytest
from conftest import Project

from factdeck.build import build
from factdeck.outputs.anki.fronts import FrontCheck
from factdeck.outputs.anki.lifecycle import PublishedNotes
from test_parallel import outputs
from test_release_inputs import released_sample


@pytest.fixture
def released(tmp_path, monkeypatch) -> Project:
    project = released_sample(tmp_path, monkeypatch)
    project.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")  # a note that changed
    return project


def _written_notes(monkeypatch) -> tuple[list, list]:
    """The notes of every package the build writes, as its duplicate-front check reads them, and the release
    records the build compares them with."""
    seen: list = []
    records: list = []
    check, extra = FrontCheck.add, PublishedNotes.extra_notes

    def noting(self, record, held=None):
        seen.append(record if held is None else held)
        return check(self, record, held)

    def reading(self, deck, live, keep=True):
        records.append(self.records[deck.id])
        return extra(self, deck, live, keep)

    monkeypatch.setattr(FrontCheck, "add", noting)
    monkeypatch.setattr(PublishedNotes, "extra_notes", reading)
    return seen, records


def _plain_identities(self, deck, live):
    return {note.identity for note in live}


def _shared(notes: list, record) -> tuple[int, int, int, int]:
    """(notes the record holds, of them: identities, GUIDs and content hashes that are the record's own objects)."""
    held = identities = guids = hashes = 0
    for note in notes:
        known = record.notes.get(note.identity)
        if known is None:
            continue
        held += 1
        identities += note.identity is known.identity
        guids += note.guid is known.guid
        hashes += note.content is known.hash
    return held, identities, guids, hashes


def test_notes_hold_the_release_record_s_strings(released, monkeypatch):
    notes, records = _written_notes(monkeypatch)
    build(released.root, formats=("apkg",))
    record = records[0]
    assert records == [record]  # the sample's one deck
    held, identities, guids, hashes = _shared(notes, record)
    assert held >= 10
    changed = sum(note.content != record.notes[note.identity].hash for note in notes if note.identity in record.notes)
    assert changed >= 1  # the edited note's hash is its own
    assert identities == guids == held and hashes == held - changed


def test_notes_holding_their_own_copies_would_be_caught(released, monkeypatch):
    monkeypatch.setattr(PublishedNotes, "shared_identities", _plain_identities)
    notes, records = _written_notes(monkeypatch)
    build(released.root, formats=("apkg",))
    record = records[0]
    assert records == [record]  # the sample's one deck
    held, identities, guids, hashes = _shared(notes, record)
    assert held >= 10 and identities == guids == hashes == 0


def test_the_packages_are_the_same_bytes(released, tmp_path, monkeypatch):
    other = Project(tmp_path / "other")
    shutil.copytree(released.root, other.root)
    build(released.root, formats=("apkg",))
    monkeypatch.setattr(PublishedNotes, "shared_identities", _plain_identities)
    build(other.root, formats=("apkg",))
    assert outputs(released.root) == outputs(other.root) != {}
