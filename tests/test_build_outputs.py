"""Which outputs a build sets up for its formats: the worksheets' and meeting packs' code only where they can be made."""

from __future__ import annotations

from pathlib import Path

from conftest import imported_by, sample_project

from factdeck import build as build_module
from factdeck.outputs.print.worksheets import WorksheetsAndWebQuiz
from factdeck.outputs.sessions.packs import MeetingPacks

PRINT_CODE = ("factdeck.outputs.print.worksheets", "factdeck.outputs.sessions.packs")


def test_the_formats_the_build_asks_about_are_the_outputs_own() -> None:
    assert set(build_module._WORKSHEET_FORMATS) == set(WorksheetsAndWebQuiz.formats)
    assert set(build_module._MEETING_FORMATS) == set(MeetingPacks.formats)


def test_an_anki_build_of_decks_without_meetings_imports_no_worksheet_or_pack_code(tmp_path: Path) -> None:
    project = sample_project(tmp_path / "proj")
    output, imported, stderr = imported_by(["build", "--format", "apkg", "--project", str(project.root)], PRINT_CODE)
    assert any("wrote" in line for line in output), stderr
    assert imported == "[]"
    assert project.path("build/guild-history/guild-history.apkg").is_file()
    # A build that makes worksheets imports them, so the list above would name them.
    _, imported, _ = imported_by(["build", "--format", "html", "--project", str(project.root)], PRINT_CODE)
    assert "factdeck.outputs.print.worksheets" in imported


def test_an_anki_build_of_a_deck_with_meetings_still_makes_its_packs(tmp_path: Path) -> None:
    project = sample_project(tmp_path / "proj", more_facts=True)
    project.write("decks/all.yaml", project.read("decks/all.yaml") + "sessions:\n  meetings: 3\n")
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 0, result.output
    sessions = project.path("build/guild-history/sessions")
    assert sorted(p.name for p in sessions.iterdir()) == ["meeting-1", "meeting-2", "meeting-3"]
    assert all(list(meeting.glob("*.apkg")) for meeting in sessions.iterdir())
    assert not list(sessions.rglob("*.pdf"))  # an Anki-only build makes the packs' Anki decks only
