"""Value classes made named tuples rather than frozen dataclasses (a frozen dataclass compiles six generated methods
as its module is imported; docs/performance.md, "What a check after an edit imports and builds"): each is still
made by keyword or position with its defaults, equal and hashed by value, unchangeable, and shown by its fields."""

from __future__ import annotations

import pytest

from factdeck.outputs.anki.cards import CardPlan
from factdeck.outputs.anki.cloze import ClozePart
from factdeck.outputs.anki.editions import Edition
from factdeck.outputs.anki.lifecycle import Withdrawal
from factdeck.outputs.anki.note_types import NoteTypeSpec
from factdeck.outputs.anki.published import SourceTime
from factdeck.outputs.anki.release import Drift, Released
from factdeck.outputs.vocabulary import Vocabulary
from factdeck.records.bounds import BoundProblem, DateBounds, NumberBounds, Span
from factdeck.records.dates import HistoricalDate
from factdeck.records.locators import Block, Locator
from factdeck.records.naming import NameProblem
from factdeck.records.options import OptionProblem
from factdeck.records.question_rules import QuestionProblem
from factdeck.records.verbatim import Copied
from factdeck.records.vetting import ReviewNeed
from factdeck.text.edtf import Day, Edtf, Moment

# Each class with the values of one instance: hashable values, so hashing is tested too (the records some hold
# are pydantic models, which hash by identity only where frozen; a string stands in for them here).
_DAY, _LATER = Day(1981, 6, 28), Day(1981, 6, 30)
MADE = [
    (Day, (1981, 6, 28)),
    (Edtf, ("1981-06", "date", _DAY, _LATER, (), False, True)),
    (Moment, (_DAY, _LATER, "month", True)),
    (HistoricalDate, ("1981", _DAY, _LATER)),
    (Span, (_DAY, _LATER, "June 1981")),
    (DateBounds, (_DAY, _LATER, "the era", "the fact")),
    (NumberBounds, (1.0, 9.0, "", "the whole")),
    (BoundProblem, ("a fact", "a message")),
    (NameProblem, ("a fact", "a message", "warning")),
    (OptionProblem, ("a fact", "a message", "error")),
    (QuestionProblem, ("a fact", "a message", "error")),
    (Block, ("paragraph", "¶ 2", "text", 10, 14, None)),
    (Locator, ("¶", "2", "Intro")),
    (Copied, ("a fact", "statement", "src", 12, "the")),
    (ReviewNeed, ("a fact", "changed")),
    (ClozePart, ("1981", True)),
    (SourceTime, (1_700_000_000, True, "commit")),
    (NoteTypeSpec, ("card", "fact card", "card", "{{Front}}", "{{Back}}")),
    (Withdrawal, ("retracted", "")),
    (Released, ("all", "decks/published/all.json", 1, 2, 3, 4, True)),
    (CardPlan, ("qa", None)),
    (Drift, (0, 2, 0, ("name",))),
]


@pytest.mark.parametrize(("cls", "values"), MADE, ids=[cls.__name__ for cls, _ in MADE])
def test_a_value_class_is_equal_and_hashed_by_value_unchangeable_and_shown_by_its_fields(cls, values):
    made = cls(*values)
    by_name = cls(**dict(zip(cls._fields, values, strict=False)))
    assert made == by_name and hash(made) == hash(by_name)
    other = cls(*values[:-1], "something else")
    assert made != other
    with pytest.raises(AttributeError):
        made.__setattr__(cls._fields[0], values[0])
    assert repr(made).startswith(f"{cls.__name__}({cls._fields[0]}=")
    assert all(getattr(made, name) == value for name, value in zip(cls._fields, values, strict=False))


def test_defaults_are_kept():
    assert BoundProblem("a fact", "a message").severity == "error"
    date = HistoricalDate("1981", _DAY, _LATER)
    assert (date.approximate, date.uncertain, date.precision, date.kind, date.year) == (
        False,
        False,
        "year",
        "date",
        1981,
    )
    assert Edtf("1981", "date", _DAY, _LATER, (), False, False).open_start == ""


def test_days_order_as_dates_do():
    assert Day(1980, 12, 31) < Day(1981, 1, 1) < Day(1981, 1, 2) and max(Day(-5, 1, 1), Day(0, 1, 1)) == Day(0, 1, 1)


def test_the_vocabulary_and_an_edition_hold_mappings():
    words = Vocabulary({"multiple-choice": "Multiple choice"}, {}, {})
    assert words == Vocabulary({"multiple-choice": "Multiple choice"}, {}, {}) and words.question_types
    edition = Edition("fa", "en", {}, True)  # a language stands in by its tag here
    assert edition.bilingual and edition.originals == {}


def test_a_drift_is_true_only_where_something_changed():
    assert not Drift(0, 0, 0, ()) and Drift(0, 0, 1, ()) and Drift(0, 0, 0, ("name",))
    assert Drift(1, 2, 0, ("name",)).summary() == "1 note added, 2 notes changed, name changed"


def test_a_sets_dates_and_ranges_are_told_apart():
    """A set's members are Moments or (Moment, Moment) ranges; a Moment is a named tuple too, so it is asked for
    first (text/edtf.py, text/dates.py)."""
    from factdeck.i18n import Language
    from factdeck.text.dates import date_label
    from factdeck.text.edtf import parse_edtf

    parsed = parse_edtf("[1667,1668,1670..1672]")
    assert parsed.precision == "year" and parsed.start == Day(1667, 1, 1) and parsed.end == Day(1672, 12, 31)
    assert date_label("[1667,1668,1670..1672]", Language.source()) == "1667, 1668 or 1670–1672"
