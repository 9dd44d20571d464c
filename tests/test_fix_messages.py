"""Messages that say the fix: each triggered by a fixture, each checked word for word."""

from __future__ import annotations

import pytest

EXTRA = """\
- id: extra
  kind: date
  era: founding
  date: "1905"
  question: "When did the guild open its first school?"
  answer: "1905"
  statement: "The guild opened its first school in 1905."
  citations:
    - source: chronicle
      locator: "chapter 1, para. 1"
      quote: "The guild was founded in 1901"
  status: draft
"""


def errors_of(result) -> list[str]:
    return result.stderr.splitlines()[:-1]


def test_a_bad_value_in_sources_is_reported_once_and_not_at_every_citation(project):
    project.replace("facts/sources.yaml", "stance: critical", "stance: netural")
    result = project.run("check")
    assert result.exit_code == 1
    assert errors_of(result) == [
        "facts/sources.yaml:17: source 'pamphlet': 'stance' must be one of 'critical', 'supportive', 'state-aligned', "
        "'neutral', 'mixed' or 'unknown', not 'netural' (did you mean 'neutral'?)"
    ]


def test_a_bad_value_in_eras_is_reported_once_and_not_at_every_fact(project):
    project.replace("facts/eras.yaml", "end: present", "end: {year: present}")
    result = project.run("check")
    assert result.exit_code == 1
    assert [line for line in errors_of(result) if "error" not in line] == [
        "facts/eras.yaml:8: era 'decline': 'end' must be text, not a mapping"
    ]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "answer: No",
            "facts/extra.yaml:6: fact 'extra': 'answer' must be text, not true/false: YAML reads an unquoted yes, no, "
            'on, off, true or false as true/false; put the value in quotes (answer: "No")',
        ),
        (
            "answer: 1905",
            "facts/extra.yaml:6: fact 'extra': 'answer' must be text, not a number: put it in quotes "
            '(as written, e.g. "1.50" or "007")',
        ),
        (
            "answer: 19.50",
            "facts/extra.yaml:6: fact 'extra': 'answer' must be text, not a number: put it in quotes "
            '(as written, e.g. "1.50" or "007")',
        ),
    ],
)
def test_yaml_values_that_are_not_text_say_to_quote_them(project, written, expected):
    project.write("facts/extra.yaml", EXTRA.replace('answer: "1905"', written))
    result = project.run("check")
    assert result.exit_code == 1
    assert expected in result.stderr.splitlines()


def test_a_comment_mark_inside_a_text_value_is_flagged(project):
    project.write(
        "facts/extra.yaml",
        EXTRA.replace('question: "When did the guild open its first school?"', "question: Which was school #1?"),
    )
    result = project.run("check")
    assert result.exit_code == 0
    expected = (
        "facts/extra.yaml:5: warning: 'question': the text stops at ' #', which starts a YAML comment, so the rest of "
        "the line is dropped: put the whole value in quotes"
    )
    assert expected in result.stderr.splitlines()
    assert project.run("check", "--strict").exit_code == 1
    # A comment after a value that is not free text is plain YAML, and a quoted '#' is text.
    project.write("facts/extra.yaml", EXTRA.replace("era: founding", "era: founding  # the first era"))
    assert "stops at ' #'" not in project.run("check").stderr
    project.write("facts/extra.yaml", EXTRA.replace('"When did', '"Was it school #1? When did'))
    assert "stops at ' #'" not in project.run("check").stderr


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        (
            "  include:\n    kinds: [term]\n",
            "select.include.kinds [term] matches none of the vetted facts",
        ),
        (
            "  include:\n    eras: [founding]\n    kinds: [number]\n",
            "select.include.kinds [number] matches none of the vetted facts that the criteria above leave",
        ),
        (
            "  exclude:\n    eras: [founding, decline]\n",
            "select.exclude.eras [founding, decline] removes every fact left",
        ),
    ],
)
def test_a_deck_that_selects_nothing_says_which_criterion_emptied_it(project, select, expected):
    project.write("decks/empty.yaml", f"id: empty\nname: Empty\ndescription: Nothing.\nselect:\n{select}")
    result = project.run("check")
    assert result.exit_code == 0  # a warning: review and vet must still run (an error under --strict)
    assert (
        f"decks/empty.yaml:1: warning: deck 'empty': its selection matches no vetted fact, so no output is made "
        f"for it: {expected}"
    ) in result.stderr
    assert project.run("check", "--strict").exit_code == 1


def test_a_deck_when_nothing_is_vetted_says_so(project):
    for name in ("facts/guild.yaml",):
        project.write(name, project.read(name).replace("status: vetted", "status: review"))
    result = project.run("check")
    assert (
        "decks/all.yaml:1: warning: deck 'guild-history': its selection matches no vetted fact, so no output is "
        "made for it: no fact is vetted yet (`factdeck review` lists them; `factdeck vet ID --reviewer ROLE` vets one)"
    ) in result.stderr.splitlines()
    # Nothing is vetted yet, and yet the vetting workflow runs: review lists the facts, vet vets one.
    assert project.run("review").exit_code == 0
    assert project.run("vet", "guild-founded", "--reviewer", "teacher").exit_code == 0
    assert project.run("check").exit_code == 0


def test_dispute_versions_with_the_same_answer_are_refused(project):
    dispute = """\
  dispute:
    summary: "The sources give the year in different words."
    versions:
      - id: one
        claim: "It opened in 1905."
        answer: "1905"
        claimed_by: "the chronicle"
        citations:
          - source: chronicle
            locator: "chapter 1"
            quote: "founded in 1901"
      - id: two
        claim: "It opened in the year 1905."
        answer: " 1905"
        claimed_by: "the pamphlet"
        citations:
          - source: pamphlet
            locator: "Beginnings"
            quote: "ran the guild from 1903"
"""
    project.write("facts/extra.yaml", EXTRA.replace("  status: draft\n", dispute + "  status: draft\n"))
    result = project.run("check")
    assert result.exit_code == 1
    assert (
        "facts/extra.yaml:23: fact 'extra': versions 'one' and 'two' give the same answer ' 1905': a dispute is "
        "between different answers (merge them into one version with both claimants, or drop the dispute)"
    ) in result.stderr.splitlines()


@pytest.mark.parametrize(
    ("char", "expected"),
    [
        ("\\0", "contains the control character U+0000, which would corrupt the outputs: remove it"),
        ("\\x1b", "contains the control character U+001B, which would corrupt the outputs: remove it"),
        (
            "\\u202e",
            "contains U+202E RIGHT-TO-LEFT OVERRIDE, which reorders the text after it and can disguise it: remove it "
            "(to set a direction, use the marks U+200E LRM or U+200F RLM)",
        ),
        (
            "\\u202a",
            "contains U+202A LEFT-TO-RIGHT EMBEDDING, which reorders the text after it and can disguise it: remove it "
            "(to set a direction, use the marks U+200E LRM or U+200F RLM)",
        ),
    ],
)
def test_characters_that_corrupt_or_disguise_an_output_are_refused(project, char, expected):
    # Written as YAML escapes in double quotes: the only way YAML lets these characters in.
    project.write("facts/extra.yaml", EXTRA.replace('answer: "1905"', f'answer: "19{char}05"'))
    result = project.run("check")
    assert result.exit_code == 1
    assert f"facts/extra.yaml:6: fact 'extra': answer: {expected}" in result.stderr.splitlines()


def test_the_plain_direction_marks_stay_allowed(project):
    project.write("facts/extra.yaml", EXTRA.replace('answer: "1905"', 'answer: "\\u200f1905\\u200e"'))
    assert project.run("check", "--strict").exit_code == 0


def test_a_fact_file_that_does_not_parse_is_one_error_not_three(project):
    """Its facts are left out, so 'source never cited' and 'deck selects nothing' would only repeat it."""
    project.write("facts/guild.yaml", project.read("facts/guild.yaml").replace("  kind: person", "\tkind: person", 1))
    result = project.run("check")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("facts/") or line.startswith("decks/")]
    assert len(errors) == 1 and "a tab is used for indentation" in errors[0], result.stderr
