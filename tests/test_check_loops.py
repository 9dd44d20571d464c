"""The loops a check runs over every fact after validating an edited file, made in C: each gives what the plain loop
over every fact gives (records/archive.py's `citation_counts` and `QuoteTally.count`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import bench_base
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.records import archive, date_giveaways, question_rules
from factdeck.records.archive import QuoteTally, citation_counts


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bench_base(300, tmp_path_factory.mktemp("loops") / "synth")


def _plain_tally(facts, known, archives) -> QuoteTally:  # type: ignore[no-untyped-def]
    """The tally counted citation by citation, as before it was counted by source."""
    tally = QuoteTally()
    for fact in facts:
        for citation in fact.all_citations():
            if citation.source not in known:
                continue
            reason = archives.why_not.get(citation.source)
            if reason is None:
                tally.verified += 1
            else:
                tally.unverified[reason] += 1
                tally.sources.setdefault(reason, set()).add(citation.source)
    return tally


def test_citation_counts_counts_every_fact_s_own_and_its_versions_citations(synth):
    base = load_and_validate(synth)
    assert any(fact.dispute for fact in base.facts)  # the versions' citations are counted too
    plain = Counter(c.source for fact in base.facts for c in fact.all_citations())
    assert citation_counts(base.facts) == plain
    assert list(citation_counts(base.facts[:0])) == []


def test_the_tally_by_source_is_the_tally_by_citation(synth, tmp_path):
    base = load_and_validate(synth, archive=synth / "archive")
    assert base.quotes is not None and base.quotes.verified > 0
    known = base.sources
    # Each source verified, or not for a reason, or unknown (an error of its own): every branch of the count.
    names = sorted(known)
    why_not = {names[0]: archive.NO_FILE, names[1]: archive.MISSING, names[2]: archive.MISSING}
    archives = archive.Archives(texts={}, why_not=why_not)
    unknown = {name: source for name, source in known.items() if name != names[3]}
    for sources in (known, unknown):
        counted = QuoteTally.count(base.facts, sources, archives)
        plain = _plain_tally(base.facts, sources, archives)
        assert (counted.verified, counted.unverified, counted.sources) == (
            plain.verified,
            plain.unverified,
            plain.sources,
        )
        assert counted.summary() == plain.summary()
        given = QuoteTally.count(base.facts, sources, archives, citation_counts(base.facts))
        assert given.summary() == plain.summary()
    # A tally counted by source that dropped the versions' citations would be caught.
    own = Counter(c.source for fact in base.facts for c in fact.citations)
    wrong = QuoteTally.count(base.facts, known, archives, own)
    assert wrong.summary() != _plain_tally(base.facts, known, archives).summary()


def _plain_asked_entry_by_entry(value: object) -> bool:
    """`date_giveaways._plain_asked` as it tested entry by entry."""
    if type(value) is not list:
        return False
    for kept in value:
        if type(kept) is not tuple or len(kept) != 6:
            return False
        id_, file, line, dates, what, names = kept
        if type(id_) is not str or type(file) is not str or type(line) is not int or type(dates) is not tuple:
            return False
        if not all(type(d) is tuple and len(d) == 3 and all(type(n) is int for n in d) for d in dates):
            return False
        if not all(type(x) is frozenset and all(type(w) is str for w in x) for x in (what, names)):
            return False
    return True


# Values of every type a kept part's place may hold when damaged, the right ones among them.
_ANY = st.one_of(st.text(max_size=3), st.integers(-2, 2), st.booleans(), st.none(), st.just(()), st.just(frozenset()))


def _maybe(right: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly `right`, sometimes a value of another type."""
    return st.one_of(right, right, right, right, right, _ANY)


_DATE = _maybe(st.tuples(_maybe(st.integers(0, 9)), _maybe(st.integers(0, 9)), _maybe(st.integers(0, 9))))
_WORDS = _maybe(st.frozensets(_maybe(st.text(max_size=3)), max_size=3))
_ASKED = _maybe(
    st.tuples(
        _maybe(st.text(max_size=3)),
        _maybe(st.text(max_size=3)),
        _maybe(st.integers(0, 9)),
        _maybe(st.tuples() | st.tuples(_DATE) | st.tuples(_DATE, _DATE)),
        _WORDS,
        _WORDS,
    )
)


@settings(max_examples=400)
@given(st.one_of(st.lists(_ASKED, max_size=4), _ANY))
def test_kept_date_facts_are_tested_a_column_at_a_time_as_entry_by_entry(value):
    assert date_giveaways._plain_asked(value) == _plain_asked_entry_by_entry(value)


def test_the_column_tests_reject_what_they_must():
    good_asked = [("a", "f", 1, ((1, 2, 3),), frozenset({"w"}), frozenset())]
    assert date_giveaways._plain_asked(good_asked) and date_giveaways._plain_asked([])
    for bad in (
        [("a", "f", 1, ((1, 2),), frozenset({"w"}), frozenset())],  # a date of two numbers
        [("a", "f", 1, ((1, 2, "3"),), frozenset({"w"}), frozenset())],
        [("a", "f", True and "1", ((1, 2, 3),), frozenset(), frozenset())],
        [("a", "f", 1, ((1, 2, 3),), frozenset({1}), frozenset())],
        [("a", "f", 1, [(1, 2, 3)], frozenset(), frozenset())],
    ):
        assert not date_giveaways._plain_asked(bad)
    assert question_rules._name_entries([("a", "b", True)]) and question_rules._name_entries([])
    assert not question_rules._name_entries([("a", "b", 1)]) and not question_rules._name_entries([("a", 2, False)])


def _plain_moved_warnings(record, eras, facts) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(fact id, era then) of each fact `published_warnings` warns moved, as it found them note by note."""
    first: dict[str, str] = {}
    for note in record.notes.values():
        if note.era is not None and not note.withdrawn:
            first.setdefault(note.fact, note.era)
    found = []
    for fact_id, old_era in sorted(first.items()):
        fact = facts.get(fact_id)
        if fact is not None and fact.era != old_era and fact.era in eras and fact.status == "vetted":
            found.append((fact_id, old_era))
    return found


_ERAS = ["a", "b", "c"]
_NOTE = st.tuples(
    st.sampled_from(["f1", "f2", "f3", "f4"]), st.sampled_from([None, "a", "b", "c", "gone"]), st.booleans()
)
_NOW = st.dictionaries(
    st.sampled_from(["f1", "f2", "f3", "f5"]),
    st.tuples(st.sampled_from(["a", "b", "c", "unknown"]), st.sampled_from(["vetted", "review", "retracted"])),
)


def _record(notes):  # type: ignore[no-untyped-def]
    from factdeck.records.identity import PublishedDeck, PublishedNote

    return PublishedDeck(
        "d",
        "Deck",
        0,
        {},
        {},
        {
            f"{fact}/{i}": PublishedNote(f"{fact}/{i}", "g", "h", 0, fact, era, gone)
            for i, (fact, era, gone) in enumerate(notes)
        },
        True,
        "decks/published/d.json",
    )


@settings(max_examples=300)
@given(st.lists(_NOTE, max_size=12), _NOW, st.booleans())
def test_the_facts_moved_since_a_release_are_those_found_note_by_note(notes, now, restored):
    from types import SimpleNamespace

    from factdeck.records.identity import dump_published, published_warnings, restore_published

    record = _record(notes)
    if restored:  # its notes a column at a time, not made (records/note_columns.py)
        record = restore_published(dump_published(record))
        assert record._unmade() is not None
    deck = SimpleNamespace(id="d", name="Deck", cards=SimpleNamespace(subdecks=True))
    eras = {era: SimpleNamespace(id=era, title=era) for era in _ERAS}
    facts = {fact_id: SimpleNamespace(id=fact_id, era=era, status=status) for fact_id, (era, status) in now.items()}
    warned = published_warnings({"d": record}, [deck], eras, facts)  # type: ignore[arg-type]
    plain = _plain_moved_warnings(record, eras, facts)
    assert [where.id for where, _ in warned] == [fact_id for fact_id, _ in plain]
    assert all(
        f"from era '{then}' to era '{facts[fact_id].era}'" in message
        for (_, message), (fact_id, then) in zip(warned, plain)
    )


def test_an_archived_text_s_digest_is_its_text_s_hashed_once(monkeypatch):
    import hashlib

    text = archive.ArchivedText.of("The hall at Millford, finished in 1910.\nA second line: \udcff.")
    made = []
    sha256 = hashlib.sha256
    monkeypatch.setattr(hashlib, "sha256", lambda *data: made.append(data) or sha256(*data))
    assert text.digest == sha256(text.raw.encode("utf-8", "surrogatepass")).hexdigest()
    assert text.digest == text.digest and len(made) == 1
    assert archive.ArchivedText.of(text.raw + " ").digest != text.digest


@settings(max_examples=300)
@given(st.lists(_NOTE, max_size=12), st.sets(st.sampled_from(["f1", "f2", "f3", "f5"])))
def test_a_restored_record_s_notes_read_from_its_columns_are_its_notes(notes, facts):
    from factdeck.records.identity import dump_published, restore_published

    made = _record(notes)
    record = restore_published(dump_published(made))
    assert record._unmade() is not None
    assert list(record.identities()) == list(made.notes)
    assert [record.note(identity) for identity in [*made.notes, "f1/99", ""]] == [*made.notes.values(), None, None]
    assert record.notes_of(facts) == made.notes_of(facts) == [n for n in made.notes.values() if n.fact in facts]
    assert record._unmade() is not None  # none of it made every note
    assert record.notes == made.notes and record == made and record._unmade() is None  # made when read
