"""The per-file work of a cold check (every fact file parsed, validated and kept): the parser's event loop, the
records' locations and the record cache's entries give what the plain way gives."""

from __future__ import annotations

import marshal
import sys
from typing import Any

import pytest
import yaml
from conftest import REPO, bench_base
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.engine import record_cache, record_dump
from factdeck.records import collect
from factdeck.records.collect import Collector
from factdeck.records.introspect import record_fields
from factdeck.records.load import COMMENT_MARK, Document
from factdeck.records.record import Record
from factdeck.records.schema import Fact
from factdeck.records.yaml_parse import _composed, _fast_parse, _Unusual

FILE = "facts/generated.yaml"


@pytest.fixture(scope="module")
def fact_documents(tmp_path_factory) -> list[Document]:
    """The shipped project's fact files and a generated base's (300 facts written like them), parsed."""
    root = bench_base(300, tmp_path_factory.mktemp("cold") / "synth")
    special = ("sources.yaml", "eras.yaml", "glossary.yaml")
    paths = [p for folder in (REPO / "facts", root / "facts") for p in sorted(folder.glob("*.yaml"))]
    documents = []
    for path in paths:
        if path.name not in special:
            text = path.read_text(encoding="utf-8")
            documents.append(Document(path, path.name, *_fast_parse(text)))
    assert len(documents) > 5
    return documents


# --- the parser ---------------------------------------------------------------------------------------------------

_words = st.text(alphabet="abcxyz019 .-'", min_size=1, max_size=12).filter(lambda t: t.strip() == t)


@st.composite
def commented_yaml(draw) -> str:
    """Block-style YAML of records (lists of mappings, lists of scalars) with ' #' comments after some values."""
    data = draw(
        st.lists(
            st.dictionaries(
                _words, _words | st.integers() | st.lists(_words, max_size=3) | st.none(), min_size=1, max_size=5
            ),
            min_size=1,
            max_size=4,
        )
    )
    lines = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False).splitlines()
    for i in draw(st.lists(st.integers(0, len(lines) - 1), max_size=4)):
        lines[i] += draw(st.sampled_from([" # note", "\t# tab", " #", "  # two"]))
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None)
@given(text=commented_yaml())
def test_the_event_loop_agrees_with_the_full_composer_on_commented_values(text):
    try:
        fast = _fast_parse(text)
    except _Unusual:
        return
    assert repr(fast) == repr(_composed(text, FILE))


def test_commented_values_are_marked_in_lists_and_mappings():
    data, lines = _fast_parse("- a: b # cut\n  c: 'd' # quoted: kept whole\n  e:\n  - f # cut too\n  - g\n")
    assert data == [{"a": "b", "c": "d", "e": ["f", "g"]}]
    assert {key for key in lines if key[:1] == (COMMENT_MARK,)} == {(COMMENT_MARK, 0, "a"), (COMMENT_MARK, 0, "e", 0)}
    assert lines[(0, "e", 0)] == 4 and lines[(0, "e")] == 3 and lines[()] == 1


def test_mapping_keys_are_interned(fact_documents):
    """A key is one string however many records use it (the parse cache's entries keep it once)."""

    def keys(value: Any):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    found = [key for document in fact_documents for key in keys(document.data)]
    assert found and all(sys.intern(key) is key for key in found)


# --- the records' locations -----------------------------------------------------------------------------------------


def _located_reference(record: Record, document: Document, path: tuple) -> list[tuple[tuple, int, int]]:
    """(path, line the record has, line `Document.line` gives) of a record and each record inside it."""
    found = [(path, record.line, document.line(*path))]
    for name, _ in record_fields(type(record)):
        value = getattr(record, name)
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            if isinstance(item, Record):
                found += _located_reference(item, document, (*path, name) if i is None else (*path, name, i))
    return found


def _check_locations(documents: list[Document]) -> int:
    located = 0
    for document in documents:
        facts = Collector().records(Fact, document, "fact")
        assert facts
        for i, fact in enumerate(facts):
            for path, line, expected in _located_reference(fact, document, (i,)):
                assert line == expected, (document.display, path)
                assert fact.file == document.display
                located += 1
    return located


def test_records_are_located_as_by_walking_each_path(fact_documents):
    assert _check_locations(fact_documents) > 1000


def test_a_record_without_a_line_of_its_own_takes_its_nearest_enclosing_value_s(fact_documents):
    document = fact_documents[0]
    # A line table without the records' own lines (no parser writes one; the fallback is `Document.line`'s walk).
    trimmed = {key: line for key, line in document.lines.items() if not (len(key) == 3 and key[1] == "citations")}
    _check_locations([Document(document.path, document.display, document.data, trimmed)])


def test_a_record_given_its_parent_s_line_would_be_caught(fact_documents, monkeypatch):
    real = collect._locate_at

    def parents_line(record, doc, lines, path):
        real(record, doc, lines, path)
        if len(path) > 1:
            record.__dict__["_where"] = (doc.display, doc.line(*path[:1]))

    monkeypatch.setattr(collect, "_locate_at", parents_line)
    with pytest.raises(AssertionError):
        _check_locations(fact_documents)


# --- the record cache's entries -------------------------------------------------------------------------------------


def _dump_reference(record: Record) -> tuple:
    """A record as the record cache keeps it, each model's fields read one by one."""
    values = {name: record.__dict__[name] for name in type(record).model_fields}
    for name, _ in record_fields(type(record)):
        value = values[name]
        if value is not None:
            values[name] = [_dump_reference(v) for v in value] if isinstance(value, list) else _dump_reference(value)
    return record.line, tuple(sorted(record.model_fields_set)), values


def _entry_reference(facts: list[Fact]) -> tuple:
    """Facts' records as the record cache keeps a file's (a column a model, the models inside another first), each
    model's fields read one by one."""
    columns: dict[type[Record], tuple[list, list, list, dict]] = {
        model: ([], [], [], {}) for model in record_cache._models(Fact)
    }
    distinct: dict[tuple[str, ...], tuple[str, ...]] = {}

    def add(record: Record) -> int:
        values = {name: record.__dict__[name] for name in type(record).model_fields}
        dicts, lines, fields_sets, links = columns[type(record)]
        dicts.append(values)
        lines.append(record.line)
        names = tuple(sorted(record.model_fields_set))
        fields_sets.append(distinct.setdefault(names, names))  # one tuple a distinct set of names
        position = len(dicts) - 1
        for name, _ in record_fields(type(record)):
            value = values[name]
            if value is not None:
                values[name] = None
                many = isinstance(value, list)
                inner = [add(v) for v in value] if many else add(value)
                link = links.setdefault((name, many), (many, [], []))
                link[1].append(position)
                link[2].append(inner)
        return position

    for fact in facts:
        add(fact)
    return tuple(
        (model.__name__, dicts, lines, fields_sets, [(name, *links[(name, many)]) for name, many in sorted_links])
        for model, (dicts, lines, fields_sets, links) in columns.items()
        for sorted_links in [
            [(name, many) for name, _ in record_fields(model) for many in (True, False) if (name, many) in links]
        ]
    )


def _bytes(value: Any) -> bytes:
    """`value` as marshal keeps it, read back and kept again: the same bytes for equal values made alike (marshal
    marks an object held more than once, which differs with how the value was made)."""
    return marshal.dumps(marshal.loads(marshal.dumps(value)))


def test_kept_records_are_the_bytes_of_reading_every_field_by_name(fact_documents):
    facts = [fact for document in fact_documents for fact in Collector().records(Fact, document, "fact")]
    dumped = record_cache.dump_entry(facts, [])
    assert _bytes(dumped) == _bytes((_entry_reference(facts), []))
    restored = record_cache.restore_entry(marshal.loads(marshal.dumps(dumped)), "x.yaml")
    assert restored is not None and restored[0] == facts
    # Every record inside the facts restored as it was: its values (in the fields' order), place and fields set.
    assert [located_tree(f) for f in restored[0]] == [located_tree(f) for f in facts]
    assert any(f.dispute for f in facts) and any(f.citations for f in facts)


def located_tree(record: Record) -> list:
    """`record` and every record inside it: type, values in the fields' order, place and the fields set."""
    out = [(type(record).__name__, list(record.model_dump().items()), record.line, sorted(record.model_fields_set))]
    for name, _ in record_fields(type(record)):
        value = getattr(record, name)
        for inner in value if isinstance(value, list) else [value] if value is not None else []:
            out += located_tree(inner)
    return out


def test_fields_read_in_another_order_would_be_caught(fact_documents, monkeypatch):
    facts = Collector().records(Fact, fact_documents[0], "fact")
    names = tuple(reversed(Fact.model_fields))
    monkeypatch.setitem(record_cache._NAMES, Fact, (names, lambda state: tuple(state[n] for n in names)))
    assert _bytes(record_cache.dump_entry(facts, [])) != _bytes((_entry_reference(facts), []))


def test_a_model_of_one_field_is_kept_whole():
    class One(Record):
        only: str

    record = One(only="x")
    record.locate("f.yaml", 3)
    assert record_dump._dump(record) == (3, ("only",), {"only": "x"}) == _dump_reference(record)
