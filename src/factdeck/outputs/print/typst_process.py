"""Typst compilation in a separate, short-lived Python process, so its memory leaves with it.

The typst package memoizes what each compilation works out (Typst's `comemo` cache, process-wide) and evicts
an entry only once ten later compilations have not used it: a 100-question worksheet leaves about 80 MB behind,
and a build's worksheets, keys and their refits kept 300 MB (10,000 facts) to 480 MB (50,000) alive in the
building process until it exited, on top of the loaded fact base. A worker process started for one batch of
documents holds that cache instead, and hands it back to the system when it exits. It starts with nothing
but the typst package and the fonts (about 0.2 s, alongside the parent's work; Python's start-up is paid
once per batch, not per document), and compiles the same source with the same typst and fonts, so the PDF is
the same, byte for byte.

The refit (pdf.py) reads every worksheet and key back to find a near-empty page (page_text.py's `measure`);
asked to, the worker answers that too, with the PDF, so the building process does not read the pages. The
worker imports page_text.py as soon as its fonts are loaded, which a worker started ahead of its documents
(`factdeck quiz` starts them before it loads the project) does while the building process is still loading and
planning. page_text.py reads Typst's PDFs itself; pypdf (a tenth of a second to import) is imported only for a
PDF or a page it does not follow.

The worker itself, and the protocol it speaks, are typst_worker.py.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from factdeck.outputs.print import typst_worker
from factdeck.outputs.print.fonts import font_folders
from factdeck.outputs.print.typst_worker import PDF_STANDARDS as PDF_STANDARDS  # pdf.py compiles with it too
from factdeck.outputs.print.typst_worker import _receive, _send

# measure()'s arguments after the PDF: the text area's top and bottom margins (pt), the blank share above which a
# page counts as near-empty, the left margin where question numbers print (pt), whether questions are numbered.
Measuring = tuple[tuple[float, float], float, float, bool]
# measure()'s answer: each page's blank share, and the first question on the page after a near-empty one.
Measurement = tuple[list[float], int | None]


class WorkerGone(Exception):
    """The worker process could not compile (not started, exited, or its answer is unreadable)."""


class TypstWorker:
    """One worker process compiling documents with the fonts in `folders`, one at a time (a thread each)."""

    def __init__(self, folders: tuple[str, ...]) -> None:
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                # Run as a file in isolated mode: nothing of factdeck's is imported, no folder shadows a module.
                [sys.executable, "-I", typst_worker.__file__, *folders],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._process = None
        self._ending: list[subprocess.Popen[bytes]] = []  # told to end, not reaped yet

    def compile(self, source: str) -> tuple[bytes | None, str | list[str]]:
        """(PDF bytes, warning messages), or (None, Typst's error message). Raises `WorkerGone`."""
        pdf, said, _ = self.compile_measured(source, None)
        return pdf, said

    def compile_measured(
        self, source: str, measuring: Measuring | None
    ) -> tuple[bytes | None, str | list[str], Measurement | None]:
        """`compile`, and with `measuring` page_text.py's `measure(pdf, *measuring)` of the PDF (None if not
        asked, or if the worker could not measure: the caller then measures). Raises `WorkerGone`."""
        pdf, said, measured, _ = self.compile_queried(source, measuring, None)
        return pdf, said, measured

    def compile_queried(
        self, source: str, measuring: Measuring | None, label: str | None
    ) -> tuple[bytes | None, str | list[str], Measurement | None, list[Any] | None]:
        """`compile_measured`, and with `label` (`<name>`) the values of the document's metadata under it, as
        `typst query <label> --field value` gives them (None if not asked or the query failed). Raises
        `WorkerGone`."""
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise WorkerGone
        try:
            _send(process.stdin, (source.encode("utf-8"), measuring, label))
            answer = _receive(process.stdout)
        except (OSError, EOFError, ValueError) as exc:
            self.close()
            raise WorkerGone from exc
        match answer:
            case ("pdf", bytes() as pdf, list() as warnings, measured, found) if all(
                isinstance(w, str) for w in warnings
            ):
                measured = measured if measuring is not None and _is_measurement(measured) else None
                return pdf, warnings, measured, found if label is not None and isinstance(found, list) else None
            case ("error", str() as message):
                return None, message, None, None
        self.close()
        raise WorkerGone

    def close(self) -> None:
        """End the worker (closing its input ends its loop) and reap it."""
        close_all([self])

    def finish(self) -> None:
        """Tell the worker to end (closing its pipes ends its loop), without waiting for it: `close_all` reaps it."""
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._ending.append(process)

    def _reap(self) -> None:
        ending, self._ending = self._ending, []
        for process in ending:
            if not _exited(process, REAP_TIMEOUT):
                process.kill()
            process.wait()


REAP_TIMEOUT = 10.0  # seconds a worker told to end may take to exit before it is killed


def _exited(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Whether `process` exits within `timeout` seconds, waited for as the system tells of its exit (a pidfd,
    Linux): `Popen.wait(timeout=…)` polls, sleeping 1, 2, 4, 8, 16 ms and so on between looks, and a worker's
    exit (its memory handed back: about 17 ms after a 100-question worksheet) was seen 32 ms after it began.
    Elsewhere, or where the pidfd cannot be had, `Popen.wait`'s polling answers."""
    import select

    if process.returncode is not None:  # reaped already (its pid may be another process's by now)
        return True
    try:
        pidfd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # not Linux 5.3+, or the process is already reaped
        pass
    else:
        try:
            watch = select.poll()
            watch.register(pidfd, select.POLLIN)
            # readable once the process has exited; Popen.wait reaps it then without waiting again
            return bool(watch.poll(timeout * 1000)) and process.wait(timeout=timeout) is not None
        except subprocess.TimeoutExpired:
            return False
        finally:
            os.close(pidfd)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def close_all(workers: list[TypstWorker]) -> None:
    """End the workers and reap them: every one is told first, so they exit together (an exit with typst and
    pypdf loaded takes a few hundredths of a second, and the outputs waited for them one after the other)."""
    for worker in workers:
        worker.finish()
    for worker in workers:
        worker._reap()


def _is_measurement(value: Any) -> bool:
    match value:
        case (list() as shares, None | int()):
            return all(type(share) is float for share in shares)
    return False


AHEAD = 2  # workers started ahead by default: every quiz compiles at least a worksheet and its key


class WorkerPool:
    """Typst worker processes started ahead of the documents they will compile (one per core factdeck may use,
    `engine/parallel.py`'s `cores`, up to AHEAD; more are started as they are taken), for the fonts of `root`
    (`font_folders`; no root: none started). A one-off command that will compile (`factdeck quiz`) starts them
    before it imports the rest and loads the project, so their Python start-up, fonts and PDF reader are loaded on
    the other core meanwhile (a third of a second that came before the first PDF). pdf.py's `compile_all` takes
    them; those it does not take end with the pool."""

    def __init__(self, root: Path | None, count: int | None = None) -> None:
        from factdeck.engine.parallel import cores  # here: the worker itself imports nothing of factdeck's

        self.folders = tuple(str(f) for f in font_folders(root)) if root is not None else ()
        started = (count or min(cores(), AHEAD)) if root is not None else 0
        self._idle = [TypstWorker(self.folders) for _ in range(started)]

    def take(self, count: int, folders: tuple[str, ...]) -> list[TypstWorker]:
        """`count` workers for the fonts in `folders`: the pool's (if for the same fonts), then new ones. The
        caller closes them."""
        taken = self._idle[:count] if folders == self.folders else []
        self._idle = self._idle[len(taken) :]
        return taken + [TypstWorker(folders) for _ in range(count - len(taken))]

    def close(self) -> None:
        """End the workers no one took."""
        idle, self._idle = self._idle, []
        close_all(idle)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
