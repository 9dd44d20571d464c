"""Facts that move between files, files swapped or renamed, an id taken by another file's fact: a validation after
such an edit, with the parts and findings kept for the files' old contents, gives the answer one without any cache
gives (the parts of the rules across facts are kept per file and name facts by their file and line)."""

from __future__ import annotations

import pytest

from test_kept_across import DISAGREEING, fresh, outcome
from test_record_cache import OTHER_FACT

# A third date fact asking what `founding-year` and the sample's `guild-founded` ask, with a third answer.
THIRD = DISAGREEING.replace("id: founding-year", "id: founding-year-later").replace('"1902"', '"1903"')
THIRD = THIRD.replace("in 1902.", "in 1903.").replace("00000000000000bb", "00000000000000cc")


def swap(project) -> None:
    other, more = project.read("facts/other.yaml"), project.read("facts/more.yaml")
    project.write("facts/other.yaml", more)
    project.write("facts/more.yaml", other)


def move_disagreeing(project) -> None:
    project.write("facts/other.yaml", OTHER_FACT)
    project.write("facts/more.yaml", THIRD + "\n" + DISAGREEING)


def rename_first(project) -> None:
    project.path("facts/more.yaml").rename(project.path("facts/aaa.yaml"))


def take_id(project) -> None:
    project.replace("facts/more.yaml", "id: founding-year-later", "id: founding-year")


EDITS = {
    "two files swapped": swap,
    "a fact moved to another file": move_disagreeing,
    "a file renamed to come first": rename_first,
    "an id taken by another file's fact": take_id,
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_an_edit_across_files_gives_the_fresh_answer(project, monkeypatch, edit):
    project.write("facts/other.yaml", OTHER_FACT + "\n" + DISAGREEING)
    project.write("facts/more.yaml", THIRD)
    before = outcome(project)
    assert any("answers '1903' where" in p for p in before[1]), before[1]  # the parts are read
    EDITS[edit](project)
    cached = outcome(project)
    assert cached == fresh(project, monkeypatch)
    assert cached != before  # the edit changes what the rules find or where they say it
    assert outcome(project) == cached  # and again, from what the edited validation kept
