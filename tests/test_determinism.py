"""Determinism: two builds of the same input, in two different folders, give the same notes, cards,
GUIDs and quiz content; the same seed gives the same quiz, another seed another one."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import SAMPLE, Project

DECK = "guild-history"
MORE_FACTS = Path(__file__).parent / "fixtures" / "quiz" / "more-guild.yaml"


def make_project(root: Path) -> Project:
    project = Project(root)
    shutil.copytree(SAMPLE, project.root)
    shutil.copy(MORE_FACTS, project.path("facts/more-guild.yaml"))
    return project


def anki_content(apkg: Path) -> dict[str, object]:
    """Notes and cards as Anki stores them, keyed by GUID (row ids and times aside)."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "collection.anki2"
        with zipfile.ZipFile(apkg) as archive:
            database.write_bytes(archive.read("collection.anki2"))
        connection = sqlite3.connect(database)
        try:
            notes = {
                guid: (mid, tags, fields)
                for guid, mid, tags, fields in connection.execute("SELECT guid, mid, tags, flds FROM notes")
            }
            cards = sorted(
                connection.execute(
                    "SELECT n.guid, c.ord, c.did, c.due, c.type, c.queue FROM cards c JOIN notes n ON n.id = c.nid"
                )
            )
            decks, models = connection.execute("SELECT decks, models FROM col").fetchone()
        finally:
            connection.close()
    return {
        "notes": notes,
        "cards": cards,
        "decks": timeless(json.loads(decks)),
        "models": timeless(json.loads(models)),
    }


def timeless(value: object) -> object:
    """A deck or note type record without its modification times (the build's clock second)."""
    if isinstance(value, dict):
        return {k: timeless(v) for k, v in value.items() if k != "mod"}
    if isinstance(value, list):
        return [timeless(v) for v in value]
    return value


def pdf_texts(folder: Path) -> dict[str, str]:
    return {
        pdf.name: "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages)
        for pdf in sorted(folder.glob("*.pdf"))
    }


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Project, Project]:
    projects = []
    for name in ("first", "second"):
        project = make_project(tmp_path_factory.mktemp(name) / "proj")
        result = project.run("build")
        assert result.exit_code == 0, result.output
        projects.append(project)
    return projects[0], projects[1]


def test_same_notes_cards_and_guids(two_builds):
    first, second = (anki_content(p.path(f"build/{DECK}/{DECK}.apkg")) for p in two_builds)
    assert len(first["notes"]) >= 20 and len(first["cards"]) >= len(first["notes"])
    assert first["notes"] == second["notes"]
    assert first["cards"] == second["cards"]
    assert first["decks"] == second["decks"] and first["models"] == second["models"]


def test_same_quiz_content(two_builds):
    first, second = (pdf_texts(p.path(f"build/{DECK}")) for p in two_builds)
    assert len(first) == 4
    assert first == second
    assert first["worksheet-A.pdf"] != first["worksheet-B.pdf"]  # versions are shuffled, not copies


def test_same_json_export(two_builds):
    first, second = (p.read("build/factdeck.json") for p in two_builds)
    assert first == second


def test_seed_decides_the_quiz(tmp_path):
    project = make_project(tmp_path / "proj")

    def quiz(seed: int, into: str) -> dict[str, str]:
        result = project.run("quiz", DECK, "--seed", str(seed), "--output", str(tmp_path / into))
        assert result.exit_code == 0, result.output
        return pdf_texts(tmp_path / into / DECK)

    seven = quiz(7, "a")
    assert quiz(7, "b") == seven
    assert quiz(8, "c") != seven
