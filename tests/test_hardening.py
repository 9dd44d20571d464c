"""What a build leaves behind, and what no single input may break: a character no font has stops only the
PDFs that print it; two builds at once in one folder; outputs the inputs no longer make; "today" in every
time zone; one mistake reported as one cause with its consequences under it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

from conftest import REPO, Project, sample_project

from factdeck.outputs.write import folder_lock
from factdeck.records.dates import latest_today

SHIP = "\U0001f6a2"  # an emoji no bundled font has


def _deck_without_founding(project: Project) -> None:
    """Two decks: the sample's, now without 'guild-founded', and 'whole-story' with every fact."""
    deck = project.read("decks/all.yaml")
    project.write("decks/whole.yaml", deck.replace("id: guild-history", "id: whole-story").replace(
        'name: "River Guild history"', 'name: "Whole story"'))  # fmt: skip
    project.write("decks/all.yaml", deck + "select:\n  exclude:\n    facts: [guild-founded]\n")


def test_a_character_no_font_has_stops_only_the_pdfs_that_print_it(project: Project) -> None:
    _deck_without_founding(project)
    project.replace("facts/guild.yaml", "River Guild founded?", f"River Guild {SHIP} founded?")
    project.replace("facts/guild.yaml", "The River Guild was founded", f"The River Guild {SHIP} was founded")
    assert project.run("vet", "guild-founded", "--reviewer", "fact-editor").exit_code == 0

    checked = project.run("check")
    assert checked.exit_code == 0, checked.output
    assert (
        f"facts/guild.yaml:6: warning: fact 'guild-founded': question: the character '{SHIP}' (U+1F6A2 SHIP) is in "
        "none of the fonts the PDFs use, so the worksheets, keys and guides of deck 'whole-story' that print it "
        "are not made (Anki packages and web quizzes are): add a font that has it to fonts/ (e.g. Noto Emoji, a "
        "monochrome emoji font), or write it another way"
    ) in checked.stderr.splitlines()
    assert any(line.startswith("facts/guild.yaml:8: warning: fact 'guild-founded': statement:")
               for line in checked.stderr.splitlines())  # fmt: skip
    assert project.run("check", "--strict").exit_code == 1

    built = project.run("build")
    assert built.exit_code == 1, built.output
    assert "Traceback" not in built.output
    assert (
        "decks/whole.yaml:1: deck 'whole-story': worksheets and keys not made (the web quiz is made): "
        f"templates/quiz/worksheet.typ: the text '{SHIP}' is in none of the fonts the PDFs use: add a font that has it to "
        "fonts/ (facts holding it: guild-founded) (run with --debug for Typst's own message)"
    ) in built.stderr
    build = project.path("build")
    # The deck that does not hold the fact: everything. The deck that does: all but its PDFs.
    for name in ("guild-history.apkg", "guild-history-quiz.html", "worksheet-A.pdf", "key-B.pdf"):
        assert (build / "guild-history" / name).is_file(), name
    assert (build / "whole-story/whole-story.apkg").is_file()
    assert SHIP in (build / "whole-story/whole-story-quiz.html").read_text(encoding="utf-8")
    assert not list((build / "whole-story").glob("*.pdf"))
    assert (build / "factdeck.json").is_file()
    # A build that could not make everything is never "up to date": the next one says so again.
    again = project.run("build")
    assert again.exit_code == 1 and "worksheets and keys not made" in again.stderr


def test_a_font_added_under_fonts_makes_the_character_drawable(project: Project) -> None:
    from factdeck.outputs.print.coverage import undrawable

    assert undrawable(project.root, {"é", "ک", SHIP, "中"}) == {SHIP, "中"}


def test_outputs_the_inputs_no_longer_make_are_removed(project: Project) -> None:
    project.write("decks/second.yaml", 'id: second\nname: "Second"\ndescription: "Again."\nquiz:\n  questions: 3\n')
    assert project.run("build").exit_code == 0
    build = project.path("build")
    assert (build / "guild-history/worksheet-B.pdf").is_file() and (build / "second/second.apkg").is_file()
    (build / "notes-of-mine.txt").write_text("a teacher's own file", encoding="utf-8")

    project.replace("decks/all.yaml", "versions: 2", "versions: 1")  # version B dropped
    project.path("decks/second.yaml").unlink()  # a deck removed
    result = project.run("build")
    assert result.exit_code == 0, result.output
    assert "removed 8 outputs the inputs no longer make" in result.stdout
    assert not (build / "guild-history/worksheet-B.pdf").exists()
    assert not (build / "guild-history/key-B.pdf").exists()
    assert not (build / "second").exists()
    assert (build / "guild-history/worksheet-A.pdf").is_file()
    assert (build / "notes-of-mine.txt").read_text(encoding="utf-8") == "a teacher's own file"  # not a build's

    # A deck that selects nothing keeps no package or quiz of its last build, and the build says so.
    project.write("decks/all.yaml", project.read("decks/all.yaml") + "select:\n  include:\n    tags: [no-such-tag]\n")
    result = project.run("build")
    assert "its selection matches no vetted fact, so no output is made for it" in result.stderr
    assert "removed 4 outputs the inputs no longer make" in result.stdout
    assert not (build / "guild-history").exists()


def test_a_build_of_one_deck_keeps_the_other_decks_outputs(project: Project) -> None:
    project.write("decks/second.yaml", 'id: second\nname: "Second"\ndescription: "Again."\nquiz:\n  questions: 3\n')
    assert project.run("build").exit_code == 0
    assert project.run("build", "guild-history").exit_code == 0
    assert project.run("build", "--format", "apkg").exit_code == 0
    assert project.path("build/second/second.apkg").is_file()
    assert project.path("build/second/worksheet-A.pdf").is_file()
    # The build's own records are never outputs: a build that makes no Anki package keeps their history.
    notes = project.path("build/.factdeck/anki-notes.json").read_bytes()
    assert project.run("build", "--format", "pdf").exit_code == 0
    assert project.path("build/.factdeck/anki-notes.json").read_bytes() == notes
    assert project.path("build/second/second.apkg").is_file()


def test_two_builds_at_once_in_one_folder_both_succeed(project: Project) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "factdeck", "build", "--project", str(project.root)]
    for round_ in range(3):
        project.replace("facts/eras.yaml", 'title: "Decline"', f'title: "Decline {round_}"')  # new work each round
        runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]  # fmt: skip
        results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
        for code, out, err in results:
            assert code == 0, out + err
            assert "Traceback" not in err
        with zipfile.ZipFile(project.path("build/guild-history/guild-history.apkg")) as package:
            assert package.testzip() is None
        assert not list(project.path("build").rglob("*.factdeck-tmp"))
        project.replace("facts/eras.yaml", f'title: "Decline {round_}"', 'title: "Decline"')


def test_a_build_waits_for_the_lock_and_gives_up_with_a_message(project: Project, monkeypatch) -> None:
    import factdeck.outputs.write as write

    monkeypatch.setattr(write, "LOCK_WAIT", 0.3)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with folder_lock(project.path("build")):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        result = project.run("build")
    finally:
        release.set()
        holder.join()
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (f"{project.path('build')}: another factdeck command is writing here; waiting for it to finish "
                        "(at most 0 s)")  # fmt: skip
    assert lines[1].startswith(f"error: {project.path('build')}: another factdeck command has been writing here")
    assert lines[1].endswith("gave up: run again once it has finished")
    assert project.run("build").exit_code == 0  # once it is free


def test_today_is_the_same_date_on_every_machine() -> None:
    # 00:30 on 6 December in Tehran (UTC+3:30) is 5 December in California; both machines agree on the
    # latest date anywhere on Earth, and a fact vetted "today" in Tehran is not in the future for either.
    tehran = dt.datetime(2026, 12, 6, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))
    california = tehran.astimezone(dt.timezone(dt.timedelta(hours=-8)))
    assert california.date() == dt.date(2026, 12, 5)
    assert latest_today(tehran) == latest_today(california) == dt.date(2026, 12, 6)
    assert latest_today(dt.datetime(2026, 12, 5, 9, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 5)
    assert latest_today(dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)) == dt.date(2026, 12, 6)


def test_a_fact_vetted_today_east_of_here_passes(project: Project) -> None:
    tomorrow_in_kiribati = latest_today().isoformat()
    project.replace("facts/guild.yaml", "vetted: 2026-11-22", f"vetted: {tomorrow_in_kiribati}")
    result = project.run("check")
    assert "in the future" not in result.stderr


def test_one_mistake_is_one_cause_with_its_consequences_under_it(project: Project) -> None:
    project.replace("facts/sources.yaml", "- id: chronicle", "- id: chronicel")
    result = project.run("check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("facts/sources.yaml:1: source 'chronicel': no fact uses this id, and 6 citations")
    assert all(line.startswith("    which causes: facts/guild.yaml:") for line in lines[1:7])
    assert lines[7] == "1 error, 0 warnings (and 6 caused by it, indented)"
    assert "never cited" not in result.stderr


def test_the_lock_leaves_nothing_in_the_project(project: Project, tmp_path: Path) -> None:
    with folder_lock(project.path("build")):
        pass
    assert not project.path("build").exists()


def test_a_misspelt_nested_key_and_a_misspelt_deck_tag_are_one_problem_each(project: Project) -> None:
    project.replace("facts/guild.yaml", "    - source: chronicle", "    - sorce: chronicle")
    project.write("decks/all.yaml", project.read("decks/all.yaml") + "select:\n  include:\n    tags: [origns]\n")
    result = project.run("check")
    assert result.stderr.splitlines() == [
        "decks/all.yaml:10: warning: deck 'guild-history': include names tag 'origns', which no fact has (did you "
        "mean 'origins'?)",
        "    which causes: decks/all.yaml:1: warning: deck 'guild-history': its selection matches no vetted fact, so "
        "no output is made for it: select.include.tags [origns] matches none of the vetted facts",
        "facts/guild.yaml:10: fact 'guild-founded': unknown key 'citations[0].sorce' (did you mean 'source'?)",
        "    which causes: facts/guild.yaml:10: fact 'guild-founded': missing required key 'citations[0].source'",
        "1 error, 1 warning (and 2 caused by them, indented)",
    ]


def test_meetings_no_longer_made_are_removed(tmp_path: Path) -> None:
    project = sample_project(tmp_path / "proj", more_facts=True)
    project.write("decks/all.yaml", project.read("decks/all.yaml") + "sessions:\n  meetings: 3\n")
    assert project.run("build").exit_code == 0
    sessions = project.path("build/guild-history/sessions")
    assert sorted(p.name for p in sessions.iterdir()) == ["meeting-1", "meeting-2", "meeting-3"]
    project.replace("decks/all.yaml", "meetings: 3", "meetings: 2")
    result = project.run("build")
    assert result.exit_code == 0, result.output
    assert "removed" in result.stdout
    assert sorted(p.name for p in sessions.iterdir()) == ["meeting-1", "meeting-2"]


def test_input_names_other_systems_cannot_hold_are_named(project: Project) -> None:
    project.write("facts/Guild.yaml", project.read("facts/guild.yaml").replace("id: ", "id: copy-"))
    project.write("facts/aux.yaml", project.read("facts/guild.yaml").replace("id: ", "id: aux-"))
    result = project.run("check")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert (
        "facts/aux.yaml: warning: this name cannot be created on Windows (a reserved device name, a name ending in "
        'a dot or space, or one of < > : " | ? * \\): rename it'
    ) in lines
    assert (
        "facts/guild.yaml: warning: differs from facts/Guild.yaml only in case: on macOS and Windows they are one "
        "file, and a copy there keeps only one: rename one"
    ) in lines
    assert project.run("check", "--strict").exit_code == 1


def test_check_refuses_the_output_folder_the_build_would_refuse(project: Project) -> None:
    project.write("factdeck.yaml", project.read("factdeck.yaml") + "output: build/com1\n")
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "factdeck.yaml:3: output folder 'build/com1': 'com1' is a name Windows cannot create (a reserved device "
        "name, or one ending in a dot or space): choose another"
    )
