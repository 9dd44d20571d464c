"""The Typst worker: a short-lived Python process that compiles Typst documents for typst_process.py's
`TypstWorker`, which starts this file as a script in isolated mode (`python -I typst_worker.py FONT_FOLDER…`).

It imports nothing of factdeck's but page_text.py (to measure what it compiles), and at its start only what
Python's own start has loaded (marshal, os, sys): the protocol below needs no more, and typst, json and tempfile
are imported where it serves. The subprocess module, pathlib and typing, which the building process's side of
the protocol uses, were a fifth of a worker's imports (about 15 ms of CPU at every start, two workers a
worksheet).

Protocol (stdin/stdout, marshal, each message prefixed by its length as 8 bytes, big-endian): a request is
(the Typst source as UTF-8 bytes, `measure`'s arguments after the PDF or None, a label to query or None); the
answer is ("pdf", bytes, [warning messages], `measure`'s answer or None if not asked or it failed, the values of
the metadata under the label as a list or None if not asked or the query failed) or ("error", Typst's message).
A document to query is compiled from a file in the worker's empty root folder (the typst package queries a
document given as bytes only once), by a compiler that then answers the query from what it worked out.
Anything else going wrong (the worker cannot start, dies, answers nonsense) is `WorkerGone`: the caller then
compiles in its own process, where any error surfaces with its usual message.
"""

from __future__ import annotations

import marshal
import os
import sys

# typing.TYPE_CHECKING, without importing typing (the worker loads nothing it does not use)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any, Final

# PDF/UA-1 (ISO 14289-1): tagged, titled, every figure described; Typst checks it while exporting and refuses
# a document that breaks it (typst 0.14.3 is the first Python release that knows "ua-1"). Defined here, as the
# worker imports nothing of factdeck's; pdf.py compiles with the same.
PDF_STANDARDS: Final = "ua-1"


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


def _page_text() -> Any:
    """page_text.py, imported from the package this file belongs to (the worker runs isolated, `-I`, with nothing
    of factdeck's on its path); None if it cannot be imported (the caller then measures). It reads Typst's PDFs
    without pypdf (typst_pdf.py), which it imports only for a PDF it does not follow: loading pypdf here, ahead,
    cost every worker a tenth of a CPU second. The package's `__init__` modules import nothing."""
    try:
        # This file is <folder>/factdeck/outputs/print/typst_worker.py: <folder> holds the very factdeck that
        # started the worker, so it goes first on the path.
        here = os.path.realpath(__file__)
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(here)))))
        from factdeck.outputs.print import page_text
    except Exception:  # noqa: BLE001 (whatever fails, measuring is the caller's again)
        return None
    return page_text


def _serve(folders: list[str]) -> None:
    """The worker's loop: compile each source read from stdin, answer on stdout, until stdin closes."""
    import json
    import tempfile

    import typst

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=folders)
    page_text = _page_text()
    with tempfile.TemporaryDirectory(prefix="factdeck-typst-") as empty_root:
        queried = os.path.join(empty_root, "document.typ")
        while True:
            try:
                source, measuring, label = _receive(sys.stdin.buffer)
            except EOFError:
                return
            if label is not None:  # compiled from a file, which the same compiler then queries
                with open(queried, "wb") as file:
                    file.write(source)
                compiler = typst.Compiler(input=queried, root=empty_root, font_paths=fonts, ignore_system_fonts=True)
                made = {}
            else:
                compiler = typst.Compiler(root=empty_root, font_paths=fonts, ignore_system_fonts=True)
                made = {"input": source}
            try:
                pdf, warnings = compiler.compile_with_warnings(**made, format="pdf", pdf_standards=PDF_STANDARDS)
            except typst.TypstError as exc:
                _send(sys.stdout.buffer, ("error", str(exc.message)))
                continue
            if not isinstance(pdf, bytes):  # one document in, one PDF out; anything else: the caller compiles it
                _send(sys.stdout.buffer, ("unexpected",))
                continue
            measured = None
            if measuring is not None and page_text is not None:
                try:
                    measured = page_text.measure(pdf, *measuring)
                except Exception:  # noqa: BLE001 (the caller measures, and meets the error itself if it is one)
                    measured = None
            found = None
            if label is not None:
                try:
                    found = json.loads(compiler.query(label, field="value"))
                except Exception:  # noqa: BLE001 (the caller compiles the document as if it had not asked)
                    found = None
            _send(sys.stdout.buffer, ("pdf", pdf, [str(w.message) for w in warnings], measured, found))


if __name__ == "__main__":
    _serve(sys.argv[1:])
    # Every answer is flushed and the temporary folder removed: leave without Python's teardown, which freed
    # Typst's memoized results and pypdf's objects one by one (30 to 60 ms after a 100-question worksheet, that
    # the building process waited for while reaping the worker), where the system takes the memory back whole.
    sys.stdout.flush()
    sys.stderr.flush()  # line-buffered, but a warning's last partial line would otherwise be lost
    os._exit(0)
