"""Each fact file's characters kept for the font check (outputs/print/coverage.py's `_file_characters`, under the
file's record-cache key): a check after an edit reads the edited fact file's text, not every fact file's, and finds
what a check without the cache finds."""

from __future__ import annotations

import pytest
from conftest import Project, sample_project

from factdeck.outputs.print import coverage

SHIP = "\U0001f6a2"  # an emoji no bundled font has (as tests/test_hardening.py)
FACT_FILES = ("facts/guild.yaml", "facts/more-guild.yaml")


def _ship_in_a_question(project: Project) -> None:
    project.replace("facts/guild.yaml", "River Guild founded?", f"River Guild {SHIP} founded?")
    assert project.run("vet", "guild-founded", "--reviewer", "fact-editor").exit_code == 0


def _uncached_stderr(project: Project, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as uncached:
        uncached.setenv("FACTDECK_NO_CACHE", "1")
        return project.run("check").stderr


@pytest.mark.parametrize("keyed_by_name", [False, True])
def test_a_check_after_an_edit_reads_the_edited_fact_files_characters(
    tmp_path, parse_cache_folder, monkeypatch, keyed_by_name
):
    project = sample_project(tmp_path / "proj", more_facts=True)
    if keyed_by_name:  # kept under the file's name alone, not what stands for its text: caught below
        kept_characters = coverage._file_characters

        def by_name(base, files, text_of):
            keys, base.file_keys = base.file_keys, {file: file for file in base.file_keys}
            try:
                return kept_characters(base, files, text_of)
            finally:
                base.file_keys = keys

        monkeypatch.setattr(coverage, "_file_characters", by_name)
    assert project.run("check").exit_code == 0
    _ship_in_a_question(project)
    read: list[str] = []
    characters = coverage._characters
    monkeypatch.setattr(coverage, "_characters", lambda text: read.append(text) or characters(text))
    checked = project.run("check")
    assert checked.exit_code == 0, checked.output
    fact_files_read = {name for name in FACT_FILES if project.read(name) in read}
    fresh = _uncached_stderr(project, monkeypatch)
    assert f"the character '{SHIP}' (U+1F6A2 SHIP)" in fresh
    assert (checked.stderr == fresh) is not keyed_by_name
    if not keyed_by_name:
        assert fact_files_read == {"facts/guild.yaml"}
