"""An edited fact file's other facts keep what later stages made of them (engine/record_cache.py's
`RecordCache.earlier` and `carried`): the rules across facts' findings of each fact whose record is the one the
file's earlier entry was made of, at the same place, are taken from that entry; every other fact is checked. The
answer (every message, in order, and the exit code) is a cold check's after each kind of edit, and only the facts an
edit changed are checked again."""

from __future__ import annotations

import re

import pytest
from conftest import Project, across_rules_ran, cli_check, sample_project

from factdeck.build import load_and_validate
from factdeck.engine import record_cache

GUILD = "facts/guild.yaml"
HALL = '  statement: "The River Guild built its hall in Millford in 1910."\n'


pytestmark = pytest.mark.usefixtures("every_check_validates")


@pytest.fixture
def project(tmp_path, parse_cache_folder) -> Project:  # type: ignore[no-untyped-def]
    return sample_project(tmp_path / "proj")


def check(project: Project, cache: bool = True) -> tuple[int, str]:
    return cli_check(project, cache=cache)


def _statement(project: Project) -> None:
    project.replace(GUILD, HALL, HALL.replace(" in 1910.", " in 1910, by the river."))


def _statement_held_back(project: Project) -> None:
    project.replace(GUILD, HALL, HALL.replace(" in 1910.", " in 1910, by the river."), vet=False)


def _answer(project: Project) -> None:
    project.replace(GUILD, '  answer: "Millford"\n', '  answer: "Millford town"\n')


def _gives_a_date_away(project: Project) -> None:
    # A finding across facts on the edited fact itself: its statement names the date another fact asks.
    project.replace(GUILD, HALL, HALL.replace("The River Guild built", "The River Guild, founded in 1901, built"))


def _too_few_distractors(project: Project) -> None:
    # A finding across facts on the edited fact itself, under the distractors' key as it was (no answer changed).
    # An error: the project does not validate (so nothing vets it again).
    project.replace(GUILD, '["Eastbridge", "Calder Quay", "Harrowgate"]', '["Eastbridge", "Calder Quay"]', vet=False)


def _added(project: Project) -> None:
    text = project.read(GUILD)
    block = "- id: guild-hall" + text.split("- id: guild-hall", 1)[1].split("\n\n", 1)[0] + "\n"
    new = block.replace("- id: guild-hall", "- id: guild-hall-opened").replace("build its hall", "open its hall")
    new = re.sub("vetted_hash: .*", "vetted_hash: aaaaaaaaaaaaaaaa", new)  # vetted afresh by `write`
    project.write(GUILD, text.rstrip("\n") + "\n\n" + new)


def _removed(project: Project) -> None:
    head, tail = project.read(GUILD).split("- id: guild-hall", 1)
    project.write(GUILD, head + tail.split("\n\n", 1)[1])


def _held_back(project: Project) -> None:
    project.replace(GUILD, "In which town did the River Guild build its hall?", "In what town?", vet=False)


def _source(project: Project) -> None:
    project.replace("facts/sources.yaml", "title: ", "title: The ", vet=False)


def _duplicate_id(project: Project) -> None:
    project.write("facts/copy.yaml", project.read(GUILD).split("\n\n", 1)[0] + "\n")  # an error: the id twice


def _kinds(project: Project) -> None:
    project.replace("decks/all.yaml", "  subdecks: true\n", "  subdecks: true\n  kinds: [qa, dispute]\n")


EDITS = [
    _statement,
    _answer,
    _gives_a_date_away,
    _too_few_distractors,
    _added,
    _removed,
    _held_back,
    _source,
    _duplicate_id,
    _kinds,
]


@pytest.mark.parametrize("edit", EDITS)
def test_after_each_edit_the_answer_is_a_cold_check_s(project, monkeypatch, edit):
    check(project)
    edit(project)
    cached = check(project)
    assert cached == check(project, cache=False)
    assert cached[0] == (1 if edit in (_duplicate_id, _too_few_distractors) else 0)
    spied = across_rules_ran(monkeypatch)
    assert check(project) == cached
    assert spied == []  # kept under the edited file's key in turn


@pytest.mark.parametrize("edit", [_statement, _statement_held_back])
def test_after_an_edit_that_moves_no_set_only_the_edited_fact_is_checked(project, monkeypatch, edit):
    check(project)
    before = {(f.id, f.file): f for f in load_and_validate(project.root).facts}
    edit(project)
    spied = across_rules_ran(monkeypatch)
    cached = check(project)
    now = load_and_validate(project.root).facts
    changed = {
        f.id for f in now if (then := before.get((f.id, f.file))) is None or not record_cache.same_record(then, f)
    }
    assert set(spied) == changed == {"guild-hall"}
    assert cached == check(project, cache=False)


def test_findings_carried_whatever_each_fact_s_record_would_be_caught(project, monkeypatch):
    # The comparisons above must fail for a cache that carries a fact's findings whenever its id and place are those
    # it had, whatever its record says now.
    check(project)
    _too_few_distractors(project)
    cold = check(project, cache=False)
    assert "'guild-hall': 2 distractor(s)" in cold[1]
    monkeypatch.setattr(record_cache, "same_record", lambda then, now: (then.id, then._where) == (now.id, now._where))
    assert check(project) != cold


def test_a_file_s_earlier_keys_are_offered_latest_first_past_those_a_stage_kept_nothing_under(project):
    # A validation that keeps nothing for a later stage (a `vet` before a check, for the release comparison's note
    # keys) comes between: the stage looks past it, and never at the key the file has now.
    keys, statements = [], []
    for n in range(record_cache.EARLIER_KEYS + 2):
        project.replace(
            GUILD,
            "built its hall in Millford",
            f"built its hall in Millford{'!' * n}" if n else "built its hall in Millford",
            vet=False,
        ) if n else None
        base = load_and_validate(project.root)
        keys.append(base.file_keys[GUILD])
        statements.append(next(f.statement for f in base.facts if f.id == "guild-hall"))
    assert len(set(keys)) == len(keys) and base.earlier_facts is not None
    asked: list[str] = []
    wanted = keys[-3]
    found = base.earlier_facts(GUILD, lambda key: asked.append(key) or ("kept" if key == wanted else None))
    assert asked == [keys[-2], keys[-3]]  # the latest first, the key now never
    assert found is not None and found[0] == wanted and found[2] == "kept"
    assert next(f.statement for f in found[1] if f.id == "guild-hall") == statements[-3]
    asked.clear()
    assert base.earlier_facts(GUILD, lambda key: asked.append(key)) is None
    assert asked == keys[-2 : -2 - record_cache.EARLIER_KEYS : -1]  # a few earlier keys kept, no more
