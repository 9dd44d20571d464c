"""Typst compilation in a separate, short-lived Python process, so its memory leaves with it.

The typst package memoizes what each compilation works out (Typst's `comemo` cache, process-wide) and evicts
an entry only once ten later compilations have not used it: a 100-question worksheet leaves about 80 MB behind,
and a build's worksheets, keys and their refits kept 300 MB (10,000 facts) to 480 MB (50,000) alive in the
building process until it exited, on top of the loaded fact base. A worker process started for one batch of
documents holds that cache instead, and hands it back to the system when it exits. It starts with nothing
but the typst package and the fonts (about 0.2 s, alongside the parent's work; Python's start-up is paid
once per batch, not per document), and compiles the same source with the same typst and fonts, so the PDF is
the same, byte for byte.

Protocol (stdin/stdout, marshal, each message prefixed by its length as 8 bytes, big-endian): a request is the
Typst source (UTF-8 bytes); the answer is ("pdf", bytes, [warning messages]) or ("error", Typst's message).
Anything else going wrong (the worker cannot start, dies, answers nonsense) is `WorkerGone`: the caller then
compiles in its own process, where any error surfaces with its usual message.
"""

from __future__ import annotations

import contextlib
import marshal
import subprocess
import sys
from typing import IO, Any, Final

# PDF/UA-1 (ISO 14289-1): tagged, titled, every figure described; Typst checks it while exporting and refuses
# a document that breaks it (typst 0.14.3 is the first Python release that knows "ua-1"). Defined here, as the
# worker imports nothing of factdeck's; pdf.py compiles with the same.
PDF_STANDARDS: Final = "ua-1"


class WorkerGone(Exception):
    """The worker process could not compile (not started, exited, or its answer is unreadable)."""


def _send(stream: IO[bytes], value: Any) -> None:
    data = marshal.dumps(value)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return marshal.loads(data)


class TypstWorker:
    """One worker process compiling documents with the fonts in `folders`, one at a time (a thread each)."""

    def __init__(self, folders: tuple[str, ...]) -> None:
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                # Run as a file in isolated mode: nothing of factdeck's is imported, no folder shadows a module.
                [sys.executable, "-I", __file__, *folders],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._process = None

    def compile(self, source: str) -> tuple[bytes | None, str | list[str]]:
        """(PDF bytes, warning messages), or (None, Typst's error message). Raises `WorkerGone`."""
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise WorkerGone
        try:
            _send(process.stdin, source.encode("utf-8"))
            answer = _receive(process.stdout)
        except (OSError, EOFError, ValueError) as exc:
            self.close()
            raise WorkerGone from exc
        match answer:
            case ("pdf", bytes() as pdf, list() as warnings) if all(isinstance(w, str) for w in warnings):
                return pdf, warnings
            case ("error", str() as message):
                return None, message
        self.close()
        raise WorkerGone

    def close(self) -> None:
        """End the worker (closing its input ends its loop) and reap it."""
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _serve(folders: list[str]) -> None:
    """The worker's loop: compile each source read from stdin, answer on stdout, until stdin closes."""
    import tempfile

    import typst

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=folders)
    with tempfile.TemporaryDirectory(prefix="factdeck-typst-") as empty_root:
        while True:
            try:
                source = _receive(sys.stdin.buffer)
            except EOFError:
                return
            compiler = typst.Compiler(root=empty_root, font_paths=fonts, ignore_system_fonts=True)
            try:
                pdf, warnings = compiler.compile_with_warnings(input=source, format="pdf", pdf_standards=PDF_STANDARDS)
            except typst.TypstError as exc:
                _send(sys.stdout.buffer, ("error", str(exc.message)))
                continue
            if not isinstance(pdf, bytes):  # one document in, one PDF out; anything else: the caller compiles it
                _send(sys.stdout.buffer, ("unexpected",))
                continue
            _send(sys.stdout.buffer, ("pdf", pdf, [str(w.message) for w in warnings]))


if __name__ == "__main__":
    _serve(sys.argv[1:])
