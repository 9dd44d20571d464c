"""Questions a teacher would write: the rules for editors' distractors and false statements, the give-away
warnings, and the wrong options the quiz makes itself. Each rule has a fixture that breaks it."""

from __future__ import annotations

import random

import pytest
from conftest import sample_project

from factdeck.build import load_and_validate
from factdeck.quiz import make_quiz, with_overrides
from factdeck.quiz.distractors import Distractors
from factdeck.records.select import select_facts

GUILD = "facts/guild.yaml"
MASTER_DISTRACTORS = 'distractors: ["Tomas Reed", "Mina Solberg", "Karim Jafari (کریم جعفری)"]'
MASTER_FALSE = '    - "Tomas Reed became the River Guild\'s first master in 1903."'


def first_problem(project, *args: str) -> tuple[int, str]:
    """The exit status and the first error (editing a fact also warns that it changed since it was vetted)."""
    result = project.run("check", *args)
    errors = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    return result.exit_code, errors[0] if errors else ""


ERRORS = {
    "too few": (
        'distractors: ["Tomas Reed", "Mina Solberg"]',
        "facts/guild.yaml:18: fact 'first-master': 2 distractor(s); a multiple-choice question needs 3 or more: "
        "add more, or remove them and the quiz asks another question type",
    ),
    "the answer itself": (
        'distractors: ["Tomas Reed", "Mina Solberg", "ada ferrier."]',
        "facts/guild.yaml:26: fact 'first-master': distractor 'ada ferrier.' is an answer the fact base gives to "
        "this question; a wrong option must be false according to every source",
    ),
    "a dispute version's answer": (
        'distractors: ["Tomas Reed", "Mina Solberg", "40"]',
        "facts/guild.yaml:26: fact 'first-master': distractor '40' is an answer the fact base gives to this "
        "question; a wrong option must be false according to every source",
    ),
    "names the answer": (
        'distractors: ["Tomas Reed", "Mina Solberg", "Ada Ferrier\'s deputy"]',
        "facts/guild.yaml:26: fact 'first-master': distractor 'Ada Ferrier's deputy' names the answer 'Ada Ferrier'",
    ),
    "named by the fact itself": (
        'distractors: ["Tomas Reed", "Mina Solberg", "River Guild"]',
        "facts/guild.yaml:26: fact 'first-master': distractor 'River Guild' is named in the fact's own question, "
        "statement or answer: it may be the answer in other words, or a name the fact lists beside it",
    ),
    "repeated": (
        'distractors: ["Tomas Reed", "Mina Solberg", "tomas reed"]',
        "facts/guild.yaml:26: fact 'first-master': distractor 'tomas reed' repeats distractor 'Tomas Reed'",
    ),
}


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_a_distractor_that_would_teach_something_false_is_refused(project, case):
    replacement, expected = ERRORS[case]
    project.replace(GUILD, MASTER_DISTRACTORS, replacement)
    code, first = first_problem(project)
    assert code == 1 and first == expected


def test_another_facts_answer_to_the_same_question_is_refused(project):
    # A second fact asking the same question, with another answer: neither answer may be the other's distractor.
    text = project.read(GUILD)
    block = text[text.index("- id: first-master") : text.index("- id: guild-hall")]
    twin = block.replace("id: first-master", "id: first-master-again").replace('"Ada Ferrier"', '"Olaf Brandt"', 1)
    twin = twin.replace(MASTER_DISTRACTORS, 'distractors: ["Ada Ferrier", "Mina Solberg", "Edwin Hale"]')
    project.write("facts/twin.yaml", twin)
    result = project.run("check")
    assert result.exit_code == 1
    assert (
        "facts/twin.yaml:9: fact 'first-master-again': distractor 'Ada Ferrier' is an answer the fact base gives "
        "to this question; a wrong option must be false according to every source"
    ) in result.stderr.splitlines()


FALSE_ERRORS = {
    "the true statement": (
        '    - "Ada Ferrier became the River Guild\'s first master in 1903."',
        "facts/guild.yaml:18: fact 'first-master': false statement 'Ada Ferrier became the River Guild's first "
        "master in 1903.' is the fact's own statement",
    ),
    "another vetted fact's statement": (
        '    - "The River Guild built its hall in Millford in 1910."',
        "facts/guild.yaml:18: fact 'first-master': false statement 'The River Guild built its hall in Millford in "
        "1910.' is what fact 'guild-hall' states: a false statement must be false according to every source",
    ),
    "twice": (
        MASTER_FALSE + "\n" + MASTER_FALSE.replace("Tomas", "tomas"),
        "facts/guild.yaml:18: fact 'first-master': false statement 'tomas Reed became the River Guild's first "
        "master in 1903.' is given twice",
    ),
}


@pytest.mark.parametrize("case", FALSE_ERRORS, ids=list(FALSE_ERRORS))
def test_a_false_statement_that_is_true_is_refused(project, case):
    replacement, expected = FALSE_ERRORS[case]
    project.replace(GUILD, MASTER_FALSE, replacement)
    code, first = first_problem(project)
    assert code == 1 and first == expected


WARNINGS = {
    "initials": (
        ('question: "Who was the River Guild\'s first master?"', 'question: "Who was the guild\'s first master (AF)?"'),
        "facts/guild.yaml:18: warning: fact 'first-master': the question gives the initials 'AF' and only the answer "
        "matches them; write distractors with those initials (not: 'Tomas Reed', 'Mina Solberg', 'Karim Jafari "
        "(کریم جعفری)')",
    ),
    "a shared word": (
        ('question: "Who was the River Guild\'s first master?"', 'question: "Which Ferrier was the first master?"'),
        "facts/guild.yaml:18: warning: fact 'first-master': the answer shares the word 'ferrier' with the question "
        "and no distractor does: a learner can pick it without knowing",
    ),
    "a shared word in another form": (
        # Compared by stem: the plural in the question echoes the answer's surname as surely as the word itself.
        (
            'question: "Who was the River Guild\'s first master?"',
            'question: "Which of the Ferriers was the first master?"',
        ),
        "facts/guild.yaml:18: warning: fact 'first-master': the answer shares the word 'ferrier' with the question "
        "and no distractor does: a learner can pick it without knowing",
    ),
    "far longer": (
        (
            MASTER_DISTRACTORS,
            'distractors: ["Tomas Reed", "Mina Solberg", "the brother of the harbour master of Eastbridge"]',
        ),
        "facts/guild.yaml:26: warning: fact 'first-master': distractor 'the brother of the harbour master of "
        "Eastbridge' is far longer than the answer; options should look alike",
    ),
    "a list among names": (
        (MASTER_DISTRACTORS, 'distractors: ["Tomas Reed", "Mina Solberg", "Reed and Solberg"]'),
        "facts/guild.yaml:26: warning: fact 'first-master': distractor 'Reed and Solberg' is a list among single "
        "names; options should look alike",
    ),
    "a phrase among names": (
        (MASTER_DISTRACTORS, 'distractors: ["Tomas Reed", "Mina Solberg", "nobody at all"]'),
        "facts/guild.yaml:26: warning: fact 'first-master': distractor 'nobody at all' starts in lower case where "
        "the answer is a name; options should look alike",
    ),
}


@pytest.mark.parametrize("case", WARNINGS, ids=list(WARNINGS))
def test_give_aways_are_warnings_and_errors_when_strict(project, case):
    (old, new), expected = WARNINGS[case]
    project.replace(GUILD, old, new)
    result = project.run("check")
    assert result.exit_code == 0 and expected in result.stderr.splitlines(), result.stderr
    strict = project.run("check", "--strict")
    assert strict.exit_code == 1 and expected.replace("warning: ", "") in strict.stderr.splitlines()


def test_a_number_on_the_other_side_of_the_questions_number_is_a_give_away(project):
    more = project.read("facts/guild.yaml")
    block = more[more.index("- id: first-master") : more.index("- id: guild-hall")]
    fact = (
        block.replace("id: first-master", "id: members-of-159")
        .replace("kind: person", "kind: number")
        .replace('"Who was the River Guild\'s first master?"', '"How many of the 159 founding members were pilots?"')
        .replace('answer: "Ada Ferrier"', 'answer: "70"')
        .replace(MASTER_DISTRACTORS, 'distractors: ["50", "90", "280"]')
    )
    project.write("facts/members.yaml", fact)
    result = project.run("check")
    assert (
        "facts/members.yaml:9: warning: fact 'members-of-159': distractor '280' lies on the other side of 159, "
        "which the question gives, than the answer does: the question rules it out"
    ) in result.stderr.splitlines(), result.stderr


def test_options_on_a_disputed_fact_are_never_used(project):
    project.replace(
        GUILD,
        'answer: "12 according to the chronicle; 40 according to the pamphlet"',
        'answer: "12 according to the chronicle; 40 according to the pamphlet"\n  distractors: ["20", "30", "50"]',
    )
    result = project.run("check")
    assert result.exit_code == 0
    assert any("a disputed fact is never asked with one right answer" in line for line in result.stderr.splitlines())


# --- what the quiz does with them ------------------------------------------------------------------


@pytest.fixture
def base(tmp_path):
    return load_and_validate(sample_project(tmp_path / "proj", more_facts=True).root)


def quiz_of(base, **overrides):
    deck = base.decks[0]
    return make_quiz(base, deck, select_facts(base, deck), with_overrides(deck.quiz, **overrides))


def test_a_named_fact_without_distractors_is_never_multiple_choice(tmp_path):
    project = sample_project(tmp_path / "proj", more_facts=True)
    project.replace("facts/more-guild.yaml", '  distractors: ["Ada Ferrier", "Mina Solberg", "Edwin Hale"]\n', "")
    base = load_and_validate(project.root)
    for seed in range(8):
        quiz = quiz_of(base, questions=40, seed=seed, types=["multiple-choice", "short-answer"])
        by_fact = {q.fact_ids[0]: q.type for q in quiz.questions}
        assert by_fact.get("first-treasurer") in (None, "short-answer")


def test_an_editors_why_reaches_the_key_and_nothing_is_invented(tmp_path):
    project = sample_project(tmp_path / "proj", more_facts=True)
    project.replace(
        GUILD,
        MASTER_DISTRACTORS,
        'distractors:\n    - text: "Tomas Reed"\n      why: "The chronicle names him the first treasurer."\n'
        '    - "Mina Solberg"\n    - "Karim Jafari (کریم جعفری)"',
    )
    base = load_and_validate(project.root)
    quiz = quiz_of(base, questions=40, types=["multiple-choice"])
    question = next(q for q in quiz.questions if q.fact_ids == ("first-master",))
    notes = dict(zip(question.options, question.option_notes, strict=True))
    assert notes == {
        "Ada Ferrier": "",
        "Tomas Reed": "The chronicle names him the first treasurer.",
        "Mina Solberg": "",
        "Karim Jafari (کریم جعفری)": "",
    }


def test_wrong_years_stay_within_the_era_and_the_questions_own_years(base):
    pool = Distractors(base)
    fact = base.facts_by_id["guild-founded"]  # 1901, in the era 1900-1920: nothing before 1900
    for seed in range(30):
        years = [int(text) for text, _ in pool.wrong_options(fact, 3, random.Random(seed))]
        assert all(1900 <= y <= 1920 for y in years), years
    asked_after = fact.model_copy(update={"question": "After the strike of 1899, in what year was the guild founded?"})
    for seed in range(30):
        years = [int(text) for text, _ in pool.wrong_options(asked_after, 3, random.Random(seed))]
        assert all(y > 1899 for y in years), years


def test_wrong_numbers_stay_on_the_answers_side_of_the_questions_numbers(base):
    pool = Distractors(base)
    fact = base.facts_by_id["founding-workers"]
    asked = fact.model_copy(update={"question": "How many of the ten ferry workers signed the guild's charter?"})
    answer = 9  # "Nine"
    for seed in range(30):
        words = [text for text, _ in pool.wrong_options(asked, 3, random.Random(seed)) or []]
        values = [["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                   "twelve", "thirteen", "fourteen", "fifteen"].index(w.lower()) for w in words]  # fmt: skip
        assert all(v < 10 for v in values) and answer not in values, words


def test_an_editors_false_statement_is_printed_and_the_key_says_why_an_option_is_wrong(tmp_path):
    import pypdf

    def text(path):
        return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(path).pages)

    project = sample_project(tmp_path / "proj", more_facts=True)
    project.replace(
        GUILD,
        MASTER_DISTRACTORS,
        'distractors:\n    - text: "Tomas Reed"\n      why: "The chronicle names him the first treasurer."\n'
        '    - "Mina Solberg"\n    - "Edwin Hale"',
    )
    seen_false = seen_why = False
    for seed in range(1, 9):  # enough seeds to print both an editor's false statement and a why note
        result = project.run("quiz", "guild-history", "--types", "multiple-choice,true-false", "--questions", "12",
                             "--versions", "1", "--seed", str(seed))  # fmt: skip
        assert result.exit_code == 0, result.output
        sheet, key = (
            text(project.path("build/guild-history/worksheet-A.pdf")),
            text(project.path("build/guild-history/key-A.pdf")),
        )
        seen_false |= "The Dockers' Union took in the guild's last members in 1936." in sheet
        seen_why |= "Tomas Reed is wrong: The chronicle names him the first treasurer." in key
    assert seen_false and seen_why


def test_a_history_told_in_days_gets_wrong_days_not_wrong_years(tmp_path):
    project = sample_project(tmp_path / "proj", more_facts=True)
    eras = project.read("facts/eras.yaml")
    project.write(
        "facts/eras.yaml",
        eras.replace(
            "- id: decline",
            '- id: flood-week\n  title: "The flood week"\n  start: 1927-03-01\n  end: 1927-03-08\n- id: decline',
            1,
        ),
    )
    text = project.read(GUILD)
    block = text[text.index("- id: guild-founded") : text.index("- id: first-master")]
    fact = (
        block.replace("id: guild-founded", "id: banks-broke")
        .replace("era: founding", "era: flood-week")
        .replace('date: "1901"', 'date: "1927-03-04"')
        .replace('answer: "1901"', 'answer: "4 March 1927"')
    )
    fact = "\n".join(line for line in fact.splitlines() if not line.startswith("  vetted_hash:")) + "\n"
    project.write("facts/days.yaml", fact)
    base = load_and_validate(project.root)
    pool = Distractors(base)
    for seed in range(20):
        days = [text for text, _ in pool.wrong_options(base.facts_by_id["banks-broke"], 3, random.Random(seed))]
        assert len(set(days)) == 3 and "4 March 1927" not in days, days
        assert all(d.endswith(" March 1927") and 1 <= int(d.split()[0]) <= 8 for d in days), days
