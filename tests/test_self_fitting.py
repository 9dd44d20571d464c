"""Worksheets and keys that break their own page to fill a near-empty last page (pdf.py's `Refit.fitting` and
`settled`, templates/quiz/_setup.typ's fit-point): the same bytes as the refit that compiles the document again,
and where the PDF disagrees with what Typst saw, that refit itself."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from conftest import sample_project

from factdeck.build import load_and_validate
from factdeck.outputs.languages import localized_base
from factdeck.outputs.print import pdf, worksheets
from factdeck.outputs.print.typst_process import TypstWorker, WorkerPool
from factdeck.quiz import make_quiz, with_overrides
from factdeck.records.select import select_facts

DECK = "guild-history"
MARGINS = (1.8 * 72 / 2.54, 2.2 * 72 / 2.54)


@pytest.fixture(scope="module")
def guild(tmp_path_factory):
    """The sample project's deck, whose 7-question worksheet and key, in large print too, take every way there
    is: a break kept, one dropped, none made, and one the PDF does not bear out (found by trying sizes)."""
    project = sample_project(tmp_path_factory.mktemp("fitting") / "proj", more_facts=True)
    base = load_and_validate(project.root)
    deck = base.deck(DECK)
    localized, _ = localized_base(base, deck)
    facts = [localized.facts_by_id[f.id] for f in select_facts(base, deck)]
    return project.root, localized, deck, facts


def _documents(guild, seed: int, questions: int, **settings):
    root, base, deck, facts = guild
    quiz_settings = with_overrides(deck.quiz, seed=seed, questions=questions, versions=1).model_copy(update=settings)
    quiz = make_quiz(base, deck, facts, quiz_settings)
    return worksheets.worksheet_documents(base, deck, quiz, quiz_settings.paper, quiz_settings)


def test_the_self_fitting_document_is_the_plain_one_but_for_its_point_and_end_mark(guild):
    documents, refits = _documents(guild, 1, 7, large_print=True)
    for name, (_, plain) in documents.items():
        if name not in refits:
            continue
        fitting = refits[name].fitting
        assert fitting is not None and refits[name].source(()) == plain
        lines = fitting().splitlines()
        assert "#fit-point()" in lines and lines[-1] == "#metadata(none)<factdeck-end>"
        assert "fit-point" not in plain and "factdeck-end" not in plain
        hook = next(n for n, line in enumerate(lines) if line.startswith("// The refit's first page break"))
        end = lines.index("}", lines.index("#let fit-point() = context {"))
        kept = lines[:hook] + lines[end + 1 :]
        kept.remove("#fit-point()")
        assert kept[:-1] == plain.splitlines()


def test_self_fitting_worksheets_and_keys_are_the_refits_bytes(guild, monkeypatch):
    """Worksheets and keys, normal and large print, compiled once each where the break Typst makes is the
    refit's answer, against the refit that compiles each plain document and its mended versions: the same bytes,
    whichever way each took, and a compile fewer for each break kept."""
    root = guild[0]
    said: Counter[str] = Counter()
    settle = pdf.settled

    def seen(made, found, compile_source, refit):
        again: list[str] = []  # sources compiled after the self-fitting one

        def compiling(source):
            again.append(source)
            return compile_source(source)

        answer = settle(made, found, compiling, refit)
        state = found[0]["pulled"] if found else None
        kept = answer is made.pdf and not again
        said[{None: "no break", False: "break dropped", True: "break kept" if kept else "break refitted"}[state]] += 1
        return answer

    monkeypatch.setattr(pdf, "settled", seen)
    compiles: Counter[str] = Counter()
    queried, measured = TypstWorker.compile_queried, pdf.compile_measured

    def counted_queried(self, *args):
        compiles[mode[0]] += 1
        return queried(self, *args)

    def counted_measured(*args, **kwargs):
        compiles[mode[0]] += 1
        return measured(*args, **kwargs)

    monkeypatch.setattr(TypstWorker, "compile_queried", counted_queried)
    monkeypatch.setattr(pdf, "compile_measured", counted_measured)
    mode = ["fitting"]
    for questions in (7, 9):
        documents, refits = _documents(guild, 1, questions, large_print=True)
        mode[0] = "fitting"
        with WorkerPool(root, 2) as pool:
            fitted = pdf.compile_all(root, documents, jobs=2, refits=refits, pool=pool)
        mode[0] = "refit"
        plain = {name: dataclasses.replace(refit, fitting=None) for name, refit in refits.items()}
        with WorkerPool(root, 2) as pool:
            assert pdf.compile_all(root, documents, jobs=2, refits=plain, pool=pool) == fitted
    assert min(said[way] for way in ("no break", "break dropped", "break kept", "break refitted")) >= 1, said
    assert compiles["fitting"] <= compiles["refit"] - said["break kept"], compiles


def _measured(*shares: float) -> pdf.Measured:
    return pdf.Measured(b"%PDF " + repr(shares).encode(), shares, None)


def test_a_kept_break_the_pdf_does_not_bear_out_is_refitted_from_the_plain_document():
    """`settled` takes the self-fitting PDF as it is only where the PDF shows what the refit would have found:
    no page added, none near-empty; else it refits the plain document, with the self-fitting PDF standing for
    the first point's break (the same bytes) rather than compiled again."""
    compiled: list[str] = []
    plain, later = _measured(0.1, 0.95), _measured(0.2, 0.4)
    answers = {"plain": plain, "plain|q9": later}

    def compile_source(source: str) -> pdf.Measured:
        compiled.append(source)
        return answers[source]

    refit = pdf.Refit(("sources", "q9"), lambda d: "|".join(("plain", *d)), MARGINS, fitting=lambda: "fitting")
    kept = {"pulled": True, "pages": 2}
    good = _measured(0.1, 0.3)
    assert pdf.settled(good, [kept], compile_source, refit) is good.pdf and compiled == []
    for made, found, answer, compiles in (
        (_measured(0.1, 0.9), [kept], later, ["plain", "plain|q9"]),  # the last page still near-empty in the PDF
        (_measured(0.1, 0.3, 0.5), [kept], later, ["plain", "plain|q9"]),  # a page added
        (_measured(0.9, 0.3), [kept], None, ["plain"]),  # near-empty before the last: the refit keeps the break too
        (_measured(0.1, 0.3), [{"pulled": True}], None, ["plain"]),  # no page count said: measured again
    ):
        compiled.clear()
        assert pdf.settled(made, found, compile_source, refit) == (answer or made).pdf
        assert compiled == compiles
    # No break (none found, or one dropped): the PDF is the plain document's, refitted from there.
    answers["plain|sources"] = _measured(0.1, 0.3)
    for found in ([], [{"pulled": False, "pages": 2}]):
        compiled.clear()
        assert pdf.settled(plain, found, compile_source, refit) == answers["plain|sources"].pdf
        assert compiled == ["plain|sources"]


def test_a_worker_answers_a_query_with_the_pdf_it_compiles_from_bytes(tmp_path):
    source = '#set document(title: "t", date: none)\nSome text.\n#metadata((pulled: true, pages: 3))<factdeck-fit>\n'
    folders = tuple(str(f) for f in pdf.font_folders(tmp_path))
    worker = TypstWorker(folders)
    try:
        made, warnings, measured, found = worker.compile_queried(source, None, pdf.FIT_LABEL)
        assert made == pdf.compile_pdf(source, "t", folders) and warnings == [] and measured is None
        assert found == [{"pulled": True, "pages": 3}]
        assert worker.compile_queried(source, None, "<nothing>")[3] == []
        assert worker.compile_queried(source, None, None)[3] is None  # not asked
    finally:
        worker.close()


def test_a_deferred_source_is_rendered_only_where_compile_all_reads_it(guild):
    """`factdeck quiz` hands `compile_all` each document's plain source as what renders it: documents settled by
    their self-fitting version never render it, the others do, and the PDFs are those of the rendered sources."""
    root, base, deck, facts = guild
    quiz_settings = with_overrides(deck.quiz, seed=1, questions=7, versions=2).model_copy(update={"answer_sheet": True})
    quiz = make_quiz(base, deck, facts, quiz_settings)
    documents, refits = worksheets._documents(base, deck, quiz, quiz_settings.paper, quiz_settings)
    read: list[str] = []

    def reading(name, source):
        return lambda: read.append(name) or pdf.source_text(source)

    deferred = {name: (template, reading(name, source)) for name, (template, source) in documents.items()}
    with WorkerPool(root, 2) as pool:
        made = pdf.compile_all(root, deferred, jobs=2, refits=refits, pool=pool)
    eager, _ = worksheets.worksheet_documents(base, deck, quiz, quiz_settings.paper, quiz_settings)
    assert all(type(source) is str for _, source in eager.values())
    with WorkerPool(root, 2) as pool:
        assert pdf.compile_all(root, eager, jobs=2, refits=refits, pool=pool) == made
    unfitted = [name for name in documents if name not in refits]  # the answer sheets
    assert unfitted and set(unfitted) <= set(read) and len(read) == len(set(read))
    assert set(refits) - set(read), read  # settled by the self-fitting version alone
