"""Typst compiled in worker processes (outputs/print/typst_process.py): the same PDF as in the building
process, Typst's errors with their usual messages, and a worker that cannot work means compiling here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sample_project

from factdeck.exceptions import RenderError
from factdeck.outputs.print import page_text, pdf, typst_process
from factdeck.outputs.print.typst_process import TypstWorker, WorkerGone, WorkerPool

# date: none as the shipped templates set it; otherwise each PDF carries the second it was compiled in
SOURCE = (
    '#set document(title: "Worksheet", date: none)\n#set text(font: "Libertinus Serif")\n= Worksheet\n'
    + "A question about the guild, with a Persian name: \u0645\u062c\u0627\u0647\u062f\u06cc\u0646.\n\n" * 60
)


def _folders(root: Path) -> tuple[str, ...]:
    return tuple(str(f) for f in pdf.font_folders(root))


def test_a_worker_compiles_the_pdf_the_building_process_compiles(tmp_path):
    folders = _folders(tmp_path)
    here = pdf.compile_pdf(SOURCE, "t", folders)
    worker = TypstWorker(folders)
    try:
        made, warnings = worker.compile(SOURCE)
        again, _ = worker.compile(SOURCE.replace("guild", "council"))
        assert made == here and warnings == []
        assert again != here and again == pdf.compile_pdf(SOURCE.replace("guild", "council"), "t", folders)
    finally:
        worker.close()
    with pytest.raises(WorkerGone):  # closed: the caller compiles itself
        worker.compile(SOURCE)


@pytest.fixture
def started(monkeypatch) -> list[TypstWorker]:
    """Every Typst worker started from here on, in order."""
    workers: list[TypstWorker] = []
    original = TypstWorker.__init__

    def counted(self, folders):
        original(self, folders)
        workers.append(self)

    monkeypatch.setattr(TypstWorker, "__init__", counted)
    return workers


def test_compile_all_outside_a_watch_uses_workers_and_gives_the_same_bytes(tmp_path, started):
    documents = {f"deck/worksheet-{v}.pdf": ("t", SOURCE.replace("guild", f"guild {v}")) for v in "ABC"}
    made = pdf.compile_all(tmp_path, documents, jobs=2)
    assert len(started) == 2 and all(w._process is None for w in started)  # one per thread, all ended
    folders = _folders(tmp_path)
    assert made == {name: pdf.compile_pdf(source, "t", folders) for name, (_, source) in documents.items()}


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_each_worker_ends_once_no_document_is_left_for_it_and_none_is_compiled_here(tmp_path, monkeypatch, count):
    # A worker is told to end as soon as every document has begun (so it exits while the others compile): never
    # before, or a later document would find it gone and be compiled in the building process.
    gone: list[str] = []
    original = TypstWorker.compile_measured

    def watched(self, source, measuring):
        try:
            return original(self, source, measuring)
        except WorkerGone:
            gone.append(source)
            raise

    monkeypatch.setattr(TypstWorker, "compile_measured", watched)
    documents = {f"deck/worksheet-{v}.pdf": ("t", SOURCE.replace("guild", f"guild {v}")) for v in "ABCDE"[:count]}
    with WorkerPool(tmp_path, count=2) as pool:
        made = pdf.compile_all(tmp_path, documents, jobs=2, pool=pool)
    assert gone == []
    folders = _folders(tmp_path)
    assert made == {name: pdf.compile_pdf(source, "t", folders) for name, (_, source) in documents.items()}


def test_ended_workers_are_reaped(tmp_path, started):
    pdf.compile_all(tmp_path, {f"deck/{v}.pdf": ("t", SOURCE) for v in "AB"}, jobs=2)
    assert len(started) == 2 and all(w._process is None and w._ending == [] for w in started)


def test_a_worker_leaves_having_answered_everything_and_removed_its_folder(tmp_path, monkeypatch):
    """The worker leaves without Python's teardown (os._exit): only after its last answer is sent and its
    temporary folder (where queried documents are written) is removed, and with status 0."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the worker makes its folder
    worker = TypstWorker(_folders(tmp_path))
    process = worker._process
    assert process is not None
    made = [worker.compile_queried(SOURCE, None, "<nothing>"), worker.compile_queried(SOURCE, None, None)]
    worker.close()
    assert [pdf_bytes for pdf_bytes, *_ in made] == [pdf.compile_pdf(SOURCE, "t", _folders(tmp_path))] * 2
    assert made[0][3] == [] and process.returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("factdeck-typst-")]


def test_a_document_typst_refuses_says_so_as_when_compiled_here(tmp_path):
    broken = '#set document(title: "t")\n#let x = (\n'
    with pytest.raises(RenderError) as here:
        pdf.compile_pdf(broken, "templates/quiz/worksheet.typ", _folders(tmp_path))
    with pytest.raises(RenderError) as elsewhere:
        pdf.compile_all(tmp_path, {"deck/worksheet-A.pdf": ("templates/quiz/worksheet.typ", broken)}, jobs=1)
    assert str(elsewhere.value) == str(here.value)
    assert "templates/quiz/worksheet.typ" in str(here.value)


def test_a_worker_that_cannot_start_or_dies_means_compiling_here(tmp_path, monkeypatch):
    folders = _folders(tmp_path)
    expected = pdf.compile_pdf(SOURCE, "t", folders)
    python = sys.executable
    monkeypatch.setattr(typst_process.sys, "executable", str(tmp_path / "no-python"))
    assert pdf.compile_all(tmp_path, {"deck/worksheet-A.pdf": ("t", SOURCE)}, jobs=1) == {
        "deck/worksheet-A.pdf": expected
    }
    monkeypatch.setattr(typst_process.sys, "executable", python)
    worker = TypstWorker(folders)
    assert worker._process is not None
    os.kill(worker._process.pid, 9)
    worker._process.wait()
    assert pdf.compile_pdf(SOURCE, "t", folders, worker=worker) == expected
    assert worker._process is None  # the dead worker was let go


HEAD = '#set document(title: "t", date: none)\n#set page(margin: (top: 1.8cm, bottom: 2.2cm, x: 2cm))\n'
MARGINS = (1.8 * 72 / 2.54, 2.2 * 72 / 2.54)


def _numbered(first: int, count: int) -> str:
    """Questions numbered as the worksheets print them: the number in its own cell at the left margin."""
    return "".join(
        f"#grid(columns: (1cm, 1fr), [{n}.], [Which guild kept the ledger in year {n}?])\n"
        for n in range(first, first + count)
    )


# Page 1 half full, page 2 one question (near-empty, in the middle), page 3 from question 22: what the refit looks
# for.
GAPPED = HEAD + _numbered(1, 20) + "#pagebreak()\n" + _numbered(21, 1) + "#pagebreak()\n" + _numbered(22, 3)


def test_a_worker_measures_the_pages_as_the_building_process_does(tmp_path):
    """What the refit reads of a PDF, answered by the worker with it: the same floats and question number as
    page_text.measure gives here, for a numbered document with a near-empty middle page and for others."""
    worker = TypstWorker(_folders(tmp_path))
    try:
        seen = []
        for source in (GAPPED, SOURCE):
            for measuring in ((MARGINS, pdf.MOST_BLANK, pdf.MARGIN_X, True), ((0.0, 0.0), 0.5, pdf.MARGIN_X, False)):
                made, warnings, measured = worker.compile_measured(source, measuring)
                assert made is not None and warnings == []
                assert measured == page_text.measure(made, *measuring)
                seen.append(measured)
        assert len(seen[0][0]) == 3 and seen[0][0][1] > pdf.MOST_BLANK and seen[0][1] == 22
        assert seen[1][1] is None  # not numbered: no question looked for
        assert worker.compile_measured(SOURCE, None)[2] is None  # not asked
    finally:
        worker.close()


def test_refits_measured_by_the_workers_give_the_bytes_measured_here(tmp_path, monkeypatch):
    """compile_all's refit with the workers' measurements against the same refit measured in this process (the
    workers cannot start): the same PDFs, and the building process measured nothing itself."""

    def source(directives: tuple[str, ...]) -> str:
        loose = [d for d in directives if d.startswith("loose:")]
        return GAPPED.replace("#pagebreak()\n", "", 1) if loose else GAPPED

    def last(directives: tuple[str, ...]) -> str:  # a near-empty last page, mended by joining it to the one before
        return HEAD + _numbered(1, 20) + ("" if "join" in directives else "#pagebreak()\n") + _numbered(21, 1)

    refits = {
        "deck/worksheet-A.pdf": pdf.Refit(("join",), source, MARGINS),
        "deck/key-A.pdf": pdf.Refit(("stay", "join"), last, MARGINS, numbered=False),
    }
    documents = {"deck/worksheet-A.pdf": ("t", source(())), "deck/key-A.pdf": ("t", last(()))}
    measured_here = []
    original = pdf.measure

    def counted(*args):
        measured_here.append(args)
        return original(*args)

    monkeypatch.setattr(pdf, "measure", counted)
    with WorkerPool(tmp_path, 2) as pool:
        by_workers = pdf.compile_all(tmp_path, documents, jobs=2, refits=refits, pool=pool)
    assert measured_here == []
    monkeypatch.setattr(typst_process.sys, "executable", str(tmp_path / "no-python"))
    here = pdf.compile_all(tmp_path, documents, jobs=2, refits=refits)
    assert measured_here and here == by_workers
    folders = _folders(tmp_path)
    assert by_workers["deck/worksheet-A.pdf"] == pdf.compile_pdf(source(("loose:22",)), "t", folders)
    assert by_workers["deck/key-A.pdf"] == pdf.compile_pdf(last(("join",)), "t", folders)


def test_workers_started_ahead_are_the_ones_that_compile(tmp_path, started):
    with WorkerPool(tmp_path, 2) as pool:
        assert len(started) == 2
        made = pdf.compile_all(tmp_path, {"deck/worksheet-A.pdf": ("t", SOURCE)}, jobs=2, pool=pool)
        assert len(started) == 2  # one document: one of the pool's workers took it, no new one started
        assert started[0]._process is None and started[1]._process is not None  # the idle one waits for the pool
        other = pdf.compile_all(tmp_path, {"deck/key-A.pdf": ("t", SOURCE)}, jobs=1, pool=pool)
        assert len(started) == 2 and started[1]._process is None
        again = pdf.compile_all(tmp_path, {"deck/key-A.pdf": ("t", SOURCE)}, jobs=1, pool=pool)
        assert len(started) == 3  # the pool is used up: a new worker
    assert all(w._process is None for w in started)
    assert made["deck/worksheet-A.pdf"] == other["deck/key-A.pdf"] == again["deck/key-A.pdf"]
    assert made["deck/worksheet-A.pdf"] == pdf.compile_pdf(SOURCE, "t", _folders(tmp_path))


def test_factdeck_quiz_starts_its_workers_before_it_imports_the_quiz_code(tmp_path):
    # The workers load Python, typst and the fonts on the other core while the command imports and loads: an
    # option's check that imported the quiz code (and pydantic) ran first, a fifth of a second before them.
    project = sample_project(tmp_path / "proj", more_facts=True)
    code = (
        "import sys\nfrom factdeck.cli import main\nfrom factdeck.outputs.print import typst_process\n"
        "started = typst_process.WorkerPool.__init__\n"
        "def first(self, *args, **kwargs):\n"
        "    print(sorted(m for m in ('factdeck.quiz', 'pydantic', 'jinja2') if m in sys.modules))\n"
        "    started(self, *args, **kwargs)\n"
        "typst_process.WorkerPool.__init__ = first\n"
        f"sys.argv = ['factdeck', 'quiz', 'guild-history', '--questions', '8', '--project', {str(project.root)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.splitlines()[0] == "[]", run.stdout + run.stderr
    assert "wrote" in run.stdout


def test_factdeck_quiz_on_one_core_loads_no_page_reader_nor_thread_pool(tmp_path, monkeypatch):
    """The worker measures what it compiles, so the building process loads page_text.py (whose tokenizer takes
    milliseconds to compile) only where it measures itself, and one core compiles without a thread pool."""
    from conftest import imported_by

    project = sample_project(tmp_path / "proj", more_facts=True)
    monkeypatch.setenv("FACTDECK_JOBS", "1")
    modules = ("factdeck.outputs.print.page_text", "concurrent.futures", "factdeck.outputs.print.pdf")
    lines, imported, _ = imported_by(
        ["quiz", "guild-history", "--questions", "8", "--project", str(project.root)], modules
    )
    assert "wrote" in lines[-1] and imported == "['factdeck.outputs.print.pdf']"


def _sleeper(seconds: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])


@pytest.mark.parametrize("pidfd", [True, False])
def test_a_worker_is_reaped_as_it_exits_and_killed_past_the_timeout(monkeypatch, pidfd):
    # Waited for as the system tells of the exit (a pidfd), or by Popen's polling where there is none: either
    # way reaped once it exits, and a process still running at the timeout is reported so (then killed).
    if not pidfd:
        monkeypatch.delattr(typst_process.os, "pidfd_open", raising=False)
    quick = _sleeper(0)
    assert typst_process._exited(quick, 10) and quick.returncode == 0
    assert typst_process._exited(quick, 10)  # reaped already: its pid is not looked at again
    slow = _sleeper(30)
    try:
        assert not typst_process._exited(slow, 0.2) and slow.returncode is None
    finally:
        slow.kill()
        slow.wait()
