"""The duplicate-front check keys each note type's first notes by their fronts' hashes and holds no front: it finds
the warnings keying by the fronts themselves found, fronts with the same hash included; the kept record makes
the fronts again as the check read them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from factdeck.outputs.anki.fronts import duplicate_fronts, front_of, plain
from factdeck.records.identity import WITHDRAWN_TAG


class SameHash(str):
    """A front whose hash every other `SameHash` shares: fronts that differ under one hash."""

    def __hash__(self) -> int:
        return 7


def by_fronts(records: list[Any], back: Any = None) -> list[str]:
    """The check as it was: the first note of each (note type, front), the fronts held as keys."""
    first: dict[tuple[str, str], Any] = {}
    warnings = []
    for record in records:
        if WITHDRAWN_TAG in record.tags:
            continue
        front = front_of(record)
        seen = first.setdefault((record.note_type, str(front)), record)
        if seen is not record and _back(seen, back) != _back(record, back):
            shown = front if len(front) <= 70 else front[:67] + "..."
            warnings.append(
                f"notes '{seen.identity}' and '{record.identity}' have the same front ('{shown}') but different "
                "backs: Anki takes the second for a duplicate of the first; word one of them differently"
            )
    return warnings


def _back(record: Any, back: Any) -> str:
    fields = getattr(record, "fields", None)
    return "\x1f".join(fields[1:]) if fields is not None else back(record)


notes = st.lists(
    st.tuples(
        st.sampled_from(["card", "cloze"]),
        st.sampled_from(["a", "b", "<i>a</i>", "c &amp; d", "x" * 80]),
        st.sampled_from(["back 1", "back 2"]),
        st.booleans(),  # withdrawn
        st.booleans(),  # a kept note (its front kept, its back read through the check's `back`)
    ),
    max_size=12,
)


def _records(drawn: list[tuple[str, str, str, bool, bool]], same_hash: bool) -> list[Any]:
    """The drawn notes; `same_hash`: every one a kept note whose front's hash every other's shares."""
    made = []
    for n, (note_type, front, back, withdrawn, kept) in enumerate(drawn):
        tags = (WITHDRAWN_TAG,) if withdrawn else ()
        if kept or same_hash:
            shown = SameHash(plain(front)) if same_hash else plain(front)
            made.append(SimpleNamespace(identity=f"f{n}", note_type=note_type, tags=tags, back=back, front=shown))
        else:
            made.append(SimpleNamespace(identity=f"f{n}", note_type=note_type, tags=tags, fields=(front, back)))
    return made


@given(notes, st.booleans())
def test_the_check_by_hash_finds_what_the_check_by_front_found(drawn, same_hash):
    records = _records(drawn, same_hash)
    back = lambda record: record.back  # noqa: E731
    assert duplicate_fronts(records, None, back) == by_fronts(records, back)
    fronts: dict[str, str] = {}
    assert duplicate_fronts(records, fronts, back) == by_fronts(records, back)
    assert fronts == {r.identity: front_of(r) for r in records if WITHDRAWN_TAG not in r.tags}


def test_fronts_with_one_hash_are_told_apart():
    # Two kept notes whose different fronts share a hash are not duplicates; a third with the first's front is.
    back = lambda record: record.back  # noqa: E731
    one, other, again = (
        SimpleNamespace(identity=i, note_type="card", tags=(), back=b, front=SameHash(f))
        for i, f, b in (("a", "one", "x"), ("b", "other", "y"), ("c", "one", "z"))
    )
    assert duplicate_fronts([one, other], None, back) == []
    assert [w.split("'")[1:4:2] for w in duplicate_fronts([one, other, again], None, back)] == [["a", "c"]]
