"""Typst compiled in worker processes (outputs/print/typst_process.py): the same PDF as in the building
process, Typst's errors with their usual messages, and a worker that cannot work means compiling here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from factdeck.exceptions import RenderError
from factdeck.outputs.print import pdf, typst_process
from factdeck.outputs.print.typst_process import TypstWorker, WorkerGone

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


def test_compile_all_outside_a_watch_uses_workers_and_gives_the_same_bytes(tmp_path, monkeypatch):
    documents = {f"deck/worksheet-{v}.pdf": ("t", SOURCE.replace("guild", f"guild {v}")) for v in "ABC"}
    started: list[TypstWorker] = []
    original = TypstWorker.__init__

    def counted(self, folders):
        original(self, folders)
        started.append(self)

    monkeypatch.setattr(TypstWorker, "__init__", counted)
    made = pdf.compile_all(tmp_path, documents, jobs=2)
    assert len(started) == 2 and all(w._process is None for w in started)  # one per thread, all ended
    folders = _folders(tmp_path)
    assert made == {name: pdf.compile_pdf(source, "t", folders) for name, (_, source) in documents.items()}


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
