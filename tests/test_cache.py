"""The parse cache: unchanged files are not parsed again, and nothing in the cache is trusted blindly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factdeck.engine.incremental import code_fingerprint
from factdeck.engine.parse_cache import ParseCache, cache_folder
from factdeck.exceptions import InputError
from factdeck.records import load
from factdeck.records.load import load_project


def cached_load(root: Path):
    """`load_project` with the parse cache, as a command loads (engine/validation.py)."""
    return load_project(root, ParseCache(cache_folder(), code_fingerprint()))


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*") if p.is_file()) if folder.is_dir() else []


def snapshot(raw) -> list:
    """Every file's data and lines (fact files are parsed when asked, as the validator does)."""
    documents = [raw.sources, raw.eras, *(f.parse() for f in raw.facts), *raw.decks]
    return [(d.display, d.data, d.lines) for d in documents]


def no_parsing(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("parsed although the cache holds this text")

    monkeypatch.setattr(load, "parse_document", refuse)


def test_unchanged_files_come_from_the_cache(project, parse_cache_folder, monkeypatch):
    project.path("factdeck.yaml").unlink()  # the snapshot holds the record files only
    first = snapshot(cached_load(project.root))
    assert len(entries(parse_cache_folder)) == len(first)
    no_parsing(monkeypatch)
    assert snapshot(cached_load(project.root)) == first


def test_a_changed_file_is_parsed_again(project, monkeypatch):
    cached_load(project.root)
    project.replace("facts/guild.yaml", "by ferry workers.", "by the ferry workers.")
    calls = []
    parse = load.parse_document
    monkeypatch.setattr(load, "parse_document", lambda *a: calls.append(a[2]) or parse(*a))
    documents = snapshot(cached_load(project.root))
    assert calls == ["facts/guild.yaml"]
    assert documents[2][1][0]["statement"].endswith("by the ferry workers.")


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "foreign"])
def test_a_damaged_entry_is_ignored(project, parse_cache_folder, damage):
    expected = snapshot(cached_load(project.root))
    for entry in entries(parse_cache_folder):
        raw = entry.read_bytes()
        if damage == "truncate":
            entry.write_bytes(raw[: len(raw) // 2])
        elif damage == "foreign":  # well-formed, but not what an entry holds
            entry.write_bytes(raw[: raw.index(b"\0") + 1] + __import__("marshal").dumps(42))
        else:
            entry.write_bytes(damage)
    assert snapshot(cached_load(project.root)) == expected
    assert snapshot(cached_load(project.root)) == expected  # and the entries were replaced


def test_errors_are_never_cached(project):
    project.write("decks/broken.yaml", "id: [unclosed\n")
    project.write("facts/broken.yaml", "- id: [unclosed\n")
    for _ in range(2):
        raw = cached_load(project.root)
        assert [(e.problem.path, e.problem.line) for e in raw.errors] == [("decks/broken.yaml", 1)]
        broken = next(f for f in raw.facts if f.display == "facts/broken.yaml")
        with pytest.raises(InputError, match="not closed with"):
            broken.parse()


def test_other_code_never_reads_an_entry(tmp_path):
    ParseCache(tmp_path, "code one").put("a: 1\n", {"a": 1}, {(): 1})
    assert ParseCache(tmp_path, "code one").get("a: 1\n") == ({"a": 1}, {(): 1})
    assert ParseCache(tmp_path, "code two").get("a: 1\n") is None


def test_a_full_folder_is_trimmed_to_its_newest_entries(tmp_path, monkeypatch):
    from factdeck.engine import parse_cache

    texts = [f"n: {i}\n" for i in range(6)]
    for age, text in enumerate(texts):
        ParseCache(tmp_path, "code").put(text, {"n": age}, {(): 1})
    for age, entry in enumerate(sorted(entries(tmp_path), key=lambda e: e.stat().st_mtime_ns)):
        os.utime(entry, (1_000_000 + age, 1_000_000 + age))  # a clear order, oldest first
    size = entries(tmp_path)[0].stat().st_size
    monkeypatch.setattr(parse_cache, "MAX_BYTES", 4 * size)
    store = ParseCache(tmp_path, "code")
    store.put("n: new\n", {"n": "new"}, {(): 1})  # the newest entry
    store.trim()
    kept = [text for text in [*texts, "n: new\n"] if ParseCache(tmp_path, "code").get(text)]
    assert kept == [texts[3], texts[4], texts[5], "n: new\n"]


def test_trimming_measures_the_folder_once_in_a_while(tmp_path, monkeypatch):
    """Later trims in one watching session add what they wrote to the last measure instead of walking the
    folder, until the measure passes the limit."""
    from factdeck.engine import parse_cache
    from factdeck.engine.session import Session

    session = Session.watching()
    walks = []
    measure = parse_cache.ContentStore._measure

    def counted(self, *args):
        walks.append(self.folder)
        return measure(self, *args)

    monkeypatch.setattr(parse_cache.ContentStore, "_measure", counted)

    def save_and_trim(text: str) -> None:
        store = ParseCache(tmp_path, "code", session=session)
        store.put(text, {"text": text}, {(): 1})
        session.write_held()  # as a watch does after each round: writes, then trims

    save_and_trim("a: 1\n")
    assert len(walks) == 1
    size = entries(tmp_path)[0].stat().st_size
    monkeypatch.setattr(parse_cache, "MAX_BYTES", 3 * size + 2)
    save_and_trim("a: 2\n")
    save_and_trim("a: 3\n")
    assert len(walks) == 1 and len(entries(tmp_path)) == 3
    save_and_trim("a: 4\n")  # past the limit by the measure: walked and trimmed
    assert len(walks) == 2 and len(entries(tmp_path)) == 3
    ParseCache(tmp_path, "code").trim()  # nothing written: nothing to do
    assert len(entries(tmp_path)) == 3


def test_held_entries_are_written_when_asked(tmp_path):
    """A watching session holds new entries back during a round and writes them after its report."""
    from factdeck.engine.session import Session

    session = Session.watching()
    ParseCache(tmp_path, "code", session=session).put("a: 1\n", {"a": 1}, {(): 1})
    assert entries(tmp_path) == []
    session.write_held()
    assert ParseCache(tmp_path, "code").get("a: 1\n") == ({"a": 1}, {(): 1})
    ParseCache(tmp_path, "code", session=session).put("a: 2\n", {"a": 2}, {(): 1})
    assert len(entries(tmp_path)) == 1  # still holding
    session.close()  # writes what it holds, and holds no more
    ParseCache(tmp_path, "code", session=session).put("a: 3\n", {"a": 3}, {(): 1})
    assert len(entries(tmp_path)) == 3
    ParseCache(tmp_path, "code", session=Session.one_off()).put("a: 4\n", {"a": 4}, {(): 1})
    assert len(entries(tmp_path)) == 4  # a one-off session writes at once


def test_the_cache_can_be_turned_off(project, parse_cache_folder, monkeypatch):
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    cached_load(project.root)
    assert entries(parse_cache_folder) == []


def test_an_unwritable_cache_only_costs_speed(project, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("FACTDECK_CACHE_DIR", str(blocker))
    assert cached_load(project.root).errors == []
    assert project.run("check").exit_code == 0


def test_check_does_not_import_the_renderers():
    code = (
        "import sys, factdeck.cli; print(sorted(m for m in ('genanki', 'typst', 'jinja2', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_checking_a_project_without_a_release_imports_no_renderer_nor_pdf_reader(project):
    # What `factdeck check` needs is the records' code; the card code (Jinja2, genanki) is imported only to
    # compare a released deck with its release record, which the sample project does not have.
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom factdeck.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['check', '--project', {str(project.root)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in ('genanki', 'jinja2', 'pypdf', 'rich', 'asyncio') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_stores_of_one_command_measure_a_folder_once(tmp_path, monkeypatch):
    """A one-off command saves into one folder from several stores (the whole answer and each file's shares of
    the rules across facts): the first trim walks the folder, the others add what they wrote to the session's
    measure. Another session measures for itself."""
    from factdeck.engine import parse_cache
    from factdeck.engine.session import Session

    command = Session.one_off()
    walks = []
    measure = parse_cache.ContentStore._measure
    monkeypatch.setattr(parse_cache.ContentStore, "_measure", lambda self: walks.append(self.folder) or measure(self))
    for salt in ("forms", "questions", "dates"):
        store = parse_cache.ContentStore(tmp_path, "code", salt, command)
        store.save("text", 1)
        store.trim()
    assert walks == [tmp_path]
    size = entries(tmp_path)[0].stat().st_size
    monkeypatch.setattr(parse_cache, "MAX_BYTES", 3 * size + 2)
    store = parse_cache.ContentStore(tmp_path, "code", "more", command)
    store.save("text", 1)
    store.trim()  # past the limit by the measure: walked and trimmed
    assert walks == [tmp_path, tmp_path] and len(entries(tmp_path)) == 3
    (tmp_path / parse_cache.MEASURE_FILE).unlink()  # the measure kept for later commands (test below)
    other = parse_cache.ContentStore(tmp_path, "code", "other", Session.one_off())
    other.save("text", 1)
    other.trim()  # a session of its own: no measure yet, so it walks
    assert walks == [tmp_path, tmp_path, tmp_path]


def _folder_bytes(folder) -> int:
    return sum(p.stat().st_size for p in folder.glob("*/*"))


def test_later_commands_take_the_folders_measure_kept_by_an_earlier_one(tmp_path, monkeypatch):
    """Each trim keeps the folder's measure in it (`MEASURE_FILE`): a later command adds what it wrote to it instead
    of walking the folder, until the measure passes the limit or is REMEASURE_SECONDS old; a measure that is
    missing, damaged or from the future is walked for. The kept bytes are the folder's."""
    from factdeck.engine import parse_cache
    from factdeck.engine.session import Session

    walks = []
    measure = parse_cache.ContentStore._measure
    monkeypatch.setattr(parse_cache.ContentStore, "_measure", lambda self: walks.append(self.folder) or measure(self))
    kept = tmp_path / parse_cache.MEASURE_FILE

    def command(text: str) -> None:  # a one-off command saving one entry, each its own session
        store = parse_cache.ContentStore(tmp_path, "code", "", Session.one_off())
        store.save(text, text)
        store.trim()

    command("a")
    assert len(walks) == 1 and kept.is_file()
    for text in ("b", "c", "d"):
        command(text)
    assert len(walks) == 1 and len(entries(tmp_path)) == 4
    assert int(kept.read_text(encoding="ascii").split()[1]) == _folder_bytes(tmp_path)
    for damage in ["", "not a measure", "1e99 12", f"{time.time()} -5"]:  # damaged, from the future, negative
        kept.write_text(damage, encoding="ascii")
        command(f"after {damage!r}")
        assert len(walks) == 2 and int(kept.read_text(encoding="ascii").split()[1]) == _folder_bytes(tmp_path)
        walks.clear()
        walks.append(tmp_path)
    made, total = kept.read_text(encoding="ascii").split()
    kept.write_text(f"{float(made) - parse_cache.REMEASURE_SECONDS - 1} {total}", encoding="ascii")  # too old
    command("old")
    assert len(walks) == 2
    size = entries(tmp_path)[0].stat().st_size
    monkeypatch.setattr(parse_cache, "MAX_BYTES", _folder_bytes(tmp_path) + size // 2)
    command("past the limit")  # by the kept measure: walked and trimmed
    assert len(walks) == 3 and _folder_bytes(tmp_path) <= parse_cache.MAX_BYTES
    kept.unlink()
    command("missing")
    assert len(walks) == 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
