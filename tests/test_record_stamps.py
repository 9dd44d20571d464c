"""A fact file's record-cache name taken from its stamp (engine/record_cache.py's `RecordCache._name`): the name (a hash
of the file's name and text) is kept with the file's stat signature, and a later validation that finds the same
signature, settled as engine/stamps.py settles a stamp, takes the name without hashing the text again. The answer
(every message, in order, and the exit code) is a cold check's after every kind of edit, and only the edited files'
texts are hashed."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Project, cli_check, sample_project

from factdeck.cli import cli
from factdeck.engine import record_cache
from factdeck.engine import stamps as stamps_module
from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.session import Session
from factdeck.engine.stamps import RACY_NS, NameStamps
from factdeck.exceptions import InputError
from factdeck.records import load
from factdeck.records.load import FactFile

GUILD = "facts/guild.yaml"
MORE = "facts/more-guild.yaml"


pytestmark = pytest.mark.usefixtures("every_check_validates")


@pytest.fixture
def project(tmp_path: Path, parse_cache_folder: Path) -> Project:
    return sample_project(tmp_path / "proj", more_facts=True)


def check(project: Project, cache: bool = True) -> tuple[int, str]:
    return cli_check(project, cache=cache)


def settle(project: Project) -> None:
    """Every fact file's modification time set a minute back: its change time (now) is then later, so a stamp taken
    from now on is settled at once (engine/stamps.py), as one taken long after an editor saved the file is."""
    for path in (project.root / "facts").glob("*.yaml"):
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 60 * 10**9))


def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fact files whose texts are hashed for their record-cache names from now on."""
    made: list[str] = []
    get = record_cache.RecordCache.get

    def spy(self: record_cache.RecordCache, file: FactFile, *again: object) -> object:
        before = self.hashed
        try:
            return get(self, file, *again)  # type: ignore[arg-type]
        finally:
            made.extend([file.display] * (self.hashed - before))

    monkeypatch.setattr(record_cache.RecordCache, "get", spy)
    return made


def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fact files whose texts are read from now on (when loaded, or later when asked for)."""
    made: list[str] = []
    read_stated = load.read_stated

    def spy(path: Path, display: str) -> tuple[str, tuple[int, int, int, int]]:
        if display.startswith("facts/") and Path(display).name not in load.SPECIAL_FACT_FOLDER_FILES:
            made.append(display)
        return read_stated(path, display)

    monkeypatch.setattr(load, "read_stated", spy)
    return made


def stamped(project: Project) -> None:
    """Checked with the fact files settled, so that each has a settled stamp."""
    settle(project)
    check(project)


def test_an_unchanged_file_s_text_is_not_hashed_again(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = check(project, cache=False)
    stamped(project)
    made, read = hashed(monkeypatch), reads(monkeypatch)
    assert check(project) == cold
    assert made == [] and read == []  # neither hashed nor even read


def _date(project: Project) -> None:
    project.replace(GUILD, 'date: "1910"', 'date: "1930"', vet=False)  # a warning: outside its era


def _statement(project: Project) -> None:
    project.replace(GUILD, "built its hall in Millford", "built its hall at Millford", vet=False)  # to review again


def _same_size_same_time(project: Project) -> None:
    """The same number of bytes, written back with the modification time it had: the change time and (for an editor
    that saves a new file) the inode tell it apart."""
    path = project.path(GUILD)
    info = path.stat()
    _date(project)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def _replaced(project: Project) -> None:
    """Saved as a new file renamed over the old one (as many editors save)."""
    path = project.path(GUILD)
    text = path.read_text(encoding="utf-8").replace('date: "1910"', 'date: "1930"', 1)
    fresh = path.with_name(".guild.yaml.new")
    fresh.write_text(text, encoding="utf-8")
    fresh.replace(path)


EDITS = {"date": _date, "statement": _statement, "same-size-same-time": _same_size_same_time, "replaced": _replaced}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_file_alone_is_hashed_and_the_answer_is_a_cold_check_s(
    project: Project, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    before = check(project, cache=False)
    stamped(project)
    EDITS[edit](project)
    made, read = hashed(monkeypatch), reads(monkeypatch)
    answer = check(project)
    assert made == [GUILD] and read == [GUILD]
    assert answer == check(project, cache=False)
    assert answer != before  # each edit changes the answer: a stale name would be seen
    made.clear()
    assert check(project) == answer  # stamped again: the edited file's stamp is taken, hashed only if not settled
    assert set(made) <= {GUILD}


def test_a_stamp_missing_part_of_the_signature_would_be_caught(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stamps of the size and modification time alone: a file written back with the same size and time keeps the name
    of its earlier text, and the check answers for the text it no longer holds, which the comparison with a cold check
    above would catch."""
    read_stated = load.read_stated

    def size_and_time_only(path: Path, display: str) -> tuple[str, tuple[int, int, int, int]]:
        text, (size, modified, _, _) = read_stated(path, display)
        return text, (size, modified, 0, 0)

    monkeypatch.setattr(load, "read_stated", size_and_time_only)
    before = check(project, cache=False)
    stamped(project)
    _same_size_same_time(project)
    assert check(project, cache=False) != before
    assert check(project) == before  # the earlier text's answer: wrong


def test_an_unread_file_whose_entry_is_gone_is_read_and_validated(
    project: Project, parse_cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = check(project, cache=False)
    stamped(project)
    shutil.rmtree(parse_cache_folder.parent / "records")
    made, read = hashed(monkeypatch), reads(monkeypatch)
    assert check(project) == cold
    assert sorted(read) == sorted(made) == [GUILD, MORE]  # named by their stamps, then read and named by their texts
    made.clear(), read.clear()
    assert check(project) == cold
    assert made == read == []


def test_another_context_names_the_files_afresh(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The records of another context (here: quotes checked against the archived texts) are other records: the files'
    stamps of the first context are no names in it."""
    with_archive = ["check", "--project", str(project.root), "--archive", str(project.archive)]
    cold = CliRunner().invoke(cli, with_archive, env={"FACTDECK_NO_CACHE": "1"}).output
    stamped(project)
    made = hashed(monkeypatch)
    assert CliRunner().invoke(cli, with_archive).output == cold != check(project)[1]
    assert sorted(made) == sorted([GUILD, MORE] * 2)  # each check in the other context than the last one's


def test_an_unread_file_that_can_no_longer_be_read_is_its_problem(
    project: Project, parse_cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file loaded unread (its stamp known) whose entry is gone is read when validated; if it changed meanwhile into
    a file that cannot be read, that is its problem, as when loading."""
    stamped(project)
    shutil.rmtree(parse_cache_folder.parent / "records")

    read_text = load.read_text

    def unreadable(path: Path, display: str) -> str:
        if display == GUILD:
            raise InputError(display, 0, "cannot read file: gone")
        return read_text(path, display)

    monkeypatch.setattr(load, "read_text", unreadable)
    code, output = check(project)
    assert code == 1
    assert f"{GUILD}: cannot read file: gone" in output.splitlines() and "Traceback" not in output


def _stamps() -> NameStamps:
    return NameStamps.kept(Session.one_off())


def _cache(stamps: NameStamps, context: str = "context") -> record_cache.RecordCache:
    return record_cache.RecordCache(code_fingerprint(), context, Session.one_off(), stamps)


def _file(project: Project) -> FactFile:
    path = project.path(GUILD)
    text, signature = load.read_stated(path, GUILD)
    return FactFile(path, GUILD, text, None, signature)


def _keep(file: FactFile, stamp: object) -> None:
    """`stamp` kept as the stamp of `file` (or, not a tuple, as the whole of what is kept)."""
    store = _stamps().store
    assert store is not None
    store.save(NameStamps.ENTRY, {str(file.path): stamp} if isinstance(stamp, tuple) else stamp)


def test_a_settled_stamp_s_name_is_taken_and_an_unsettled_one_s_is_not(
    project: Project, parse_cache_folder: Path
) -> None:
    path = project.path(GUILD)
    now = time.time_ns()
    os.utime(path, ns=(now, now))  # modified "now", and its change time no later than that (as a plain write leaves it)
    file = _file(project)
    assert file.signature is not None and file.signature[1] >= file.signature[3]
    modified = file.signature[1]
    for taken, context, taken_kept in (
        (modified + RACY_NS // 2, "context", False),
        (modified + 2 * RACY_NS, "context", True),
        (modified + 2 * RACY_NS, "another context", False),
    ):
        _keep(file, (GUILD, *file.signature, taken, context, "kept-name"))
        stamps = _stamps()
        assert stamps.known(str(path), GUILD, file.signature) == (taken > modified + RACY_NS)
        cache = _cache(stamps)
        digest = cache.store.digest(f"{GUILD}\0{file.text}")
        assert cache._name(file) == ("kept-name" if taken_kept else digest)
        assert cache.hashed == (not taken_kept)


@pytest.mark.parametrize(
    "damage", ["garbage", "not-a-dict", "elsewhere", "short", "another-name", "time-not-a-number", "name-not-text"]
)
def test_damaged_or_foreign_stamps_hash_the_text(project: Project, parse_cache_folder: Path, damage: str) -> None:
    settle(project)
    file = _file(project)
    assert file.signature is not None
    good = (file.display, *file.signature, file.signature[1] + 10 * RACY_NS, "context", "kept-name")
    damaged: dict[str, object] = {
        "garbage": "garbage",
        "not-a-dict": ["not", "a", "dict"],
        "elsewhere": {"elsewhere": good},
        "short": good[:-1],
        "another-name": ("facts/other.yaml", *good[1:]),
        "time-not-a-number": (*good[:5], str(good[5]), *good[6:]),
        "name-not-text": (*good[:7], 7),
    }
    _keep(file, good)
    assert _cache(_stamps())._name(file) == "kept-name"  # the undamaged stamp is taken
    _keep(file, damaged[damage])
    stamps = _stamps()
    assert not stamps.known(str(file.path), GUILD, file.signature)
    cache = _cache(stamps)
    assert cache._name(file) == cache.store.digest(f"{GUILD}\0{file.text}")
    assert cache.hashed == 1
    cache.finish()  # the stamp made now replaces what was kept, for the next validation
    again = _cache(_stamps())
    assert again._name(file) == cache.store.digest(f"{GUILD}\0{file.text}")
    assert again.hashed == 0


def test_a_file_without_a_signature_is_always_hashed(project: Project, parse_cache_folder: Path) -> None:
    settle(project)
    file = _file(project)
    cache = _cache(_stamps())
    cache._name(file)
    cache.finish()
    again = _cache(_stamps())
    assert again._name(FactFile(file.path, file.display, file.text)) == again.store.digest(f"{GUILD}\0{file.text}")
    assert again.hashed == 1


def test_another_project_s_stamps_are_kept_too(
    tmp_path: Path, parse_cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking one project and then another keeps both projects' stamps: checking the first again reads none of its
    files (up to NAME_STAMPS stamps are kept, the latest first)."""
    first, second = sample_project(tmp_path / "first", more_facts=True), sample_project(tmp_path / "second")
    cold = check(first, cache=False)
    stamped(first)
    stamped(second)
    made, read = hashed(monkeypatch), reads(monkeypatch)
    assert check(first) == cold
    assert made == [] and read == []


def test_the_latest_stamps_of_other_files_are_kept_up_to_the_limit(
    project: Project, parse_cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle(project)
    file = _file(project)
    assert file.signature is not None
    others = {f"/elsewhere/{i}.yaml": (f"facts/{i}.yaml", *file.signature, i, "context", "name") for i in range(5)}
    _keep(file, others)
    monkeypatch.setattr(stamps_module, "NAME_STAMPS", 3)
    stamps = _stamps()
    cache = _cache(stamps)
    cache._name(file)
    cache.finish()
    assert stamps.store is not None
    kept = stamps.store.load(NameStamps.ENTRY)
    assert set(kept) == {str(file.path), "/elsewhere/4.yaml", "/elsewhere/3.yaml"}  # the two latest others
