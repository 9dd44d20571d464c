"""The rules across facts (records/across.py) kept whole: a validation whose files, glossary and sources are those
the rules last ran on takes their findings back without making the sets they read, and its answer is always the
one the rules give afresh."""

from __future__ import annotations

import pytest

from factdeck.build import load_and_validate
from factdeck.engine import kept_check, validation
from factdeck.exceptions import ValidationFailed
from factdeck.records import across, question_rules
from test_record_cache import OTHER_FACT, check, entries


@pytest.fixture(autouse=True)
def every_check_validates(monkeypatch) -> None:
    """A check of an unchanged project would print its kept answer (engine/kept_check.py) before validating."""
    monkeypatch.setattr(kept_check.KeptCheck, "said", lambda self: None)


def outcome(project) -> tuple[bool, list[str], list[tuple]]:
    """Whether the project validates, every problem, and every fact with its place."""
    try:
        base = load_and_validate(project.root)
    except ValidationFailed as failed:
        return False, [str(p) for p in failed.problems], []
    return True, [str(p) for p in base.warnings], [(f.model_dump(), f.file, f.line) for f in base.facts]


def fresh(project, monkeypatch) -> tuple[bool, list[str], list[tuple]]:
    with monkeypatch.context() as uncached:
        uncached.setenv("FACTDECK_NO_CACHE", "1")
        return outcome(project)


def no_sets(monkeypatch) -> None:
    """From now on, making the rules' sets fails the test."""
    for module, name in ((validation, "AcrossRules"), (across, "QuestionRules"), (question_rules, "QuestionRules")):
        monkeypatch.setattr(module, name, lambda *args, **kwargs: pytest.fail("the rules across facts ran"))


# A date fact asking what the sample's `guild-founded` asks, with another answer: the question rules warn at each
# of the two facts, naming the other's place (`QuestionRules.disagreements`).
DISAGREEING = """- id: founding-year
  kind: date
  era: founding
  date: "1902"
  question: "In which year was the River Guild founded?"
  answer: "1902"
  statement: "The ferry workers founded the River Guild in 1902."
  citations:
    - source: chronicle
      locator: "chapter 1, para. 1"
      quote: "The guild was founded in 1901 by ferry workers"
  status: vetted
  vetted: 2026-11-22
  reviewer: fact-editor
  vetted_hash: 00000000000000bb
"""
# A name only the glossary makes a real person's: a false statement putting it beside a death is then an error.
NAMED_BY_GLOSSARY = """- term: "Jonas Pike"
  description: "A ferryman, according to the chronicle."
  citations:
    - source: chronicle
      locator: "chapter 1, para. 1"
      quote: "The guild was founded in 1901 by ferry workers"
"""


def test_an_unchanged_base_makes_no_sets_and_gives_the_fresh_answer(project, monkeypatch):
    project.write("facts/other.yaml", OTHER_FACT + "\n" + DISAGREEING)
    first = outcome(project)
    assert any("answers '1901' where fact 'founding-year' (facts/other.yaml:" in p for p in first[1])
    with monkeypatch.context() as patched:
        no_sets(patched)
        assert outcome(project) == first
        assert check(project)[0] == 0
    assert fresh(project, monkeypatch) == first


# Each edit changes what the rules find with the unchanged guild.yaml (or where they say it): a kept answer that
# left out what the edit changes would be stale.
EDITS = {
    "another file's fact": ("facts/other.yaml", "Who kept the River Guild's books?",
                            "Who was the River Guild's first master?"),
    "another file's answer to the same question": ("facts/other.yaml", 'answer: "1902"', 'answer: "1903"'),
    "another file renamed": ("facts/other.yaml", None, "facts/another.yaml"),
    "another file's lines moved": ("facts/other.yaml", "- id: guild-books", "# moved\n- id: guild-books"),
    "the glossary": ("facts/glossary.yaml", None, NAMED_BY_GLOSSARY),
}  # fmt: skip


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_what_the_rules_read_is_in_the_key(project, monkeypatch, edit):
    relative, old, new = EDITS[edit]
    project.replace("facts/guild.yaml", '"Tomas Reed became', '"Jonas Pike killed a ferryman and became', vet=True)
    project.write("facts/other.yaml", OTHER_FACT + "\n" + DISAGREEING)
    before = outcome(project)
    if old is None and relative == "facts/glossary.yaml":
        project.write(relative, new)
    elif old is None:
        project.path(relative).rename(project.path(new))
    else:
        project.replace(relative, old, new)
    cached = outcome(project)
    assert cached == fresh(project, monkeypatch)
    assert [p for p in cached[1] if "guild.yaml" in p] != [p for p in before[1] if "guild.yaml" in p]


def test_an_edit_runs_the_rules_again_and_keeps_the_new_answer(project, monkeypatch):
    project.write("facts/other.yaml", OTHER_FACT)
    outcome(project)
    project.replace("facts/other.yaml", "Tomas Reed kept the River Guild's books.", "Tomas Reed kept its books.")
    made: list[int] = []
    with monkeypatch.context() as patched:
        real = validation.AcrossRules
        patched.setattr(validation, "AcrossRules", lambda *args: made.append(1) or real(*args))
        edited = outcome(project)
    assert made == [1]
    no_sets(monkeypatch)
    assert outcome(project) == edited


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "foreign", "out of range"])
def test_a_damaged_whole_entry_is_ignored(project, parse_cache_folder, monkeypatch, damage):
    import marshal

    project.write("facts/other.yaml", OTHER_FACT + "\n" + DISAGREEING)
    expected = outcome(project)
    store = validation.ContentStore(parse_cache_folder.parent / "across", "", "")
    for entry in entries(parse_cache_folder.parent / "across"):
        raw = entry.read_bytes()
        value = store.load_named(entry.parent.name + entry.name)
        if type(value) is not tuple:  # the per-file entries are lists
            continue
        head = raw[: raw.index(b"\0") + 1]
        if damage == "truncate":
            entry.write_bytes(raw[: len(raw) // 2])
        elif damage == "foreign":  # well-formed, but not what an entry holds
            entry.write_bytes(head + marshal.dumps(([], [(0, 0, "x", "warning")])))
        elif damage == "out of range":  # a disagreement placed at a fact that is not there
            entry.write_bytes(head + marshal.dumps((value[0], [(0, 99, "x", "warning")])))
        else:
            entry.write_bytes(damage)
        break
    else:
        pytest.fail("no whole entry kept")
    assert outcome(project) == expected
