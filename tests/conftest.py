"""Shared fixtures: a throwaway copy of a small, valid sample project per test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from factdeck.build import load_and_validate
from factdeck.cli import cli
from factdeck.records.templates import BUILTIN

SAMPLE = Path(__file__).parent / "fixtures" / "sample"
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Project:
    """A sample project in tmp_path, with helpers to break it and run commands on it."""

    root: Path

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    def path(self, relative: str) -> Path:
        return self.root / relative

    def read(self, relative: str) -> str:
        """A project file's text; a template the project has no copy of reads as the built-in one (so
        `replace` on a template makes the project's own, overriding copy, as a user would)."""
        path = self.path(relative)
        if not path.exists() and relative.startswith("templates/"):
            path = BUILTIN / relative.removeprefix("templates/")
        return path.read_text(encoding="utf-8")

    def write(self, relative: str, text: str, vet: bool = True) -> Path:
        """Write a project file. A fact file's vetted facts whose content this changes are vetted again (their
        `vetted_hash` updated, as `factdeck vet` would after review) unless `vet` is False: a fact changed
        since it was vetted reaches no output, and only the tests of vetting itself want one."""
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if vet and relative.startswith("facts/") and relative.endswith((".yaml", ".yml")):
            self.vet_changed()
        return target

    def replace(self, relative: str, old: str, new: str, vet: bool = True) -> None:
        text = self.read(relative)
        assert old in text, f"{old!r} not in {relative}"
        self.write(relative, text.replace(old, new, 1), vet)

    def vet_changed(self) -> None:
        """Give every vetted fact changed since it was vetted the fingerprint of its content now (in place: no
        line moves). A project that does not validate is left as it is (the test is about its errors)."""
        from factdeck.exceptions import FactdeckError
        from factdeck.records.vetting import fingerprint

        try:
            base = load_and_validate(self.root)
        except FactdeckError:
            return
        for fact in base.held_back.values():
            path = self.path(fact.file)
            text = path.read_text(encoding="utf-8")
            assert text.count(f"vetted_hash: {fact.vetted_hash}") == 1, fact.id
            path.write_text(
                text.replace(f"vetted_hash: {fact.vetted_hash}", f"vetted_hash: {fingerprint(fact)}"), "utf-8"
            )

    def run(self, *args: str) -> Result:
        """Run the CLI on this project (after the subcommand, so --project applies)."""
        return CliRunner().invoke(cli, [*args, "--project", str(self.root)], catch_exceptions=False)


def imported_by(argv: list[str], modules: tuple[str, ...]) -> tuple[list[str], str, str]:
    """Run `factdeck *argv` in a fresh interpreter: (its output's lines, then which of `modules` it imported, as
    the last line), and its stderr."""
    code = (
        "import sys\nfrom factdeck.cli import main\n"
        f"sys.argv = ['factdeck', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = run.stdout.strip().splitlines()
    return lines[:-1], lines[-1], run.stderr


@pytest.fixture
def every_check_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `check` validates: the whole answer kept for a project nothing has changed in (kept_check's `said`)
    would answer before validation, so the caches under test would not be reached."""
    from factdeck.engine import kept_check

    monkeypatch.setattr(kept_check.KeptCheck, "said", lambda self: None)


def cli_check(project: Project, *more: str, cache: bool = True) -> tuple[int, str]:
    """`factdeck check --project <root> [more...]` through click's runner: (exit code, output); `cache=False`
    turns every cache off (FACTDECK_NO_CACHE), the answer a kept result must equal."""
    env = {} if cache else {"FACTDECK_NO_CACHE": "1"}
    result = CliRunner().invoke(cli, ["check", "--project", str(project.root), *more], env=env)
    return result.exit_code, result.output


def across_rules_ran(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the facts any part of the rules across facts (records/across.py's `AcrossRules`) runs on from
    now on, in order, each time it runs."""
    from factdeck.records import across

    ran: list[str] = []
    for name in ("distractor_problems", "false_statement_problems", "question_problems", "date_problems"):
        check_fact = getattr(across.AcrossRules, name)
        monkeypatch.setattr(
            across.AcrossRules,
            name,
            lambda self, fact, check_fact=check_fact: ran.append(fact.id) or check_fact(self, fact),
        )
    return ran


@pytest.fixture(autouse=True)
def parse_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tests keep the parse cache to themselves, away from the user's cache folder."""
    folder = tmp_path_factory.mktemp("parse-cache")
    monkeypatch.setenv("FACTDECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("FACTDECK_NO_CACHE", raising=False)
    return folder / "parse"


MORE_FACTS = Path(__file__).parent / "fixtures" / "quiz" / "more-guild.yaml"


def bench_base(facts: int, folder: Path) -> Path:
    """The bench's synthetic project written like the shipped one (bench/synth.py), `facts` facts in `folder`,
    without a release record; returns its root."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        sys.modules.pop("synth", None)
        import synth
    finally:
        sys.path.pop(0)
    return synth.generate(facts, folder, release=False)


def sample_project(root: Path, more_facts: bool = False) -> Project:
    """A copy of the sample project at `root` (without templates/: it renders with the built-in ones, as a
    new user's project does) and, with `more_facts`, the extra facts that worksheets and meeting packs need."""
    shutil.copytree(SAMPLE, root)
    if more_facts:
        shutil.copy(MORE_FACTS, root / "facts" / "more-guild.yaml")
    return Project(root)


def released_then_built_in_4_kib_pages(root: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The sample project, released, then built (Anki packages only) as builds before apkg_file.PAGE_SIZE did:
    in SQLite's default 4 KiB pages. SOURCE_DATE_EPOCH is left set to the build's time (1800000100)."""
    from factdeck.build import build
    from factdeck.outputs.anki import apkg_file

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    project = sample_project(root)
    assert project.run("release").exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000100")
    with monkeypatch.context() as older:
        older.setattr(apkg_file, "PAGE_SIZE", 4096)
        build(project.root, formats=("apkg",))
    return project


def learner_takes_the_rebuild_as_an_update(project: Project, package: str, folder: Path, notes_of: Callable) -> None:
    """A learner's Anki (the official `anki` package) imports the deck's `package` as built now; the sample fact
    file's statement is edited and the project rebuilt (Anki packages only); the second import updates exactly
    the notes whose row changed and reports every other as a duplicate. `notes_of(package_path, folder)` reads
    each note's row by GUID (extracting into `folder`)."""
    from anki.collection import Collection, ImportAnkiPackageRequest

    from factdeck.build import build

    old_notes = notes_of(project.path(package), folder / "old")
    col = Collection(str(folder / "learner.anki2"))
    try:
        first = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(project.path(package)))).log
        assert len(first.new) == len(old_notes)
        project.replace("facts/guild.yaml", "by ferry workers.", "by river ferry workers.")
        build(project.root, formats=("apkg",))
        new_notes = notes_of(project.path(package), folder / "new")
        changed = {guid for guid, note in new_notes.items() if old_notes.get(guid) != note}
        assert new_notes.keys() == old_notes.keys() and 0 < len(changed) < len(new_notes)
        log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(project.path(package)))).log
        # Anki updates the notes of the edited fact and reports every other as a duplicate of the one it holds.
        assert not log.new and not log.conflicting
        guids = [{col.get_note(n.id.nid).guid for n in notes} for notes in (log.updated, log.duplicate)]
        assert guids == [changed, new_notes.keys() - changed]
    finally:
        col.close()


def shipped_copy(root: Path, translations: bool = False, published: bool = True) -> Project:
    """A copy of the shipped project at `root` (created): facts/, decks/ and factdeck.yaml, with translations/
    if `translations`, and without decks/published/ (the release records) unless `published`."""
    root.mkdir()
    ignore = None if published else shutil.ignore_patterns("published")
    for name in ("facts", "decks", *(["translations"] if translations else [])):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    shutil.copy(REPO / "factdeck.yaml", root / "factdeck.yaml")
    return Project(root)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return sample_project(tmp_path / "proj")
