"""factdeck's own `guid_for` (records/anki_guid.py) is genanki's, value for value: every published note's GUID
comes from it, and a note whose GUID changed would be a new note in every learner's collection."""

from __future__ import annotations

import pytest
from genanki import guid_for as genanki_guid_for
from hypothesis import example, given
from hypothesis import strategies as st

from factdeck.records.anki_guid import guid_for

VALUES = st.one_of(st.text(), st.integers(), st.none(), st.floats(allow_nan=False))


@given(st.lists(VALUES, max_size=5))
@example([])  # the empty text: genanki hashes it too
@example(["factdeck", "guild-founded", "qa"])
@example(["factdeck/fa", "guild-founded", "dispute", "version-a"])
@example(["ناصر", "شاه", "—", "🜚"])
def test_guid_for_is_genankis(values):
    assert guid_for(*values) == genanki_guid_for(*values)


def test_a_guid_written_down_from_genanki():
    # genanki 0.13.1's answer, written down: the published notes' GUIDs depend on these digits, whatever genanki
    # release the tests run with.
    assert guid_for("factdeck", "guild-founded", "qa") == "ciW1)/u<%["


def test_a_lone_surrogate_is_refused_as_genanki_refuses_it():
    with pytest.raises(UnicodeEncodeError):
        genanki_guid_for("\ud800")
    with pytest.raises(UnicodeEncodeError):
        guid_for("\ud800")


def test_the_comparison_would_catch_another_digit_order(monkeypatch):
    # A table in any other order (here Anki's digits sorted) gives other GUIDs: the property above can fail.
    from factdeck.records import anki_guid

    monkeypatch.setattr(anki_guid, "_BASE91", "".join(sorted(anki_guid._BASE91)))
    assert guid_for("factdeck", "guild-founded", "qa") != genanki_guid_for("factdeck", "guild-founded", "qa")
