"""A passing check's answer, kept under a hash of everything the check reads (engine/kept_check.py): given again
only for the very inputs and settings it was made from, as the same lines on the same streams a fresh check
prints; never for a failing check, nor for an edit made while the check ran."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import pytest
from conftest import imported_by

from factdeck import cli_check
from factdeck.engine import incremental, kept_check
from factdeck.records import validate

UNCITED = """
- id: almanac
  title: "An Almanac of the River Towns"
  publisher: "Example Press"
  accessed: 2026-11-22
  kind: book
  stance: neutral
  perspective: "A yearly almanac listing the towns' guilds."
"""


@pytest.fixture
def validated(monkeypatch) -> list[tuple]:
    """The checks that validated (the others gave a kept answer)."""
    calls: list[tuple] = []
    original = cli_check._checked
    monkeypatch.setattr(cli_check, "_checked", lambda *args: calls.append(args) or original(*args))
    return calls


def outcome(project, *args: str) -> tuple[int, str, str, str]:
    result = project.run("check", *args)
    return result.exit_code, result.stdout, result.stderr, result.output


def fresh(project, monkeypatch, *args: str) -> tuple[int, str, str, str]:
    """What a check that keeps and reads nothing prints."""
    with monkeypatch.context() as m:
        m.setenv("FACTDECK_NO_CACHE", "1")
        return outcome(project, *args)


def test_an_unchanged_project_gets_the_last_answer_without_validating(project, monkeypatch, validated):
    project.write("facts/sources.yaml", project.read("facts/sources.yaml") + UNCITED)  # a warning, on stderr
    first = outcome(project)
    assert first[0] == 0 and "almanac" in first[2] and first[1].startswith("ok: ")
    assert len(validated) == 1
    assert outcome(project) == first == fresh(project, monkeypatch)
    assert len(validated) == 2  # the fresh one
    assert outcome(project, "--archive", str(project.archive)) == fresh(
        project, monkeypatch, "--archive", str(project.archive)
    )
    assert len(validated) == 4
    assert outcome(project, "--archive", str(project.archive)) == fresh(
        project, monkeypatch, "--archive", str(project.archive)
    )
    assert len(validated) == 5


def _edit_fact(project, monkeypatch) -> None:
    project.replace("facts/guild.yaml", "Millford", "Millgate")


def _same_size_fact_edit_keeping_its_time(project, monkeypatch) -> None:
    path = project.path("facts/guild.yaml")
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Millford", "Millgate"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _uncited_source(project, monkeypatch) -> None:
    project.write("facts/sources.yaml", project.read("facts/sources.yaml") + UNCITED)


def _deck(project, monkeypatch) -> None:
    project.replace("decks/all.yaml", "River Guild history", "The River Guild's history")


def _template(project, monkeypatch) -> None:
    project.write("templates/quiz/extra.typ", "// a file the build does not read yet\n")


def _translation(project, monkeypatch) -> None:
    project.write("translations/de/guild.yaml", "- fact: no-such-fact\n  question: Was?\n")


def _catalog(project, monkeypatch) -> None:
    project.write("locale/de/LC_MESSAGES/factdeck.po", 'msgid "a\n')


def _config(project, monkeypatch) -> None:
    project.write("factdeck.yaml", project.read("factdeck.yaml") + "\n# edited\n")


def _archive_text(project, monkeypatch) -> None:
    path = project.archive / "chronicle.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("the", "a"), encoding="utf-8")


def _output_elsewhere(project, monkeypatch) -> None:
    elsewhere = project.root.parent / "elsewhere"
    elsewhere.mkdir()
    project.path("build").symlink_to(elsewhere, target_is_directory=True)  # outside the project: refused


def _linked(project, name: str, folder) -> None:
    """`name` replaced by a link to a copy of its bytes in `folder` (made if missing)."""
    folder.mkdir(exist_ok=True)
    copy = folder / name.replace("/", "-")
    copy.write_bytes(project.path(name).read_bytes())
    project.path(name).unlink()
    project.path(name).symlink_to(copy)


def _fact_file_a_link_outside(project, monkeypatch) -> None:
    # The same bytes, now read through a link to a file outside the project: refused, though no byte changed.
    _linked(project, "facts/guild.yaml", project.root.parent / "outside")


def _fact_file_a_link_inside(project, monkeypatch) -> None:
    # A link to a copy inside the project is read as the file was: the same answer, worked out afresh.
    _linked(project, "facts/guild.yaml", project.path("copies"))


def _configuration_a_link_outside(project, monkeypatch) -> None:
    _linked(project, "factdeck.yaml", project.root.parent / "outside")


def _code(project, monkeypatch) -> None:
    monkeypatch.setattr(incremental, "code_fingerprint", lambda: "another factdeck")


def _distributions(project, monkeypatch) -> None:
    monkeypatch.setattr(kept_check, "installed", lambda: ["another pydantic"])


def _epoch(project, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1.5")


EDITS: dict[str, Callable] = {
    "fact": _edit_fact,
    "fact, same size and time": _same_size_fact_edit_keeping_its_time,
    "uncited source": _uncited_source,
    "deck": _deck,
    "template": _template,
    "translation": _translation,
    "catalog": _catalog,
    "factdeck.yaml": _config,
    "archived text": _archive_text,
    "output folder a link outside": _output_elsewhere,
    "fact file a link outside": _fact_file_a_link_outside,
    "fact file a link inside": _fact_file_a_link_inside,
    "factdeck.yaml a link outside": _configuration_a_link_outside,
    "code": _code,
    "installed distributions": _distributions,
    "SOURCE_DATE_EPOCH": _epoch,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
@pytest.mark.parametrize("args", [(), ("--strict", "--archive", "archive")], ids=["plain", "strict with archive"])
def test_every_change_the_check_reads_is_checked_afresh(project, monkeypatch, validated, edit, args):
    args = tuple(str(project.root / a) if a == "archive" else a for a in args)
    before = outcome(project, *args)
    assert before[0] == 0
    assert outcome(project, *args) == before and len(validated) == 1
    edit(project, monkeypatch)
    after = outcome(project, *args)
    # Checked, not given the answer kept for the inputs before the change (a check without an archive reads none).
    reads = edit is not _archive_text or bool(args)
    assert len(validated) == 1 + reads
    assert after == fresh(project, monkeypatch, *args)
    assert outcome(project, *args) == after
    # The fresh check validated; then a passing check's answer is kept, a failing one is not.
    assert len(validated) == 2 + reads + (after[0] != 0)


def test_a_day_in_the_future_is_an_error_until_that_day(project, monkeypatch, validated):
    today = dt.date(2026, 11, 22)
    for module in (validate, kept_check):
        monkeypatch.setattr(module, "latest_today", lambda: today)
    project.replace("facts/guild.yaml", "vetted: 2026-11-22", "vetted: 2026-11-23", vet=False)
    assert outcome(project)[0] == 1 and outcome(project)[0] == 1
    assert len(validated) == 2  # a failing check is never kept
    today = dt.date(2026, 11, 23)
    assert outcome(project)[0] == 0
    today = dt.date(2026, 11, 22)
    assert outcome(project)[0] == 1
    assert len(validated) == 4


def test_an_edit_made_while_the_check_ran_is_not_filed_under_the_text_it_replaced(project, monkeypatch):
    original = cli_check._checked
    guild = project.path("facts/guild.yaml")
    before = guild.read_text(encoding="utf-8")

    def edited_meanwhile(*args):
        said = original(*args)
        project.write("facts/sources.yaml", project.read("facts/sources.yaml") + UNCITED)
        return said

    monkeypatch.setattr(cli_check, "_checked", edited_meanwhile)
    first = outcome(project)
    monkeypatch.setattr(cli_check, "_checked", original)
    assert "almanac" in outcome(project)[2]  # the edit is seen
    project.write("facts/sources.yaml", project.read("facts/sources.yaml").replace(UNCITED, ""))
    assert guild.read_text(encoding="utf-8") == before
    assert outcome(project) == first == fresh(project, monkeypatch)


def test_a_damaged_answer_is_a_miss_and_no_cache_keeps_nothing(project, monkeypatch, validated):
    first = outcome(project)
    folder = kept_check.cache_folder(kept_check.FOLDER)
    assert folder is not None
    entries = [p for p in folder.glob("*/*") if p.is_file()]
    assert len(entries) == 1
    entries[0].write_bytes(b"damaged")
    assert outcome(project) == first and len(validated) == 2
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    assert outcome(project) == first and outcome(project) == first and len(validated) == 4


def test_a_kept_answer_imports_neither_the_parser_nor_the_models(project) -> None:
    heavy = ("yaml", "pydantic", "jinja2", "genanki", "typst", "babel", "factdeck.records.schema")
    argv = ["check", "--project", str(project.root)]
    first, first_imported, first_errors = imported_by(argv, heavy)
    again, again_imported, again_errors = imported_by(argv, heavy)
    assert first_imported != "[]"  # the first check validated
    assert again_imported == "[]"
    assert again == first and again_errors == first_errors
