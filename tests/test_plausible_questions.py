"""Questions a sharp student cannot rule out, and checks that catch an editor's slip: each failure kind has its
own small project here (wrong dates outside what the records allow, swaps that mark themselves, options in
another script, real people as perpetrators, give-away stems and blanks, dispute reasons, numbers no quote
writes, facts that disagree silently, the quiz document's citations and counts), and the shipped base is held
to the length test."""

from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from factdeck.build import load_and_validate
from factdeck.cli import cli
from factdeck.exceptions import ValidationFailed
from factdeck.quiz import QUESTION_TYPES, make_quiz, with_overrides
from factdeck.quiz.cues import best_single_cue, statement_pairs
from factdeck.quiz.distractors import Distractors, replace_token
from factdeck.quiz.planning import QuizMaker
from factdeck.records.select import select_facts

SOURCES = """\
- id: annals
  title: "Annals of the Lighthouse"
  short_name: "the annals"
  publisher: "Harbour Press"
  published: 1990
  accessed: 2026-11-22
  kind: book
  stance: neutral
  perspective: "A local history written from the harbour board's records."
- id: diary
  title: "A Keeper's Diary"
  short_name: "the diary"
  publisher: "Private papers"
  published: 1985
  accessed: 2026-11-22
  kind: primary-document
  stance: mixed
  perspective: "A keeper's own notes, partial to the keepers."
"""
ERAS = """\
- id: building
  title: "Building the light"
  start: 1850
  end: 1870
- id: service
  title: "In service"
  start: 1870
  end: 1900
"""
DECK = """\
id: light
name: "The lighthouse"
description: "Its history."
quiz:
  questions: 10
  versions: 1
  seed: 3
"""


def fact(ident: str, kind: str, question: str, answer: str, statement: str, extra: str = "", era: str = "building",
         quote: str = "the light was lit", date: str = "") -> str:  # fmt: skip
    """One vetted fact as YAML (without a fingerprint: check warns, which these tests do not mind)."""
    when = f"\n  date: {date}" if date else ""
    more = textwrap.indent(textwrap.dedent(extra).strip("\n"), "  ") + "\n" if extra.strip() else ""
    return (
        f"- id: {ident}\n  kind: {kind}\n  era: {era}{when}\n  question: {json.dumps(question)}\n"
        f"  answer: {json.dumps(answer, ensure_ascii=False)}\n  statement: {json.dumps(statement, ensure_ascii=False)}\n"
        f'{more}  citations:\n    - source: annals\n      locator: "p. 1"\n      quote: {json.dumps(quote)}\n'
        "  status: vetted\n  vetted: 2026-11-22\n  reviewer: fact-editor\n"
    )


def make_project(root: Path, *facts: str, eras: str = ERAS) -> Path:
    root.mkdir(parents=True)
    (root / "factdeck.yaml").write_text("namespace: lighthouse-test\n", encoding="utf-8")
    (root / "facts").mkdir()
    (root / "facts" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "facts" / "eras.yaml").write_text(eras, encoding="utf-8")
    (root / "facts" / "light.yaml").write_text("".join(facts), encoding="utf-8")
    (root / "decks").mkdir()
    (root / "decks" / "light.yaml").write_text(DECK, encoding="utf-8")
    return root


def check(root: Path, strict: bool = False) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *(["--strict"] if strict else []), "--project", str(root)])
    return result.exit_code, result.stderr


def wrong_years(root: Path, fact_id: str, seeds: int = 25) -> set[int]:
    base = load_and_validate(root)
    pool = Distractors(base)
    found: set[int] = set()
    for seed in range(seeds):
        options = pool.wrong_options(base.facts_by_id[fact_id], 3, random.Random(seed)) or []
        found |= {int(text.split()[-1]) for text, _ in options}
    return found


LIT = fact("first-lit", "date", "In what year was the light first lit?", "1866",
           "The light was first lit in 1866, after years of building.", date=1866)  # fmt: skip


# --- wrong dates within what the records allow ---------------------------------------------------


def test_wrong_years_stay_within_the_era(tmp_path):
    root = make_project(tmp_path / "p", LIT)
    years = wrong_years(root, "first-lit")
    assert years and all(1850 <= y <= 1870 for y in years), years


def test_an_era_may_allow_wrong_years_beyond_it(tmp_path):
    eras = ERAS.replace("  end: 1870\n", "  end: 1870\n  option_margin: 5\n", 1)
    root = make_project(tmp_path / "p", LIT, eras=eras)
    assert wrong_years(root, "first-lit", seeds=60) & set(range(1871, 1876))


def test_not_before_a_fact_and_not_after_a_date_bound_wrong_years(tmp_path):
    tower = fact("tower-done", "date", "In what year was the tower finished?", "1858",
                 "The tower was finished in 1858.", date=1858)  # fmt: skip
    bounded = LIT.replace("  status: vetted", "  not_before: tower-done\n  not_after: 1869\n  status: vetted")
    root = make_project(tmp_path / "p", tower, bounded)
    years = wrong_years(root, "first-lit")
    assert years and all(1858 <= y <= 1869 for y in years), years
    base = load_and_validate(root)
    bounds = Distractors(base).bounds(base.facts_by_id["first-lit"])
    assert "not_before: fact 'tower-done', 1858" in bounds.describe()
    assert "not_after: 1869" in bounds.describe()


def test_a_bound_naming_no_fact_or_contradicting_the_date_is_an_error(tmp_path):
    root = make_project(tmp_path / "p", LIT.replace("  status: vetted", "  not_before: tower-dne\n  status: vetted"))
    code, err = check(root)
    assert code == 1 and "not_before 'tower-dne' is neither a date nor a fact id" in err
    root = make_project(tmp_path / "q", LIT.replace("  status: vetted", "  not_after: 1860\n  status: vetted"))
    code, err = check(root)
    assert code == 1 and "its own date 1866 is after its not_after (1860)" in err


def test_wrong_dates_keep_the_answers_side_of_the_statements_other_dates(tmp_path):
    keeper = fact("keeper-hired", "date", "In what month and year was the first keeper hired?", "September 1866",
                  "The first keeper was hired in September 1866, after the lamp arrived in May 1866.",
                  date="1866-09")  # fmt: skip
    root = make_project(tmp_path / "p", keeper)
    base = load_and_validate(root)
    pool, the_fact = Distractors(base), base.facts_by_id["keeper-hired"]
    early = ("January", "February", "March", "April", "May")

    def possible(text: str) -> bool:  # after May 1866, within the era, not the answer
        month, year = text.split()
        return 1866 <= int(year) <= 1870 and text != "September 1866" and not (int(year) == 1866 and month in early)

    made = 0
    for seed in range(20):
        options = pool.wrong_options(the_fact, 3, random.Random(seed)) or []
        assert all(possible(text) for text, _ in options), options
        token, wrong, _ = pool.false_swap(the_fact, random.Random(seed))
        assert token == "September 1866" and possible(wrong), wrong
        made += len(options)
    assert made


def test_no_wrong_date_after_the_latest_source(tmp_path):
    eras = ERAS.replace("  end: 1900\n", "  end: present\n")
    late = fact("last-keeper", "date", "In what year did the last keeper leave?", "1984",
                "The last keeper left in 1984.", era="service", date=1984)  # fmt: skip
    root = make_project(tmp_path / "p", late, eras=eras)
    years = wrong_years(root, "last-keeper")
    assert years and max(years) <= 1990, years  # the annals, published 1990, are the latest source


def test_a_fact_with_no_room_for_wrong_years_is_asked_another_way(tmp_path):
    eras = '- id: building\n  title: "Building"\n  start: 1866\n  end: 1867\n'
    root = make_project(tmp_path / "p", LIT, eras=eras)
    base = load_and_validate(root)
    deck = base.deck("light")
    maker = QuizMaker(base, deck, deck.quiz)
    assert QUESTION_TYPES["multiple-choice"].make(maker, base.facts_by_id["first-lit"]) is None


# --- swaps that stay grammatical and consistent ---------------------------------------------------


def _swap(root: Path, fact_id: str) -> list[str]:
    base = load_and_validate(root)
    pool, the_fact = Distractors(base), base.facts_by_id[fact_id]
    out = []
    for seed in range(20):
        swap = pool.false_swap(the_fact, random.Random(seed))
        if swap:
            out.append(replace_token(the_fact.statement, *swap))
    return out


def test_a_number_word_swapped_mid_sentence_keeps_the_sentences_case(tmp_path):
    rate = fact("lamps-a-night", "number", "How many lamps were lit a night at the peak?", "Three",
                "At the peak the keepers lit three lamps a night.")  # fmt: skip
    made = _swap(make_project(tmp_path / "p", rate), "lamps-a-night")
    assert made and all(s.split()[5][0].islower() for s in made), made


def test_a_count_that_the_statement_lists_is_not_swapped(tmp_path):
    listed = fact("boats", "number", "How many boats served the light?", "Three",
                  "Three boats served the light: Gull, Tern and Petrel.")  # fmt: skip
    assert _swap(make_project(tmp_path / "p", listed), "boats") == []


def test_one_is_never_swapped_in_or_out_of_a_statement(tmp_path):
    single = fact("bells", "number", "How many fog bells did the light have?", "one",
                  "The light had one fog bell.")  # fmt: skip
    several = fact("horns", "number", "How many horns did the light have?", "two",
                   "The light had two horns, one each side.")  # fmt: skip
    root = make_project(tmp_path / "p", single, several)
    assert _swap(root, "bells") == []
    assert all(" one horns" not in s for s in _swap(root, "horns"))


def test_options_are_written_in_the_answers_digits(tmp_path):
    year = fact("persian-digits-year", "date", "In what year was the light lit?", "۱۸۶۶",
                "The light was lit in ۱۸۶۶.", date=1866)  # fmt: skip
    count = fact("persian-digits-count", "number", "How many candles a week did the light burn?", "۱۲۰",
                 "The light burned ۱۲۰ candles a week.")  # fmt: skip
    base = load_and_validate(make_project(tmp_path / "p", year, count))
    pool = Distractors(base)
    for fact_id in ("persian-digits-year", "persian-digits-count"):
        options = pool.wrong_options(base.facts_by_id[fact_id], 3, random.Random(1))
        assert options and all(text.isdecimal() and not text.isascii() for text, _ in options), options
        swap = pool.false_swap(base.facts_by_id[fact_id], random.Random(1))
        assert swap and not swap[1].isascii(), swap


def test_an_editors_distractor_in_other_digits_is_a_warning(tmp_path):
    flat = fact("flat", "place", "Which flat did the keeper rent in town?", "Flat ۱۲",
                "The keeper rented Flat ۱۲ in town.", extra="""
                distractors: ["Flat 14", "Flat ۱۶", "Flat ۱۸"]
                """)  # fmt: skip
    code, err = check(make_project(tmp_path / "p", flat))
    assert "the answer 'Flat ۱۲' writes its digits in another script than a distractor does" in err


def test_the_web_quiz_teaches_the_recorded_reason(tmp_path):
    reason = 'reason:\n      type: time\n      why: "The keeper counted after the second lamp room was built."'
    root = make_project(tmp_path / "p", DISPUTED.replace("REASON", reason))
    result = CliRunner().invoke(cli, ["build", "--format", "html", "--project", str(root)])
    assert result.exit_code == 0, result.stderr
    page = (root / "build" / "light" / "light-quiz.html").read_text(encoding="utf-8")
    assert "after the second lamp room was built" in page and "q.reason.label" in page


# --- real people as perpetrators ------------------------------------------------------------------

BOMB = fact("saboteur", "person", "Who set the fire that damaged the lamp room?", "Ned Carver",
            "The annals say Ned Carver set the fire that damaged the lamp room.", extra="""
            distractors: ["Jonas Pike", "Eli Marsh", "Tom Reeve"]
            """)  # fmt: skip


def test_a_real_person_offered_as_the_doer_of_a_crime_is_an_error(tmp_path):
    code, err = check(make_project(tmp_path / "p", BOMB.replace("set the fire", "planted the bomb")))
    assert code == 1
    assert "distractor 'Jonas Pike' offers a real person as the one who did what the question asks ('bomb')" in err


def test_an_attested_person_may_be_offered(tmp_path):
    attested = BOMB.replace("set the fire", "planted the bomb").replace(
        "  status: vetted",
        "  attested:\n"
        + "".join(f"    {n}: \"the diary, p. 4, says he bombed the pier\"\n" for n in ("Jonas Pike", "Eli Marsh", "Tom Reeve"))
        + "  status: vetted",
    )  # fmt: skip
    code, err = check(make_project(tmp_path / "p", attested))
    assert code == 0, err


def test_a_false_statement_putting_a_person_beside_a_crime_or_a_death_is_an_error(tmp_path):
    keeper = fact("keeper", "person", "Who was the first keeper?", "Ned Carver",
                  "Ned Carver, the first keeper, rescued the crew of a wrecked brig in 1868.", extra="""
                  distractors: ["Jonas Pike", "Eli Marsh", "Tom Reeve"]
                  false_statements:
                    - "Ned Carver, the first keeper, robbed the crew of a wrecked brig in 1868, the annals say."
                    - "Jonas Pike, the first keeper, died rescuing the crew of a wrecked brig in 1868."
                  """)  # fmt: skip
    code, err = check(make_project(tmp_path / "p", keeper))
    assert code == 1
    assert "puts a real person, Jonas Pike, beside 'died'" in err
    assert "robbed" not in err  # robbing is not in the act list: a teacher judges it; the rule stays precise


def test_the_shipped_base_implicates_no_real_person():
    base = load_and_validate(REPO)
    from factdeck.records.question_rules import QuestionRules

    rules = QuestionRules(base.facts, base.glossary, base.sources.values())
    errors = [p.message for f in base.facts for p in rules.check(f) if p.severity == "error"]
    assert errors == []


# --- give-aways in stems, blanks and answer forms -------------------------------------------------


def test_a_stem_that_translates_the_term_is_a_warning_and_an_error_under_strict(tmp_path):
    term = fact("fanoos", "term", "What Persian word, which the annals translate as 'lantern', names the lamp?",
                "Fanus", "The annals call the lamp fanus, a Persian word for a lantern.", extra="""
                distractors: ["Cheragh", "Mashal", "Shamdan"]
                """)  # fmt: skip
    root = make_project(tmp_path / "p", term)
    code, err = check(root)
    assert code == 0 and "the question translates the term it asks for" in err
    assert check(root, strict=True)[0] == 1


def test_a_blank_whose_sentence_names_the_answer_again_is_not_made(tmp_path):
    person = fact("keeper", "person", "Who was the first keeper?", "Ned Carver",
                  "Ned Carver kept the light for thirty years; Carver's log survives.")  # fmt: skip
    root = make_project(tmp_path / "p", person)
    code, err = check(root)
    assert "the statement names the answer again as 'carver'" in err
    base = load_and_validate(root)
    assert QUESTION_TYPES["fill-blank"].blank(base.facts_by_id["keeper"]) is None
    other = person.replace("; Carver's log survives", "; Mary Carver's log survives")  # another person's name
    assert "names the answer again" not in check(make_project(tmp_path / "q", other))[1]


@pytest.mark.parametrize(
    ("statement", "again"),
    [
        # the name again with its words reordered and inflected
        ("The Union of Lantern Keepers, which the annals call the Union of Keepers of Lanterns, ran the light.",
         "union of keepers of lanterns"),
        # its words apart, in a longer run, are no second name
        ("The Union of Lantern Keepers ran the light; the union hired keepers for each lantern.", None),
        ("The Union of Lantern Keepers ran the light, which the annals say a union of lantern makers built.", None),
    ],
)  # fmt: skip
def test_a_blank_whose_sentence_names_the_answer_again_reordered_is_not_made(tmp_path, statement, again):
    body = fact("union", "organization", "Which body ran the light?", "The Union of Lantern Keepers", statement,
                extra="""
                distractors: ["The Harbour Board", "The Pilots' Guild", "The Coast Office"]
                """)  # fmt: skip
    root = make_project(tmp_path / "p", body)
    err = check(root)[1]
    if again:
        assert f"the statement names the answer again as '{again}'" in err, err
        assert QUESTION_TYPES["fill-blank"].blank(load_and_validate(root).facts_by_id["union"]) is None
    else:
        assert "names the answer again" not in err, err


def test_an_answer_form_no_distractor_shares_is_a_warning(tmp_path):
    boat = fact("boat", "place", "Where was the supply boat built?", "The Dock of 1860",
                "The supply boat was built at the Dock of 1860.", extra="""
                distractors: ["The North Yard", "The Old Slip", "The Ferry Yard"]
                """)  # fmt: skip
    code, err = check(make_project(tmp_path / "p", boat))
    assert "the answer 'The Dock of 1860' has digits and no distractor does" in err


def test_the_answer_shows_without_brackets_no_distractor_has(tmp_path):
    body = fact("board", "organization", "Which body ran the light?", "Harbour Board (HB)",
                "The Harbour Board (HB) ran the light.", extra="""
                distractors: ["Pilots' Guild", "Customs Office", "Coast Watch"]
                """)  # fmt: skip
    base = load_and_validate(make_project(tmp_path / "p", body))
    deck = base.deck("light")
    question = QUESTION_TYPES["multiple-choice"].make(QuizMaker(base, deck, deck.quiz), base.facts_by_id["board"])
    assert question.options[0] == "Harbour Board"


def test_an_answer_that_is_the_subject_of_most_facts_is_a_warning(tmp_path):
    facts = [
        fact(f"board-{i}", "date", f"In what year did the Harbour Board do thing {i}?", str(1851 + i),
             f"The Harbour Board did thing {i} in {1851 + i}.", quote="the board", date=1851 + i)
        for i in range(8)
    ]  # fmt: skip
    subject = fact("who-ran", "organization", "Which body ran the light?", "The Harbour Board",
                   "The Harbour Board ran the light.", extra="""
                   distractors: ["The Pilots' Guild", "The Customs Office", "The Coast Watch"]
                   """)  # fmt: skip
    code, err = check(make_project(tmp_path / "p", *facts, subject))
    assert "the answer 'The Harbour Board' is the subject most facts are about" in err


# --- dispute reasons ------------------------------------------------------------------------------

DISPUTED = fact("lamp-count", "number", "How many lamps do the annals say the light had?",
                "four per the harbour board; six per a keeper", "The annals report two counts of the lamps.",
                quote="four lamps", extra="""
                dispute:
                  summary: "The annals report the board's count of four lamps and a keeper's count of six."
                  REASON
                  versions:
                    - id: board
                      claim: "The light had four lamps."
                      answer: "four"
                      claimed_by: "the harbour board, as the annals report"
                      citations:
                        - source: annals
                          locator: "p. 1"
                          quote: "four lamps"
                    - id: keeper
                      claim: "The light had six lamps."
                      answer: "six"
                      claimed_by: "a keeper, as the annals report"
                      citations:
                        - source: annals
                          locator: "p. 1"
                          quote: "six lamps, said a keeper"
                """)  # fmt: skip


def test_a_dispute_without_a_reason_is_a_warning(tmp_path):
    code, err = check(make_project(tmp_path / "p", DISPUTED.replace("    REASON\n", "")))
    assert code == 0 and "the dispute gives no reason: add `reason:`" in err


def test_the_key_the_document_and_the_guide_teach_the_recorded_reason(tmp_path):
    reason = 'reason:\n      type: scope\n      why: "The keeper counts the spare lamps in the store."'
    root = make_project(tmp_path / "p", DISPUTED.replace("REASON", reason))
    base = load_and_validate(root)
    deck = base.deck("light")
    settings = with_overrides(deck.quiz, types=["source-analysis"], questions=1)
    quiz = make_quiz(base, deck, select_facts(base, deck), settings)
    question = quiz.questions[0]
    assert question.reason.label == "they describe or count different things"
    from factdeck.outputs.exports.document import document_of

    data = document_of(base, quiz)["versions"][0]["questions"][0]
    assert data["reason"] == {
        "type": "scope",
        "label": "they describe or count different things",
        "why": "The keeper counts the spare lamps in the store.",
    }
    from factdeck.outputs.print.worksheets import worksheet_sources

    source = worksheet_sources(base, deck, quiz, "a4", settings)["light/key-A.pdf"][1]
    assert "Credit the reason that fits this dispute" in source and "spare lamps in the store" in source
    from factdeck.outputs.print.guide import guide_source
    from factdeck.outputs.sessions.meetings import split_meetings
    from factdeck.outputs.sessions.packs import meeting_plan

    meeting = split_meetings(select_facts(base, deck), 1, deck, base.eras)[0]
    guide = guide_source(base, deck, meeting, meeting_plan(base, deck, meeting), "a4")
    # (a translated message's text is escaped for Typst markup as a whole: its colon as `\:`)
    assert "They describe or count different things: The keeper counts the spare lamps" in guide.replace("\\", "")
    # Each version keeps its own quote, though both cite the same source and locator.
    versions = data["dispute"]["versions"]
    assert [v["citations"][0]["quote"] for v in versions] == ["four lamps", "six lamps, said a keeper"]


# --- vetting assistance ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "quote", "warned"),
    [
        ("14 days", "a 13-day gale kept the boat away", True),
        ("13 days", "a 13-day gale kept the boat away", False),
        ("13 days", "thirteen days of gale kept the boat away", False),
        ("5,000", "five thousand candles a year", False),
        ("5,000", "Candles5000 a year", False),
    ],
)
def test_a_number_answer_no_quote_writes_is_a_warning(tmp_path, answer, quote, warned):
    gale = fact("gale", "number", "How long did the great gale last?", answer, f"The great gale lasted {answer}.",
                quote=quote)  # fmt: skip
    code, err = check(make_project(tmp_path / "p", gale))
    assert ("which none of its quotes writes" in err) == warned, err


def test_answer_from_says_how_an_unquoted_answer_follows(tmp_path):
    gale = fact("gale", "number", "How long did the great gale last?", "14 days", "The great gale lasted 14 days.",
                quote="two weeks of gale", extra='answer_from: "two weeks: 14 days"')  # fmt: skip
    assert "none of its quotes" not in check(make_project(tmp_path / "p", gale))[1]


@pytest.mark.parametrize(
    ("statement", "quote", "reported"),
    [
        # the year the statement adds is in no quote: the exact one-line message, at the fact's line
        ("The keeper lit the lamp in June 1866.", "the keeper lit the lamp in June", "'1866'"),
        ("The keeper lit the lamp in June 1866.", "lit the lamp in 1866", "'June'"),
        ("The keeper lit the lamp in June 1866.", "in June of '66 the lamp was lit", None),
        ("The keeper lit the lamp in the 1860s.", "the lamp was lit in the 1860s", None),
        ("The keeper lit the lamp in the 1860s.", "the lamp was lit in 1870", "'1860s'"),
        ("The keeper lit the lamp in the 1860s.", "in the sixties the lamp was lit", None),
        ("The keeper lit the lamp in the 1860s.", "the lamp was lit in 1866", None),
        # where a text says it is no detail of the fact
        ("The annals (footnote 35, p. 12) say the keeper lit the lamp.", "the keeper lit the lamp", None),
    ],
)
def test_a_statement_detail_no_quote_writes_is_a_warning(tmp_path, statement, quote, reported):
    lamp = fact("lamp", "person", "Who lit the lamp?", "The keeper", statement, quote=quote)
    code, err = check(make_project(tmp_path / "p", lamp), strict=True)
    message = (
        f"facts/light.yaml:1: fact 'lamp': the statement gives {reported}, which none of the fact's quotes "
        "writes (as digits or words): quote the passage that gives it, or leave the detail out"
    )
    if reported:
        assert code == 1 and message in err.splitlines(), err
    else:
        assert "which none of the fact's quotes" not in err, err


def test_a_question_and_statement_giving_the_same_unquoted_year_make_one_warning(tmp_path):
    lamp = fact("lamp", "person", "Who lit the lamp in 1866?", "The keeper", "The keeper lit the lamp in 1866.",
                quote="the keeper lit the lamp")  # fmt: skip
    err = check(make_project(tmp_path / "p", lamp))[1]
    assert "fact 'lamp': the statement and the question give '1866', which none of the fact's quotes" in err, err
    assert err.count("'1866', which none") == 1


def test_a_version_claim_is_held_to_its_own_quotes_and_a_draft_is_left_alone(tmp_path):
    claim = DISPUTED.replace('claim: "The light had six lamps."', 'claim: "By 1870 the light had six lamps."')
    claim = claim.replace("REASON", 'reason:\n      type: scope\n      why: "The keeper counts the spare lamps."')
    err = check(make_project(tmp_path / "p", claim))[1]
    assert "the claim of version 'keeper' gives '1870', which none of its own quotes writes" in err, err
    draft = claim.replace("status: vetted", "status: draft")
    assert "which none of its own quotes" not in check(make_project(tmp_path / "d", draft))[1]


def test_answer_from_covers_the_answers_numbers_in_the_statement(tmp_path):
    gale = fact("gale", "number", "How long did the great gale last?", "14 days", "The great gale lasted 14 days.",
                quote="two weeks of gale", extra='answer_from: "two weeks: 14 days"')  # fmt: skip
    assert "which none of the fact's quotes" not in check(make_project(tmp_path / "p", gale))[1]
    gale = gale.replace("lasted 14 days.", "lasted 14 days in 1868.")
    assert "the statement gives '1868', which none" in check(make_project(tmp_path / "q", gale))[1]


def test_two_facts_answering_the_same_question_differently_are_both_named(tmp_path):
    one = fact("gale", "number", "How many days did the great gale of 1868 last?", "13",
               "The great gale of 1868 lasted 13 days.", quote="13 days")  # fmt: skip
    two = fact("gale-again", "number", "For how many days did the great gale of 1868 last?", "14",
               "The great gale of 1868 lasted 14 days.", quote="14 days")  # fmt: skip
    code, err = check(make_project(tmp_path / "p", one, two))
    assert "fact 'gale' answers '13' where fact 'gale-again' (facts/light.yaml:" in err
    assert "fact 'gale-again' answers '14' where fact 'gale' (facts/light.yaml:1)" in err


# --- the quiz document ----------------------------------------------------------------------------


def test_quiz_json_honours_count(tmp_path):
    facts = [
        fact(f"event-{i}", "date", f"In what year did event {i} happen?", str(1852 + 2 * i),
             f"Event {i} happened in {1852 + 2 * i}.", date=1852 + 2 * i)
        for i in range(8)
    ]  # fmt: skip
    root = make_project(tmp_path / "p", *facts)
    result = CliRunner().invoke(
        cli, ["quiz", "light", "--format", "json", "--count", "short-answer=2", "--project", str(root)]
    )
    assert result.exit_code == 0, result.stderr
    questions = json.loads(result.stdout)["versions"][0]["questions"]
    assert [q["type"] for q in questions] == ["short-answer", "short-answer"]


def test_factdeck_options_explains_the_bounds_and_the_options(tmp_path):
    root = make_project(tmp_path / "p", LIT.replace("  status: vetted", "  not_after: 1869\n  status: vetted"))
    result = CliRunner().invoke(cli, ["options", "first-lit", "--project", str(root)])
    assert result.exit_code == 0, result.stderr
    assert "wrong dates lie from 1 January 1850 (the start of era 'building')" in result.stdout
    assert "to 31 December 1869 (not_after: 1869)" in result.stdout
    assert "made by the rules" in result.stdout


# --- the shipped base -----------------------------------------------------------------------------


def test_true_and_false_statements_are_not_told_apart_by_length_or_form():
    """A classifier by length alone (or word count, or clause count) does no better than chance + 10 points on
    the statements the shipped main deck's true/false questions can show."""
    base = load_and_validate(REPO)
    deck = base.deck("mek-history")
    maker = QuizMaker(base, deck, deck.quiz)

    def false_for(f):
        if f.false_statements:
            return list(f.false_statements)
        swap = maker.distractors.false_swap(f, random.Random(f.id))
        return [replace_token(f.statement, *swap)] if swap else []

    statements = statement_pairs([f for f in select_facts(base, deck) if not f.disputed], false_for)
    assert len(statements) > 150
    cues = best_single_cue(statements)
    assert all(score <= 0.60 for score in cues.values()), cues


def test_the_new_checks_pass_on_a_new_project(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "new"), "--title", "Canal"]).exit_code == 0
    result = runner.invoke(cli, ["check", "--strict", "--project", str(tmp_path / "new")])
    assert result.exit_code == 0, result.stderr


def test_strict_refuses_what_is_only_a_warning(tmp_path):
    with pytest.raises(ValidationFailed):
        load_and_validate(make_project(tmp_path / "p", DISPUTED.replace("    REASON\n", "")), strict=True)


def test_a_wrong_options_why_and_a_dispute_reason_are_held_to_the_quotes(tmp_path):
    options = """
        distractors:
          - text: "Jonas Pike"
            why: "The annals make him keeper only from 1870."
          - text: "Eli Marsh"
            why: "The annals name him as the harbour's pilot."
          - "Tom Reeve"
        """
    lamp = fact("lamp", "person", "Who lit the lamp?", "The keeper", "The keeper lit the lamp.",
                quote="the keeper lit the lamp", extra=options)  # fmt: skip
    code, err = check(make_project(tmp_path / "p", lamp), strict=True)
    # reported at the option's own line (the fact starts at line 1; its `distractors:` is line 7)
    message = (
        "facts/light.yaml:8: fact 'lamp': the why of wrong option 'Jonas Pike' gives '1870', which none of the "
        "fact's quotes writes (as digits or words): quote the passage that gives it, or leave the detail out"
    )
    assert code == 1 and message in err.splitlines(), err
    assert err.count("which none of the fact's quotes") == 1, err
    quoted = fact("lamp", "person", "Who lit the lamp?", "The keeper", "The keeper lit the lamp.",
                  quote="the keeper lit the lamp; Jonas Pike kept it from 1870", extra=options)  # fmt: skip
    assert "which none of the fact's quotes" not in check(make_project(tmp_path / "q", quoted), strict=True)[1]

    reason = 'reason:\n      type: scope\n      why: "The keeper counted in 1866, the board later."'
    err = check(make_project(tmp_path / "d", DISPUTED.replace("REASON", reason)))[1]
    assert "fact 'lamp-count': the dispute's reason gives '1866', which none of the fact's quotes writes" in err, err
