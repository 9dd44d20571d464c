"""Release records kept parsed (engine/kept_inputs.py's `KeptPublished`): a validation takes a record whose file's
name and text it parsed before from the cache folder, and must get exactly the record parsing its text gives,
after any edit of the record, whatever the cache holds."""

from __future__ import annotations

import dataclasses
import json
import marshal
import time

import pytest
from conftest import Project
from hypothesis import given
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.engine import kept_inputs
from factdeck.records.identity import dump_published, load_published, parse_published, restore_published
from factdeck.records.note_columns import PACKED, packed, packed_rows, unpacked
from test_release_inputs import RECORD, released_sample


@pytest.fixture
def released(tmp_path, monkeypatch) -> Project:
    return released_sample(tmp_path, monkeypatch)


class Parsed:
    """Counts the records parsed from their text while installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: list[str] = []

        def counted(text, display):
            self.files.append(display)
            return parse_published(text, display)

        monkeypatch.setattr(kept_inputs, "parse_published", counted)


def _same(kept: dict, parsed: dict) -> None:
    assert kept == parsed
    for deck, record in kept.items():
        assert (record.inputs, record.digest, list(record.notes)) == (
            parsed[deck].inputs,
            parsed[deck].digest,
            list(parsed[deck].notes),
        )


def _withdraw_and_rename(project: Project) -> None:
    record = json.loads(project.read(RECORD))
    first = next(iter(record["notes"]))
    record["notes"][first] |= {"withdrawn": True, "era": None}
    record["eras"] = {}
    record.pop("namespace", None)
    record.pop("inputs", None)
    project.write(RECORD, json.dumps(record, indent=1))


def _edit_hash(project: Project) -> None:
    record = json.loads(project.read(RECORD))
    record["notes"][next(iter(record["notes"]))]["hash"] = "0" * 64
    project.write(RECORD, json.dumps(record, indent=1))


@pytest.mark.parametrize("edit", [None, _edit_hash, _withdraw_and_rename])
def test_a_kept_record_is_the_parsed_one(released, monkeypatch, edit):
    if edit is not None:
        edit(released)
    parsed = Parsed(monkeypatch)
    first = load_and_validate(released.root).published
    assert parsed.files == [RECORD]
    parsed.files.clear()
    kept = load_and_validate(released.root).published
    assert parsed.files == []  # from the cache
    _same(kept, first)
    _same(kept, load_published(released.root)[0])


def test_an_edited_record_is_parsed_again(released, monkeypatch):
    load_and_validate(released.root)
    _edit_hash(released)
    parsed = Parsed(monkeypatch)
    kept = load_and_validate(released.root).published
    assert parsed.files == [RECORD]
    _same(kept, load_published(released.root)[0])
    said = released.run("check").stderr
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    assert "(1 note changed)" in said and released.run("check").stderr == said


@pytest.mark.parametrize("damage", ["truncate", "foreign", "note", "column", "packed", "width", "digest", "type"])
def test_a_damaged_entry_is_parsed_again(released, parse_cache_folder, monkeypatch, damage):
    load_and_validate(released.root)
    entries = [p for p in (parse_cache_folder.parent / "published").glob("*/*") if p.is_file()]
    assert len(entries) == 1
    raw = entries[0].read_bytes()
    head = raw[: raw.index(b"\0") + 1]
    digest, value = marshal.loads(raw[len(head) :])  # the record's digest, and the record as `dump_published` gave
    if damage == "truncate":
        entries[0].write_bytes(raw[: len(raw) // 2])
    elif damage == "foreign":
        entries[0].write_bytes(head + marshal.dumps([(42, "x")]))
    elif damage == "note":  # a note's fact not text
        facts = [7, *value[-1][4][1:]]
        notes = (*value[-1][:4], facts, *value[-1][5:])
        entries[0].write_bytes(head + marshal.dumps((digest, (*value[:-1], notes))))
    elif damage == "column":  # a note without its fact
        notes = (*value[-1][:4], value[-1][4][1:], *value[-1][5:])
        entries[0].write_bytes(head + marshal.dumps((digest, (*value[:-1], notes))))
    elif damage == "packed":  # the packed hashes a character short
        width, text = value[-1][2]
        notes = (*value[-1][:2], (width, text[:-1]), *value[-1][3:])
        entries[0].write_bytes(head + marshal.dumps((digest, (*value[:-1], notes))))
    elif damage == "width":  # the packed GUIDs a note short (whole values of another width)
        width, text = value[-1][1]
        notes = (value[-1][0], (width, text[:-width]), *value[-1][2:])
        entries[0].write_bytes(head + marshal.dumps((digest, (*value[:-1], notes))))
    elif damage == "digest":  # the record's digest not text
        entries[0].write_bytes(head + marshal.dumps((None, value)))
    else:  # a note type without its hash
        entries[0].write_bytes(head + marshal.dumps((digest, (*value[:4], {"card": {"mod": 1}}, *value[5:]))))
    parsed = Parsed(monkeypatch)
    kept = load_and_validate(released.root).published
    assert parsed.files == [RECORD]
    _same(kept, load_published(released.root)[0])


def test_a_record_dumped_and_restored_is_the_same(released):
    records, _ = load_published(released.root)
    for record in records.values():
        dumped = dump_published(record)
        assert [type(dumped[-1][i]) for i in PACKED] == [tuple, tuple]  # the GUIDs and hashes packed
        again = restore_published(marshal.loads(marshal.dumps(dumped)))
        again.digest = record.digest
        assert [again.note(identity) for identity in record.notes] == list(record.notes.values())  # one at a time
        _same({record.deck: again}, {record.deck: record})
        # A record of no notes: no column holds a value.
        empty = dataclasses.replace(record, notes={})
        assert restore_published(marshal.loads(marshal.dumps(dump_published(empty)))).notes == {}


def test_a_record_kept_by_name_alone_would_be_caught(released, monkeypatch):
    # The check above must fail for a cache that keys a record by its file's name, not its text.
    load_and_validate(released.root)
    monkeypatch.setattr(
        kept_inputs.KeptPublished, "parse", lambda self, path, display: _by_name(self, display, path.read_text())
    )
    load_and_validate(released.root)
    _edit_hash(released)
    kept = load_and_validate(released.root).published
    with pytest.raises(AssertionError):
        _same(kept, load_published(released.root)[0])


def _by_name(kept: kept_inputs.KeptPublished, display: str, text: str):
    value = kept.store.load(display)
    if value is not None:
        return restore_published(value)
    record = parse_published(text, display)
    kept.store.save(display, dump_published(record))
    return record


def _copies(notes, column: int) -> int:
    """How many objects more than distinct values the notes hold in `column` (0: one object per value)."""
    values = [note[column] for note in notes if note[column] is not None]
    return len({id(v) for v in values}) - len(set(values))


def test_a_parsed_record_holds_one_copy_of_each_fact_id_era_and_time(released):
    """A build holds every release record's notes to its end: parsed, they share their fact ids and eras (the
    facts' and eras' own strings) and their times, where the JSON parser made a copy of each for every note."""
    base = load_and_validate(released.root)
    records = load_published(released.root)[0]
    assert records
    for record in records.values():
        notes = list(record.notes.values())
        assert len(notes) > len({n.fact for n in notes})  # facts with several notes, so copies could differ
        assert [_copies(notes, column) for column in (3, 4, 5)] == [0, 0, 0]
        assert all(n.fact is base.facts_by_id[n.fact].id for n in notes if n.fact in base.facts_by_id)
        assert all(n.era is base.eras_by_id[n.era].id for n in notes if n.era in base.eras_by_id)


def test_the_copies_count_catches_the_parsers_own_values(released):
    # The count above sees a copy per note in notes made of the JSON parser's values as they come.
    data = json.loads(released.read(RECORD))["notes"]
    notes = [(i, n["guid"], n["hash"], n["mod"], n["fact"], n.get("era")) for i, n in data.items()]
    assert [_copies(notes, column) > 0 for column in (3, 4, 5)] == [True, True, True]


def test_a_record_s_digest_and_text_are_those_of_its_text_read_with_any_newlines(released):
    """The digest is the SHA-256 of the record's text as read (its bytes where they hold no carriage return), and
    the records are those parsed from that text, kept or not, whichever newlines the file has."""
    import hashlib

    path = released.root / RECORD
    lf = path.read_bytes()
    for raw in (lf, lf.replace(b"\n", b"\r\n"), lf.replace(b"\n", b"\r")):
        path.write_bytes(raw)
        text = path.read_text(encoding="utf-8")
        plain, problems = load_published(released.root)
        assert problems == []
        record = plain[json.loads(text)["deck"]]
        assert record.digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert record == parse_published(text, RECORD)
        _same(load_and_validate(released.root).published, plain)
        _same(load_and_validate(released.root).published, plain)  # kept this time
    # A file that is not UTF-8 is a problem named the same way, parsed through the cache or not.
    from factdeck.engine.session import Session

    path.write_bytes(lf.replace(b'"', b'"\xff', 1))
    plain_problems = load_published(released.root)[1]
    assert [file for file, _ in plain_problems] == [RECORD]
    assert "not a factdeck published record" in plain_problems[0][1]
    assert load_published(released.root, kept_inputs.KeptPublished(Session.one_off()).parse)[1] == plain_problems


def test_a_kept_record_s_file_is_not_read_again_while_its_stamp_holds(released, monkeypatch):
    """A record kept is found by its file's SHA-256 through the stamps of its folder: a check after a fact file's
    edit reads no record file (their bytes were 6 MB to read and hash at 10,000 facts); an edited record is read."""
    from factdeck.records import identity

    read: list[str] = []
    record_file = identity.record_file
    monkeypatch.setattr(kept_inputs, "record_file", lambda path: read.append(path.name) or record_file(path))
    first = load_and_validate(released.root).published
    assert read == [RECORD.rsplit("/", 1)[1]]
    time.sleep(0.2)  # past the window in which a file's stamp is not trusted (engine/stamps.py's RACY_NS)
    load_and_validate(released.root)  # stamped settled
    read.clear()
    released.replace("facts/guild.yaml", "ferry workers.", "ferry workers of the river.")
    again = load_and_validate(released.root).published
    assert read == []
    _same(again, first)
    _edit_hash(released)
    parsed = Parsed(monkeypatch)
    edited = load_and_validate(released.root).published
    assert read and parsed.files == [RECORD]
    _same(edited, load_published(released.root)[0])


@given(st.lists(st.text(max_size=140)))
def test_a_packed_column_gives_back_its_values(values):
    kept = packed(values)
    if type(kept) is tuple:
        assert packed_rows(kept) == len(values) and unpacked(kept) == values
        # Each value alone, as a restored record's note is made (note_columns.py's `_note`).
        width, text = kept
        assert [text[i * width : (i + 1) * width].rstrip("\0") for i in range(len(values))] == values
    else:  # kept as a list: none, a value ending with the padding, or one too long to pad every value to
        assert kept is values
        assert not values or any(v.endswith("\0") for v in values) or max(map(len, values)) not in range(1, 129)


def test_packing_that_pads_with_what_a_value_ends_with_would_be_caught():
    # The test above must fail for a packing that takes a value ending with the padding: it gives back another value.
    values = ["a\0", "bc"]
    wrong = (2, "".join(v.ljust(2, "\0") for v in values))
    assert unpacked(wrong) != values
