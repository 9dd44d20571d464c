"""A fact file's record-cache name taken from its stamp (engine/record_cache.py's `RecordCache._name`): the name (a hash
of the file's name and text) is kept with the file's stat signature, and a later validation that finds the same
signature, settled as engine/stamps.py settles a stamp, takes the name without hashing the text again. The answer
(every message, in order, and the exit code) is a cold check's after every kind of edit, and only the edited files'
texts are hashed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Project, sample_project

from factdeck.cli import cli
from factdeck.engine import kept_check, record_cache
from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.session import Session
from factdeck.engine.stamps import RACY_NS
from factdeck.records import load
from factdeck.records.load import FactFile

GUILD = "facts/guild.yaml"
MORE = "facts/more-guild.yaml"


@pytest.fixture(autouse=True)
def every_check_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole answer kept for a project nothing has changed in would answer before validation."""
    monkeypatch.setattr(kept_check.KeptCheck, "said", lambda self: None)


@pytest.fixture
def project(tmp_path: Path, parse_cache_folder: Path) -> Project:
    return sample_project(tmp_path / "proj", more_facts=True)


def check(project: Project, cache: bool = True) -> tuple[int, str]:
    env = {} if cache else {"FACTDECK_NO_CACHE": "1"}
    result = CliRunner().invoke(cli, ["check", "--project", str(project.root)], env=env)
    return result.exit_code, result.output


def settle(project: Project) -> None:
    """Every fact file's modification time set a minute back: its change time (now) is then later, so a stamp taken
    from now on is settled at once (engine/stamps.py), as one taken long after an editor saved the file is."""
    for path in (project.root / "facts").glob("*.yaml"):
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 60 * 10**9))


def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fact files whose texts are hashed for their record-cache names from now on."""
    made: list[str] = []
    name_of = record_cache.RecordCache._name

    def spy(self: record_cache.RecordCache, file: FactFile) -> str:
        before = self.hashed
        name = name_of(self, file)
        if self.hashed > before:
            made.append(file.display)
        return name

    monkeypatch.setattr(record_cache.RecordCache, "_name", spy)
    return made


def stamped(project: Project) -> None:
    """Checked with the fact files settled, so that each has a settled stamp."""
    settle(project)
    check(project)


def test_an_unchanged_file_s_text_is_not_hashed_again(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = check(project, cache=False)
    stamped(project)
    made = hashed(monkeypatch)
    assert check(project) == cold
    assert made == []


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
    made = hashed(monkeypatch)
    answer = check(project)
    assert made == [GUILD]
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


def _cache(parse_cache_folder: Path) -> record_cache.RecordCache:
    return record_cache.RecordCache(code_fingerprint(), "context", Session.one_off())


def _file(project: Project) -> FactFile:
    path = project.path(GUILD)
    text, signature = load.read_stated(path, GUILD)
    return FactFile(path, GUILD, text, None, signature)


def _stamp(cache: record_cache.RecordCache, file: FactFile, taken: int, name: str) -> None:
    assert file.signature is not None
    cache.latest.save(record_cache.STAMPS, {str(file.path): (file.display, *file.signature, taken, name)})


def test_a_settled_stamp_s_name_is_taken_and_an_unsettled_one_s_is_not(
    project: Project, parse_cache_folder: Path
) -> None:
    path = project.path(GUILD)
    now = time.time_ns()
    os.utime(path, ns=(now, now))  # modified "now", and its change time no later than that (as a plain write leaves it)
    file = _file(project)
    assert file.signature is not None and file.signature[1] >= file.signature[3]
    digest = _cache(parse_cache_folder).store.digest(f"{GUILD}\0{file.text}")
    modified = file.signature[1]
    taken_soon, taken_later = modified + RACY_NS // 2, modified + 2 * RACY_NS
    for taken, expected in ((taken_soon, digest), (taken_later, "kept-name")):
        cache = _cache(parse_cache_folder)
        _stamp(cache, file, taken, "kept-name")
        assert cache._name(file) == expected
        assert cache.hashed == (expected == digest)


@pytest.mark.parametrize(
    "stamps",
    [
        None,
        "garbage",
        ["not", "a", "dict"],
        {"elsewhere": ("x",)},
        "short",
        "another-name",
        "time-not-a-number",
        "name-not-text",
    ],
)
def test_damaged_or_foreign_stamps_hash_the_text(project: Project, parse_cache_folder: Path, stamps: object) -> None:
    settle(project)
    file = _file(project)
    assert file.signature is not None
    good = (file.display, *file.signature, file.signature[1] + 10 * RACY_NS, "kept-name")
    damaged = {
        "short": good[:-1],
        "another-name": ("facts/other.yaml", *good[1:]),
        "time-not-a-number": (*good[:5], str(good[5]), good[6]),
        "name-not-text": (*good[:6], 7),
    }
    cache = _cache(parse_cache_folder)
    if isinstance(stamps, str) and stamps in damaged:
        cache.latest.save(record_cache.STAMPS, {str(file.path): damaged[stamps]})
    elif stamps is not None:
        cache.latest.save(record_cache.STAMPS, stamps)
    assert cache._name(file) == cache.store.digest(f"{GUILD}\0{file.text}")
    assert cache.hashed == 1
    cache.finish()  # the stamp made now replaces what was kept, for the next validation
    again = _cache(parse_cache_folder)
    assert again._name(file) == cache.store.digest(f"{GUILD}\0{file.text}")
    assert again.hashed == 0


def test_a_file_without_a_signature_is_always_hashed(project: Project, parse_cache_folder: Path) -> None:
    file = _file(project)
    unsigned = FactFile(file.path, file.display, file.text)
    cache = _cache(parse_cache_folder)
    cache._name(file)
    cache.finish()
    again = _cache(parse_cache_folder)
    assert again._name(unsigned) == again.store.digest(f"{GUILD}\0{file.text}")
    assert again.hashed == 1
