"""PDF stage: Typst source to PDF bytes, with the typst package and the shipped fonts.

The typst package bundles Latin fonts only (Libertinus Serif, New Computer
Modern, DejaVu Sans Mono). Persian and Arabic names need a font with their
glyphs: the project ships Noto Naskh Arabic (SIL Open Font License) in
`fonts/`, and templates name it as the fallback family. System fonts are
ignored, so a PDF looks the same on every machine.

Each document compiles with an empty temporary folder as its Typst root, so
even a template mistake cannot make Typst read a project file.
"""

from __future__ import annotations

import contextlib
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import typst

from factdeck.engine.parallel import cores
from factdeck.exceptions import RenderError
from factdeck.outputs.print.fonts import _fonts, font_folders
from factdeck.outputs.print.typst_process import (
    PDF_STANDARDS,
    Measurement,
    Measuring,
    TypstWorker,
    WorkerGone,
    WorkerPool,
    close_all,
)
from factdeck.records.memo import Keeper
from factdeck.records.messages import typst_message


def compile_pdf(
    source: str,
    name: str,
    folders: tuple[str, ...],
    fonts: typst.Fonts | None = None,
    output: str | None = None,
    compilers: KeptCompilers | None = None,
    worker: TypstWorker | None = None,
) -> bytes:
    """One Typst document to PDF bytes; `name` (the template) locates errors (`RenderError`). With
    `compilers` (a watch's), the document `output` names is compiled by the compiler that compiled it last
    round; else with a `worker`, in that process (typst_process.py; a document Typst refuses, or a worker
    that fails, is compiled here, where the error is raised as usual)."""
    return compile_measured(source, name, folders, None, fonts, output, compilers, worker).pdf


def compile_measured(
    source: str,
    name: str,
    folders: tuple[str, ...],
    refit: Refit | None,
    fonts: typst.Fonts | None = None,
    output: str | None = None,
    compilers: KeptCompilers | None = None,
    worker: TypstWorker | None = None,
) -> Measured:
    """`compile_pdf`, with its pages measured for `refit` (`Measured`; none measured without one): by the
    worker that compiled it where it can, else here."""
    fonts = _fonts(folders) if fonts is None else fonts
    kept = compilers.compiler(output, fonts) if compilers is not None and output is not None else None
    made: tuple[bytes | None, str | list[str], Measurement | None] = (None, "", None)
    if kept is None and worker is not None:
        with contextlib.suppress(WorkerGone):
            made = worker.compile_measured(source, _measuring(refit) if refit is not None else None)
    pdf, said, measurement = made
    if pdf is not None:
        messages = list(said)
    elif kept is not None:
        pdf, warnings = _compile(kept, source, name)
        messages = [w.message for w in warnings]
    else:
        with tempfile.TemporaryDirectory(prefix="factdeck-typst-") as empty_root:
            pdf, warnings = _compile(
                typst.Compiler(root=empty_root, font_paths=fonts, ignore_system_fonts=True), source, name
            )
        messages = [w.message for w in warnings]
    for message in messages:
        if "font" in message:  # a missing font would silently drop Persian glyphs
            raise RenderError(f"{name}: {typst_message(message)}")
    assert isinstance(pdf, bytes)
    if refit is None:
        return Measured(pdf, (), None)
    if measurement is None:
        measurement = measure(pdf, *_measuring(refit))
    return Measured(pdf, tuple(measurement[0]), measurement[1])


def _self_fitted(
    refit: Refit, template: str, folders: tuple[str, ...], fonts: typst.Fonts, worker: TypstWorker
) -> bytes | None:
    """The document of `refit`, refitted (`settled`) from its self-fitting version compiled by `worker`; None
    where the worker could not compile, measure or read it, or Typst said anything (the plain document is then
    compiled as without it, where any error or warning is reported as usual)."""
    assert refit.fitting is not None
    try:
        pdf, said, measurement, found = worker.compile_queried(refit.fitting(), _measuring(refit), FIT_LABEL)
    except WorkerGone:
        return None
    if pdf is None or said or measurement is None or found is None:
        return None
    made = Measured(pdf, tuple(measurement[0]), measurement[1])
    return settled(
        made, found, lambda source: compile_measured(source, template, folders, refit, fonts, worker=worker), refit
    )


def _compile(compiler: typst.Compiler, source: str, name: str) -> tuple[bytes, list]:
    try:
        pdf, warnings = compiler.compile_with_warnings(
            input=source.encode("utf-8"), format="pdf", pdf_standards=PDF_STANDARDS
        )
    except typst.TypstError as exc:
        said = _accessibility_message(exc.message) or typst_message(exc.message)
        raise RenderError(f"{name}: {said} (run with --debug for Typst's own message)") from exc
    assert isinstance(pdf, bytes)  # one document in, one PDF out (a list only for per-page image formats)
    return pdf, list(warnings)


def _accessibility_message(message: str) -> str | None:
    """factdeck's words for what PDF/UA-1 requires and a template left out, if that is what Typst reports."""
    low = message.lower()
    if "pdf/ua" not in low:
        return None
    shown = re.search(r'the text `"(.*?)"` could not be displayed', message)
    if shown:
        return f"the text '{shown.group(1)}' is in none of the fonts the PDFs use: add a font that has it to fonts/"
    if "title" in low:
        return "the document has no title, which an accessible PDF (PDF/UA-1) needs: #set document(title: …)"
    if "alt" in low:
        return "an image or figure has no alternative text (alt: …), which an accessible PDF (PDF/UA-1) needs"
    return "the document breaks a rule of accessible PDFs (PDF/UA-1)"


class KeptCompilers:
    """In a watch, one Typst compiler per output document, kept from round to round.

    Typst compiles incrementally: a compiler that compiled a document recompiles an edited version of it
    from what it worked out last time (a 100-question worksheet with one fact changed: 0.024 s, against
    0.125 s for a new compiler; the PDF is the same, byte for byte). Each compiler keeps some megabytes of
    such results (four worksheets' compilers, about 60 MB), so only the MAX most recently compiled documents
    are kept. They share one empty folder as their Typst root, removed when the watch's session closes.
    A watching session holds one (`Session.kept("pdf.compilers", KeptCompilers)`).
    """

    MAX = 8  # two decks' worksheets and keys in versions A and B

    def __init__(self) -> None:
        self._compilers: dict[str, tuple[typst.Fonts, typst.Compiler]] = {}  # least recently used first
        self._root: str | None = None
        self._lock = threading.Lock()

    def compiler(self, output: str, fonts: typst.Fonts) -> typst.Compiler | None:
        """The compiler kept for `output` (a new one the first time)."""
        with self._lock:  # documents compile on several threads; each output is compiled by one at a time
            known = self._compilers.pop(output, None)
            if known is None or known[0] is not fonts:  # new fonts: a new compiler
                if self._root is None:
                    self._root = tempfile.mkdtemp(prefix="factdeck-typst-")
                known = (fonts, typst.Compiler(root=self._root, font_paths=fonts, ignore_system_fonts=True))
            self._compilers[output] = known
            while len(self._compilers) > self.MAX:
                del self._compilers[next(iter(self._compilers))]
            return known[1]

    def close(self) -> None:
        """Drop every compiler and remove their root folder."""
        with self._lock:
            self._compilers.clear()
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None


# A page is near-empty when its text ends in the top 15% of its text area (85% blank). The issue-28 review asked
# that no printed page be more than 85% blank except a deliberate answer space.
MOST_BLANK = 0.85
REFIT_TRIES = 3  # near-empty pages in the middle of a document mended, at most


@dataclass(frozen=True)
class Refit:
    """How to mend a document with a near-empty page. `source(directives)` is the document with each
    directive applied: a point of `points` (a page break before it, to fill a near-empty last page; tried in
    order, the end's first) or, where `numbered`, "loose:N" (question N may break across pages, to fill a
    near-empty page before it). `margins` are the page's top and bottom margins in pt (the text area).
    `fitting()`, where given, is the document (`source(())`) made to break the page before `points[0]` itself
    where that is the refit's answer (`settled`), so that answer costs one compile instead of two."""

    points: tuple[str, ...]
    source: Callable[[tuple[str, ...]], str]
    margins: tuple[float, float]
    numbered: bool = True
    fitting: Callable[[], str] | None = None


@dataclass(frozen=True)
class Measured:
    """A compiled document and what the refit reads of it (page_text.py's `measure`): the blank share of each
    page's text area, and the first question on the page after the first near-empty page before the last."""

    pdf: bytes
    shares: tuple[float, ...]
    next_number: int | None


def _measuring(refit: Refit) -> Measuring:
    return (refit.margins, MOST_BLANK, MARGIN_X, refit.numbered)


def measure(
    pdf: bytes, margins: tuple[float, float], most_blank: float, left: float, numbered: bool
) -> tuple[list[float], int | None]:
    """page_text.py's `measure`, loaded where a page is first measured here: a worker measures what it compiles,
    and the module's tokenizer took 3 ms to load in every `factdeck quiz`."""
    from factdeck.outputs.print.page_text import measure as measure_pages

    return measure_pages(pdf, margins, most_blank, left, numbered)


def measured(pdf: bytes, refit: Refit) -> Measured:
    """`pdf` measured for `refit` here (what a worker process answers with the PDF)."""
    shares, number = measure(pdf, *_measuring(refit))
    return Measured(pdf, tuple(shares), number)


def last_page_blank(pdf: bytes, margins: tuple[float, float]) -> tuple[int, float]:
    """(pages, the share of the last page's text area below its last line of text)."""
    from factdeck.outputs.print.page_text import PageLines, blank_share

    lines = PageLines(pdf)
    return len(lines), lines.blank_share(len(lines) - 1, margins, blank_share)


MARGIN_X = 2 * 72 / 2.54  # the templates' left margin, where question numbers print


def refitted(first: Measured, compile_source: Callable[[str], Measured], refit: Refit) -> bytes:
    """The document `first` mended, if one of its pages is more than MOST_BLANK blank: first a page in the
    middle (the question that follows it may break, up to REFIT_TRIES times), then the last page (the first
    page break of `refit.points` that leaves it fuller without adding a page). Unmendable: the best found.
    `compile_source` compiles and measures a source for `refit` (`compile_measured`)."""
    directives: tuple[str, ...] = ()
    made = first
    for _ in range(REFIT_TRIES if refit.numbered else 0):
        number = made.next_number
        if number is None or f"loose:{number}" in directives:
            break
        directives += (f"loose:{number}",)
        made = compile_source(refit.source(directives))
    if len(made.shares) < 2 or made.shares[-1] <= MOST_BLANK:
        return made.pdf
    for point in refit.points:
        other = compile_source(refit.source((*directives, point)))
        if len(other.shares) <= len(made.shares) and other.shares[-1] <= MOST_BLANK:
            return other.pdf
    return made.pdf


# What a self-fitting document (`Refit.fitting`, templates/quiz/_setup.typ's fit-point) says of its page break:
# nothing (it found no near-empty last page to fill), or {"pulled": true/false, "pages": the page count without
# the break}.
FIT_LABEL = "<factdeck-fit>"


def settled(made: Measured, said: list, compile_source: Callable[[str], Measured], refit: Refit) -> bytes:
    """`refitted`'s answer for the document `refit.source(())`, from `made`, its self-fitting version
    (`refit.fitting()`) compiled and measured, and `said`, what that says of its page break (FIT_LABEL).

    Without a break, `made` is the plain document's PDF, byte for byte, and `refitted` goes on from it. With
    one, `made` is the PDF of the break before `refit.points[0]`, byte for byte, which is `refitted`'s answer
    when the plain document (a) ended on a near-empty page after the point's page: Typst saw the flow end that
    high, and no line is printed below the flow's end, so the PDF's lowest line is no lower; (b) had no
    near-empty page before its last, as `made` shows (its pages before the point's are the plain document's,
    the point's page holds less); and (c) the break added no page and (d) left no page near-empty, as `made` shows. Where `made` does not
    show it, `refitted` starts again from the plain document, with `made` standing for the point's break."""
    state = said[0] if said and isinstance(said[0], dict) else None
    if state is None or state.get("pulled") is not True:
        return refitted(made, compile_source, refit)
    pages = state.get("pages")
    if isinstance(pages, int) and len(made.shares) <= pages and all(share <= MOST_BLANK for share in made.shares):
        return made.pdf
    pulled = refit.source((refit.points[0],))  # what `made` is, byte for byte: not compiled again

    def compile_new(source: str) -> Measured:
        return made if source == pulled else compile_source(source)

    return refitted(compile_source(refit.source(())), compile_new, refit)


# A document's Typst source, or what renders it where it is first read: a worksheet whose self-fitting version
# settles it (`settled`) never needs its plain source rendered.
Source = str | Callable[[], str]


def source_text(source: Source) -> str:
    """The Typst source itself (rendered now if it was deferred)."""
    return source if isinstance(source, str) else source()


def compile_all(
    root: Path,
    documents: Mapping[str, tuple[str, Source]],
    jobs: int | None = None,
    session: Keeper | None = None,
    refits: dict[str, Refit] | None = None,
    pool: WorkerPool | None = None,
) -> dict[str, bytes]:
    """Compile {output name: (template name, Typst source or what renders it)} to {output name: PDF bytes},
    several at once;
    in a watching `session`, each output by the compiler kept for it. A document with a `Refit` in `refits`
    whose last page would be near-empty is compiled again with a page break moved (`refitted`).
    Raises `RenderError`.

    Threads, each handing its documents to a worker process of its own (typst_process.py) outside a watch
    (from `pool` where one is given, already started): the typst package releases the GIL while it
    compiles, so two threads use both cores (12 documents: 1.25 s serial, 0.69 s on two threads); the worker
    is there for memory (Typst's process-wide cache leaves with it), costs one Python start-up and font load
    per thread, paid alongside the first compile unless started ahead, and measures the pages for the refit.
    """
    folders = tuple(str(f) for f in font_folders(root))
    fonts = _fonts(folders)  # load (and check) the fonts once, before the threads share them
    jobs = max(1, min(jobs or cores(), len(documents)))  # FACTDECK_JOBS=1: one at a time
    names = list(documents)
    compilers = session.kept("pdf.compilers", KeptCompilers) if session is not None else None
    refits = refits or {}
    # Outside a watch (which keeps its compilers), each thread compiles in a worker process of its own, which
    # takes Typst's memoized results with it when it exits (typst_process.py).
    workers: list[TypstWorker] = []
    if compilers is None:
        workers = (pool or WorkerPool(None)).take(jobs, folders)
    free: queue.SimpleQueue[TypstWorker | None] = queue.SimpleQueue()
    for worker in workers or [None]:  # type: ignore[list-item]  # None: compiled here
        free.put(worker)

    begun = [0]  # documents that have taken a worker
    counting = threading.Lock()

    def one(n: str) -> bytes:
        template, refit = documents[n][0], refits.get(n)
        worker = free.get()
        with counting:
            begun[0] += 1
        try:
            if refit is not None and refit.fitting is not None and compilers is None and worker is not None:
                fitted = _self_fitted(refit, template, folders, fonts, worker)
                if fitted is not None:
                    return fitted
            made = compile_measured(source_text(documents[n][1]), template, folders, refit, fonts, n, compilers, worker)
            if refit is None:
                return made.pdf
            return refitted(
                made, lambda source: compile_measured(source, template, folders, refit, fonts, worker=worker), refit
            )
        finally:
            with counting:
                if begun[0] == len(names) and worker is not None:
                    worker.finish()  # no document is left to take it: it exits while others compile (reaped below)
            free.put(worker)

    try:
        if jobs == 1:
            return {n: one(n) for n in names}
        from concurrent.futures import ThreadPoolExecutor  # here: one core compiles without threads

        with ThreadPoolExecutor(max_workers=jobs) as pool_threads:
            return dict(zip(names, pool_threads.map(one, names)))
    finally:
        close_all(workers)
