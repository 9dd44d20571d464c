"""Incremental builds: an output is rewritten exactly when something it is made from changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factdeck.build import build
from factdeck.engine import incremental
from factdeck.engine.incremental import STATE_FILE

SECOND_DECK = """\
id: founding
name: "Founding years"
description: "The guild's founding era."
select:
  include:
    eras: [founding]
  exclude:
    tags: [no-such-tag]
quiz:
  enabled: false
"""

APKG = "guild-history/guild-history.apkg"
SECOND_APKG = "founding/founding.apkg"
PDFS = [
    "guild-history/worksheet-A.pdf",
    "guild-history/key-A.pdf",
    "guild-history/worksheet-B.pdf",
    "guild-history/key-B.pdf",
]


@pytest.fixture
def two_decks(project):
    project.write("decks/founding.yaml", SECOND_DECK)
    return project


def rel(result, attribute: str) -> set[str]:
    return {p.relative_to(result.output).as_posix() for p in getattr(result, attribute)}


def test_nothing_changed_writes_nothing_and_keeps_warnings(two_decks):
    first = build(two_decks.root)
    assert {APKG, SECOND_APKG, *PDFS} <= rel(first, "written")
    assert any("no-such-tag" in w.message for w in first.warnings)
    times = {p: p.stat().st_mtime_ns for p in first.written}
    second = build(two_decks.root)
    assert second.written == []
    assert {APKG, SECOND_APKG, *PDFS, "factdeck.json"} <= rel(second, "unchanged")
    assert second.warnings == first.warnings
    assert {p: p.stat().st_mtime_ns for p in first.written} == times


def test_cli_says_what_was_unchanged(two_decks):
    assert two_decks.run("build").exit_code == 0
    result = two_decks.run("build")
    assert result.exit_code == 0
    assert "wrote 0 files" in result.output and "unchanged" in result.output


def test_a_changed_fact_rewrites_the_decks_that_hold_it(two_decks):
    build(two_decks.root)
    two_decks.replace(
        "facts/guild.yaml",
        "The River Guild was founded in 1901 by ferry workers.",
        "The River Guild was founded in 1901 by river ferry workers.",
    )
    again = build(two_decks.root)
    written = rel(again, "written")
    assert {APKG, SECOND_APKG, "factdeck.json"} <= written
    two_decks.replace("facts/guild.yaml", "died in the 1927 flood.", "died in the flood of 1927.")  # decline era only
    third = build(two_decks.root)
    assert APKG in rel(third, "written") and set(PDFS) <= rel(third, "written")
    assert SECOND_APKG in rel(third, "unchanged")


def test_a_changed_deck_spec_rewrites_only_that_deck(two_decks):
    build(two_decks.root)
    two_decks.replace("decks/founding.yaml", "The guild's founding era.", "The guild's first years.")
    again = build(two_decks.root)
    assert SECOND_APKG in rel(again, "written")
    assert {APKG, *PDFS} <= rel(again, "unchanged")


def test_a_changed_template_rewrites_what_uses_it(two_decks):
    build(two_decks.root)
    # The project's own copy of a built-in template overrides it, and counts as a change to it.
    two_decks.write("templates/quiz/worksheet.typ", two_decks.read("templates/quiz/worksheet.typ") + "\n// edited\n")
    again = build(two_decks.root)
    assert set(PDFS) <= rel(again, "written")
    assert {APKG, SECOND_APKG} <= rel(again, "unchanged")
    two_decks.write(
        "templates/anki/note-types/style.css",
        two_decks.read("templates/anki/note-types/style.css") + "\n/* edited */\n",
    )
    third = build(two_decks.root)
    assert {APKG, SECOND_APKG} <= rel(third, "written")
    assert set(PDFS) <= rel(third, "unchanged")


def test_a_changed_source_rewrites_every_deck(two_decks):
    build(two_decks.root)
    two_decks.replace("facts/sources.yaml", "A scholarly history", "A careful scholarly history")
    again = build(two_decks.root)
    assert {APKG, SECOND_APKG, *PDFS} <= rel(again, "written")


def test_another_factdeck_version_rewrites_everything(two_decks, monkeypatch):
    build(two_decks.root)
    monkeypatch.setattr(incremental, "code_fingerprint", lambda: "another factdeck")
    again = build(two_decks.root)
    assert {APKG, SECOND_APKG, *PDFS} <= rel(again, "written")
    assert again.unchanged == []


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "{",
        "[]",
        "truncate",
        '{"version": 1, "files": {"factdeck.json": 7}}',
        '{"version": 1, "steps": {"x": {"key": 1}}}',
        "\x00\xff",
    ],
)
def test_a_damaged_state_file_is_ignored(two_decks, damage):
    build(two_decks.root)
    state = two_decks.path("build") / STATE_FILE
    text = state.read_text(encoding="utf-8")
    state.write_text(text[: len(text) // 2] if damage == "truncate" else damage, encoding="utf-8")
    again = build(two_decks.root)
    assert {APKG, SECOND_APKG, *PDFS} <= rel(again, "written")
    assert json.loads(state.read_text(encoding="utf-8"))["version"] == incremental.STATE_VERSION
    assert build(two_decks.root).written == []  # and the next build trusts the fresh state


def test_a_deleted_output_is_rebuilt(two_decks):
    build(two_decks.root)
    two_decks.path("build/guild-history/key-A.pdf").unlink()
    again = build(two_decks.root)
    assert "guild-history/key-A.pdf" in rel(again, "written")
    assert two_decks.path("build/guild-history/key-A.pdf").is_file()
    assert {APKG, SECOND_APKG} <= rel(again, "unchanged")


def test_an_edited_output_is_rebuilt(two_decks):
    first = build(two_decks.root)
    apkg = two_decks.path("build") / APKG
    original = apkg.read_bytes()
    apkg.write_bytes(b"not a package")
    again = build(two_decks.root)
    assert APKG in rel(again, "written")
    assert apkg.read_bytes() == original
    assert first.output == again.output


def test_output_to_another_folder(two_decks, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    first = build(two_decks.root, output=elsewhere)
    assert first.output == elsewhere.resolve()
    assert (elsewhere / APKG).is_file() and (elsewhere / STATE_FILE).is_file()
    assert not two_decks.path("build").exists()
    assert build(two_decks.root, output=elsewhere).written == []
    # The project's own folder has no state of its own yet: a build there writes everything.
    assert APKG in rel(build(two_decks.root), "written")


def test_removed_worksheet_versions_are_still_removed(two_decks):
    build(two_decks.root)
    two_decks.replace("decks/all.yaml", "versions: 2", "versions: 1")
    build(two_decks.root)
    assert not two_decks.path("build/guild-history/worksheet-B.pdf").exists()
    assert two_decks.path("build/guild-history/worksheet-A.pdf").exists()
    assert build(two_decks.root).written == []


# --- card fields reused from the last build (build/.factdeck/anki-fields.bin) -------------


def apkg_notes(path: Path) -> dict[str, tuple[str, int]]:
    """guid -> (fields, modification time) of every note in a package."""
    import sqlite3
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(path) as archive:
        archive.extract("collection.anki2", folder)
        connection = sqlite3.connect(Path(folder) / "collection.anki2")
        try:
            return {
                guid: (fields, mod) for guid, fields, mod in connection.execute("select guid, flds, mod from notes")
            }
        finally:
            connection.close()


@pytest.fixture
def renders(monkeypatch):
    """The facts whose card fields were rendered through Jinja2 (not reused), one entry per field."""
    from factdeck.outputs.anki.cards import CardMaker

    seen: list[str] = []
    original = CardMaker._field

    def counting(self, name, context):
        seen.append(context["fact"].id)
        return original(self, name, context)

    monkeypatch.setattr(CardMaker, "_field", counting)
    return seen


def fresh_fields(project, tmp_path: Path) -> dict[str, str]:
    """The deck's note fields as a build with no earlier state makes them."""
    result = build(project.root, output=tmp_path / "fresh", formats=("apkg",))
    return {guid: fields for guid, (fields, _) in apkg_notes(result.output / APKG).items()}


def test_an_edited_fact_alone_is_rendered_again_and_the_deck_is_the_same(project, renders, tmp_path):
    build(project.root, formats=("apkg",))
    assert "guild-founded" in renders and len(set(renders)) > 3
    renders.clear()
    project.replace(
        "facts/guild.yaml",
        "The River Guild was founded in 1901 by ferry workers.",
        "The River Guild was founded in 1901 by river ferry workers.",
    )
    build(project.root, formats=("apkg",))
    assert set(renders) == {"guild-founded"}
    reused = {guid: fields for guid, (fields, _) in apkg_notes(project.path(f"build/{APKG}")).items()}
    assert reused == fresh_fields(project, tmp_path)
    assert any("river ferry workers" in fields for fields in reused.values())


def test_the_field_store_is_a_cache_written_in_place_and_never_an_output(project, renders, tmp_path):
    import json

    store = project.path("build/.factdeck/anki-fields.bin")
    first = build(project.root, formats=("apkg",))
    assert store.is_file() and store not in first.written
    state = project.path("build/.factdeck/build-state.json")
    recorded = json.loads(state.read_text(encoding="utf-8"))
    assert ".factdeck/anki-fields.bin" not in recorded["files"]
    # As a build before the store became a cache recorded it: among the outputs, with its hash.
    recorded["files"][".factdeck/anki-fields.bin"] = "0" * 64
    state.write_text(json.dumps(recorded), encoding="utf-8")
    inode = store.stat().st_ino
    renders.clear()
    project.replace("facts/guild.yaml", "ferry workers.", "river ferry workers.")
    edited = build(project.root, formats=("apkg",))
    assert set(renders) == {"guild-founded"} and store not in edited.written
    assert store.stat().st_ino == inode  # the edited fact's record and a new index written over the old one
    assert ".factdeck/anki-fields.bin" not in json.loads(state.read_text(encoding="utf-8"))["files"]
    assert build(project.root, formats=("apkg",)).written == []  # up to date: the store's new bytes are no output
    renders.clear()
    shutil.rmtree(project.path("build/.factdeck/anki-collections"))  # every note made again, fields from the store
    project.replace("facts/guild.yaml", "river ferry workers.", "ferry workers.")
    build(project.root, formats=("apkg",))
    assert set(renders) == {"guild-founded"}
    assert {guid: fields for guid, (fields, _) in apkg_notes(project.path(f"build/{APKG}")).items()} == fresh_fields(
        project, tmp_path
    )


@pytest.mark.parametrize("edit", ["field template", "source", "era"])
def test_a_change_every_card_may_show_renders_every_fact_again(project, renders, edit, tmp_path):
    build(project.root, formats=("apkg",))
    everything = set(renders)
    renders.clear()
    if edit == "field template":
        project.replace("templates/anki/fields/details.html", "fd-details", "fd-details fd-edited")
    elif edit == "source":
        project.replace("facts/sources.yaml", "A scholarly history", "A careful scholarly history")
    else:
        project.replace("facts/eras.yaml", '"Founding years"', '"The founding years"')
    build(project.root, formats=("apkg",))
    assert set(renders) == everything
    assert {guid: fields for guid, (fields, _) in apkg_notes(project.path(f"build/{APKG}")).items()} == fresh_fields(
        project, tmp_path
    )


@pytest.mark.parametrize("damage", [b"", b"not a cache", b"factdeck-anki-fields-1\0garbage", None])
def test_a_damaged_field_cache_means_rendering_everything(project, renders, damage, tmp_path):
    import marshal

    build(project.root, formats=("apkg",))
    everything = set(renders)
    renders.clear()
    cache = project.path("build/.factdeck/anki-fields.bin")
    if damage is None:  # well-formed and for these inputs, but one record holds the wrong types
        with open(cache, "rb") as saved:
            magic = saved.read(len(b"factdeck-anki-fields-1\0"))
            shared = marshal.load(saved)
        damage = magic + marshal.dumps(shared) + marshal.dumps(("guild-founded", ("d", {1: 2})))
    cache.write_bytes(damage)
    # Without the kept collection of the deck's package, which would spare the unchanged facts' notes altogether
    # (tests/test_kept_collection.py).
    shutil.rmtree(project.path("build/.factdeck/anki-collections"))
    project.replace("facts/guild.yaml", "ferry workers.", "river ferry workers.")
    build(project.root, formats=("apkg",))
    assert set(renders) == everything
    assert {guid: fields for guid, (fields, _) in apkg_notes(project.path(f"build/{APKG}")).items()} == fresh_fields(
        project, tmp_path
    )


def test_a_build_with_nothing_changed_reads_no_file_whose_stamp_holds(project, monkeypatch):
    from factdeck.engine import stamps

    monkeypatch.setattr(stamps, "RACY_NS", -1)  # trust every stamp at once (the test's files are seconds old)
    read: list[Path] = []
    original = stamps.sha256_file
    monkeypatch.setattr(stamps, "sha256_file", lambda path: read.append(Path(path)) or original(path))
    build(project.root, formats=("apkg",))
    read.clear()
    assert build(project.root, formats=("apkg",)).written == []
    assert read == []
    (project.root / "facts" / "guild.yaml").write_text(
        project.read("facts/guild.yaml").replace("Millford", "Millgate"), encoding="utf-8"
    )  # an edit that keeps the size: the file's times and inode still tell
    read.clear()
    assert build(project.root, formats=("apkg",)).written != []
    assert project.root / "facts" / "guild.yaml" in read


def test_a_step_key_hashes_the_facts_one_by_one_as_their_joined_digests(project):
    """A step's key is the hash of the shared key, the deck and the SHA-256 of each selected fact's JSON, joined
    by line breaks, made fact by fact (the joined text was 110 MB more at 50,000 facts): the same key as hashing
    them joined. A one-off session's base keeps the digests, never the facts' JSON (70 MB at 50,000 facts)."""
    import hashlib

    from factdeck.build import load_and_validate
    from factdeck.records.select import select_facts

    base = load_and_validate(project.root)
    deck = base.decks[0]
    for facts in (select_facts(base, deck), base.facts[:1], []):
        joined = hashlib.sha256(f"shared\0extra\0{deck.model_dump_json()}".encode())
        joined.update("\n".join(hashlib.sha256(f.model_dump_json().encode()).hexdigest() for f in facts).encode())
        assert incremental.step_key(base, "shared", deck, facts, "extra") == joined.hexdigest()
    assert base._fact_json == {}
    assert len(base._fact_digest) == len(select_facts(base, deck))


@given(st.lists(st.text(alphabet="ab\n{}é", max_size=5), max_size=5))
def test_lines_hashed_one_by_one_are_their_joined_text(lines):
    """The shared key of the worksheets hashes every fact's JSON one by one too (`hash_lines`), as it hashed them
    joined by line breaks."""
    import hashlib

    digest = hashlib.sha256(b"before")
    incremental.hash_lines(digest, lines)
    assert digest.hexdigest() == hashlib.sha256(b"before" + "\n".join(lines).encode()).hexdigest()
