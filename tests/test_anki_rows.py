"""The package's rows, made directly (outputs/anki/apkg_file.py), are those genanki writes for the same notes:
the collection row, every deck and note type's JSON, every note and card row with its id, in the shipped decks
and the sample project (with withdrawn, cardless notes); Anki's own importer reads the result
(tests/test_anki_roundtrip.py)."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import genanki
from conftest import REPO, sample_project

from factdeck.build import load_and_validate
from factdeck.outputs.anki.apkg_file import PackageDeck, write_collection
from factdeck.outputs.anki.package import ApkgStage
from factdeck.outputs.write import OutputWriter
from factdeck.records.select import select_facts


class _Note(genanki.Note):
    """genanki's note with the package's own time and, for a withdrawn note, no cards (as factdeck wrote them)."""

    def __init__(self, *args, mod: int, cardless: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.mod = mod
        if cardless:
            self.__dict__["cards"] = []

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def _by_genanki(decks: list[PackageDeck], database: Path, timestamp: int) -> None:
    package = []
    for entry in decks:
        deck = genanki.Deck(entry.deck.deck_id, entry.deck.name, description=entry.deck.description)
        for n in entry.notes:
            deck.add_note(
                _Note(model=n.model, fields=list(n.fields), tags=list(n.tags), guid=n.guid, due=n.due, mod=n.mod,
                      cardless=not n.cards)
            )  # fmt: skip
        package.append(deck)
    connection = sqlite3.connect(database)
    genanki.Package(package).write_to_db(connection.cursor(), timestamp, itertools.count(timestamp * 1000))
    connection.commit()
    connection.close()


def _dump(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _same_rows(root: Path, tmp_path: Path) -> int:
    base = load_and_validate(root)
    stage = ApkgStage(base, OutputWriter(tmp_path / "out"))
    checked = 0
    for deck in base.decks:
        records = stage.package_notes(deck, select_facts(base, deck))
        ours, theirs = tmp_path / f"{deck.id}-ours.anki2", tmp_path / f"{deck.id}-genanki.anki2"
        write_collection(ours, stage._decks(deck, records), 1_700_000_000)
        _by_genanki(stage._decks(deck, records), theirs, 1_700_000_000)
        dump = _dump(ours)
        assert dump == _dump(theirs)
        checked += sum(line.startswith('INSERT INTO "notes"') for line in dump)
    return checked


def test_shipped_decks_rows_are_genankis(tmp_path):
    assert _same_rows(REPO, tmp_path) > 100


def test_sample_rows_are_genankis_with_withdrawn_notes(tmp_path):
    project = sample_project(tmp_path / "sample", more_facts=True)
    assert project.run("release").exit_code == 0
    facts = project.root / "facts" / "more-guild.yaml"
    facts.unlink()  # its released notes stay, withdrawn and cardless
    assert _same_rows(project.root, tmp_path) > 10
    dump = "\n".join(_dump(tmp_path / "guild-history-ours.anki2"))
    assert "withdrawn" in dump


def test_notes_from_the_field_store_are_fresh_notes(tmp_path):
    """A build keeps each note's GUID and content hash with its fields; the next build's notes made from them
    are the notes made afresh (in English and in a Persian edition)."""
    project = sample_project(tmp_path / "sample", more_facts=True)
    deck = next((project.root / "decks").glob("*.yaml"))
    persian = deck.read_text(encoding="utf-8").replace("id: guild-history", "id: guild-fa") + "language: fa\n"
    (project.root / "decks" / "guild-fa.yaml").write_text(persian, encoding="utf-8")
    assert project.run("build", "--format", "apkg").exit_code == 0
    base = load_and_validate(project.root)
    kept = ApkgStage(base, OutputWriter(project.root / "build"))
    fresh = ApkgStage(base, OutputWriter(tmp_path / "empty"))
    assert kept.fields.previous and not fresh.fields.previous
    for deck in base.decks:
        facts = select_facts(base, deck)
        made = [r.as_tuple() for r in kept.package_notes(deck, facts)]
        assert made == [r.as_tuple() for r in fresh.package_notes(deck, facts)] and made
