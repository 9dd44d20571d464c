"""The value types of record fields, each with the validator that refuses a bad value in factdeck's words:
slugs, text, dates, hashes, and the fixed vocabularies (fact kinds, source kinds, stances, statuses, card
kinds, question types). records/schema.py builds the records from them."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator

from factdeck.records.dates import parse_calendar_date, parse_date, parse_plain_date

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# Short values repeat across a fact base (the sources a citation names, eras, tags, the vetting day and who
# vetted, locators, attributions' verbs), and each record held its own copy of each: 7.7 MB of the 17 MB of
# distinct strings the records of 10,000 facts hold. Slugs, dates and texts of up to SHORT_TEXT characters are
# interned (one copy however many records hold the value; marshal keeps them interned through the record cache
# and the second core's payload); longer texts rarely repeat, and interning them only grows the table.
SHORT_TEXT = 40


def _interned(value: str) -> str:
    return sys.intern(value) if type(value) is str else value  # a subclass of str cannot be interned


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"'{value}' is not a valid id: use lower-case letters, digits and single hyphens")
    return _interned(value)


# Deck ids name folders and files (build/<id>/<id>.apkg, build/<id>/sessions/meeting-01/<id>-meeting-01.apkg),
# which are copied to every system learners and teachers use. A slug cannot hold what macOS or a
# case-insensitive file system refuses (':', upper case, trailing dots or spaces), so what is left is
# Windows' reserved device names (Microsoft, "Naming Files, Paths, and Namespaces": CON, PRN, AUX, NUL,
# COM1-COM9, LPT1-LPT9, refused with any extension) and the length: Windows' classic MAX_PATH is 260
# characters for a whole path, and a deck id appears twice in a meeting pack's path.
WINDOWS_RESERVED = frozenset(
    ("con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10)))
)
MAX_DECK_ID = 60


def _deck_id(value: str) -> str:
    _slug(value)
    if value in WINDOWS_RESERVED:
        raise ValueError(
            f"'{value}' is a device name that Windows reserves: a folder or file named '{value}' cannot be made "
            f"there; choose another id (e.g. '{value}-deck')"
        )
    if len(value) > MAX_DECK_ID:
        raise ValueError(
            f"too long ({len(value)} characters): a deck id names folders and files, whose paths Windows limits "
            f"to 260 characters; use at most {MAX_DECK_ID}"
        )
    return value


# Characters that would corrupt an output (NUL and the other C0 and C1 controls but tab and line breaks) or
# disguise one (the bidirectional embeddings and overrides U+202A–U+202E, which reorder the text after them;
# the plain marks LRM U+200E and RLM U+200F only set a direction and stay allowed).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]")
_BIDI_NAMES = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
}


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    unsafe = _UNSAFE.search(value)
    if unsafe:
        char = unsafe.group()
        if char in _BIDI_NAMES:
            raise ValueError(
                f"contains U+{ord(char):04X} {_BIDI_NAMES[char]}, which reorders the text after it and can disguise "
                "it: remove it (to set a direction, use the marks U+200E LRM or U+200F RLM)"
            )
        raise ValueError(
            f"contains the control character U+{ord(char):04X}, which would corrupt the outputs: remove it"
        )
    return _interned(value) if len(value) <= SHORT_TEXT else value


def _year_to_text(value: object) -> object:
    # `date: 1979` is natural to type and arrives as an integer (as do `800` and `-43`: EDTF writes them 0800
    # and -0043). `date: [1887, 3]` arrives as a YAML list whose numbers would each become a year (0003): EDTF's
    # one-of set is written as a quoted string, where every member is checked as a date.
    if isinstance(value, int) and not isinstance(value, bool):
        return f"-{-value:04d}" if value < 0 else f"{value:04d}"
    if isinstance(value, list):
        raise ValueError(
            "a date must be a string or a year number, not a list: write the EDTF set as a quoted string, "
            "e.g. '[1887, 1888]'"
        )
    return value


def _historical(value: str) -> str:
    parse_date(value)
    return _interned(value)


def _calendar(value: str) -> str:
    parse_calendar_date(value)
    return _interned(value)


def _partial(value: str) -> str:
    parse_plain_date(value)
    return _interned(value)


def _sha256(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise ValueError("must be 64 hex digits, as `factdeck hash-archives` writes it")
    return value


@dataclass(frozen=True)
class MaxChars:
    """A text field's length limit, in characters (Unicode code points), and where the limit comes from: what
    one printed worksheet or key line block and an Anki card can show without running off the page. No
    platform factdeck exports to (Anki, Moodle's GIFT and XML, Canvas's QTI) limits these texts more tightly."""

    limit: int
    shown: str  # where the text is shown, for the message: "a question"

    def __call__(self, value: str) -> str:
        if len(value) > self.limit:
            raise ValueError(
                f"{len(value)} characters, and at most {self.limit} fit {self.shown} on a printed page: shorten "
                "it (detail belongs in `notes` or another fact)"
            )
        return value


def text_limit(metadata: Iterable[Any]) -> int | None:
    """The `MaxChars` limit among a field's validators, if any (for docs/schema.md)."""
    return next((m.func.limit for m in metadata if isinstance(getattr(m, "func", None), MaxChars)), None)


# Length limits (characters): a question or statement prints in a few lines of a worksheet and fills a card's
# front; an answer, option or accepted answer a few lines of a multiple-choice question; an explanation a paragraph.
QuestionText = Annotated[str, AfterValidator(_text), AfterValidator(MaxChars(400, "a question"))]
AnswerText = Annotated[str, AfterValidator(_text), AfterValidator(MaxChars(400, "an answer or option"))]
StatementText = Annotated[str, AfterValidator(_text), AfterValidator(MaxChars(800, "a statement"))]
ExplanationText = Annotated[str, AfterValidator(_text), AfterValidator(MaxChars(800, "an explanation"))]
NameText = Annotated[str, AfterValidator(_text), AfterValidator(MaxChars(400, "a name"))]

Slug = Annotated[str, AfterValidator(_slug)]
DeckId = Annotated[str, AfterValidator(_deck_id)]
Sha256 = Annotated[str, AfterValidator(_sha256)]
Text = Annotated[str, AfterValidator(_text)]
HistoricalDateText = Annotated[str, BeforeValidator(_year_to_text), AfterValidator(_historical)]
CalendarDate = Annotated[str, AfterValidator(_calendar)]
PartialDate = Annotated[str, BeforeValidator(_year_to_text), AfterValidator(_partial)]
EraBound = Annotated[str, BeforeValidator(_year_to_text)]


def _date_bound(value: str) -> str:
    """A date (EDTF) or a fact id; which one a fact id names is checked across records (records/bounds.py)."""
    try:
        parse_date(value)
    except ValueError as exc:
        if SLUG.match(value):
            return value
        raise ValueError(f"'{value}' is neither a date (EDTF: 1980, 1980-01, 1980-01-25) nor a fact id") from exc
    return value


DateBound = Annotated[str, BeforeValidator(_year_to_text), AfterValidator(_date_bound)]


def _number_bound(value: object) -> object:
    """A number (`1500`, `"1,500"`) or a fact id; which one a fact id names is checked across records
    (records/bounds.py)."""
    if isinstance(value, bool):
        raise ValueError("must be a number (1500) or the id of a fact whose answer is a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        plain = value.strip().replace(",", "")
        try:
            return float(plain)
        except ValueError:
            if SLUG.match(value):
                return value
    raise ValueError(f"'{value}' is neither a number (1500) nor a fact id")


NumberBound = Annotated[float | str, BeforeValidator(_number_bound)]

FactKind = Literal["date", "number", "person", "place", "organization", "event", "term", "characterization"]
SourceKind = Literal[
    "encyclopedia",
    "news",
    "analysis",
    "opinion",
    "government",
    "academic",
    "advocacy",
    "web",
    "book",
    "primary-document",
    "speech",
    "interview",
    "letter",
    "report",
]
Stance = Literal["critical", "supportive", "state-aligned", "neutral", "mixed", "unknown"]
Status = Literal["draft", "review", "vetted", "retracted"]
DisputeReasonType = Literal["stance", "self-contradiction", "time", "scope", "slip"]
CardKind = Literal["qa", "reverse", "cloze", "dispute"]
QuestionType = Literal[
    "multiple-choice", "true-false", "fill-blank", "matching", "timeline", "short-answer", "source-analysis"
]

FACT_KINDS: tuple[str, ...] = FactKind.__args__  # type: ignore[attr-defined]
NAMED_KINDS = ("person", "place", "organization", "term")  # kinds whose answer names a thing
