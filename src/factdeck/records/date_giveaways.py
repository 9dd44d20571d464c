"""A question or statement that names the date another fact asks (question_rules.py's `across` calls it).

What a learner reads of fact A before answering: its question (every item: multiple choice, short answer),
and, for an undisputed A, its statement (a fill-in-the-blank or cloze, with A's own answer blanked; a true/false
item) and its false statements (a true/false item). A disputed A makes only questions. When one of those texts
names a date D and another fact B (not retracted; kind `date`) asks a date whose answer is D at the answer's
own precision, a worksheet or deck holding both gives B's answer away. A year answer ('1997') is named by that
year ('1997', 'October 1997'); a month answer ('September 2012') by that month of that year; a day answer by
that day; a part of a year ('early 1981') by the same words. A text naming only the year of a month or day
answer gives nothing away: a month answer's wrong options may all share its year (facts/README.md, made-up
dates). A disputed B counts with every version's dates; a bracketed note in an answer is left out.

A date alone is not enough: '1981' may merely set the time of another event. A and B are about the same event
when one of the NEAR telling words either side of D, in D's sentence of A's text, shares its stem (its first
STEM letters, or the whole of a shorter word: 'list', 'listed', 'listing') with B's telling words: the words
of B's question that also stand next to B's date in B's statement (B's question's alone when none do). A
telling word has four letters or more and is neither a stop word, nor a word that a twelfth of the fact base's
questions and statements use (COMMON_SHARE: the subject's names, its usual verbs), nor part of a real
person's name (a person takes part in many events). A capitalized telling word next to D (a place, a battle:
'the Mersad fighting of 1988') must be among B's question's and statement's words too, or D dates another
event. A's own answer and A == B are left out.

Tuned on the shipped fact base (issue 31): 11 findings, 10 of them true give-aways, fixed in the facts; the
one false finding ('campaigned from 2009 to 2012 for the organization's removal from terrorist lists', beside
the EU delisting of 2009) set the campaign's start next to the removal it sought.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import chain
from typing import NamedTuple

from factdeck.records.by_file import ByFile, digest, whole
from factdeck.records.fact_columns import FactParts
from factdeck.records.schema import Fact
from factdeck.text.compare import core
from factdeck.text.dates import MONTHS
from factdeck.text.patterns import LazyPattern

STEM = 5  # letters two words share to count as the same word ('delisting', 'delisted')
NEAR = 3  # words either side of a named date that say what it dates
_MONTH = "|".join(MONTHS)
# '28 June 1981', 'June 28, 1981', 'June 1981', '1981': the day and month are optional, the year is not.
_DATE = LazyPattern(
    r"\b(?:(?P<part>(?i:early|late|mid|spring|summer|autumn|fall|winter))(?:\s+of)?[\s-]+)?"
    rf"(?:(?P<day>\d{{1,2}})\s+)?(?:(?P<month>{_MONTH})\s+(?:(?P<day2>\d{{1,2}}),?\s+)?(?:of\s+)?)?"
    r"(?P<year>1[5-9]\d\d|20\d\d)(?!\d|s\b)"  # not a decade's 1990s
)
_PARTS = ("early", "late", "mid", "spring", "summer", "autumn", "fall", "winter")
_BRACKETS = re.compile(r"\s*\([^()]*\)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # 'organization's' gives 'organization' and 's'
COMMON_SHARE = 0.08  # a stem in this share of the questions and statements (a twelfth) tells no event apart
COMMON_MIN = 6  # and in at least this many: two facts about one event share their words (a small base has no subject)
# Words that say nothing of which event a date is: question words, date words, the commonest verbs.
_STOP = {
    "what", "which", "when", "whom", "whose", "where", "there", "their", "these", "those", "according", "during",
    "after", "before", "until", "since", "between", "about", "against", "under", "while", "within", "without",
    "year", "years", "month", "months", "date", "dates", "first", "later", "earlier", "again", "other", "another",
    "would", "could", "should", "being", "having", "began", "begin", "start", "started", "says", "gives",
    "write", "writes", "written", "text", "texts", "source", "sources", "article", "essay", "encyclopedia",
    "officially", "official", "finally", "formally",
    "itself", "they", "them", "with", "from", "that", "this", "into", "onto", "over", "were", "was", "did",
    "does", "have", "been", "also", "still", "only", "some", "most", "more", "much", "many", "same", "each",
    "then", "than", "such", "long", "last", "took", "take", "taken", "make", "made", "came", "come",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december",
}  # fmt: skip


# A year as _DATE's ends with it: a text without one names no date (searched first: _DATE's optional day, month
# and season make it slow to fail at every word).
_YEAR = re.compile(r"(?:1[5-9]\d\d|20\d\d)(?!\d|s\b)")


class DateKey(NamedTuple):
    """A date at a precision: `month` and `day` are 0 when the precision does not reach them."""

    year: int
    month: int = 0
    day: int = 0


def named_dates(text: str) -> list[tuple[DateKey, int, int]]:
    """Each date `text` names, at the precision it is written, with its character span."""
    found: list[tuple[DateKey, int, int]] = []
    if _YEAR.search(text) is None:
        return found
    for m in _DATE.finditer(text):
        month = MONTHS.index(m["month"]) + 1 if m["month"] else 0
        if not month and m["part"]:  # 'early 1981': finer than its year, named only by the same words
            month = -1 - _PARTS.index(m["part"].casefold())
        day = int(m["day"] or m["day2"] or 0) if month else 0
        found.append((DateKey(int(m["year"]), month, day), m.start(), m.end()))
    return found


def _meets(these: Iterable[str], those: Iterable[str]) -> bool:
    """Whether a stem of `these` is one of `those`, or begins it ('list' of 'listed', 'liste')."""
    return any(a.startswith(b) or b.startswith(a) for a in these for b in those)


def _covers(named: DateKey, asked: DateKey) -> bool:
    """Whether a text naming `named` names the answer `asked` at the answer's own precision."""
    if named.year != asked.year:
        return False
    return (not asked.month or named.month == asked.month) and (not asked.day or named.day == asked.day)


def answer_dates(fact: Fact) -> frozenset[DateKey]:
    """The dates a date fact's answer gives, each at its own precision (a disputed fact: every version's;
    a bracketed note aside)."""
    answers = [v.answer for v in fact.dispute.versions] if fact.dispute else [fact.answer]
    return frozenset(key for a in answers for key, _, _ in named_dates(_BRACKETS.sub("", core(a))))


def stems(text: str) -> frozenset[str]:
    """The content-word stems of `text`: words of four letters or more, stop words aside, cut to STEM letters."""
    # One set comprehension, no generator: the rule reads every fact's question and statement on every load.
    return frozenset({c[:STEM] for w in _WORD.findall(text) if len(c := w.casefold()) >= 4 and c not in _STOP})


class AskedDate(NamedTuple):
    """A date fact B as the rule reads it: its id, place, the dates it asks, its question's telling stems."""

    id: str
    file: str
    line: int
    dates: frozenset[DateKey]
    stems: frozenset[str]
    names: frozenset[str]


def _asked(kept: tuple) -> AskedDate:
    """An `AskedDate` from the plain values `DateGiveAways.__init__` makes."""
    id_, file, line, dates, what, names = kept
    return AskedDate(id_, file, line, frozenset(DateKey(*d) for d in dates), what, names)


def _stem_counts(value: object) -> bool:
    """Whether a kept part is counts by stem."""
    # Tested a column at a time (loops in C): every file's counts are tested after an edit.
    return type(value) is dict and set(map(type, value)) <= {str} and set(map(type, value.values())) <= {int}


def _plain_asked(value: object) -> bool:
    """Whether a kept part is the plain values of `_asked`."""
    # Tested a column at a time (loops in C): every file's date facts are tested after an edit.
    if type(value) is not list or not set(map(type, value)) <= {tuple} or not set(map(len, value)) <= {6}:
        return False
    if not value:
        return True
    ids, files, lines, dates, whats, names = zip(*value)
    if not set(map(type, chain(ids, files))) <= {str} or not set(map(type, lines)) <= {int}:
        return False
    if not set(map(type, dates)) <= {tuple}:
        return False
    each_date = list(chain.from_iterable(dates))
    if not set(map(type, each_date)) <= {tuple} or not set(map(len, each_date)) <= {3}:
        return False
    if not set(map(type, chain.from_iterable(each_date))) <= {int}:
        return False
    return set(map(type, chain(whats, names))) <= {frozenset} and set(
        map(type, chain.from_iterable(chain(whats, names)))
    ) <= {str}


class DateGiveAways:
    """The rule for the facts of one fact base (`facts`: every fact but the retracted ones)."""

    def __init__(
        self,
        facts: Iterable[Fact],
        people: Iterable[str] = (),
        stems_of: Callable[[Fact], Iterable[str]] = lambda f: stems(f"{f.question} {f.statement}"),
        by_file: ByFile | None = None,
    ) -> None:
        """`people`: the real people's names the fact base gives (comparison forms): a person takes part in many
        events, so a shared name says nothing of which. `stems_of`: a fact's question's and statement's stems
        (`stems`; records/fact_forms.py keeps them per fact file, so a load does not make them again). `by_file`:
        the facts by file (records/by_file.py): each file's date facts as the rule reads them are a part of it,
        under the common stems (default: all of `facts` at once)."""
        facts = facts if isinstance(facts, FactParts) else list(facts)
        # Whether a record is one of `facts`: a `FactParts` is asked (no unchanged file's records made to list them).
        included = facts.holds if isinstance(facts, FactParts) else _identity_test(facts)
        by_file = by_file or whole(facts)

        def stem_counts(part: list[Fact]) -> dict[str, int]:
            # How many of the part's facts (of `facts`) use each stem; plain values, so a cache keeps each file's,
            # and a check after an edit adds up small counts rather than reading every fact's stems.
            return dict(Counter(chain.from_iterable(frozenset(stems_of(f)) for f in part if included(f))))

        counts: Counter[str] = Counter()
        for part in by_file("stem-counts", "", stem_counts, _stem_counts):
            counts.update(part)
        # The stems most facts use (the subject's names, its usual verbs) tell no event from another (the share worked
        # out once, not for each of the 10,000 stems of a large base).
        least = max(COMMON_MIN, COMMON_SHARE * len(facts))
        common = {s for s, n in counts.items() if n >= least}
        self.common = frozenset(common | {w[:STEM] for name in people for w in name.split() if len(w) >= 4})

        def asked_of(part: list[Fact]) -> list[tuple]:
            # Plain values (a cache keeps them): `_asked` makes the records again.
            return [
                (
                    f.id,
                    str(f.file),
                    f.line or 0,
                    tuple(map(tuple, answer_dates(f))),
                    _what_is_dated(f, self.common),
                    frozenset(stems_of(f)),
                )  # fmt: skip
                for f in part
                if f.kind == "date" and included(f)  # of `facts` (none retracted)
            ]

        parts = by_file("date-facts", digest(sorted(self.common)), asked_of, _plain_asked)
        asked = [_asked(kept) for part in parts for kept in part]
        self.asked = sorted((a for a in asked if a.dates and a.stems), key=lambda a: a.id)
        self._by_year: dict[int, list[AskedDate]] = {}
        for a in self.asked:
            for year in sorted({d.year for d in a.dates}):
                self._by_year.setdefault(year, []).append(a)

    def inputs(self) -> tuple:
        """Everything `find` reads besides the fact it checks, sorted (a cache keys its findings by it): the sets
        as sorted tuples, since a set of strings lists them in an order that changes from one process to the next
        (string hashing is salted), and a key made from that order would never match again."""
        asked = tuple(
            (a.id, a.file, a.line, *(tuple(sorted(x)) for x in (a.dates, a.stems, a.names))) for a in self.asked
        )
        return asked, tuple(sorted(self.common))

    def find(self, fact: Fact) -> list[tuple[str, str, AskedDate]]:
        """Each (field, date as written, other fact) where `fact`'s question or statement names the date another
        date fact asks, about the same event (module docstring); at most one finding per other fact."""
        found: list[tuple[str, str, AskedDate]] = []
        seen = {fact.id}
        for field, text in _shown(fact):
            for key, start, end in named_dates(text):
                words: set[str] | None = None
                names: set[str] = set()
                for other in self._by_year.get(key.year, ()):
                    if other.id in seen or not any(_covers(key, d) for d in other.dates):
                        continue
                    if words is None:
                        telling = near(text, start, end, self.common)
                        words = {stem for stem, _ in telling}
                        # A capitalized word there (a place, a battle: 'the Mersad fighting of 1988') is named
                        # by another fact about the same event too.
                        names = {stem for stem, capital in telling if capital}
                    if _meets(words, other.stems) and all(_meets({n}, other.names) for n in names):
                        seen.add(other.id)
                        found.append((field, text[start:end], other))
        return found


def _what_is_dated(fact: Fact, common: frozenset[str]) -> frozenset[str]:
    """The telling stems of the event a date fact dates: its question's, and those next to its answer's dates in
    its statement, both kept only where they agree (each alone names neighbouring events too)."""
    asked = stems(fact.question) - common
    dates = answer_dates(fact)
    beside = {
        stem
        for key, start, end in named_dates(fact.statement)
        if any(_covers(key, d) for d in dates)
        for stem, _ in near(fact.statement, start, end, common)
    }
    return frozenset(asked & beside) or asked


def _shown(fact: Fact) -> list[tuple[str, str]]:
    """What a learner reads of `fact` before answering, by field: its question (every item), and an undisputed
    fact's statement and false statements (a true/false item shows one, a fill-in-the-blank and a cloze the
    statement; a disputed fact makes none of them), with the fact's own answer left out (the blank)."""
    if fact.disputed:
        return [("question", fact.question)]
    own = answer_dates(fact) if fact.kind == "date" else frozenset()
    shown = [("question", fact.question)]
    for field, text in [("statement", fact.statement), *(("false statement", t) for t in fact.false_statements)]:
        for key, start, end in reversed(named_dates(text)):
            if key in own:
                text = f"{text[:start]}____{text[end:]}"
        shown.append((field, text))
    return shown


def _telling(text: str, common: frozenset[str]) -> list[tuple[str, bool]]:
    """`text`'s content-word stems in order, the `common` ones aside, each with whether its word is capitalized."""
    found = [w for w in _WORD.findall(text) if len(w) >= 4 and w.casefold() not in _STOP]
    return [(stem, w[:1].isupper()) for w in found if (stem := w.casefold()[:STEM]) not in common]


def near(text: str, start: int, end: int, common: frozenset[str]) -> list[tuple[str, bool]]:
    """The NEAR telling stems (`_telling`) either side of `text[start:end]`, within its sentence."""
    before = re.split(r"[.;:?!]\s", text[:start])[-1]
    after = re.split(r"[.;:?!](?:\s|$)", text[end:])[0]
    return _telling(before, common)[-NEAR:] + _telling(after, common)[:NEAR]


def _identity_test(facts: list[Fact]) -> Callable[[Fact], bool]:
    """Whether a record is one of `facts` (the record itself)."""
    identities = set(map(id, facts))
    return lambda fact: id(fact) in identities
