"""A question or statement that names the date another fact asks (records/date_giveaways.py): a warning, an
error under --strict; only at the answer's own precision and about the same event; kept findings follow edits
to the other fact."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from factdeck.cli import cli
from factdeck.records.date_giveaways import DateKey, named_dates
from test_plausible_questions import check, fact, make_project

LIT = fact("first-lit", "date", "In what year was the light first lit?", "1866",
           "The light was first lit in 1866, after years of building.", date="1866")  # fmt: skip
GALE = fact("gale-month", "date", "In what month and year did the great gale wreck the supply boat?",
            "October 1868", "The great gale wrecked the supply boat in October 1868.", date="1868-10")  # fmt: skip


def keeper(question: str, statement: str = "Ned Carver kept the light for thirty years.") -> str:
    # (its quote writes the year its questions name: an unquoted year is a finding of its own, quoted_details.py)
    return fact("keeper", "person", question, "Ned Carver", statement, quote="lit in 1866, kept by Ned Carver",
                extra="""
                distractors: ["Jonas Pike", "Eli Marsh", "Tom Reeve"]
                """)  # fmt: skip


MESSAGE = (
    "fact 'keeper': the question names 1866, the date fact 'first-lit' (facts/light.yaml:1) asks, so a worksheet "
    "or deck with both gives it away: say it without the date (e.g. 'the first US listing'), or by what came "
    "before or after it"
)


def test_a_question_naming_the_year_another_fact_asks_is_a_warning_and_an_error_under_strict(tmp_path):
    root = make_project(tmp_path / "p", LIT, keeper("Who kept the light from its first lighting in 1866?"))
    code, err = check(root)
    assert code == 0
    assert f"facts/light.yaml:15: warning: {MESSAGE}" in " ".join(err.split())
    code, err = check(root, strict=True)
    assert code == 1
    assert f"facts/light.yaml:15: {MESSAGE}" in " ".join(err.split())
    # The fixture's other findings (no fingerprints, an uncited source) are errors under --strict too: the
    # give-away is one error more than the same project asking without the year.
    clean = make_project(tmp_path / "q", LIT, keeper("Who kept the light from its first lighting?"))
    errors = int(err.split(" errors")[0].split()[-1])
    assert f"{errors - 1} errors" in check(clean, strict=True)[1]


def test_a_statement_and_a_false_statement_count_the_question_s_own_answer_not(tmp_path):
    statement = "Ned Carver kept the light from its first lighting in 1866 for thirty years."
    root = make_project(tmp_path / "p", LIT, keeper("Who was the first keeper?", statement))
    assert "the statement names 1866, the date fact 'first-lit'" in " ".join(check(root)[1].split())
    # The fact's own answer is its blank: a statement naming it gives nothing away.
    assert "names 1866" not in check(make_project(tmp_path / "q", LIT))[1]


def test_naming_only_the_year_of_a_month_answer_is_not_a_give_away(tmp_path):
    year_only = keeper("Who kept the light when the great gale wrecked the supply boat in 1868?")
    assert "gives it away" not in check(make_project(tmp_path / "p", GALE, year_only))[1]
    month = keeper("Who kept the light when the great gale wrecked the supply boat in October 1868?")
    err = " ".join(check(make_project(tmp_path / "q", GALE, month))[1].split())
    assert "the question names October 1868, the date fact 'gale-month'" in err


def test_another_event_in_the_same_year_is_not_a_give_away(tmp_path):
    other_event = keeper("Who bought the harbour's first steam tug in 1866?")
    assert "gives it away" not in check(make_project(tmp_path / "p", LIT, other_event))[1]
    # A named place next to the date says it dates another event, even beside a word of the other question.
    elsewhere = keeper("Who kept the Skerry light, first lit in 1866?")
    assert "gives it away" not in check(make_project(tmp_path / "q", LIT, elsewhere))[1]


def test_a_disputed_fact_s_versions_count(tmp_path):
    disputed = fact("first-lit", "date", "What do the sources say about when the light was first lit?",
                    "1866 per the annals; 1867 per the diary", "The annals and the diary disagree on the year.",
                    date="1866/1867", extra="""
                    dispute:
                      summary: "The annals give 1866 and the diary 1867."
                      reason: {type: slip, why: "The diary was written years later."}
                      versions:
                        - id: annals
                          claim: "It was first lit in 1866."
                          answer: "1866"
                          claimed_by: "the annals"
                          citations: [{source: annals, locator: "p. 1", quote: "the light was lit in 1866"}]
                        - id: diary
                          claim: "It was first lit in 1867."
                          answer: "1867"
                          claimed_by: "the diary"
                          citations: [{source: diary, locator: "p. 2", quote: "lit in 1867"}]
                    """)  # fmt: skip
    root = make_project(tmp_path / "p", disputed, keeper("Who kept the light after it was first lit in 1867?"))
    assert "the question names 1867, the date fact 'first-lit'" in " ".join(check(root)[1].split())


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("on 28 June 1981 and in September 2012", [DateKey(1981, 6, 28), DateKey(2012, 9)]),
        ("June 28, 1981", [DateKey(1981, 6, 28)]),
        ("in early 1981, not in the 1990s nor 1,200 times", [DateKey(1981, -1)]),
        ("the mid-1981 campaign of 1982", [DateKey(1981, -3), DateKey(1982)]),
    ],
)
def test_dates_are_read_at_their_written_precision(text, keys):
    assert [key for key, _, _ in named_dates(text)] == keys


def test_kept_findings_follow_an_edit_to_the_other_fact(tmp_path):
    """The rule reads the other facts (the dates they ask, their words): the kept findings of an unchanged file
    must change when another file's date fact does (records/across.py keys them by QuestionRules.date_inputs())."""
    root = make_project(tmp_path / "p", keeper("Who kept the light from its first lighting in 1866?"))
    other = root / "facts" / "other.yaml"

    def run(cache: bool) -> tuple[int, str]:
        env = {} if cache else {"FACTDECK_NO_CACHE": "1"}
        result = CliRunner().invoke(cli, ["check", "--strict", "--project", str(root)], env=env)
        return result.exit_code, " ".join(result.stderr.split())

    other.write_text(LIT.replace("1866", "1865"), encoding="utf-8")
    before = run(cache=True)
    assert "gives it away" not in before[1]
    other.write_text(LIT, encoding="utf-8")  # the other fact now asks the year the question names
    after = run(cache=True)
    assert after == run(cache=False)
    assert after[0] == 1 and "the date fact 'first-lit' (facts/other.yaml:1) asks" in after[1]
    painted = LIT.replace("the light first lit", "the tower painted").replace(
        "The light was first lit", "The tower was painted"
    )
    other.write_text(painted, encoding="utf-8")  # another event in the same year
    assert run(cache=True) == run(cache=False)
    assert "gives it away" not in run(cache=True)[1]


def test_the_shipped_base_gives_no_date_away():
    from factdeck.build import load_and_validate
    from factdeck.records.question_rules import QuestionRules

    base = load_and_validate(Path(REPO))
    rules = QuestionRules(base.facts, base.glossary, base.sources.values())
    found = [p.message for f in base.facts for p in rules.date_give_aways(f)]
    assert found == []


def test_the_key_of_the_kept_findings_is_the_same_in_every_process():
    """Sets of strings list their items in an order that changes with the process's hash salt: the inputs the
    kept findings are keyed by must not (else no kept finding would ever be found again)."""
    code = (
        "from pathlib import Path\n"
        "from factdeck.build import load_and_validate\n"
        "from factdeck.records.across import AcrossRules\n"
        f"base = load_and_validate(Path({str(REPO)!r}))\n"
        "rules = AcrossRules(base.facts, base.glossary, base.sources.values())\n"
        "print([key(base.facts) for _, key, _ in rules.parts()])"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
