"""Results kept across a watch's rounds (a watching session: engine/session.py, records/memo.py) are those a
fresh process would compute, whatever the edit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Project, sample_project

from factdeck.build import load_and_validate
from factdeck.engine.session import Session
from factdeck.outputs.exports.export import export_json
from factdeck.quiz import QUESTION_TYPES, QuizMaker, make_quiz, with_overrides
from factdeck.quiz.wording import _findable_answer, gives_away
from factdeck.records.memo import FactMemo, KeyedMemo
from factdeck.records.select import select_facts
from factdeck.text.compare import mentions


def outputs(root: Path, session: Session) -> dict:
    """What a round in `session` makes of the facts: the export, each deck's selection and worksheets (large
    enough to hold every question type the sample allows)."""
    base = load_and_validate(root, session=session)
    made: dict = {"export": export_json(base)}
    for deck in base.decks:
        facts = select_facts(base, deck)
        settings = with_overrides(deck.quiz, questions=12, versions=3)
        maker = QuizMaker(base, deck, settings)
        weighed = dict(
            zip([f.id for f in facts], maker.eligible(facts, settings.types))
        )  # what each fact can be asked as
        made[deck.id] = (
            [f.id for f in facts],
            weighed,
            make_quiz(base, deck, facts, settings),
            maker.distractors.token != 0,
        )
    return made


def fresh(root: Path) -> dict:
    """The same in a one-off session: records from the store, every result computed again."""
    made = outputs(root, Session.one_off())
    return {k: v[:3] if isinstance(v, tuple) else v for k, v in made.items()}


EDITS: list[tuple[str, Callable[[Project], None]]] = [
    ("a statement", lambda p: p.replace("facts/guild.yaml", "by ferry workers.", "by the ferry workers.")),
    (
        "a named answer (the wrong-option pools)",
        lambda p: p.replace("facts/more-guild.yaml", 'answer: "Tomas Reed"', 'answer: "Tomas Reade"'),
    ),
    (
        "a kind (one person fewer: others lose their wrong options)",
        lambda p: p.replace(
            "facts/more-guild.yaml", "- id: first-treasurer\n  kind: person", "- id: first-treasurer\n  kind: term"
        ),
    ),
    (
        "a question",
        lambda p: p.replace(
            "facts/guild.yaml",
            "In which town did the River Guild build its hall?",
            "Where did the River Guild build its hall?",
        ),
    ),
    ("the deck's seed", lambda p: p.write("decks/all.yaml", p.read("decks/all.yaml") + "  seed: 7\n")),
    (
        "a source's title",
        lambda p: p.replace("facts/sources.yaml", "A Chronicle of the River Guild", "The River Guild: A Chronicle"),
    ),
    ("an era's title", lambda p: p.replace("facts/eras.yaml", '"Decline"', '"Years of decline"')),
    (
        "the deck's selection",
        lambda p: p.write("decks/all.yaml", p.read("decks/all.yaml") + "select:\n  exclude:\n    kinds: [place]\n"),
    ),
    ("a fact file removed", lambda p: p.path("facts/more-guild.yaml").unlink()),
]


@pytest.fixture
def kept() -> Session:
    """A watching session: results kept as in a watch, forgotten when it closes."""
    with Session.watching() as session:
        yield session


def test_each_round_matches_a_fresh_computation(tmp_path, kept):
    project = sample_project(tmp_path / "proj", more_facts=True)
    first = outputs(project.root, kept)
    assert outputs(project.root, kept) == first
    assert first["guild-history"][3], "the pools were numbered: results were being kept"
    assert {k: v[:3] if isinstance(v, tuple) else v for k, v in first.items()} == fresh(project.root)
    for what, edit in EDITS:
        edit(project)
        again = outputs(project.root, kept)
        assert {k: v[:3] if isinstance(v, tuple) else v for k, v in again.items()} == fresh(project.root), what


def test_an_unchanged_round_reuses_what_it_kept(tmp_path, kept, monkeypatch):
    project = sample_project(tmp_path / "proj", more_facts=True)
    before = outputs(project.root, kept)
    from factdeck.quiz import wording

    for question_type in QUESTION_TYPES.values():
        if hasattr(question_type, "weigh"):  # the types whose weighing is kept
            monkeypatch.setattr(type(question_type), "weigh", lambda *a: pytest.fail("weighed again"))
    monkeypatch.setattr(wording, "_undated", lambda *a: pytest.fail("weighed again"))
    assert outputs(project.root, kept) == before


def test_nothing_is_kept_outside_a_watch():
    session, calls = Session.one_off(), []
    memo = session.fact_memo("m")
    fact = type("F", (), {"id": "x"})()
    for _ in range(2):
        memo.get(fact, None, lambda: calls.append(1))
    assert len(calls) == 2
    assert session.keyed_memo("k").get("k", lambda: calls.append(1)) is None and len(calls) == 3
    assert session.state_number("s", 1) == 0 and session.kept("c", list) is None


def test_two_sessions_share_nothing():
    fact = type("F", (), {"id": "x"})()
    with Session.watching() as one, Session.watching() as two:
        assert one.fact_memo("m").get(fact, None, lambda: "one") == "one"
        assert two.fact_memo("m").get(fact, None, lambda: "two") == "two"
        assert one.fact_memo("m") is one.fact_memo("m") and one.fact_memo("m") is not two.fact_memo("m")
        assert one.state_number("pools", "a") == 1 and one.state_number("pools", "a") == 1
        assert one.state_number("pools", "b") == 2 and two.state_number("pools", "b") == 1


def test_closing_a_session_forgets_what_it_kept():
    closed = []
    session = Session.watching()
    fact = type("F", (), {"id": "x"})()
    memo = session.fact_memo("m")
    memo.get(fact, None, lambda: "kept")
    session.kept("helper", lambda: type("H", (), {"close": lambda self: closed.append(1)})())
    session.close()
    assert closed == [1] and memo.get(fact, None, lambda: "made again") == "made again"
    assert session.fact_memo("m") is not memo


def test_a_kept_result_counts_only_for_the_same_record_and_context():
    memo = FactMemo(keeping=True)
    one, other = type("F", (), {"id": "x"})(), type("F", (), {"id": "x"})()
    assert memo.get(one, 1, lambda: "first") == "first"
    assert memo.get(one, 1, lambda: "again") == "first"
    assert memo.get(other, 1, lambda: "another record") == "another record"
    assert memo.get(other, 2, lambda: "another context") == "another context"
    keyed = KeyedMemo(size=2, keeping=True)
    for key in ("a", "b", "c"):
        keyed.get(key, lambda key=key: key)
    assert keyed.get("a", lambda: "made again") == "made again"  # the oldest went
    assert keyed.get("c", lambda: "made again") == "c"


def test_values_over_a_whole_list_look_up_only_the_records_that_differ():
    memo, made = FactMemo(keeping=True), []
    records = [type("F", (), {"id": f"f{i}"})() for i in range(40)]

    def make(fact) -> str:
        made.append(fact.id)
        return f"{fact.id}:{len(made)}"

    first = memo.values(records, "c", make)
    assert len(made) == 40
    first[0] = "changed by the caller"  # the caller's list is its own
    edited = list(records)
    edited[7] = type("F", (), {"id": "f7"})()  # one record new (an edited fact)
    made.clear()
    again = memo.values(edited, "c", make)
    assert made == ["f7"] and again[7] == "f7:1" and again[0] == "f0:1" and again[8] == "f8:9"
    made.clear()
    assert memo.values(edited[::-1], "c", make) == again[::-1] and made == []  # reordered: looked up by id
    full_lookups = []
    lookup = memo._lookup
    memo._lookup = lambda *a: full_lookups.append(1) or lookup(*a)
    edited[3] = type("F", (), {"id": "f3"})()
    assert memo.values(edited, "c", make)[3] == "f3:1" and memo.values(edited[::-1], "c", make)[-4] == "f3:1"
    assert made == ["f3"] and full_lookups == []  # two orders of one base, each compared with its own last list
    made.clear()
    assert memo.values(edited, "other", make) == [f"f{i}:{i + 1}" for i in range(40)]  # a new context
    assert memo.values(edited[:-1], "other", make) == [f"f{i}:{i + 1}" for i in range(39)] and len(made) == 40


def test_gives_away_finds_what_mentions_finds(tmp_path):
    """gives_away compares kept comparison forms; it answers as the plain search over every pair."""
    project = sample_project(tmp_path / "proj", more_facts=True)
    facts = load_and_validate(project.root).facts
    found = 0
    for a in facts:
        for b in facts:
            plain = any(
                _findable_answer(x) and mentions(f"{y.question} {y.statement}", x.answer) for x, y in ((a, b), (b, a))
            )
            assert gives_away(a, b) == plain, (a.id, b.id)
            found += plain
    assert 0 < found < len(facts) ** 2  # both answers occur


def test_a_watch_recompiles_each_document_with_its_own_kept_compiler(tmp_path):
    """Typst recompiles incrementally with the compiler that compiled a document last round; the PDF is the
    one a new compiler makes, and the compilers and their root folder go when the watch ends."""
    from factdeck.outputs.print import pdf

    root = tmp_path
    # date: none as the shipped templates set it; otherwise each PDF carries the second it was compiled in
    source = (
        '#set document(title: "Worksheet", date: none)\n#set text(font: "Libertinus Serif")\n= Worksheet\n'
        + "A question about the guild.\n\n" * 40
    )
    edited = source.replace("A question", "An edited question", 1)
    one_off = Session.one_off()
    fresh_pdf = pdf.compile_all(root, {"deck/worksheet-A.pdf": ("t", edited)}, jobs=1, session=one_off)
    assert one_off.kept("pdf.compilers", pdf.KeptCompilers) is None  # nothing kept outside a watch
    with Session.watching() as session:
        pdf.compile_all(
            root, {"deck/worksheet-A.pdf": ("t", source), "deck/key-A.pdf": ("t", source)}, jobs=2, session=session
        )
        kept = session.kept("pdf.compilers", pdf.KeptCompilers)
        compiler = kept._compilers["deck/worksheet-A.pdf"][1]
        folder = kept._root
        assert pdf.compile_all(root, {"deck/worksheet-A.pdf": ("t", edited)}, jobs=1, session=session) == fresh_pdf
        assert kept._compilers["deck/worksheet-A.pdf"][1] is compiler
        assert list(Path(folder).iterdir()) == []
    assert not kept._compilers and not Path(folder).exists()


def test_kept_compilers_are_few(monkeypatch):
    from factdeck.outputs.print import pdf

    kept = pdf.KeptCompilers()
    monkeypatch.setattr(kept, "MAX", 2)
    fonts = pdf._fonts(tuple(str(f) for f in pdf.font_folders(Path("."))))
    try:
        first = kept.compiler("a.pdf", fonts)
        kept.compiler("b.pdf", fonts)
        assert kept.compiler("a.pdf", fonts) is first  # used again: now the most recent
        kept.compiler("c.pdf", fonts)  # b, the least recently used, goes
        assert list(kept._compilers) == ["a.pdf", "c.pdf"]
    finally:
        kept.close()
