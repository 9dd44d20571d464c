"""The question generator on data (no PDFs): question types, distractor rules, versions, seeds."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.quiz import QUESTION_TYPES, make_quiz, with_overrides
from factdeck.quiz.distractors import Distractors, answer_form, numbers_in
from factdeck.records.dates import parse_date
from factdeck.records.select import select_facts
from factdeck.text.compare import answer_comparison_form, core, mentions
from factdeck.text.dates import date_label

MORE_FACTS = Path(__file__).parent / "fixtures" / "quiz" / "more-guild.yaml"
YEAR = re.compile(r"\d{4}")


@pytest.fixture
def base(project):
    """The sample project plus the quiz fixture's facts: people, places, numbers, a Persian name, a disputed date."""
    shutil.copy(MORE_FACTS, project.path("facts/more-guild.yaml"))
    return load_and_validate(project.root)


def quiz_of(base, **overrides):
    deck = base.deck("guild-history")
    return make_quiz(base, deck, select_facts(base, deck), with_overrides(deck.quiz, **overrides))


def attested(base):
    """Every answer the fact base says is true of a disputed fact: its answer and every version's."""
    values = set()
    for fact in base.facts:
        if fact.dispute:
            values |= {answer_comparison_form(v.answer) for v in fact.dispute.versions} | {
                answer_comparison_form(fact.answer)
            }
    return values


def version_numbers(base):
    return set().union(*(numbers_in(v.answer) for f in base.facts if f.dispute for v in f.dispute.versions))


# --- multiple choice ---------------------------------------------------------------------


def test_multiple_choice_has_four_distinct_options_of_the_answers_kind(base):
    quiz = quiz_of(base, questions=40, types=["multiple-choice"])
    assert len(quiz.questions) >= 8
    for q in quiz.questions:
        fact = base.facts_by_id[q.fact_ids[0]]
        assert len(q.options) == 4 and len({answer_comparison_form(o) for o in q.options}) == 4
        shown = answer_form(fact).option
        if not any("(" in o for o in q.options[1:]):  # a bracket only the answer has would mark it
            shown = re.sub(r"\s*\([^()]*\)", "", shown)
        assert q.options[0] == q.answer == shown
        if fact.kind in ("person", "place", "organization", "term"):  # only the editor's distractors
            assert set(q.options[1:]) <= {d.text for d in fact.distractors}, q.options
        if fact.kind == "date":
            years = [int(o) for o in q.options]
            assert min(abs(a - b) for i, a in enumerate(years) for b in years[i + 1 :]) >= 1
            era = base.eras_by_id[fact.era]
            assert all(int(era.start) <= y for y in years), years


def test_year_distractors_put_the_answer_at_every_rank(base):
    fact = base.facts_by_id["pilot-school"]
    pool = Distractors(base)
    below = set()
    for seed in range(40):
        years = [int(y) for y, _ in pool.wrong_options(fact, 3, random.Random(seed))]
        assert len(set(years)) == 3 and 1912 not in years
        assert all(abs(y - 1912) >= 2 for y in years)
        assert all(y <= 2026 for y in years)  # never past the latest year the data knows
        below.add(sum(y < 1912 for y in years))
    assert below == {0, 1, 2, 3}  # the answer is the smallest, the largest and in between (option_sets.py)


def test_number_distractors_keep_the_answers_wording(base):
    pool = Distractors(base)
    words = [w for w, _ in pool.wrong_options(base.facts_by_id["founding-workers"], 3, random.Random(1))]
    assert all(w.isalpha() and w[0].isupper() for w in words), words  # "Nine" -> "Seven", not "7"
    about = [a for a, _ in pool.wrong_options(base.facts_by_id["peak-membership"], 3, random.Random(1))]
    assert all(re.fullmatch(r"About \d{1,3}(,\d{3})*", a) for a in about), about
    values = sorted(float(a.split()[1].replace(",", "")) for a in about)
    assert all(abs(v - 1200) / 1200 >= 0.15 for v in values)  # clearly different, not 1,190


# The fact base is only read, so sharing it between generated seeds is safe.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_no_attested_value_is_ever_a_wrong_option(base, seed):
    banned, banned_numbers = attested(base), version_numbers(base)
    quiz = quiz_of(base, questions=30, seed=seed)
    for q in quiz.questions:
        wrong = list(q.options[1:])
        if q.swapped:
            wrong.append(q.swapped[1])
        for option in wrong:
            assert answer_comparison_form(option) not in banned, (q.id, option)
            assert not (numbers_in(option) & banned_numbers), (q.id, option)
            fact = base.facts_by_id[q.fact_ids[0]]
            assert not mentions(f"{fact.question} {fact.statement}", option), (q.id, option)


def test_a_year_a_dispute_version_gives_is_never_a_wrong_year(base):
    fact = base.facts_by_id["last-ferry"]  # 1929, near the hall fire's disputed 1931 and 1933
    pool = Distractors(base)
    drawn = set()
    for seed in range(60):
        drawn |= {text for text, _ in pool.wrong_options(fact, 3, random.Random(seed))}
    assert not drawn & {"1931", "1933"}
    assert {"1930", "1932", "1934"} & drawn  # the years beside them are fair


def test_a_version_answer_is_refused_even_for_another_fact(base):
    pool = Distractors(base)
    fact = base.facts_by_id["founding-workers"]  # answer "Nine"; the flood dispute says 12 and 40
    assert not pool.allowed(fact, "12")
    assert not pool.allowed(fact, "Nine")  # its own answer
    assert not pool.allowed(base.facts_by_id["second-master"], "Ada Ferrier")  # named in its own question
    assert pool.allowed(base.facts_by_id["second-master"], "Mina Solberg")


def test_disputed_facts_are_never_multiple_choice_true_false_or_blanks(base):
    disputed = {f.id for f in base.facts if f.disputed}
    for seed in range(10):
        for q in quiz_of(base, questions=30, seed=seed).questions:
            if set(q.fact_ids) & disputed:
                assert q.type in ("source-analysis", "short-answer"), q.id


def test_correct_letters_are_spread_evenly(base):
    quiz = quiz_of(base, questions=40, versions=4, types=["multiple-choice"])
    for version in quiz.versions:
        letters = Counter(p.correct_letter for p in version.questions)
        assert set(letters) == set("ABCD")
        assert max(letters.values()) - min(letters.values()) <= 1, letters


# --- true/false, fill in the blank, matching, timeline, source analysis -----------------------


def test_a_false_statement_is_an_editors_or_has_a_year_or_number_changed(base):
    seen = Counter()
    for seed in range(12):
        for q in quiz_of(base, questions=40, seed=seed, types=["true-false"]).questions:
            fact = base.facts_by_id[q.fact_ids[0]]
            seen[q.truth, q.swapped is None] += 1
            if q.truth:
                assert q.prompt == fact.statement and q.swapped is None
                continue
            assert q.prompt != fact.statement and q.explanation == fact.statement
            if q.swapped is None:  # the editor's own
                assert q.prompt in fact.false_statements
                continue
            assert fact.kind in ("date", "number") and not fact.false_statements  # never a name pasted in
            true_value, false_value = q.swapped
            assert q.prompt.replace(false_value, true_value) == fact.statement
            if fact.kind == "date":
                assert YEAR.fullmatch(true_value) and YEAR.fullmatch(false_value)
    assert seen[True, True] and seen[False, True] and seen[False, False]


def test_a_named_fact_without_false_statements_is_never_a_true_false_question(base):
    quiz = quiz_of(base, questions=40, types=["true-false"])
    for q in quiz.questions:
        fact = base.facts_by_id[q.fact_ids[0]]
        assert fact.kind in ("date", "number") or fact.false_statements, fact.id


def test_true_false_is_half_true_half_false(base):
    quiz = quiz_of(base, questions=40, types=["true-false"])
    truths = Counter(q.truth for q in quiz.questions)
    assert abs(truths[True] - truths[False]) <= 1


def test_fill_blank_blanks_the_answer_in_the_statement(base):
    quiz = quiz_of(base, questions=40, types=["fill-blank"])
    assert len(quiz.questions) >= 6
    for q in quiz.questions:
        fact = base.facts_by_id[q.fact_ids[0]]
        assert q.answer.join(q.parts) == fact.statement
        assert q.answer.casefold() not in "".join(q.parts).casefold()


def test_matching_pairs_people_and_organizations_with_roles_that_do_not_name_them(base):
    quiz = quiz_of(base, questions=4, types=["matching"])
    q = quiz.questions[0]
    assert q.type == "matching" and 4 <= len(q.items) <= 6
    names = [i.answer for i in q.items]
    assert len({answer_comparison_form(n) for n in names}) == len(names)
    for item in q.items:
        assert base.facts_by_id[item.fact_id].kind in ("person", "organization")
        assert not any(mentions(item.text, name) for name in names), item.text
    placed = next(p for p in quiz.versions[0].questions if p.question == q)
    assert sorted(placed.matches) == sorted("ABCDEF"[: len(names)])
    for description, letter in zip(placed.items, placed.matches):
        assert placed.name_list["ABCDEF".index(letter)] == description.answer


def test_timeline_orders_four_to_six_dated_events_without_their_dates(base):
    quiz = quiz_of(base, questions=4, types=["timeline"], versions=3)
    q = quiz.questions[0]
    assert 4 <= len(q.items) <= 6
    spans = [parse_date(base.facts_by_id[i.fact_id].date) for i in q.items]
    assert all(a.end < b.start for a, b in zip(spans, spans[1:]))  # strictly ordered
    for item in q.items:
        assert not YEAR.search(item.text) and "_____" in item.text
        assert item.answer == date_label(base.facts_by_id[item.fact_id].date)
    for version in quiz.versions:
        placed = next(p for p in version.questions if p.question == q)
        assert list(placed.order) != sorted(placed.order)  # never printed already in order
        assert [placed.items[placed.chronology.index(letter)] for letter in placed.chronology] == list(placed.items)
        assert [placed.items["ABCDEF".index(letter)] for letter in placed.chronology] == list(q.items)


def test_source_analysis_shows_every_version_and_lists_them_in_the_key(base):
    quiz = quiz_of(base, questions=30, types=["source-analysis"])
    disputed = [f for f in select_facts(base, base.deck("guild-history")) if f.disputed]
    assert {q.fact_ids[0] for q in quiz.questions} == {f.id for f in disputed}
    for q in quiz.questions:
        fact = base.facts_by_id[q.fact_ids[0]]
        assert len(q.excerpts) == len(fact.dispute.versions)
        assert [e.quote for e in q.excerpts] == [v.citations[0].quote for v in fact.dispute.versions]
        assert [v.answer for v in q.versions] == [v.answer for v in fact.dispute.versions]
        assert {e.stance for e in q.excerpts} == {"neutral", "critical"}


def test_short_answer_of_a_disputed_fact_lists_every_version(base):
    quiz = quiz_of(base, questions=30, types=["short-answer"])
    flood = next(q for q in quiz.questions if q.fact_ids == ("flood-deaths",))
    assert [v.answer for v in flood.versions] == ["12", "40"]


# --- versions and seeds ------------------------------------------------------------------------


def test_versions_have_the_same_questions_in_another_order(base):
    quiz = quiz_of(base, questions=14, versions=3)
    orders = [[p.question.id for p in v.questions] for v in quiz.versions]
    assert all(sorted(o) == sorted(orders[0]) for o in orders)
    assert len({tuple(o) for o in orders}) == 3
    for version in quiz.versions:
        assert [p.number for p in version.questions] == list(range(1, len(orders[0]) + 1))
        for p in version.questions:
            if p.type == "multiple-choice":
                assert sorted(p.options) == sorted(p.question.options)


def test_the_same_seed_gives_the_same_quiz_whatever_the_global_random_state(base):
    random.seed(1)
    first = quiz_of(base, questions=14, versions=3, seed=7)
    random.seed(2)
    random.random()
    assert quiz_of(base, questions=14, versions=3, seed=7) == first
    assert quiz_of(base, questions=14, versions=3, seed=8) != first


def test_the_quiz_does_not_depend_on_python_hash_randomization(project):
    """Two interpreters with different hash seeds draw the same worksheet (no hash(), no set order)."""
    shutil.copy(MORE_FACTS, project.path("facts/more-guild.yaml"))
    script = (
        "import sys, json; from pathlib import Path\n"
        "from factdeck.build import load_and_validate; from factdeck.records.select import select_facts\n"
        "from factdeck.quiz import make_quiz\n"
        "b = load_and_validate(Path(sys.argv[1])); d = b.deck('guild-history')\n"
        "q = make_quiz(b, d, select_facts(b, d))\n"
        "print(json.dumps([[p.question.id, p.order, p.names, p.question.options] for v in q.versions for p in v.questions]))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(project.root)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(outputs) == 1 and json.loads(outputs.pop())


def test_adding_a_fact_keeps_the_other_facts_wrong_options(project, base):
    before = Distractors(base).wrong_options(base.facts_by_id["pilot-school"], 3, random.Random("x"))
    project.replace("facts/more-guild.yaml", "- id: apprentice-name", "- id: apprentice-name-x")
    after_base = load_and_validate(project.root)
    assert (
        Distractors(after_base).wrong_options(after_base.facts_by_id["pilot-school"], 3, random.Random("x")) == before
    )


# --- limits --------------------------------------------------------------------------------------


def test_asking_for_more_questions_than_the_facts_allow_says_so(base):
    quiz = quiz_of(base, questions=200)
    assert len(quiz.questions) < 200
    assert quiz.notes and f"only {len(quiz.questions)} of 200 questions" in quiz.notes[0]


def test_every_fact_is_used_at_most_once(base):
    for seed in range(5):
        quiz = quiz_of(base, questions=30, seed=seed)
        ids = [i for q in quiz.questions for i in q.fact_ids]
        assert len(ids) == len(set(ids))


def test_each_requested_type_only(base):
    for kind in QUESTION_TYPES:
        quiz = quiz_of(base, questions=6, types=[kind])
        assert quiz.questions and {q.type for q in quiz.questions} == {kind}


def test_answer_forms():
    from factdeck.records.schema import Fact

    def fact(kind, answer, date=None):
        return Fact(
            id="x",
            kind=kind,
            era="e",
            date=date,
            question="q?",
            answer=answer,
            statement="s.",
            citations=[],
            status="draft",
        )

    assert answer_form(fact("date", "1965 (5 September 1965 per the encyclopedia)", "1965-09-05")).option == "1965"
    assert answer_form(fact("date", "January 1979", "1979-01")).render("1981") == "January 1981"
    assert answer_form(fact("date", "Two years later")) is None
    assert answer_form(fact("number", "Almost 15,000")).token == "15,000"
    assert answer_form(fact("number", "12 per X; 40 per Y")) is None
    assert answer_form(fact("number", "More than 6,000")) is None  # "More than 3,000" would be true too
    assert answer_form(fact("event", "It was dissolved")) is None
    assert core("Karim (کریم)") == "Karim"


@pytest.mark.parametrize("which", ["sample", "shipped"])
def test_weighing_a_fact_agrees_with_making_its_question(base, which):
    """`can` decides eligibility without making every question; it must say what `single` does."""
    from factdeck.quiz import SINGLE_TYPES, QuizMaker

    if which == "shipped":  # the project's own 189 facts: every kind, disputes, dates, numbers, Persian names
        base = load_and_validate(Path(__file__).resolve().parent.parent)
    deck = base.decks[0]
    maker = QuizMaker(base, deck, deck.quiz)
    answers = [(f.id, t, maker.can(f, t), maker.single(f, t) is not None) for f in base.vetted for t in SINGLE_TYPES]
    assert [a for a in answers if a[2] != a[3]] == []
    assert {a[2] for a in answers} == {True, False}


# --- question types -----------------------------------------------------------------------


def test_the_registry_holds_every_schema_question_type_in_section_order():
    from factdeck.records.schema import QuestionType

    assert tuple(QUESTION_TYPES) == QuestionType.__args__
    assert [QUESTION_TYPES[n].section for n in QUESTION_TYPES] == sorted(t.section for t in QUESTION_TYPES.values())
    assert set(QUESTION_TYPES.single_names) | set(QUESTION_TYPES.group_names) == set(QUESTION_TYPES)
    assert not set(QUESTION_TYPES.single_names) & set(QUESTION_TYPES.group_names)
    with pytest.raises(KeyError, match="unknown question type 'essay'"):
        QUESTION_TYPES["essay"]
    with pytest.raises(ValueError, match="registered twice"):
        QUESTION_TYPES.register(type(QUESTION_TYPES["timeline"]))


def test_every_question_says_its_answer_web_and_gift_forms_through_its_type(base):
    from factdeck.outputs.exports.document import document_of
    from factdeck.outputs.exports.gift import gift_question
    from factdeck.outputs.web.webquiz import question_data

    quizzes = [quiz_of(base, questions=20, versions=1), quiz_of(base, questions=4, types=["matching", "timeline"])]
    placements = [p for quiz in quizzes for p in quiz.versions[0].questions]
    assert {p.type for p in placements} == set(QUESTION_TYPES)
    for placed in placements:
        assert placed.answer_label == QUESTION_TYPES.of(placed.question).answer_label(placed)
        assert question_data(placed.question, placed.order, placed.names, base)["type"] == placed.type
    for quiz in quizzes:
        for q in document_of(base, quiz)["versions"][0]["questions"]:
            assert gift_question(q, "deck").startswith(
                f"// [id:{q['fact'] or 'deck-' + q['id'].replace(':', '-')}]\n::deck "
            )


def test_a_timeline_writes_an_uncertain_date_as_the_cards_do(base):
    from factdeck.quiz import QuizMaker

    deck = base.deck("guild-history")
    fact = next(
        f
        for f in base.vetted
        if f.date
        and re.fullmatch(r"\d{4}", f.date)
        and not f.disputed
        and QUESTION_TYPES["timeline"].item(QuizMaker(base, deck, deck.quiz), f) is not None
    )
    uncertain = fact.model_copy(update={"date": f"{fact.date}?"})
    item = QUESTION_TYPES["timeline"].item(QuizMaker(base, deck, deck.quiz), uncertain)
    assert item.answer == f"{fact.date} (uncertain)" == date_label(uncertain.date)
