"""The record cache: an unchanged fact file is neither parsed nor validated again, and a cached answer is always
the answer a fresh check would give."""

from __future__ import annotations

import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import sample_project

from factdeck.build import load_and_validate
from factdeck.cli import cli
from factdeck.engine import kept_check, record_cache
from factdeck.engine.session import Session
from factdeck.exceptions import ValidationFailed
from factdeck.records import load
from factdeck.records.introspect import record_fields
from factdeck.records.schema import Fact, Record


@pytest.fixture(autouse=True)
def every_check_validates(monkeypatch) -> None:
    """These tests are about the caches under a check's validation: the whole answer kept for a project nothing
    has changed in (engine/kept_check.py, tests/test_kept_check.py) would answer before they are reached."""
    monkeypatch.setattr(kept_check.KeptCheck, "said", lambda self: None)


def records_cache(parse_cache_folder: Path) -> Path:
    return parse_cache_folder.parent / "records"


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*") if p.is_file()) if folder.is_dir() else []


def located(record: Record) -> list[tuple]:
    """The record and every record inside it, with its type, file, line and fields set."""
    out = [(type(record).__name__, record.file, record.line, sorted(record.model_fields_set))]
    for name, _ in record_fields(type(record)):
        value = getattr(record, name)
        for inner in value if isinstance(value, list) else [value] if value is not None else []:
            out += located(inner)
    return out


def snapshot(root: Path, archive: Path | None) -> list:
    base = load_and_validate(root, archive=archive)
    return [(f.model_dump(), located(f)) for f in base.facts] + [[str(w) for w in base.warnings]]


def no_fact_work(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a cached fact file was parsed or validated again")

    monkeypatch.setattr(load, "parse_document", refuse)
    monkeypatch.setattr(Fact, "model_validate", refuse)


def forget_recent() -> None:
    """Nothing to empty: one-off sessions keep no records in memory, so the next validation reads the store."""


def check(project, *args: str, cache: bool = True) -> tuple[int, str]:
    env = {} if cache else {"FACTDECK_NO_CACHE": "1"}
    result = CliRunner().invoke(cli, ["check", *args, "--project", str(project.root)], env=env)
    return result.exit_code, result.output


def test_unchanged_fact_files_are_neither_parsed_nor_validated(project, parse_cache_folder, monkeypatch):
    project.replace("facts/guild.yaml", 'date: "1910"', 'date: "1930"', vet=False)  # a warning: outside its era
    first = snapshot(project.root, project.archive)
    assert len(entries(records_cache(parse_cache_folder))) == 1
    assert any("outside era" in w for w in first[-1])
    no_fact_work(monkeypatch)
    forget_recent()
    again = snapshot(project.root, project.archive)
    assert again == first  # values, every record's file and line, fields set, and the warnings


def test_a_long_running_process_keeps_the_last_validation_in_memory(project, tmp_path, monkeypatch):
    session = Session.watching()
    first = load_and_validate(project.root, archive=project.archive, session=session)
    session.write_held()  # as the watch does after each round
    no_fact_work(monkeypatch)
    restored = []
    restore = record_cache.restore_entry
    monkeypatch.setattr(record_cache, "restore_entry", lambda *a: restored.append(a) or restore(*a))
    again = load_and_validate(project.root, archive=project.archive, session=session)
    assert restored == []  # not read back from the store
    assert [f is g for f, g in zip(first.facts, again.facts)] == [True] * len(first.facts)
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings]
    # Only the last validation is kept: after another project's, this one's come from the store again.
    monkeypatch.undo()
    other = sample_project(tmp_path / "other")
    other.replace("facts/guild.yaml", "by ferry workers.", "by the ferry workers.")
    load_and_validate(other.root, session=session)
    monkeypatch.setattr(record_cache, "restore_entry", lambda *a: restored.append(a) or restore(*a))
    assert [
        f.model_dump() for f in load_and_validate(project.root, archive=project.archive, session=session).facts
    ] == [f.model_dump() for f in first.facts]
    assert len(restored) == 1


def test_memory_is_off_with_the_cache_and_in_one_off_commands(project, monkeypatch):
    first = load_and_validate(project.root)
    assert all(f is not g for f, g in zip(first.facts, load_and_validate(project.root).facts))
    session = Session.watching()
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    first = load_and_validate(project.root, session=session)
    assert all(f is not g for f, g in zip(first.facts, load_and_validate(project.root, session=session).facts))
    assert session.recent_records == {}


def test_an_edited_file_is_validated_again(project, monkeypatch):
    snapshot(project.root, project.archive)
    project.replace("facts/guild.yaml", "by ferry workers.", "by the ferry workers.", vet=False)
    base = load_and_validate(project.root, archive=project.archive)
    assert base.facts_by_id["guild-founded"].statement.endswith("by the ferry workers.")


def test_the_same_text_under_another_name_is_located_in_that_file(project):
    snapshot(project.root, project.archive)
    project.write("facts/copy.yaml", project.read("facts/guild.yaml"), vet=False)
    with pytest.raises(ValidationFailed) as info:
        load_and_validate(project.root, archive=project.archive)
    assert "facts/guild.yaml:1: duplicate fact id 'guild-founded' (first at facts/copy.yaml:1)" in [
        str(p) for p in info.value.problems
    ]


# Each edit changes what validating the unchanged guild.yaml finds, without touching it: the cached answer
# must be the fresh one. The last element says whether quotes are checked against the archive.
CONTEXT_EDITS = {
    "a source renamed": ("facts/sources.yaml", "- id: pamphlet", "- id: leaflet", False),
    "an era's bounds": ("facts/eras.yaml", "end: 1920\n", "end: 1905\n", True),
    "an era renamed": ("facts/eras.yaml", "- id: decline", "- id: downfall", True),
    "an archived text": ("archive/chronicle.txt", "founded in 1901", "founded in 1902", True),
    "an archive file missing": ("facts/sources.yaml", "archive: pamphlet.txt", "archive: leaflet.txt", True),
    # The rules about one fact that read the sources (records/fact_rules.py) are cached with the file too.
    "a source's short name": ("facts/sources.yaml", '  publisher: "Rival Society"\n',
                              '  publisher: "Rival Society"\n  short_name: "River Guild"\n', False),
    "a source's variant": ("facts/sources.yaml", '  publisher: "Example Press"\n',
                           '  publisher: "Example Press"\n  short_name: "Chronicle"\n  variants: ["ferry workers"]\n',
                           False),
    "an archived text a fact copies": ("archive/chronicle.txt", "founded in 1901",
                                       "founded in 1901 and the River Guild built its hall in Millford in 1910", True),
}  # fmt: skip


@pytest.mark.parametrize("edit", CONTEXT_EDITS, ids=list(CONTEXT_EDITS))
def test_a_changed_context_gives_the_fresh_answer(project, edit):
    relative, old, new, quotes = CONTEXT_EDITS[edit]
    args = ["--archive", str(project.archive)] if quotes else []
    before = check(project, *args)  # fills the cache
    project.replace(relative, old, new, vet=False)  # validating to vet again would fill the cache
    cached = check(project, *args)
    assert cached == check(project, *args, cache=False)
    assert cached != before


DATED_FACT = """- id: pamphlet-year
  kind: date
  era: founding
  date: "1905"
  question: "In what year did the rivals print their pamphlet about the guild?"
  answer: "2001"
  statement: "The rivals printed their pamphlet about the guild in 2001."
  citations:
    - source: pamphlet
      locator: "title page"
      quote: "the guild's failures"
  status: review
"""


def test_a_source_s_publication_date_gives_the_fresh_answer(project):
    # A date answer that no quote writes is flagged, unless it is the cited text's own publication date: the
    # finding is cached with the fact's file, so the date must be part of the cache's context.
    project.write("facts/dated.yaml", DATED_FACT, vet=False)
    before = check(project)
    assert "'2001', which none of its quotes writes" not in before[1]
    project.replace("facts/sources.yaml", "published: 2001-05", "published: 1999-05")
    cached = check(project)
    assert cached == check(project, cache=False)
    assert "fact 'pamphlet-year': the answer '2001' gives '2001', which none of its quotes writes" in cached[1]


def test_the_rules_about_one_fact_are_not_run_again_on_a_cached_file(project, monkeypatch):
    # Their findings come back with the file's records: a warm check does not look at the fact again.
    from factdeck.records import fact_rules

    project.replace("facts/sources.yaml", '  publisher: "Rival Society"\n',
                    '  publisher: "Rival Society"\n  short_name: "River Guild"\n')  # fmt: skip
    first = check(project)
    assert "names 'River Guild' but the fact does not cite source 'pamphlet'" in first[1]
    monkeypatch.setattr(fact_rules.FactRules, "check", lambda self, collector, facts: facts and pytest.fail("ran"))
    assert check(project) == first


def test_checking_without_the_archive_is_a_different_answer(project):
    project.replace("archive/chronicle.txt", "founded in 1901", "founded in 1902")
    assert check(project, "--archive", str(project.archive))[0] == 1
    assert check(project) == check(project, cache=False)
    assert check(project)[0] == 0


def test_problems_of_a_broken_file_are_the_same_every_time(project):
    project.replace("facts/guild.yaml", "kind: place", "kind: town", vet=False)
    first = check(project)
    assert first[0] == 1 and "'kind' must be one of" in first[1]
    assert check(project) == first == check(project, cache=False)


def _facts_column(columns: tuple) -> tuple:
    """The facts' own column of an entry's columns (name, values, lines, fields set, links): the last."""
    assert columns[-1][0] == "Fact"
    return columns[-1]


def _linked(columns: tuple) -> tuple:
    """The facts' link to the records inside them held by most facts: (field, a list?, positions, inner positions)."""
    return max(_facts_column(columns)[4], key=lambda link: len(link[2]))


def _fields_set(columns: tuple, names: Any) -> None:
    _facts_column(columns)[3][0] = names


# Each way an entry is damaged: well-formed, but not what an entry holds.
DAMAGED_COLUMNS: dict[str, Callable[[tuple], Any]] = {
    "wrong-fields": lambda columns: _facts_column(columns)[1][0].update(colour="red"),  # a field this code lacks
    "a-field-missing": lambda columns: _facts_column(columns)[1][0].pop("answer"),
    # The fields in another order than the model's (what this code writes): refused, as the names are compared in order.
    "fields-reordered": lambda columns: _facts_column(columns)[1].__setitem__(
        0, dict(reversed(_facts_column(columns)[1][0].items()))
    ),
    "fields-set-a-list": lambda columns: _fields_set(columns, list(_facts_column(columns)[3][0])),
    "fields-set-not-names": lambda columns: _fields_set(columns, (*_facts_column(columns)[3][0], 7)),
    "line-not-a-number": lambda columns: _facts_column(columns)[2].__setitem__(0, "7"),
    "a-line-short": lambda columns: _facts_column(columns)[2].pop(),
    "link-out-of-range": lambda columns: _linked(columns)[3].__setitem__(
        0, [10_000] if _linked(columns)[1] else 10_000
    ),
    "link-below-zero": lambda columns: _linked(columns)[3].__setitem__(0, [-1] if _linked(columns)[1] else -1),
    "link-twice": lambda columns: _linked(columns)[2].__setitem__(1, _linked(columns)[2][0]),
    "inner-not-none": lambda columns: _facts_column(columns)[1][0].update({_linked(columns)[0]: "x"}),
    "a-column-emptied": lambda columns: next(column for column in columns if column[1])[1].clear(),
}


@pytest.mark.parametrize("damage", list(DAMAGED_COLUMNS))
def test_each_damage_of_an_entry_s_columns_is_refused(project, parse_cache_folder, damage):
    snapshot(project.root, project.archive)
    [entry] = entries(records_cache(parse_cache_folder))
    raw = entry.read_bytes()
    columns, problems = marshal.loads(raw[raw.index(b"\0") + 1 :])
    assert record_cache.restore_entry((columns, problems), "facts/guild.yaml") is not None
    DAMAGED_COLUMNS[damage](columns)
    assert record_cache.restore_entry((columns, problems), "facts/guild.yaml") is None


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "foreign", *DAMAGED_COLUMNS])
def test_a_damaged_entry_is_ignored(project, parse_cache_folder, damage):
    expected = snapshot(project.root, project.archive)
    for entry in entries(records_cache(parse_cache_folder)):
        raw = entry.read_bytes()
        head = raw[: raw.index(b"\0") + 1]
        if damage == "truncate":
            entry.write_bytes(raw[: len(raw) // 2])
        elif damage == "foreign":  # well-formed, but not what an entry holds
            entry.write_bytes(head + marshal.dumps(([42], [])))
        elif isinstance(damage, str) and damage in DAMAGED_COLUMNS:
            columns, problems = marshal.loads(raw[len(head) :])
            DAMAGED_COLUMNS[damage](columns)
            entry.write_bytes(head + marshal.dumps((columns, problems)))
        else:
            entry.write_bytes(damage)
    forget_recent()
    assert snapshot(project.root, project.archive) == expected
    forget_recent()
    assert snapshot(project.root, project.archive) == expected  # and the entries were replaced


def test_restored_records_share_one_fields_set_per_distinct_set_of_names(project):
    fresh = snapshot(project.root, project.archive)
    base = load_and_validate(project.root, archive=project.archive)  # every record restored from the cache
    sets = [fact.__pydantic_fields_set__ for fact in base.facts]
    assert [(f.model_dump(), located(f)) for f in base.facts] == fresh[:-1]
    by_names: dict[frozenset[str], set[str]] = {}
    for names in sets:
        assert by_names.setdefault(frozenset(names), names) is names
    assert len(by_names) < len(sets)


def test_the_cache_can_be_turned_off(project, parse_cache_folder, monkeypatch):
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    snapshot(project.root, project.archive)
    assert entries(records_cache(parse_cache_folder)) == []


# The rules that read other facts (records/across.py) keep each file's findings while what they read of the
# other facts is unchanged. Each edit is to another file and changes what they find in the unchanged guild.yaml.
OTHER_FACT = """- id: guild-books
  kind: person
  era: founding
  date: "1905"
  question: "Who kept the River Guild's books?"
  answer: "Tomas Reed"
  statement: "Tomas Reed kept the River Guild's books."
  citations:
    - source: chronicle
      locator: "chapter 1, para. 2"
      quote: "Ada Ferrier, its first master, took office in 1903"
  status: vetted
  vetted: 2026-11-22
  reviewer: fact-editor
  vetted_hash: 00000000000000aa
"""
ACROSS_EDITS = {
    "another fact asks the same question": ("Who kept the River Guild's books?", "Who was the River Guild's first master?"),
    "a vetted fact states a false statement": ("Tomas Reed kept the River Guild's books.",
                                               "Tomas Reed became the River Guild's first master in 1903."),
}  # fmt: skip


@pytest.mark.parametrize("edit", ACROSS_EDITS, ids=list(ACROSS_EDITS))
def test_a_change_to_other_facts_gives_the_fresh_answer(project, edit):
    old, new = ACROSS_EDITS[edit]
    project.write("facts/other.yaml", OTHER_FACT)
    before = check(project)
    project.replace("facts/other.yaml", old, new)
    cached = check(project)
    assert cached == check(project, cache=False)
    assert cached != before and "facts/guild.yaml" in cached[1]


def test_false_statements_kept_under_what_they_were_without_its_lookups_would_be_caught(project, monkeypatch):
    # The check above must fail for a cache that keys a file's false-statement findings by its false statements
    # alone, not by what vetted facts state at them.
    from factdeck.records.options import OptionRules

    def keys_only(rules, false_statements):
        return tuple(sorted(set(false_statements)))

    # What the key is made of, given each file's kept false statements (`statement_inputs_among`).
    monkeypatch.setattr(OptionRules, "statement_inputs_among", keys_only)
    old, new = ACROSS_EDITS["a vetted fact states a false statement"]
    project.write("facts/other.yaml", OTHER_FACT)
    check(project)
    project.replace("facts/other.yaml", old, new)
    assert check(project) != check(project, cache=False)


def test_distractor_findings_kept_under_each_files_answers_without_its_questions_would_be_caught(project, monkeypatch):
    # The check above must fail for a cache that keys the distractors' findings by each file's answers without
    # the questions they answer (records/across.py's key from each file's hash of its answers).
    from factdeck.records.options import OptionRules

    answers_of = OptionRules.answers_of
    monkeypatch.setattr(
        OptionRules,
        "answers_of",
        staticmethod(lambda facts, forms: ([a for _, a in answers_of(facts, forms)[0]], answers_of(facts, forms)[1])),
    )
    old, new = ACROSS_EDITS["another fact asks the same question"]
    project.write("facts/other.yaml", OTHER_FACT)
    check(project)
    project.replace("facts/other.yaml", old, new)
    assert check(project) != check(project, cache=False)


def test_the_distractors_key_from_each_files_answers_changes_only_with_the_answers(project, monkeypatch):
    # Made again for the edited file alone, and the same key after an edit no answer or question moved.
    from factdeck.records import across
    from factdeck.records.options import OptionRules

    project.write("facts/other.yaml", OTHER_FACT)
    check(project)
    keys: list[str] = []
    made: list[set[str]] = []
    distractors_key = across.AcrossRules._distractors_key
    answers_of = OptionRules.answers_of
    monkeypatch.setattr(
        across.AcrossRules, "_distractors_key", lambda rules: keys.append(distractors_key(rules)) or keys[-1]
    )
    monkeypatch.setattr(
        OptionRules,
        "answers_of",
        staticmethod(lambda facts, forms: made.append({f.file for f in facts}) or answers_of(facts, forms)),
    )
    check(project)
    project.replace("facts/other.yaml", "Tomas Reed kept the River Guild's books.", "Tomas Reed kept its books.")
    check(project)
    assert made and set().union(*made) == {"facts/other.yaml"}  # (vetting the edit validated the file once more)
    assert len(set(keys)) == 1
    old, new = ACROSS_EDITS["another fact asks the same question"]
    project.replace("facts/other.yaml", old, new)
    check(project)
    assert len(set(keys)) == 2


def test_every_parts_findings_kept_together_under_one_parts_key_would_be_caught(project, monkeypatch):
    # A file's findings of every part are also kept together, under every part's key: kept under the distractors'
    # key alone, the false statements' findings would not follow a vetted fact's statement.
    from factdeck.engine import validation

    monkeypatch.setattr(validation, "_findings_key", lambda keys: keys[0])
    old, new = ACROSS_EDITS["a vetted fact states a false statement"]
    project.write("facts/other.yaml", OTHER_FACT)
    check(project)
    project.replace("facts/other.yaml", old, new)
    assert check(project) != check(project, cache=False)


def _spy_on_across(monkeypatch) -> dict[str, list[str]]:
    """The facts each half of the rules across facts runs on from now on, by half."""
    from factdeck.records import across

    checked: dict[str, list[str]] = {"distractor_problems": [], "false_statement_problems": [], "question_problems": []}
    for name, ran in checked.items():
        check_fact = getattr(across.AcrossRules, name)
        monkeypatch.setattr(
            across.AcrossRules,
            name,
            lambda self, fact, ran=ran, check_fact=check_fact: ran.append(fact.id) or check_fact(self, fact),
        )
    return checked


def test_the_rules_across_facts_run_again_only_on_edited_files(project, monkeypatch):
    project.write("facts/other.yaml", OTHER_FACT)
    first = check(project)
    with monkeypatch.context() as patched:
        checked = _spy_on_across(patched)
        assert check(project) == first
        assert not any(checked.values())
    checked = _spy_on_across(monkeypatch)
    project.replace("facts/other.yaml", "chapter 1, para. 2", "chapter 1, para. 3", vet=False)  # nothing they read
    check(project)
    assert all(ran == ["guild-books"] for ran in checked.values())


def test_an_edited_statement_runs_no_rule_again_on_other_files_unless_one_of_their_false_statements_it_was(
    project, monkeypatch
):
    project.write("facts/other.yaml", OTHER_FACT)
    check(project)
    checked = _spy_on_across(monkeypatch)
    project.replace("facts/other.yaml", "Tomas Reed kept the River Guild's books.", "Tomas Reed kept its books.")
    cached = check(project)
    # (vetting the edit validated the file once more)
    assert set(checked["false_statement_problems"]) == {"guild-books"}
    assert set(checked["distractor_problems"]) == set(checked["question_problems"]) == {"guild-books"}
    assert cached == check(project, cache=False)
    guild = {f.id for f in load_and_validate(project.root).facts if f.file == "facts/guild.yaml"}
    # Now the statement is one of guild.yaml's false statements: they are checked again, and found as a check
    # without any cache finds them; then no longer, and what was found before that is taken back.
    for old, new, again in [("Tomas Reed kept its books.", "Tomas Reed became the River Guild's first master in 1903.", guild),
                            ("Tomas Reed became the River Guild's first master in 1903.", "Tomas Reed kept its books.", set())]:  # fmt: skip
        checked["false_statement_problems"].clear()
        project.replace("facts/other.yaml", old, new)
        cached = check(project)
        assert set(checked["false_statement_problems"]) - {"guild-books"} == again
        assert cached == check(project, cache=False)


def test_kept_comparison_forms_are_the_fresh_ones(project, monkeypatch):
    # Each fact's comparison forms (records/fact_forms.py) are kept with its file: a warm check makes the sets
    # of the rules across facts from kept forms, which must be the forms a fresh computation gives.
    from factdeck.engine import validation
    from factdeck.records.across import AcrossRules
    from factdeck.records.fact_forms import forms_of

    project.write("facts/other.yaml", OTHER_FACT)
    fresh = check(project, cache=False)
    assert check(project) == fresh  # fills the cache
    compared: list[tuple] = []

    class Spy(AcrossRules):
        def __init__(self, facts, glossary, sources, forms=forms_of, by_file=None, false_statements=None):
            compared.extend((forms(fact), forms_of(fact)) for fact in facts)
            super().__init__(facts, glossary, sources, forms, by_file, false_statements)

    monkeypatch.setattr(validation, "AcrossRules", Spy)
    monkeypatch.setattr(validation, "forms_of", lambda fact: pytest.fail("a kept form was made again"))
    # Nothing changed, so the rules' whole findings would come back without any sets made (test_kept_across.py).
    monkeypatch.setattr(validation, "_whole_key", lambda *args: None)
    assert check(project) == fresh
    assert len(compared) == 7
    # Without their words and stems, which only the parts made again per file read (kept apart, read then:
    # test_across_parts.py).
    assert all(kept.words is None and kept.stems is None for kept, _ in compared)
    assert all(kept._replace(words=made.words, stems=made.stems) == made for kept, made in compared)


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "foreign"])
def test_a_damaged_entry_of_the_rules_across_facts_is_ignored(project, parse_cache_folder, damage):
    project.write("facts/other.yaml", OTHER_FACT)
    expected = snapshot(project.root, project.archive)
    kept = entries(parse_cache_folder.parent / "across")
    assert len(kept) >= 4  # two files' comparison forms and what the rules found in each (also without the archive)
    for entry in kept:
        raw = entry.read_bytes()
        head = raw[: raw.index(b"\0") + 1]
        if damage == "truncate":
            entry.write_bytes(raw[: len(raw) // 2])
        elif damage == "foreign":  # well-formed, but not what an entry holds
            entry.write_bytes(head + marshal.dumps([(42, "x")]))
        else:
            entry.write_bytes(damage)
    assert snapshot(project.root, project.archive) == expected


def rehash(project) -> None:
    """Record the chronicle's archived text's new SHA-256, as `factdeck hash-archives` would."""
    import hashlib
    import re

    digest = hashlib.sha256((project.archive / "chronicle.txt").read_bytes()).hexdigest()
    sources = project.root / "facts" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(re.sub(r"(archive: chronicle.txt\n  archive_sha256: )\w+", rf"\g<1>{digest}", text), "utf-8")


def test_the_archived_texts_word_runs_are_made_from_their_kept_words(project, monkeypatch):
    # A check after an edit validates the edited file against every archived text: their words (records/
    # verbatim.py's `index`) are kept under the texts' hashes, so only a changed text makes them again.
    from factdeck.records import verbatim

    args = ["--archive", str(project.archive)]
    copied = (
        "Chapter 6\nThe sources say about how many guild members died in the flood of 1927, and who counted them.\n"
    )
    (project.archive / "chronicle.txt").write_text(project.read("archive/chronicle.txt") + copied, "utf-8")
    rehash(project)
    check(project, *args)
    made: list[dict] = []
    index = verbatim.index
    monkeypatch.setattr(verbatim, "index", lambda texts: made.append(texts) or index(texts))
    project.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what town?", vet=False)
    cached = check(project, *args)
    assert not made
    assert cached == check(project, *args, cache=False) and made  # made afresh without the cache
    assert "repeats" in cached[1]
    made.clear()
    project.replace("archive/chronicle.txt", "who counted them", "who buried them", vet=False)
    rehash(project)
    made.clear()
    assert check(project, *args) == check(project, *args, cache=False)
    assert len(made) == 2


def test_kept_forms_of_the_wrong_shape_are_a_miss():
    from factdeck.engine.validation import _restore_forms
    from factdeck.records.fact_forms import FactForms

    good = ("q", "a", ("v",), "s", ("c",), ("n",), ("f",))  # words and stems kept apart
    assert _restore_forms([good, good], 2) == [FactForms("q", "a", ("v",), "s", ("c",), None, ("n",), None, ("f",))] * 2  # type: ignore[arg-type]
    assert _restore_forms([], 0) == []
    for position in range(len(good)):
        wrong = (*good[:position], 7, *good[position + 1 :])
        assert _restore_forms([good, wrong], 2) is None
    for bad in ([good], [good, good[:-1]], [good, list(good)], (good, good), [(*good, ()), good]):
        assert _restore_forms(bad, 2) is None


def test_kept_words_of_the_wrong_shape_are_a_miss():
    from factdeck.engine.validation import _restore_words

    good = (("w", "x"), ("st",))
    assert _restore_words([good, good], 2) == [good, good]
    assert _restore_words([], 0) == []
    for bad in (
        [good],
        [good, (("w",),)],
        [good, (("w", 1), ())],
        [good, [("w",), ()]],
        [good, ("w", ())],
        (good, good),
    ):
        assert _restore_words(bad, 2) is None
