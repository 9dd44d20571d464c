"""NoteTimes keeps each released note once, by its GUID, as the release record holds it (no key or tuple of its own
per note): the times it gives are those of the plain rules (the latest release of a note across the decks, else the
source's time or the clock's, never below it). A deck's edition in another language has notes of the same
identities with GUIDs and contents of their own: each keeps its own time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.outputs.anki.published import ModTimes, NoteTimes, SourceTime
from factdeck.records.identity import PublishedDeck, PublishedNote

IDENTITIES = st.sampled_from(["a/qa", "a/reverse", "b/qa", "b/dispute/v1", "c/cloze"])
GUIDS = IDENTITIES.map(lambda identity: f"guid-{identity}")
HASHES = st.sampled_from(["h1", "h2", "h3"])
NOTES = st.lists(st.tuples(IDENTITIES, HASHES, st.integers(100, 110)), max_size=6)
TYPES = st.dictionaries(st.sampled_from(["card", "cloze"]), st.tuples(HASHES, st.integers(100, 110)), max_size=2)


def deck(name: str, notes: list[tuple[str, str, int]], types: dict[str, tuple[str, int]]) -> PublishedDeck:
    held = {i: PublishedNote(i, f"guid-{i}", h, mod, i.split("/")[0], "era") for i, h, mod in notes}
    return PublishedDeck(
        deck=name,
        name=name,
        released=100,
        subdecks=False,
        eras={},
        note_types={k: {"hash": h, "mod": mod} for k, (h, mod) in types.items()},
        notes=held,
    )


def plain_stamp(published: dict[str, PublishedDeck], local: ModTimes, source: SourceTime, key: str, digest: str) -> int:
    """The rules as NoteTimes followed them with one dict of `note:`/`notetype:` keys to (hash, time) tuples."""
    released: dict[str, tuple[str, int]] = {}

    def remember(k: str, h: str, mod: int) -> None:
        known = released.get(k)
        if known is None or known[1] < mod:
            released[k] = (h, mod)

    for record in published.values():
        for note in record.notes.values():
            remember(f"note:{note.guid}", note.hash, note.mod)
        for k, entry in record.note_types.items():
            remember(f"notetype:{k}", entry["hash"], entry["mod"])
    known = released.get(key)
    if known is not None and known[0] == digest:
        return known[1]
    floor = known[1] + 1 if known is not None else 0
    if source.reproducible:
        return max(source.seconds, floor)
    return local.stamp(key, digest, floor)


@settings(max_examples=300, deadline=None)
@given(
    first=NOTES,
    second=NOTES,
    types=TYPES,
    asked=st.lists(st.tuples(st.sampled_from(["note", "notetype"]), GUIDS | st.just("card"), HASHES), max_size=8),
    reproducible=st.booleans(),
)
def test_times_are_the_plain_rules(first, second, types, asked, reproducible):
    published = {"one": deck("one", first, types), "two": deck("two", second, {})}
    source = SourceTime(105, reproducible, "commit" if reproducible else "clock")
    times = NoteTimes(published, ModTimes({}, 107), source)
    plain_local = ModTimes({}, 107)
    for kind, name, digest in asked:
        key = f"{kind}:{name}"
        expected = plain_stamp(published, plain_local, source, key, digest)
        assert times.stamp(key, digest) == expected
        if kind == "note":  # the note's own call gives the same time, and changes nothing further
            assert times.stamp_note(name, digest) == expected
    assert times.local.entries == plain_local.entries


def test_released_notes_are_the_records_own():
    published = {
        "one": deck("one", [("a/qa", "h1", 100), ("b/qa", "h2", 105)], {}),
        "two": deck("two", [("a/qa", "h3", 103)], {}),
    }
    times = NoteTimes(published, ModTimes({}, 200), SourceTime(200, True, "commit"))
    # The latest release of each note, the very note of a record (nothing made per note).
    assert times.released_notes["guid-a/qa"] is published["two"].notes["a/qa"]
    assert times.released_notes["guid-b/qa"] is published["one"].notes["b/qa"]
    assert all(key == note.guid for key, note in times.released_notes.items())
    assert times.stamp_note("guid-a/qa", "h3") == 103
    assert times.stamp_note("guid-a/qa", "h1") == 200  # a changed note: the source's time, above the latest release


def edition(name: str, notes: list[tuple[str, str, str, int]]) -> PublishedDeck:
    """A deck record whose notes are (identity, GUID, hash, time): an edition's notes share their identities with
    the original's."""
    record = deck(name, [], {})
    record.notes = {i: PublishedNote(i, g, h, mod, i.split("/")[0], "era") for i, g, h, mod in notes}
    return record


def test_an_edition_does_not_retime_the_original_notes():
    # The deck in its own language released first, its edition later: same identity, other GUID and content.
    published = {
        "history": edition("history", [("a/qa", "guid-en", "h-en", 100)]),
        "history-fa": edition("history-fa", [("a/qa", "guid-fa", "h-fa", 150)]),
    }
    for source in (SourceTime(300, True, "commit"), SourceTime(300, False, "clock")):
        local = ModTimes({}, 300)
        times = NoteTimes(published, local, source)
        # Each note keeps the time it was released with, in every build, whichever is built first.
        for _ in range(2):
            assert times.stamp_note("guid-en", "h-en") == 100
            assert times.stamp_note("guid-fa", "h-fa") == 150
        assert local.entries == {}
        # An edition's changed note is timed after its own release, the original's untouched.
        assert times.stamp_note("guid-fa", "h-fa2") == 300
        assert times.stamp_note("guid-en", "h-en") == 100


def test_the_clock_times_each_edition_apart():
    # Notes new since the release, timed by the clock: two editions' notes of one identity keep their own times
    # in the build folder's state, build after build, whichever deck is built first.
    local = ModTimes({}, 500)
    times = NoteTimes({}, local, SourceTime(500, False, "clock"))
    first = (times.stamp_note("guid-en", "h-en"), times.stamp_note("guid-fa", "h-fa"))
    local.now = 600
    assert (times.stamp_note("guid-fa", "h-fa"), times.stamp_note("guid-en", "h-en")) == first[::-1]
    assert first == (500, 500)
