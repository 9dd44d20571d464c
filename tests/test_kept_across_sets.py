"""The rules across facts after an edit, from the kept merged sets (engine/kept_across.py, records/merged_parts.py):
an edited file's parts of the sets are made and held to the ones it had, and where none moved (but for what its facts
state, at no false statement of the base) the sets are made from the kept merged parts and every other file's
findings are the kept ones. The answer (every message, in order, and the exit code) is a cold check's after each kind
of edit, whichever way the sets were made; a check after a reworded statement reads the index, the sets and the
edited file's entries alone; and a kept index that took a moved part for the old one is caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import across_rules_ran
from hypothesis import given
from hypothesis import strategies as st

from factdeck.cli import cli
from factdeck.engine import kept_across, validation
from factdeck.records import merged_parts
from test_across_parts import _answer, _disagrees, _states_a_false_statement, project, synthetic  # noqa: F401

EDITED = "facts/part-0001.yaml"


def check(root: Path, cache: bool = True) -> tuple[int, str]:
    env = {} if cache else {"FACTDECK_NO_CACHE": "1"}
    result = CliRunner().invoke(cli, ["check", "--project", str(root)], env=env)
    return result.exit_code, result.output


def _edit(root: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = root / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _reworded(number: int):  # type: ignore[no-untyped-def]
    # As the bench edits: the first statement of part-0001 with an edit's number after its first words (a new word
    # the first time, another number after that).
    def edit(root: Path) -> None:
        _edit(
            root,
            EDITED,
            lambda text: re.sub(r" \(edit [0-9]+\)", "", text).replace(
                '  statement: "According to', f'  statement: "According to (edit {number})', 1
            ),
        )

    edit.__name__ = f"_reworded_{number}"
    return edit


def _distractor(text: str, start: int, option: str) -> str:
    # The first distractor written as a plain string after `start`, made `option`.
    at = text.index('\n    - "', text.index("  distractors:\n", start)) + len('\n    - "')
    return text[:at] + option + text[text.index('"', at) :]


def _a_common_word(root: Path) -> None:
    # Every statement of part-0001 given a new word: a third of the base's statements use it (a common stem now, which
    # tells no event apart).
    _edit(root, EDITED, lambda text: text.replace('  statement: "', '  statement: "Zorblat: '))


def _option_is_a_version(root: Path) -> None:
    # A distractor of part-0001 made a dispute version's answer in part-0000: an answer the base gives (an error found
    # in the edited file from the other files' versions, which the kept sets hold).
    first = (root / "facts" / "part-0000.yaml").read_text(encoding="utf-8")
    dispute = first[first.index("  dispute:") :]
    version = dispute.split('answer: "', 1)[1].split('"', 1)[0]

    _edit(root, EDITED, lambda text: _distractor(text, text.index("  distractors:\n"), version))


def _false_statement_stated(root: Path) -> None:
    # A false statement of part-0001 made what a vetted fact of part-0000 states (its false statements moved).
    first = (root / "facts" / "part-0000.yaml").read_text(encoding="utf-8")
    at = first.index("  statement: ") + len("  statement: ")
    stated = first[at : first.index("\n", at)]

    def change(text: str) -> str:
        at = text.index("  false_statements:\n    - ") + len("  false_statements:\n    - ")
        return text[:at] + stated + text[text.index("\n", at) :]

    _edit(root, EDITED, change)


def _false_statement(root: Path, name: str) -> str:
    # The first false statement of fact file `name`.
    text = (root / name).read_text(encoding="utf-8")
    at = text.index("  false_statements:\n    - ") + len("  false_statements:\n    - ")
    return text[at : text.index("\n", at)]


def _murdered(root: Path) -> None:
    # The first false statement of part-0000 puts a name no fact gives beside a crime (no real person: nothing found).
    _edit(
        root,
        "facts/part-0000.yaml",
        lambda text: text.replace(
            _false_statement(root, "facts/part-0000.yaml"), '"Ilse Marwick-Doan murdered the guard."'
        ),
    )


def _name_added(root: Path) -> None:
    # A person fact's distractor in part-0001 made that name: a real person more (the people's part moved), whom
    # part-0000's false statement now puts beside a crime (an error found in the unchanged file).
    def change(text: str) -> str:
        blocks = text.split("\n- id: ")
        i = next(i for i, b in enumerate(blocks) if "\n  kind: person\n" in b and "\n  distractors:\n" in b)
        blocks[i] = _distractor(blocks[i], 0, "Ilse Marwick-Doan")
        return "\n- id: ".join(blocks)

    _edit(root, EDITED, change)


def _stated_nearly(root: Path) -> None:
    # The first statement of part-0001 made part-0000's first false statement with another year (its words and stems
    # are those of the false statement: nothing found).
    stated = _false_statement(root, "facts/part-0000.yaml").replace("10", "20")
    _edit(
        root, EDITED, lambda text: re.sub(r"(?m)^  statement: .*$", lambda m: f"  statement: {stated}", text, count=1)
    )


def _stated(root: Path) -> None:
    # ... then that false statement itself: only what the edited file's facts state moved (an error in part-0000).
    stated = _false_statement(root, "facts/part-0000.yaml")
    _edit(
        root, EDITED, lambda text: re.sub(r"(?m)^  statement: .*$", lambda m: f"  statement: {stated}", text, count=1)
    )


def _retracted_elsewhere(root: Path) -> None:
    # The first fact of part-0001 with distractors retracted, and written again in part-0002 under another id with
    # another answer: two facts ask its question, one answer given (nothing found).
    def retract(text: str) -> str:
        blocks = text.split("\n- id: ")
        i = next(i for i, b in enumerate(blocks) if i and "\n  distractors:\n" in b and "\n  dispute:" not in b)
        copy = "- id: copied-" + re.sub(r"(?m)^  answer: .*$", '  answer: "Zed Other"', blocks[i]).rstrip("\n") + "\n"
        _edit(root, "facts/part-0002.yaml", lambda other: other.rstrip("\n") + "\n" + copy)
        blocks[i] = blocks[i].replace("\n  status: vetted\n", "\n  status: retracted\n")
        return "\n- id: ".join(blocks)

    _edit(root, EDITED, retract)


def _retracted_option_is_an_answer(root: Path) -> None:
    # The retracted fact's distractor made the other fact's answer to its question (an error).
    def change(text: str) -> str:
        blocks = text.split("\n- id: ")
        i = next(i for i, b in enumerate(blocks) if "\n  status: retracted\n" in b)
        blocks[i] = _distractor(blocks[i], 0, "Zed Other")
        return "\n- id: ".join(blocks)

    _edit(root, EDITED, change)


def _disagreeing_held(root: Path) -> None:
    # The fact `_disagrees` added held for review: it no longer disagrees (only its dated answer and what it states
    # moved, no false statement being what it states).
    def change(text: str) -> str:
        head, tail = text.split("-again\n", 1)
        return head + "-again\n" + tail.replace("\n  status: vetted\n", "\n  status: review\n", 1)

    _edit(root, EDITED, change)


def _duplicate_across_files(root: Path) -> None:
    # The first fact of part-0000 written again in part-0002: an id twice (an error).
    first = (root / "facts" / "part-0000.yaml").read_text(encoding="utf-8")
    block = "- id: " + first.split("\n- id: ", 2)[1]
    _edit(root, "facts/part-0002.yaml", lambda text: text.rstrip("\n") + "\n" + block.rstrip("\n") + "\n")


def _glossary(root: Path) -> None:
    _edit(root, "facts/glossary.yaml", lambda text: text.replace("A newsletter that", "A paper that", 1))


# Each edit, and whether the kept sets stand for the sets after it (nothing but what facts state moved where no false
# statement is): the sets are made from every file's parts otherwise.
EDITS = [
    ([], _reworded(1), True),  # a new word: the stems counted moved, what they decide did not
    ([], _a_common_word, False),  # a word most statements now use: the common stems moved
    ([_reworded(1)], _reworded(2), True),  # as the bench's edits after its first
    ([], _option_is_a_version, True),
    ([_retracted_elsewhere], _retracted_option_is_an_answer, False),  # looked up among other facts' answers alone
    ([], _states_a_false_statement, False),  # a statement moved that is a false statement of the base
    ([_stated_nearly], _stated, False),  # the same, nothing else moved
    ([], _false_statement_stated, False),
    ([_murdered], _name_added, False),
    ([], _disagrees, False),
    ([_disagrees, _reworded(1)], _reworded(2), True),  # the disagreements kept by place
    ([_disagrees], _disagreeing_held, False),
    ([], _answer, False),
    ([], _duplicate_across_files, False),
    ([], _glossary, False),
]


def _kept_sets_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each validation from now on, whether the sets were made from the kept merged ones."""
    taken: list[bool] = []
    after_edit, confirm = kept_across.KeptSets.after_edit, kept_across.AfterEdit.confirm

    def found(self, *args):  # type: ignore[no-untyped-def]
        made = after_edit(self, *args)
        taken.append(False)
        return made

    def confirmed(self, *args):  # type: ignore[no-untyped-def]
        confirm(self, *args)
        taken[-1] = True

    monkeypatch.setattr(kept_across.KeptSets, "after_edit", found)
    monkeypatch.setattr(kept_across.AfterEdit, "confirm", confirmed)
    return taken


@pytest.mark.parametrize(("before", "edit", "kept"), EDITS, ids=[edit.__name__ for _, edit, _ in EDITS])
def test_after_each_edit_the_answer_is_a_cold_check_s(project, monkeypatch, before, edit, kept):  # noqa: F811
    for earlier in before:
        earlier(project)
        assert check(project) == check(project, cache=False)
    assert check(project) == check(project, cache=False)
    edit(project)
    taken = _kept_sets_taken(monkeypatch)
    cached, taken_by_it = check(project), list(taken)
    assert cached == check(project, cache=False)
    assert taken_by_it == [kept]


def test_a_reworded_statement_reads_the_kept_sets_and_the_edited_files_entries(project, monkeypatch):  # noqa: F811
    _disagrees(project)  # two facts disagree: a warning at each
    check(project)
    _reworded(1)(project)
    check(project)  # the new word counted: the kept counts moved, and the sets kept again with them
    _reworded(2)(project)
    taken = _kept_sets_taken(monkeypatch)
    read: list[str] = []  # the files whose shares entries were read
    load = kept_across.Shares._load
    monkeypatch.setattr(
        kept_across.Shares, "_load", lambda shares, file: read.append(file.display) or load(shares, file)
    )
    merges: list[str] = []
    for name, merge in list(merged_parts.MERGES.items()):
        monkeypatch.setitem(
            merged_parts.MERGES, name, lambda parts, merge=merge, name=name: merges.append(name) or merge(parts)
        )
    made: list[str] = []
    make_rules = validation.AcrossRules
    monkeypatch.setattr(validation, "AcrossRules", lambda *args: made.append("rules") or make_rules(*args))
    checked = across_rules_ran(monkeypatch)
    later: list[str] = []  # the kept merged parts read only if a rule reads them (the dated answers)
    read_later = kept_across._Later._parts
    monkeypatch.setattr(kept_across._Later, "_parts", lambda part: later.append(part.name) or read_later(part))
    formed: list[str] = []
    forms_of = validation.forms_of
    monkeypatch.setattr(validation, "forms_of", lambda fact: formed.append(fact.id) or forms_of(fact))
    entries = []
    after_edit = kept_across.KeptSets.after_edit
    monkeypatch.setattr(
        kept_across.KeptSets, "after_edit", lambda self, *args: entries.append(after_edit(self, *args)) or entries[-1]
    )
    cached = check(project)
    assert taken == [True]
    assert made == ["rules"] and merges == []  # the sets made once, from the kept merged parts: nothing merged
    assert set(read) == {EDITED}  # no other file's shares read: their findings are the index's
    assert entries[0].entries_read == 3  # the index, the sets and the base's false statements (a statement moved)
    blocks = (project / EDITED).read_text(encoding="utf-8").split("\n- id: ")
    edited = next(block.split("\n", 1)[0] for block in blocks if "(edit 2)" in block)
    assert set(checked) == {edited} and len(checked) == 4  # the edited fact alone, each part once
    assert formed == [edited]  # the file's other facts' forms carried from its earlier entry
    assert later == []  # the disagreements kept by place: the dated answers not read
    assert cached == check(project, cache=False) and cached[1].count("to the same kind of question") == 2


@pytest.mark.parametrize("wrong", [False, True])
@pytest.mark.parametrize("part", ["statements", "people", "dated-answers"])
def test_a_kept_index_that_takes_a_moved_part_for_the_old_one_is_caught(project, monkeypatch, part, wrong):  # noqa: F811
    # Kept sets that took what the edited file's facts state for unmoved (or its people, or its dated answers, whatever
    # they are) would keep findings the edit changed; the comparison with a cold check catches each.
    before, edit, found = {
        "statements": (_stated_nearly, _stated, "states: a false statement must be false"),
        "people": (_murdered, _name_added, "a real person, Ilse Marwick-Doan"),
        "dated-answers": (_disagrees, _disagreeing_held, "to the same kind of question"),
    }[part]
    before(project)
    first = check(project)
    edit(project)
    with monkeypatch.context() as shortcut:
        if wrong and part == "statements":
            moved = merged_parts.statements_moved
            shortcut.setattr(kept_across, "statements_moved", lambda then, now: moved(then, now) and set())
        elif wrong:
            by_file = kept_across.AfterEdit.by_file

            def blind(self, name, key, make, valid):  # type: ignore[no-untyped-def]
                if name == part:  # the kept merged part, the edited file's not made nor held to its own
                    kept = self.sets["later"].get(name) or self.sets["parts"][name]
                    return kept_across._Later(self.store, kept[1], valid) if name in self.sets["later"] else [kept[1]]
                return by_file(self, name, key, make, valid)

            shortcut.setattr(kept_across.AfterEdit, "by_file", blind)
        taken = _kept_sets_taken(shortcut)
        cached = check(project)
    expected = check(project, cache=False)
    assert taken == [wrong]
    # The edit made a finding (a false statement stated, a real person beside a crime) or removed one (a disagreement).
    made = part != "dated-answers"
    assert (found in first[1]) is not made and (found in expected[1]) is made
    assert (cached == expected) is not wrong


def _damage(folder: Path, kind: str) -> int:
    """Every kept entry of `kind` (the index, the sets, the base's false statements) made another value: how many."""
    import marshal

    from factdeck.engine.parse_cache import _MAGIC

    damaged = 0
    for entry in (p for p in folder.rglob("*") if p.is_file()):
        raw = entry.read_bytes()
        value = marshal.loads(raw[len(_MAGIC) :]) if raw.startswith(_MAGIC) else None
        if (
            (kind == "index" and type(value) is dict and "found" in value)
            or (kind == "sets" and type(value) is dict and "subjects" in value)
            or (kind == "false statements" and type(value) is list and value and type(value[0]) is bytes)
        ):
            if kind == "index":
                wrong = {**value, "keys": [1] * len(value["keys"])}
            else:
                wrong = {**value, "common": [1]} if kind == "sets" else ["not a hash"]
            entry.write_bytes(_MAGIC + marshal.dumps(wrong))
            damaged += 1
    return damaged


@pytest.mark.parametrize("kind", ["index", "sets", "false statements"])
def test_damaged_kept_sets_make_the_sets_from_every_files_parts(project, monkeypatch, parse_cache_folder, kind):  # noqa: F811
    _stated_nearly(project)
    check(project)
    assert _damage(parse_cache_folder.parent / "across", kind) >= 1
    _stated(project)
    taken = _kept_sets_taken(monkeypatch)
    cached, taken_by_it = check(project), list(taken)
    assert taken_by_it == [False]
    assert cached == check(project, cache=False)


def test_a_merged_part_makes_the_sets_each_files_parts_make():
    # The shipped base by file: the rules given each part merged into one (records/merged_parts.py), as if every fact
    # were in one file, make the sets each file's parts make.
    from functools import partial

    from factdeck.build import load_and_validate
    from factdeck.records.fact_forms import forms_of
    from factdeck.records.options import OptionRules, option_sets
    from factdeck.records.question_rules import QuestionRules
    from test_across_parts import REPO

    base = load_and_validate(REPO)
    files: dict[str, list] = {}
    for fact in base.facts:
        files.setdefault(fact.file, []).append(fact)
    assert len(files) > 3

    def by_file(name, key, make, valid):  # type: ignore[no-untyped-def]
        return [make(facts) for facts in files.values()]

    def merged(name, key, make, valid):  # type: ignore[no-untyped-def]
        part = merged_parts.merged(name, by_file(name, key, make, valid))
        assert valid(part)
        return [part]

    split = QuestionRules(base.facts, base.glossary, base.sources.values(), by_file=by_file)
    whole = QuestionRules(base.facts, base.glossary, base.sources.values(), by_file=merged)
    assert whole.inputs() == split.inputs() and whole.date_inputs() == split.date_inputs()
    assert whole.thresholds() == split.thresholds() and whole.disagreeing() == split.disagreeing()
    options_split, options_whole = OptionRules(base.facts, by_file=by_file), OptionRules(base.facts, by_file=merged)
    assert options_whole.inputs() == options_split.inputs()
    assert [options_whole.check(f) for f in base.facts] == [options_split.check(f) for f in base.facts]
    # As kept (`option_sets_read`): the questions of two answers or more, what facts state at the false statements.
    parts = by_file("option-sets", "", partial(option_sets, forms=forms_of), None)
    asked = next(iter(parts[0][0]))  # a question asked again in another part, with another answer
    parts.append(({asked: ["another answer"], "a question of its own": ["its answer"]}, [], []))
    questions, versions, statements = merged_parts.merged("option-sets", parts)
    false = {form for f in base.facts for form in forms_of(f).false_statements} | {statements[0][0]}
    read = merged_parts.option_sets_read(parts, false)
    assert read[0] == {q: answers for q, answers in questions.items() if len(answers) > 1} and read[0]
    assert read[1] == versions and sorted(read[2]) == sorted((s, fact) for s, fact in statements if s in false)
    assert read[2]


@given(
    st.lists(st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 5), max_size=4), min_size=1, max_size=5),
    st.data(),
)
def test_counts_moved_are_the_counts_merged_again(parts, data):
    # A file's counts taken from the merged counts and its new ones added are the counts merged afresh.
    i = data.draw(st.integers(0, len(parts) - 1))
    now = data.draw(st.dictionaries(st.sampled_from("abcdefg"), st.integers(1, 5), max_size=4))
    total = merged_parts.merged("stem-counts", parts)
    moved = kept_across._moved_counts(total, parts[i], now)
    assert moved == merged_parts.merged("stem-counts", [*parts[:i], now, *parts[i + 1 :]])
