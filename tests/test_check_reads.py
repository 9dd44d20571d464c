"""What `factdeck check` adds after validation (the Anki checks and their kept key, the fonts, the note keys saved, the
count of vetted facts) reads no unchanged fact file's records after an edit: each file's facts come as the decks'
selections grouped them (outputs/fact_files.py), named by the file's record-cache key, and a deck's share of the fronts
is told by the selection's kept matches. The answer (every message, in order, and the exit code) stays the one a check
without caches gives, after edits of every kind."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Project, cli_check

from factdeck.build import load_and_validate
from factdeck.outputs.fact_files import file_groups, vetted_count
from factdeck.records.by_file import facts_by_file
from factdeck.records.schema import Fact
from factdeck.records.select import select_facts
from test_release_inputs import _edit_fact, _hold_back, released_sample

SECOND_MASTER = "- id: second-master\n"


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    return released_sample(tmp_path, monkeypatch)


def _edit_status(project: Project) -> None:
    project.replace("facts/more-guild.yaml", "status: vetted", "status: retracted")


def _move_fact(project: Project) -> None:
    """The first fact of more-guild.yaml moved to the end of guild.yaml, unchanged."""
    text = project.read("facts/more-guild.yaml")
    start = text.index(SECOND_MASTER)
    end = text.index("\n- id: ", start) + 1
    project.write("facts/more-guild.yaml", text[:start] + text[end:])
    project.write("facts/guild.yaml", project.read("facts/guild.yaml").rstrip("\n") + "\n\n" + text[start:end])


def _edit_selection(project: Project) -> None:
    project.replace("decks/all.yaml", "cards:\n", "select:\n  exclude:\n    facts: [first-master]\ncards:\n")


def _release_after_edit(project: Project) -> None:
    _edit_fact(project)
    assert project.run("release").exit_code == 0


EDITS = [_edit_fact, _edit_status, _move_fact, _edit_selection, _release_after_edit, _hold_back]


@pytest.mark.parametrize("edit", EDITS)
def test_every_answer_after_an_edit_is_the_one_without_caches(released, every_check_validates, edit):
    first = cli_check(released)
    assert first == cli_check(released, cache=False)
    edit(released)
    fresh = cli_check(released, cache=False)
    assert cli_check(released) == fresh  # after the edit: each file's shares of the others kept
    assert cli_check(released) == fresh  # again: the Anki checks' answers kept under their key
    _groups_are_the_plain_ones(load_and_validate(released.root))


def _groups_are_the_plain_ones(base) -> None:
    """The base's file groups and vetted count (outputs/fact_files.py) are those read from every fact."""
    for deck in base.decks:
        select_facts(base, deck)
    groups = file_groups(base)
    assert groups is not None
    assert [(g.file, list(g.facts)) for g in groups] == list(facts_by_file(base.facts).items())
    held = {fact.file for fact in base.held_back.values()}
    assert [g.key for g in groups] == [None if g.file in held else base.file_keys[g.file] for g in groups]
    assert vetted_count(base) == len(base.vetted)


def _facts_read(run: Callable[[], object]) -> set[str]:
    """The files of the facts whose records `run` reads, but for what records/select.py reads (the selections' own
    work, kept per file there) and the facts' ids (a base holds every fact by id: `FactBase.facts_by_id`)."""
    read: set[str] = set()
    get = object.__getattribute__

    def spy(fact: Fact, name: str) -> object:
        caller = sys._getframe(1)
        while caller is not None and (
            "factdeck" not in caller.f_code.co_filename or caller.f_code.co_filename.endswith("record.py")
        ):
            caller = caller.f_back  # the reader: the first of factdeck's frames but a record's properties
        if name != "id" and (caller is None or not caller.f_code.co_filename.endswith("select.py")):
            read.add(get(fact, "__dict__").get("_where", ("?",))[0])
        return get(fact, name)

    Fact.__getattribute__ = spy  # type: ignore[method-assign]
    try:
        run()
    finally:
        del Fact.__getattribute__
    return read


def test_after_an_edit_the_checks_read_the_edited_files_facts_alone(released, every_check_validates):
    from factdeck.cli_check import _check_base

    assert cli_check(released)[0] == 0
    _edit_fact(released)
    base = load_and_validate(released.root)
    assert set(base.parts().files()) == {"facts/guild.yaml", "facts/more-guild.yaml"}  # no record made
    said: list = []
    assert _facts_read(lambda: said.extend(_check_base(base, False))) <= {"facts/guild.yaml"}
    assert any(text.startswith("ok: ") for text, _ in said)


def test_with_no_caches_every_fact_is_read(released, monkeypatch):
    # The other side of the test above: the same checks without the engine's caches (no file keys) read every file's.
    from factdeck.cli_check import _check_base

    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    base = load_and_validate(released.root)
    assert _facts_read(lambda: _check_base(base, False)) == {"facts/guild.yaml", "facts/more-guild.yaml"}


def _unchanged_made(base) -> list[bool]:  # type: ignore[no-untyped-def]
    """Whether each file taken back from its kept columns had its records made."""
    from factdeck.records.fact_columns import FileFacts

    assert base.fact_parts is not None
    return [part.restored for part in base.fact_parts.parts if isinstance(part, FileFacts)]


def test_a_whole_check_after_an_edit_makes_no_unchanged_files_records(released, every_check_validates):
    # Validation, then the duplicate fronts, the release comparison (each deck's drift, from the selections' matches
    # kept per file: records/select.py's `deck_groups`), the note keys, the fonts and the count: no record of the file
    # not edited is made, where selecting every deck's facts made them all.
    from factdeck.cli_check import _check_base

    assert cli_check(released)[0] == 0
    _edit_fact(released)
    assert cli_check(released)[0] == 0  # the edited file's shares kept
    released.replace("facts/guild.yaml", "In what town?", "In which town?")  # a second edit of the same fact
    base = load_and_validate(released.root)
    said = _check_base(base, False)
    assert any(text.startswith("ok: ") for text, _ in said)
    assert _unchanged_made(base) == [False]  # more-guild.yaml, taken back from its columns, no record made


def test_a_decks_groups_without_selecting_are_the_selected_ones(released, every_check_validates):
    from factdeck.records.select import deck_groups, selected_groups

    assert cli_check(released)[0] == 0
    _edit_fact(released)
    assert cli_check(released)[0] == 0
    released.replace("facts/guild.yaml", "In what town?", "In which town?")  # a second edit of the same fact
    lazy, plain = load_and_validate(released.root), load_and_validate(released.root)
    for deck in lazy.decks:
        groups = deck_groups(lazy, deck)
        assert groups is not None
        assert _unchanged_made(lazy) == [False]  # grouped without a record made
        grouped, matched = selected_groups(plain, deck, select_facts(plain, deck))
        assert {file: list(facts) for file, facts in groups[0].items()} == grouped and groups[1] == matched
        assert select_facts(lazy, deck) == select_facts(plain, deck)  # the matches found first are the selection's
