"""`factdeck init`, `review` and `vet`: a new project that checks and builds, and the vetting workflow."""

from __future__ import annotations

import difflib
import re

import pytest
from click.testing import CliRunner
from conftest import Project

from factdeck.cli import cli
from factdeck.records.load import load_document


def init(folder, *args: str):
    return CliRunner().invoke(cli, ["init", str(folder), *args], catch_exceptions=False)


@pytest.fixture
def new(tmp_path) -> Project:
    result = init(tmp_path / "canal", "--title", "Canal history")
    assert result.exit_code == 0, result.output
    return Project(tmp_path / "canal")


def test_a_new_project_checks_strictly_with_its_archive_and_builds(new):
    check = new.run("check", "--strict", "--archive", str(new.path("archive")))
    assert check.exit_code == 0, check.output
    assert check.stderr == ""
    assert check.stdout.splitlines()[-1] == "quotes: 7 verified, 0 not verified"
    build = new.run("build")
    assert build.exit_code == 0, build.output
    for made in ("starter/starter.apkg", "starter/worksheet-A.pdf", "starter/key-A.pdf", "starter/starter-quiz.html"):
        assert new.path(f"build/{made}").is_file(), made


def test_a_new_project_has_its_parts(new, tmp_path):
    config = load_document(new.path("factdeck.yaml"), "factdeck.yaml").data
    assert re.fullmatch(r"[0-9a-f]{32}", config["namespace"])
    assert config["archive"] == "archive"
    assert "/build/" in new.read(".gitignore").splitlines()
    assert new.read("README.md").startswith("# Canal history\n")
    assert 'name: "Canal history"' in new.read("decks/starter.yaml")
    facts = new.read("facts/canal.yaml")
    assert "dispute:" in facts and "attribution:" in facts and "citations:" in facts
    # Another project gets another namespace.
    assert init(tmp_path / "other").exit_code == 0
    other = load_document(tmp_path / "other/factdeck.yaml", "factdeck.yaml").data
    assert other["namespace"] != config["namespace"]


def test_init_refuses_a_folder_with_files(new):
    result = init(new.root)
    assert result.exit_code == 2
    assert "the folder is not empty" in result.stderr


def test_init_refuses_a_title_anki_would_split(tmp_path):
    result = init(tmp_path / "p", "--title", "A::B")
    assert result.exit_code == 2 and "'::'" in result.stderr
    assert not (tmp_path / "p").exists()


def test_review_lists_what_is_not_vetted_and_vet_marks_it(new):
    review = new.run("review")
    assert review.exit_code == 0
    assert "facts/canal.yaml:" in review.stdout and "last-cargo-boat: status is draft" in review.stdout
    before = new.read("facts/canal.yaml")
    vet = new.run("vet", "last-cargo-boat", "--reviewer", "fact-editor")
    assert vet.exit_code == 0, vet.output
    after = new.read("facts/canal.yaml")
    # Only the vetting keys changed; comments and layout are kept.
    diff = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[:1] in "+-"]
    assert diff[0] == "-   status: draft" and diff[1] == "+   status: vetted"
    assert re.fullmatch(r"\+   vetted: \d{4}-\d{2}-\d{2}", diff[2])
    assert diff[3] == "+   reviewer: fact-editor"
    assert re.fullmatch(r"\+   vetted_hash: [0-9a-f]{16}", diff[4])
    assert len(diff) == 5
    assert all(line in after for line in before.splitlines() if line.startswith("#"))
    assert "every fact is vetted" in new.run("review").stdout


def test_an_edit_after_vetting_is_flagged_until_vetted_again(new):
    new.replace("facts/canal.yaml", 'needed fourteen locks."', 'needed fifteen locks."', vet=False)
    check = new.run("check")
    assert check.exit_code == 0
    line = [ln for ln in check.stderr.splitlines() if "canal-locks" in ln]
    assert line and re.match(
        r"facts/canal\.yaml:\d+: warning: fact 'canal-locks': changed since it was vetted on \S+ by factdeck-starter, so no "
        r"output includes it \(as a fact under review\): review it, then `factdeck vet canal-locks --reviewer ROLE` "
        r"to include it again$",
        line[0],
    )
    strict = new.run("check", "--strict")
    assert strict.exit_code == 1 and "fact 'canal-locks': changed since it was vetted" in strict.stderr
    assert "canal-locks: changed since it was vetted" in new.run("review").stdout
    assert new.run("vet", "canal-locks", "--reviewer", "fact-editor").exit_code == 0
    assert new.run("check", "--strict").exit_code == 0


def test_notes_and_layout_are_not_vetted_content(new):
    new.replace(
        "facts/canal.yaml", "- id: canal-locks\n", "- id: canal-locks\n  notes: 'ask the archivist'\n", vet=False
    )
    new.replace("facts/canal.yaml", 'answer: "fourteen"', "answer: 'fourteen'", vet=False)
    assert new.run("check", "--strict").exit_code == 0


def test_vet_refuses_unknown_ids_and_bad_reviewers(new):
    unknown = new.run("vet", "canal-lock", "--reviewer", "fact-editor")
    assert unknown.exit_code == 2 and "no fact with id 'canal-lock' (did you mean 'canal-locks'?)" in unknown.stderr
    person = new.run("vet", "last-cargo-boat", "--reviewer", "Jane Doe")
    assert person.exit_code == 2 and "is not a role or handle" in person.stderr
    missing = new.run("vet", "last-cargo-boat")
    assert missing.exit_code == 2 and "--reviewer" in missing.stderr


def test_keep_record_adds_only_the_fingerprint(new):
    new.replace("facts/canal.yaml", "  vetted_hash:", "  old_hash:")  # as a fact vetted before fingerprints
    text = new.read("facts/canal.yaml")
    new.write("facts/canal.yaml", re.sub(r"  old_hash: \w+\n", "", text, count=1))
    assert "without a fingerprint" in new.run("check").stderr
    fact = "canal-opened"
    assert new.run("vet", fact, "--keep-record").exit_code == 0
    assert new.run("check", "--strict").exit_code == 0
    assert "reviewer: factdeck-starter" in new.read("facts/canal.yaml").split("- id: canal-locks")[0]


def test_a_vetted_date_in_the_future_is_refused(new):
    new.replace("facts/canal.yaml", "  vetted: ", "  vetted: 2999-01-01\n  old: ")
    text = re.sub(r"  old: \S+\n", "", new.read("facts/canal.yaml"), count=1)
    new.write("facts/canal.yaml", text)
    result = new.run("check")
    assert result.exit_code == 1
    assert re.search(
        r"facts/canal\.yaml:\d+: fact 'canal-opened': vetted date 2999-01-01 is in the future \(after today in every time zone\): write the day it was vetted",
        result.stderr,
    )


def test_a_new_projects_note_types_are_named_after_its_title_in_anki(new, tmp_path):
    from anki.collection import Collection, ImportAnkiPackageRequest

    assert 'title: "Canal history"' in new.read("factdeck.yaml")
    assert new.run("build", "--format", "apkg").exit_code == 0
    col = Collection(str(tmp_path / "learner.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(new.path("build/starter/starter.apkg"))))
        names = {n.name for n in col.models.all_names_and_ids()}
    finally:
        col.close()
    assert {"Canal history: fact card", "Canal history: fact cloze"} <= names
    assert not any(re.match(r"[0-9a-f]{32}:", name) for name in names)
