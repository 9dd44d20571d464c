"""A build with nothing changed: what it reads and imports, and that each shortcut it takes (file stamps for
the inputs and factdeck's own code, the kept reading of factdeck.yaml, one scandir walk) gives the answer the
full computation gives, and misses no edit, even one that keeps a file's size and modification time."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from conftest import imported_by

from factdeck.build import build
from factdeck.engine import incremental, stamps
from factdeck.engine.incremental import code_fingerprint, peek_config
from factdeck.engine.stamps import FileStamps, walk
from factdeck.records.templates import BUILTIN
from factdeck.records.templates import _files as template_files


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` (as long) in the file and put its modification time back to the nanosecond:
    only the file's change time tells the stamps."""
    assert len(old.encode()) == len(new.encode())
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns and path.stat().st_size == st.st_size


@pytest.fixture
def trusted(monkeypatch):
    """Every stamp trusted at once (the tests' files are seconds old, within the racy window), and a list of the
    files hashed."""
    monkeypatch.setattr(stamps, "RACY_NS", -1)
    monkeypatch.setattr(stamps, "COARSE_RACY_NS", -1)
    read: list[Path] = []
    original = stamps.sha256_file
    monkeypatch.setattr(stamps, "sha256_file", lambda path: read.append(Path(path)) or original(path))
    return read


def test_the_walk_lists_what_sorted_rglob_lists(tmp_path: Path) -> None:
    top = tmp_path / "top"
    for name in ("a/z.txt", "a.txt", "a-b/c/d.yaml", ".hidden", "b/.x", "B/y", "é/ü.txt", "skipme/inner.txt"):
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(name)
    (top / "empty").mkdir()
    (top / "link-to-dir").symlink_to(top / "a", target_is_directory=True)
    (top / "link-to-file").symlink_to(top / "a.txt")
    (top / "broken").symlink_to(top / "nowhere")
    expected = [(p.relative_to(top).as_posix(), str(p), p.is_file()) for p in sorted(top.rglob("*"))]
    assert walk(top) == expected
    assert walk(top, skip=frozenset({"skipme"})) == [e for e in expected if not e[0].startswith("skipme/")]
    assert walk(tmp_path / "missing") == [] and walk(top / "a.txt") == []
    # The templates' own listing (every entry but folders and links to them, sorted by name) likewise.
    assert template_files(top) == sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if not p.is_dir())
    assert template_files(BUILTIN) == sorted(
        p.relative_to(BUILTIN).as_posix() for p in BUILTIN.rglob("*") if not p.is_dir()
    )


def test_a_whole_second_time_is_trusted_only_two_seconds_after_it() -> None:
    # File systems that keep whole seconds: an edit within the same second keeps the time. Stat signatures
    # (size, modification, inode, change time) of a file written and not touched since, then stamped later.
    second = 1_700_000_000 * 1_000_000_000
    whole = (3, second, 7, second)
    assert not stamps._settled(whole, second + 1_500_000_000)
    assert stamps._settled(whole, second + 2_500_000_000)
    fine = (3, second + 1, 7, second + 1)  # sub-second times: the shorter window
    assert not stamps._settled(fine, second + 50_000_000)
    assert stamps._settled(fine, second + 200_000_000)
    # Changed (renamed into place, its mode changed) after its last write, in a later tick of the same clock:
    # any later write would carry a time at least that change time, so the stamp holds at once.
    assert stamps._settled((3, second, 7, second + 1_000_000_000), second + 1_000_000_001)
    assert stamps._settled((3, second + 1, 7, second + 4_000_001), second + 4_000_002)
    assert not stamps._settled((3, second + 1, 7, second), second + 4_000_002)  # a time set into the future


def test_a_damaged_stamp_is_hashed_again(tmp_path: Path, trusted) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    good = FileStamps()
    good.digest(path)
    record = good.to_json()
    record[str(path)][5] = "not hex"
    assert FileStamps.from_json(record).digest(path) == hashlib.sha256(b"one").digest()
    keep = tmp_path / "kept" / "stamps.json"
    good.save(keep)
    assert FileStamps.load(keep).to_json() == {} and FileStamps.load(keep).digest(path) is not None
    keep.write_text("{")
    assert FileStamps.load(keep).digest(path) == hashlib.sha256(b"one").digest()


def _package(tmp_path: Path, monkeypatch) -> Path:
    """A stand-in for factdeck's installed code (PACKAGE): modules, a catalog, a cache folder, shipped fonts."""
    package = tmp_path / "repo" / "src" / "factdeck"
    for name, text in {
        "__init__.py": "x = 1\n",
        "engine/build.py": "y = 2\n",
        "locale/fa/LC_MESSAGES/factdeck.mo": "catalog",
        "__pycache__/build.cpython-311.pyc": "bytecode",
        "templates/card.html": "not code",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    (tmp_path / "repo" / "fonts").mkdir()
    (tmp_path / "repo" / "fonts" / "Font.ttf").write_bytes(b"glyphs")
    monkeypatch.setattr(incremental, "PACKAGE", package)
    return package


def _fresh_code_fingerprint(monkeypatch) -> str:
    """The code's fingerprint with every file hashed (no stamps kept)."""
    with monkeypatch.context() as m:
        m.setenv("FACTDECK_NO_CACHE", "1")
        code_fingerprint.cache_clear()
        return code_fingerprint()


def test_the_code_fingerprint_from_stamps_is_the_full_one_and_sees_every_edit(tmp_path, monkeypatch, trusted):
    package = _package(tmp_path, monkeypatch)
    fresh = _fresh_code_fingerprint(monkeypatch)
    code_fingerprint.cache_clear()
    assert code_fingerprint() == fresh  # hashed, and stamped
    trusted.clear()
    code_fingerprint.cache_clear()
    assert code_fingerprint() == fresh
    assert trusted == []  # a later process reads none of the files
    edits = [
        lambda: _same_size_edit(package / "engine" / "build.py", "y = 2", "y = 3"),
        lambda: (package / "locale" / "fa" / "LC_MESSAGES" / "factdeck.mo").write_text("Catalog"),
        lambda: (tmp_path / "repo" / "fonts" / "Font.ttf").write_bytes(b"Glyphs"),
        lambda: (package / "engine" / "new.py").write_text(""),
    ]
    seen = {fresh}
    for edit in edits:
        edit()
        code_fingerprint.cache_clear()
        now = code_fingerprint()
        assert now == _fresh_code_fingerprint(monkeypatch)
        seen.add(now)
    assert len(seen) == len(edits) + 1
    (package / "__pycache__" / "build.cpython-311.pyc").write_text("other bytecode")
    (package / "templates" / "card.html").write_text("other")
    code_fingerprint.cache_clear()
    assert code_fingerprint() == now  # neither bytecode nor templates (hashed as templates) are code
    code_fingerprint.cache_clear()


def test_the_kept_reading_of_factdeck_yaml_follows_every_edit(project, monkeypatch) -> None:
    config = project.path("factdeck.yaml")
    text = config.read_text(encoding="utf-8")
    root = project.root
    assert "output:" not in text and "archive:" not in text
    assert peek_config(root) == {}
    config.write_text(text + "output: outs\n", encoding="utf-8")
    assert peek_config(root) == {"output": "outs"}
    _same_size_edit(config, "output: outs", "output: outz")
    assert peek_config(root) == {"output": "outz"}
    config.write_text(text + "output: [not, text]\narchive: archive\n", encoding="utf-8")
    assert peek_config(root) == {"archive": "archive"}
    config.write_text(text + "output: 'unclosed\n", encoding="utf-8")
    assert peek_config(root) == {}
    config.write_text(text + "output: outs\n", encoding="utf-8")
    assert peek_config(root) == {"output": "outs"}
    kept = list(Path(os.environ["FACTDECK_CACHE_DIR"], "stamps").glob("config-*.json"))
    assert len(kept) == 1  # one per project, whatever its edits
    for damage in ("{", "[]", '{"config": 1}', '{"output": "elsewhere"}'):
        kept[0].write_text(damage)
        assert peek_config(root) == {"output": "outs"}
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    assert peek_config(root) == {"output": "outs"}


def test_a_changed_output_setting_moves_the_build(project) -> None:
    assert build(project.root, formats=("apkg",)).written
    config = project.path("factdeck.yaml")
    config.write_text(config.read_text(encoding="utf-8") + "output: elsewhere\n", encoding="utf-8")
    moved = build(project.root, formats=("apkg",))
    assert moved.output == project.path("elsewhere") and moved.written


def test_an_edit_keeping_size_and_modification_time_is_rebuilt(project, trusted) -> None:
    assert build(project.root, formats=("apkg",)).written
    trusted.clear()
    assert build(project.root, formats=("apkg",)).written == []
    assert trusted == []
    fact_file = project.path("facts/guild.yaml")
    _same_size_edit(fact_file, "Millford", "Millgate")
    again = build(project.root, formats=("apkg",))
    assert again.written and fact_file in trusted
    trusted.clear()
    assert build(project.root, formats=("apkg",)).written == []


def test_a_build_with_nothing_changed_imports_neither_parser_nor_models_nor_the_library_lock(project) -> None:
    assert project.run("build", "--format", "apkg").exit_code == 0
    heavy = ("yaml", "pydantic", "filelock", "jinja2", "genanki", "typst", "rich", "platformdirs")
    output, imported, _ = imported_by(["build", "--format", "apkg", "--project", str(project.root)], heavy)
    assert any("wrote 0 files" in line for line in output)
    assert imported == "[]"


def test_right_after_a_build_its_outputs_moved_into_place_are_not_read_again(project, monkeypatch) -> None:
    # No window shortened: the outputs were written a moment ago. Those renamed into place in a later tick than
    # their last write (their change time follows their modification time) are trusted by the next build at
    # once; the others, and only they, are read.
    read: list[Path] = []
    original = stamps.sha256_file
    monkeypatch.setattr(stamps, "sha256_file", lambda path: read.append(Path(path)) or original(path))
    first = build(project.root, formats=("apkg",))
    read.clear()
    assert build(project.root, formats=("apkg",)).written == []
    outputs = [first.output / rel for rel in json.loads((first.output / incremental.STATE_FILE).read_text())["files"]]
    moved = [p for p in outputs if p.stat().st_ctime_ns > p.stat().st_mtime_ns]
    assert moved and not set(moved) & set(read)
