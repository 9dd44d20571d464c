"""The parts of the sets of the rules across facts made per fact file (records/by_file.py): the names a text
mentions, counted among the answers' names, and the dated events. Merged from each file's part, they are the
sets made from every fact at once; kept per file (engine/validation.py), an edit makes only the edited file's
part again unless what every part reads changed, and the answer is always the fresh one."""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, bench_base

from factdeck.build import load_and_validate
from factdeck.engine import kept_check
from factdeck.exceptions import ValidationFailed
from factdeck.records import date_giveaways, disagreements, question_rules
from factdeck.records.fact_forms import forms_of
from factdeck.records.options import OptionRules
from factdeck.records.question_rules import QuestionRules


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """The bench base at 300 facts (three fact files, a subject its texts name, date facts)."""
    return bench_base(300, tmp_path_factory.mktemp("parts") / "synth")


@pytest.fixture
def project(synthetic, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "synth"
    shutil.copytree(synthetic, root)
    monkeypatch.setattr(kept_check.KeptCheck, "said", lambda self: None)
    return root


def outcome(root: Path) -> tuple[bool, list[str], list[tuple]]:
    try:
        base = load_and_validate(root)
    except ValidationFailed as failed:
        return False, [str(p) for p in failed.problems], []
    return True, [str(p) for p in base.warnings], [(f.model_dump(), f.file, f.line) for f in base.facts]


def fresh(root: Path, monkeypatch) -> tuple[bool, list[str], list[tuple]]:
    with monkeypatch.context() as uncached:
        uncached.setenv("FACTDECK_NO_CACHE", "1")
        return outcome(root)


def test_sets_merged_from_each_files_part_are_those_made_from_every_fact():
    base = load_and_validate(REPO)  # the shipped base: a subject, date facts, many files
    files: dict[str, list] = {}
    for fact in base.facts:
        files.setdefault(fact.file, []).append(fact)
    assert len(files) > 3

    def by_file(name, key, make, valid):
        parts = [make(facts) for facts in files.values()]
        assert all(valid(part) for part in parts)
        return parts

    whole = QuestionRules(base.facts, base.glossary, base.sources.values())
    split = QuestionRules(base.facts, base.glossary, base.sources.values(), by_file=by_file)
    assert whole._subjects and whole._dates.asked
    assert split._subjects == whole._subjects
    # The names counted, merged from each file's counts, are those of every fact's at once.
    forms = {name for f in base.facts for name in forms_of(f).names}
    firsts = {v.split()[0] for v in forms}
    merged: Counter[str] = Counter()
    for facts in files.values():
        merged.update(question_rules.name_counts(facts, forms=forms_of, wanted=forms, firsts=firsts))
    every = question_rules.name_counts(base.facts, forms=forms_of, wanted=forms, firsts=firsts)
    assert every and merged == every
    assert split.inputs() == whole.inputs() and split.date_inputs() == whole.date_inputs()
    assert split._dates._by_year == whole._dates._by_year
    assert split._dates.common == whole._dates.common and whole._dates.common  # from each file's stem counts
    # The option rules' sets, merged from each file's part: the same sets, what vetted facts state in the same order.
    whole_options = OptionRules(base.facts)
    split_options = OptionRules(base.facts, by_file=by_file)
    assert whole_options._by_question and whole_options._version_answers and whole_options._statements
    # Each question's answers looked up in the files' parts (the first few lookups), then in the merged parts.
    questions = list(whole_options._by_question)
    assert len(questions) > len(files)
    assert [split_options.answers_to(q) for q in questions[:3]] == [
        whole_options._by_question[q] for q in questions[:3]
    ]
    assert split_options._merged is None  # looked up part by part
    assert [split_options.answers_to(q) for q in questions] == [whole_options._by_question[q] for q in questions]
    assert split_options._merged is not None  # more lookups than merging costs: merged
    assert split_options.answers_to("no such question") == set()
    assert split_options._by_question == whole_options._by_question
    assert split_options._version_answers == whole_options._version_answers
    assert list(split_options._statements.items()) == list(whole_options._statements.items())
    assert split_options.inputs() == whole_options.inputs()
    # The disagreements between date and number facts, from each file's part of what the rule reads: the same
    # warnings at the same facts as read from every fact, with one planted in a file of its own.
    dated = next(
        f
        for f in base.facts
        if disagreements.dated_answers([f], forms_of, question_rules._content_words, question_rules.MIN_SHARED_WORDS)
    )
    planted = dated.model_copy(update={"id": f"{dated.id}-again", "answer": "1066"})
    planted.locate("facts/planted.yaml", 1)
    files["facts/planted.yaml"] = [planted]
    facts = [*base.facts, planted]
    found = QuestionRules(facts, base.glossary, base.sources.values()).disagreements()
    assert len(found) >= 2 and {id(dated), id(planted)} <= {id(p.where) for p in found}
    merged = QuestionRules(facts, base.glossary, base.sources.values(), by_file=by_file).disagreements()
    # Facts made in memory share a place (none): the rule reads the facts themselves, and finds the same.
    unplaced = [f.model_copy() for f in facts]
    for f in unplaced:
        f.__dict__.pop("_where", None)
    apart = QuestionRules(unplaced, base.glossary, base.sources.values()).disagreements()
    assert [(p.where.id, p.severity) for p in apart] == [(p.where.id, p.severity) for p in found]
    assert [(id(p.where), p.message, p.severity) for p in merged] == [
        (id(p.where), p.message, p.severity) for p in found
    ]


def spy(monkeypatch) -> dict[str, list[str]]:
    """The files each per-file part is made for from now on, by part."""
    from factdeck.engine import validation

    made: dict[str, list[str]] = {
        "names": [],
        "dates": [],
        "people": [],
        "stem-counts": [],
        "forms": [],
        "option-sets": [],
        "dated-answers": [],
        "answer-names": [],
    }
    forms = validation.forms_of
    monkeypatch.setattr(validation, "forms_of", lambda fact: made["forms"].append(fact.file) or forms(fact))
    put = validation._Shares.put

    def share_made(shares, file, name, key, value):
        if name in ("stem-counts", "option-sets", "dated-answers", "answer-names"):
            made[name].append(file.display)
        return put(shares, file, name, key, value)

    monkeypatch.setattr(validation._Shares, "put", share_made)
    counts, dated, people = question_rules.name_counts, date_giveaways._what_is_dated, question_rules._fact_names

    def fact_names(facts):
        made["people"] += sorted({f.file for f in facts})
        return people(facts)

    def name_counts(facts, **kwargs):
        made["names"] += sorted({f.file for f in facts})
        # The forms it reads (their words): an unchanged file's kept apart and read back, equal to fresh ones.
        assert all(kwargs["forms"](f) == forms_of(f) for f in facts)
        return counts(facts, **kwargs)

    def what_is_dated(fact, common):
        made["dates"].append(fact.file)
        return dated(fact, common)

    monkeypatch.setattr(question_rules, "name_counts", name_counts)
    monkeypatch.setattr(date_giveaways, "_what_is_dated", what_is_dated)
    monkeypatch.setattr(question_rules, "_fact_names", fact_names)
    return made


def _statement(root: Path) -> None:
    path = root / "facts" / "part-0001.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("  statement: ") + len("  statement: ")
    path.write_text(text[:at] + '"An edited statement about the 1001 floods." #' + text[at:], encoding="utf-8")


def _answer(root: Path) -> None:
    # A name fact's answer in another file: the names counted change, so every file is counted again.
    path = root / "facts" / "part-0002.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("  kind: person")
    at = text.index("  answer: ", at) + len("  answer: ")
    path.write_text(text[:at] + '"Ottoline Quested-Vane" #' + text[at:], encoding="utf-8")


def _source(root: Path) -> None:
    path = root / "facts" / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("short_name:", "short_name: X", 1), encoding="utf-8")


def _archive(root: Path) -> None:
    path = sorted((root / "archive").iterdir())[0]
    old = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text(path.read_text(encoding="utf-8") + "\nA closing line.\n", encoding="utf-8")
    sources = root / "facts" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    assert old in text
    sources.write_text(text.replace(old, hashlib.sha256(path.read_bytes()).hexdigest()), encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "recounted"),
    [(_statement, {"facts/part-0001.yaml"}), (_answer, None), (_source, None), (_archive, None)],
    ids=["statement", "another file's answer", "source", "archive"],
)
def test_an_edit_makes_the_parts_again_only_where_they_change(project, monkeypatch, edit, recounted):
    first = outcome(project)
    assert first == fresh(project, monkeypatch)
    edit(project)
    made = spy(monkeypatch)
    cached = outcome(project)
    every = {f"facts/part-000{i}.yaml" for i in range(3)}
    if recounted is not None:  # only the edited file's parts
        assert set(made["names"]) == set(made["people"]) == recounted
        assert set(made["dates"]) <= recounted and made["dates"]
        assert set(made["stem-counts"]) == set(made["forms"]) == set(made["option-sets"]) == recounted
        assert set(made["dated-answers"]) == set(made["answer-names"]) == recounted
    else:  # what every part reads changed, or every file's records (a source, the archive)
        assert set(made["names"]) == every
        assert set(made["people"]) == ({"facts/part-0002.yaml"} if edit is _answer else every)  # a name: its file
        assert set(made["stem-counts"]) == ({"facts/part-0002.yaml"} if edit is _answer else every)
        assert set(made["option-sets"]) == ({"facts/part-0002.yaml"} if edit is _answer else every)
        assert set(made["dated-answers"]) == ({"facts/part-0002.yaml"} if edit is _answer else every)
        assert set(made["answer-names"]) == ({"facts/part-0002.yaml"} if edit is _answer else every)
        # Every file's names counted again after an answer edit, from kept words: only the edited file's forms made.
        assert set(made["forms"]) == ({"facts/part-0002.yaml"} if edit is _answer else every)
    assert cached == fresh(project, monkeypatch)
    assert cached != first or edit is _archive  # a line no fact copies or quotes


def test_damaged_kept_words_make_the_files_forms_afresh(project, monkeypatch, parse_cache_folder):
    # A file's words and stems are read back only when one of its parts is made again (an answer in another file
    # moves the names every file's count reads): damaged, that file's forms are made afresh, and the answer is the
    # fresh one.
    import marshal

    from factdeck.engine.parse_cache import _MAGIC

    outcome(project)
    damaged = 0
    for entry in (p for p in (parse_cache_folder.parent / "across").rglob("*") if p.is_file()):
        raw = entry.read_bytes()
        value = marshal.loads(raw[len(_MAGIC) :]) if raw.startswith(_MAGIC) else None
        if type(value) is dict and "words" in value:
            entry.write_bytes(_MAGIC + marshal.dumps({**value, "words": ("", [("not", "words")])}))
            damaged += 1
    assert damaged == 3
    _answer(project)
    made = spy(monkeypatch)
    assert outcome(project) == fresh(project, monkeypatch)
    assert set(made["forms"]) == {f"facts/part-000{i}.yaml" for i in range(3)}


def _states_a_false_statement(root: Path) -> None:
    # A vetted fact of part-0001 made to state what a fact of part-0000 gives as false: that fact's false statement
    # is now what a vetted fact states (an error found in the unchanged file, from the edited file's option sets).
    first = (root / "facts" / "part-0000.yaml").read_text(encoding="utf-8")
    at = first.index("  false_statements:\n    - ") + len("  false_statements:\n    - ")
    false = first[at : first.index("\n", at)]
    path = root / "facts" / "part-0001.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("  statement: ")
    path.write_text(text[:at] + f"  statement: {false}" + text[text.index("\n", at) :], encoding="utf-8")


def _disagrees(root: Path) -> None:
    # A copy of a date fact of part-0000, answering another year, added to part-0001: the two disagree (a warning at
    # each, found from the edited file's part of what the rule reads).
    first = (root / "facts" / "part-0000.yaml").read_text(encoding="utf-8")
    blocks = first.split("\n- id: ")
    block = next(b for b in blocks[1:] if "\n  kind: date\n" in b and "\n  dispute:" not in b)
    fact_id, rest = block.split("\n", 1)
    year = rest.split('\n  answer: "', 1)[1].split('"', 1)[0]
    assert year.isdigit()
    other = str(int(year) + 1)
    copy = f"- id: {fact_id}-again\n" + rest.replace(f'answer: "{year}"', f'answer: "{other}"').replace(
        f'date: "{year}"', f'date: "{other}"'
    )
    path = root / "facts" / "part-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + copy.rstrip("\n") + "\n", encoding="utf-8")


KEPT_PARTS = {  # a part, an edit to part-0001 that changes it, and what a check finds only from the changed part
    "option-sets": (_states_a_false_statement, "states: a false statement must be false"),
    "dated-answers": (_disagrees, "to the same kind of question"),
}


@pytest.mark.parametrize("kept_whatever_the_facts", [False, True])
@pytest.mark.parametrize("part", KEPT_PARTS)
def test_a_files_part_is_its_own(project, monkeypatch, part, kept_whatever_the_facts):
    # Each file's part is kept under its records; kept whatever its facts say (by the file's name alone), the
    # edited file's old part would hide what the edit made (a false statement now stated, two facts disagreeing),
    # and the comparison with a fresh check catches it.
    from factdeck.engine import validation

    edit, found = KEPT_PARTS[part]
    first: dict[str, object] = {}  # each file's part as first made
    get, put = validation._Shares.get, validation._Shares.put

    def kept(shares, file, name, key):
        value = get(shares, file, name, key)
        if name == part and kept_whatever_the_facts:
            return first.get(file.display, value)
        return value

    def made_first(shares, file, name, key, value):
        if name == part:
            first.setdefault(file.display, value)
        return put(shares, file, name, key, value)

    with monkeypatch.context() as shares_kept:
        shares_kept.setattr(validation._Shares, "get", kept)
        shares_kept.setattr(validation._Shares, "put", made_first)
        before = outcome(project)
        assert before[0] and not any(found in p for p in before[1])
        assert set(first) == {f"facts/part-000{i}.yaml" for i in range(3)}
        edit(project)
        made = spy(shares_kept)
        cached = outcome(project)
    # Kept whatever the facts say, the edited file's part may still be made: the kept merged sets (engine/kept_across.py)
    # hold it to the part it had until one of its parts moves, and the sets are then made from every file's part, the
    # edited one's as the shares keep it.
    assert set(made[part]) == {"facts/part-0001.yaml"} or (kept_whatever_the_facts and not made[part])
    expected = fresh(project, monkeypatch)
    assert any(found in p for p in expected[1])
    assert (cached == expected) is not kept_whatever_the_facts


def test_an_edit_restores_no_unchanged_files_forms(project, monkeypatch):
    # After an edited statement, no rule reads an unchanged file's forms: its parts and findings are kept, and its
    # false statements (what the false statements' key looks up) are a share of their own. Only the edited file's
    # earlier forms are restored (its 100 facts' under its key before the edit), and the edited fact's alone made.
    from factdeck.engine import validation

    outcome(project)
    _statement(project)
    restored: list[int] = []
    restore = validation._restore_forms

    def counted(entry, count):
        made = restore(entry, count)
        if made is not None:
            restored.append(count)
        return made

    monkeypatch.setattr(validation, "_restore_forms", counted)
    made = spy(monkeypatch)
    cached = outcome(project)
    assert restored == [100] and made["forms"] == ["facts/part-0001.yaml"]
    assert cached == fresh(project, monkeypatch)


@pytest.mark.parametrize("lost", [False, True])
def test_a_files_kept_false_statements_are_its_own(project, monkeypatch, lost):
    # Each file's false statements (comparison forms) are kept with its records; the false statements' key of an
    # unchanged file reads them. A share that lost them would keep part-0000's findings when a vetted fact of the
    # edited part-0001 comes to state one of them, and the comparison with a fresh check catches it.
    from factdeck.engine import validation

    outcome(project)
    get = validation._Shares.get

    def kept(shares, file, name, key):
        value = get(shares, file, name, key)
        return () if lost and name == "false-statement-forms" and value is not None else value

    with monkeypatch.context() as shares_kept:
        shares_kept.setattr(validation._Shares, "get", kept)
        _states_a_false_statement(project)
        cached = outcome(project)
    expected = fresh(project, monkeypatch)
    assert any("states: a false statement must be false" in p for p in expected[1])
    assert (cached == expected) is not lost
