"""`factdeck watch`: a round per change to the inputs, errors shown and survived, Ctrl-C a clean stop."""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, Project

from factdeck.build import build, load_and_validate
from factdeck.engine import watch as watching
from factdeck.engine.watch import changed_paths, snapshot, watch
from factdeck.exceptions import ValidationFailed


class Script:
    """A stand-in for time.sleep that makes the next scripted edit at each call (nothing once they run out),
    and gives up after `limit` calls so a watch that misses a change fails instead of hanging."""

    def __init__(self, *edits, limit: int = 40):
        self.edits = list(edits)
        self.calls = 0
        self.limit = limit

    def __call__(self, seconds: float) -> None:
        self.calls += 1
        if self.calls > self.limit:
            raise AssertionError("the watch slept on without seeing the change")
        if self.edits:
            edit = self.edits.pop(0)
            if edit is not None:
                edit()


def rounds(project, script: Script, n: int, **build_options):
    options = {"formats": ("apkg",), **build_options}
    return list(
        itertools.islice(
            watch(project.root, lambda session: build(project.root, session=session, **options), sleep=script), n
        )
    )


def test_snapshot_sees_every_input_and_nothing_else(project):
    project.write("factdeck.yaml", "archive: archive\n")
    # A project's own copy of a template (the built-in ones change only with factdeck itself).
    project.write("templates/anki/fields/details.html", project.read("templates/anki/fields/details.html"))
    before = snapshot(project.root)
    assert {
        "facts/guild.yaml",
        "decks/all.yaml",
        "templates/anki/fields/details.html",
        "factdeck.yaml",
        "archive/chronicle.txt",
    } <= before.keys()
    project.write("build/all/out.txt", "an output")  # outputs are not inputs
    project.write("notes.txt", "not read by a build")
    assert snapshot(project.root) == before
    project.replace("facts/guild.yaml", "1910", "1911 ")
    project.write("fonts/extra.ttf", "x")
    project.path("decks/all.yaml").unlink()
    project.replace("archive/chronicle.txt", "the", "THE  ")
    assert changed_paths(before, snapshot(project.root)) == [
        "archive/chronicle.txt",
        "decks/all.yaml",
        "facts/guild.yaml",
        "fonts/extra.ttf",
    ]


def test_a_change_starts_a_round_with_what_changed(project):
    package = project.path("build/guild-history/guild-history.apkg")
    script = Script(None, lambda: project.replace("facts/guild.yaml", "in Millford", "in Old Millford"))
    first, second = rounds(project, script, 2)
    assert first.changed == [] and first.error is None
    assert [p.name for p in first.result.written if p.suffix == ".apkg"] == ["guild-history.apkg"]
    assert second.changed == ["facts/guild.yaml"] and second.error is None
    assert package in second.result.written
    assert b"Old Millford" in subprocess_free_read(package)


def subprocess_free_read(apkg: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(apkg) as archive:
        return archive.read("collection.anki2")


def test_an_error_ends_the_round_not_the_watch(project):
    package = project.path("build/guild-history/guild-history.apkg")
    script = Script(
        lambda: project.replace("facts/guild.yaml", "kind: place", "kind: town"),
        None,  # broken, then settled
        None,
        lambda: project.replace("facts/guild.yaml", "kind: town", "kind: place"),  # mended
    )
    first, broken, mended = rounds(project, script, 3)
    built = package.read_bytes()
    assert isinstance(broken.error, ValidationFailed) and broken.result is None
    assert any(
        str(p).startswith("facts/guild.yaml:") and "'kind' must be one of" in str(p) for p in broken.error.problems
    )
    assert mended.error is None and broken.changed == mended.changed == ["facts/guild.yaml"]
    assert package.read_bytes() == built  # the failed round wrote nothing


def test_a_file_saved_in_several_writes_makes_one_round(project):
    text = project.read("facts/guild.yaml")
    script = Script(
        lambda: project.write("facts/guild.yaml", text[: len(text) // 2]),  # half-saved: would not validate
        lambda: project.write("facts/guild.yaml", text.replace("Millford", "Millbrook")),
    )
    first, second = rounds(project, script, 2)
    assert second.error is None, second.error
    assert script.calls == 3  # the first write, the rest of the save, one quiet poll: then the round


def test_a_change_during_a_build_starts_another_round(project):
    built = []

    def build_and_edit(session):
        built.append(len(built))
        if len(built) == 1:  # saved while the first build runs
            project.replace("facts/guild.yaml", "in Millford", "in Old Millford")
        return build(project.root, formats=("apkg",), session=session)

    script = Script()
    first, second = itertools.islice(watch(project.root, build_and_edit, sleep=script), 2)
    assert second.changed == ["facts/guild.yaml"]
    assert script.calls == 2  # no waiting for a further change


def test_the_command_reports_rounds_and_stops_cleanly_on_ctrl_c(project, monkeypatch):
    calls = []

    def interrupt(seconds: float) -> None:
        calls.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr(watching.time, "sleep", interrupt)
    result = project.run("watch", "guild-history", "--format", "apkg", "--interval", "0.1", "--poll")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"watching {project.root.resolve()} (Ctrl-C to stop)"
    assert lines[1].startswith("built in ") and lines[1].endswith(f"to {project.root.resolve() / 'build'}")
    assert lines[2] == "stopped"
    assert calls == [0.1]


def test_the_command_says_when_changes_cannot_be_reported_and_polls(project, monkeypatch):
    def no_reports(*paths, **options):
        raise OSError("OS file watch limit reached")
        yield  # a generator, as watchfiles.watch is: the error comes when it is first iterated

    monkeypatch.setattr(watching.watchfiles, "watch", no_reports)
    monkeypatch.setattr(watching.time, "sleep", lambda seconds: (_ for _ in ()).throw(KeyboardInterrupt))
    result = project.run("watch", "--format", "apkg")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "changes are not reported here (OS file watch limit reached); polling every 0.3 s",
        result.stdout.splitlines()[2],
        "stopped",
    ]
    assert result.stdout.splitlines()[2].startswith("built in ")


def test_the_command_shows_an_input_error_as_lines_and_keeps_watching(project, monkeypatch):
    project.replace("facts/guild.yaml", "kind: place", "kind: town")
    monkeypatch.setattr(watching.Notifier, "wait", lambda self: (_ for _ in ()).throw(KeyboardInterrupt))
    result = project.run("watch", "--format", "apkg")
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert any(
        line.startswith("facts/guild.yaml:") and "'kind' must be one of" in line for line in result.stderr.splitlines()
    )
    assert "build failed" in result.stdout and result.stdout.rstrip().endswith("stopped")
    assert not project.path("build").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_a_real_watch_rebuilds_after_an_edit_and_stops_on_sigint(project):
    """End to end, in its own process: the first build, an edit, the second build, Ctrl-C."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "factdeck",
            "watch",
            "guild-history",
            "--format",
            "apkg",
            "--interval",
            "0.05",
            "--project",
            str(project.root),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    printed: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [printed.put(line) for line in proc.stdout], daemon=True).start()

    def line() -> str:
        return printed.get(timeout=120)  # a watch that never answers fails the test instead of hanging it

    try:
        lines = [line(), line()]
        assert lines[1].startswith("built in "), lines
        time.sleep(0.05)  # a new modification time even on a coarse clock
        # The edit is made and vetted again in a copy, then written in one go: written in place, the watch could
        # read the edit before its new fingerprint and build it as a fact under review (seen on a loaded machine).
        edited = Project(project.root.parent / "edited")
        shutil.copytree(project.root, edited.root, ignore=shutil.ignore_patterns("build"))
        edited.replace("facts/guild.yaml", "in Millford", "in Old Millford")
        project.path("facts/guild.yaml").write_text(edited.read("facts/guild.yaml"), encoding="utf-8")
        lines += [line(), line()]
        assert lines[2:] == ["changed: facts/guild.yaml\n", lines[3]] and lines[3].startswith("built in ")
        proc.send_signal(signal.SIGINT)
        assert line() == "stopped\n"
        err = proc.stderr.read()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    # The edit (vetted again with it, as a reviewer would: conftest's Project.write) is built, and nothing is said.
    assert err.splitlines() == []
    assert b"Old Millford" in subprocess_free_read(project.path("build/guild-history/guild-history.apkg"))


def test_a_round_runs_without_collector_passes_and_keeps_records_in_memory(project):
    import gc

    seen = []

    def build_and_look(session):
        seen.append((gc.isenabled(), session.keeping, session))
        load_and_validate(project.root, session=session)
        return None

    rounds = watch(project.root, build_and_look, sleep=Script())
    next(rounds)
    ((collecting, keeping, session),) = seen
    assert not collecting and keeping and gc.isenabled()
    assert session.recent_records  # the fact files' records, kept for the next round
    rounds.close()
    assert session.recent_records == {} and session.held_writes is None


def test_reported_changes_start_rounds_without_waiting_for_a_poll(project, monkeypatch):
    """With a poll only every 30 s, each change below is seen because the file system reported it: in a
    watched folder, a new input folder, a file in it, a new settings file saved by renaming, a replaced
    folder and a file in it."""
    import shutil

    waits: list[bool] = []
    real_wait = watching.Notifier.wait
    monkeypatch.setattr(watching.Notifier, "wait", lambda self: waits.append(real_wait(self)) or waits[-1])
    facts = project.path("facts")

    def save_by_renaming(relative: str, text: str) -> None:
        project.write(relative + ".tmp", text)
        os.replace(project.path(relative + ".tmp"), project.path(relative))

    def replace_facts_folder() -> None:
        shutil.copytree(facts, project.path("facts.new"))
        shutil.rmtree(facts)
        project.path("facts.new").rename(facts)

    edits = [
        lambda: project.replace("facts/guild.yaml", "in Millford", "in Old Millford"),
        lambda: project.write("fonts/extra.ttf", "x"),
        lambda: project.write("fonts/extra.ttf", "xy"),
        lambda: save_by_renaming("factdeck.yaml", "# the project's settings\n"),
        replace_facts_folder,
        lambda: project.replace("facts/guild.yaml", "in Old Millford", "in Millford"),
    ]

    def build_and_edit(session) -> None:
        if edits:  # a change while the round runs: reported after it, or during it
            time.sleep(0.01)
            edits.pop(0)()

    rounds = watch(project.root, build_and_edit, interval=30)
    try:
        changed = [next(rounds).changed for _ in range(7)]
    finally:
        rounds.close()
    assert changed[:5] == [[], ["facts/guild.yaml"], ["fonts/extra.ttf"], ["fonts/extra.ttf"], ["factdeck.yaml"]]
    assert "facts/guild.yaml" in changed[5] and changed[6] == ["facts/guild.yaml"]
    assert waits and all(waits)  # no round waited for a poll


def test_the_notifier_stops_its_threads_when_the_watch_ends(project):
    import threading

    def notifiers() -> int:
        return sum(t.name == "factdeck-notifier" for t in threading.enumerate())

    rounds = watch(project.root, lambda session: None, interval=30)
    next(rounds)
    assert notifiers() == 2  # input folders with their subfolders; the project folder's own entries
    rounds.close()
    assert notifiers() == 0
