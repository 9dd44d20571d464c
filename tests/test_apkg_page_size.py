"""The package's collection is written in apkg_file.PAGE_SIZE pages, where builds before it wrote SQLite's default
4 KiB: a learner's Anki takes the first package in the new pages after one in the old as the same notes, updating
only those whose fact changed (tests/test_kept_collection.py holds the rebuild itself to a fresh build)."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from conftest import learner_takes_the_rebuild_as_an_update, released_then_built_in_4_kib_pages, sample_project

from factdeck.build import build
from factdeck.outputs.anki import apkg_file

DECK = "guild-history"
APKG = f"build/{DECK}/{DECK}.apkg"


def package_rows(package: Path, folder: Path) -> tuple[int, dict[str, tuple[int, str]]]:
    """The page size of the package's collection, and each note's modification time and fields by GUID."""
    with zipfile.ZipFile(package) as archive:
        database = archive.extract("collection.anki2", folder)
    connection = sqlite3.connect(database)
    try:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        notes = {guid: (mod, fields) for guid, mod, fields in connection.execute("SELECT guid, mod, flds FROM notes")}
    finally:
        connection.close()
    return page_size, notes


def test_the_first_package_in_larger_pages_updates_only_the_changed_notes(tmp_path, monkeypatch):
    assert apkg_file.PAGE_SIZE != 4096
    project = released_then_built_in_4_kib_pages(tmp_path / "proj", monkeypatch)
    assert package_rows(project.path(APKG), tmp_path / "before")[0] == 4096
    learner_takes_the_rebuild_as_an_update(project, APKG, tmp_path, lambda path, folder: package_rows(path, folder)[1])
    assert package_rows(project.path(APKG), tmp_path / "after")[0] == apkg_file.PAGE_SIZE


@pytest.mark.parametrize("page_size", [4096, apkg_file.PAGE_SIZE])
def test_a_package_is_written_in_the_page_size_asked_for(tmp_path, monkeypatch, page_size):
    # A page size set after the first table would be ignored by SQLite: the collection would stay in 4 KiB pages.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    monkeypatch.setattr(apkg_file, "PAGE_SIZE", page_size)
    project = sample_project(tmp_path / "proj")
    build(project.root, formats=("apkg",))
    assert package_rows(project.path(APKG), tmp_path)[0] == page_size
