"""Vetting assistance: the numbers, years and months a fact gives that no quote behind it writes.

A reviewer opens every cited passage (facts/README.md, "Vetting"); these rules point at the details a quote
does not carry, in any form a number is written (digits, words, '13-day', '100 to 200 thousand', a year's
'67'), so that every detail a learner is taught rests on quoted words, not only on the paragraph a locator
leads to:
- a date or number answer (of a fact in review or vetted) that appears in none of the fact's quotes, or a
  dispute version's answer in none of its own (`answer_from` says how an answer follows from the quotes);
- a number, year or month that a statement, question or dispute summary gives and none of the fact's quotes
  writes, or that a version's claim gives and none of its own quotes writes. A decade ('the 1980s') is looked
  for as written; a reference such as 'footnote 35' or 'p. 12' is no detail of the fact.

Each cited text's own publication date counts as written by it ('now' in a text of 2013 is 2013).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache, partial
from typing import Any

from factdeck.records.schema import Fact, Record
from factdeck.text.compare import core
from factdeck.text.dates import MONTHS
from factdeck.text.numerals import number_forms
from factdeck.text.patterns import LazyPattern

_NON_WORD = re.compile(r"[^\w]+")
_THOUSANDS = re.compile(r"(?<=\d)[,  ](?=\d{3}\b)")
_RANGE_OF = LazyPattern(r"(\d+)\s*(?:to|-|–)\s*(\d+)\s+(thousand|million)")
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d]")
_ANSWER_NUMBER = re.compile(r"\d+(?:,\d{3})*")
_MONTH_NAME = LazyPattern(rf"\b(?:{'|'.join(MONTHS)})\b")
# The first three letters of every month name, searched first: a pattern that starts with `\b` is tried at every
# character, one that starts with letters is scanned for in C, and most texts name no month.
_MONTH_START = re.compile("|".join(sorted({month[:3] for month in MONTHS})))
_BRACKETS = re.compile(r"\s*\([^()]*\)")
# A reference to where a text says something ('footnote 35', 'para. 11', 'p. 101') is no detail of the fact.
_REFERENCE = re.compile(
    r"\b(?:footnotes?|notes?|paras?\.?|paragraphs?|pp?\.|pages?|¶)\s*\d+(?:\s*(?:,|and|-|–|to)\s*\d+)*",
    re.IGNORECASE,
)
_DECADE = LazyPattern(r"\b\d{3}0s\b")
_DIGIT = re.compile(r"\d")  # what every number, year, decade and reference holds (as _ANSWER_NUMBER reads digits)
# What a text holds, lower-cased, if _REFERENCE finds anything in it: its words begin 'note', 'para', 'p.' or
# 'page', or it is '¶' (no other character matches these letters ignoring case).
_REFERENCE_WORDS = ("note", "para", "p.", "page", "¶")

Add = Callable[..., None]
_TENS = ("", "", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties")


def _decade_written(decade: str, haystack: str) -> bool:
    """Whether `haystack` (`quoted_words`) writes `decade` ('1980s') as a decade or names a year of it: its
    '1980s' and "80's" are split there into ' 1980 s ' and ' 80 s '."""
    first = int(decade[:4])
    if re.search(rf" {first // 10}\d | {decade[2]}0 s ", haystack):
        return True
    tens = _TENS[first % 100 // 10]
    return bool(tens) and f" {tens} " in haystack


def _letters_from_digits(text: str) -> str:
    """`text` with a space between a letter and a digit beside it, either way round ('Banned1981'), as a search
    for every such place would put it: they are where a run of digits begins or ends beside a letter (a word
    character that is no digit), so only the few runs of digits are looked at (the search tried every
    character of the quotes)."""
    pieces: list[str] = []
    last = 0
    for run in _DIGITS.finditer(text):
        start, end = run.span()
        if start and _LETTER.match(text, start - 1):
            pieces += (text[last:start], " ")
            last = start
        if _LETTER.match(text, end):
            pieces += (text[last:end], " ")
            last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def quoted_words(quotes: Iterable[str], dated: Iterable[str] = ()) -> str:
    """`quotes` as `missing_from_quotes` searches them: casefolded words between single spaces (numbers without
    thousands separators, '100 to 200 thousand' also as '100 thousand', 'Banned1981' as two words), and the
    dates `dated` (the cited texts' own publication dates, YYYY or YYYY-MM: 'now' in a text of 2013 is 2013)."""
    text = " ".join(quotes).casefold()
    text = _THOUSANDS.sub("", text)  # 5,000 and 5 000 as 5000
    if "thousand" in text or "million" in text:  # '100 to 200 thousand' gives 100 thousand too
        text = _RANGE_OF.sub(r"\1 \3 to \2 \3", text)
    text = _letters_from_digits(text)  # an infobox's 'Banned1981'
    haystack = " " + _NON_WORD.sub(" ", text) + " "
    for date in dated:
        year, _, month = date.partition("-")
        haystack += f"{year} {MONTHS[int(month[:2]) - 1].casefold() if month else ''} "
    return haystack


def _dated(citations: Iterable[Any], published: dict[str, str]) -> list[str]:
    """The publication dates of the cited sources that give one."""
    return [p for c in citations if (p := published.get(c.source))]


@lru_cache(maxsize=4096)
def _written(value: int) -> frozenset[str]:
    """The forms of `value` a quote may hold (text/numerals.py), with '100 thousand' and a year's '67'."""
    forms = number_forms(value)
    if value and value % 1_000_000 == 0:
        forms.add(f"{value // 1_000_000} million")
    elif value and value % 1000 == 0:
        forms.add(f"{value // 1000} thousand")
    if 1000 <= value <= 2199:
        forms.add(f"{value % 100:02d}")  # 'joins in 67'
    return frozenset(f" {_NON_WORD.sub(' ', form)} " for form in forms)


def missing_from_quotes(answer: str, quotes: list[str], dated: Iterable[str] = ()) -> list[str]:
    """The numbers, years and month names of `answer` that none of `quotes` writes in any form, nor the dates
    `dated` (`quoted_words`)."""
    return _missing(answer, quoted_words(quotes, dated))


def _month_names(text: str) -> list[str]:
    """`_MONTH_NAME.findall(text)`."""
    return _MONTH_NAME.findall(text) if _MONTH_START.search(text) else []


def _missing(answer: str, haystack: str) -> list[str]:
    if "(" in answer:
        answer = _BRACKETS.sub("", answer)
    missing = []
    for match in _ANSWER_NUMBER.finditer(answer):
        value = int(match.group(0).replace(",", ""))
        if not any(form in haystack for form in _written(value)):
            missing.append(match.group(0))
    for month in _month_names(answer):
        name = month.casefold()  # written in full, or as a caption's 'Jan' or 'Sept'
        if not any(f" {form} " in haystack for form in (name, name[:3], name[:4])):
            missing.append(month)
    return missing


def number_values(answer: str) -> frozenset[int]:
    """The numbers `answer` gives outside brackets, as integers ('5,000' as 5000)."""
    return frozenset(int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", _BRACKETS.sub("", answer)))


@lru_cache(maxsize=1024)
def _answered(answer: str) -> tuple[frozenset[int], tuple[str, ...]]:
    """The numbers (`number_values`) and month names an answer gives, which `unquoted_details` leaves out."""
    return (number_values(answer) if _DIGIT.search(answer) else frozenset()), tuple(_month_names(answer))


def _unreferenced(text: str) -> str:
    """`text` without its references to where a text says something ('footnote 35')."""
    low = text.lower()
    return _REFERENCE.sub(" ", text) if any(word in low for word in _REFERENCE_WORDS) else text


class FactQuotes:
    """The words of one fact's quotes as `quoted_words` gives them (with the cited texts' publication dates from
    `published`), each worked out when first asked for and kept: `every()`, all the quotes of the fact (its
    citations and its dispute versions'), and `own(version)`, a version's own. `answer_quotes` and
    `unquoted_details` hold a fact's answer and its other words to the same quotes, so one fact's rules share one
    `FactQuotes` (records/question_rules.py's `own_problems`) and the quotes are read once, not once a rule."""

    def __init__(self, fact: Fact, published: dict[str, str]) -> None:
        self.fact = fact
        self.published = published
        self._every: str | None = None
        self._own: dict[int, str] = {}  # by the version's `id()`: two versions may share an id (an error)

    def every(self) -> str:
        if self._every is None:
            fact = self.fact
            citations = list(fact.citations)
            if fact.dispute is not None:
                citations += [c for version in fact.dispute.versions for c in version.citations]
            self._every = quoted_words([c.quote for c in citations], _dated(citations, self.published))
        return self._every

    def own(self, version: Any) -> str:
        """A dispute version's own quotes' words (`version`: one of this fact's, which keeps it alive)."""
        words = self._own.get(id(version))
        if words is None:
            words = self._own[id(version)] = quoted_words(
                [c.quote for c in version.citations], _dated(version.citations, self.published)
            )
        return words


def answer_quotes(fact: Fact, add: Add, published: dict[str, str], quotes: FactQuotes | None = None) -> None:
    """A date or number answer whose numbers and months none of the fact's quotes writes (a dispute version's
    answer: none of its own). `quotes`: the fact's quotes' words, if another rule reads them too."""
    if fact.kind not in ("date", "number") or fact.answer_from or fact.status == "draft":
        return  # a draft may be incomplete: the check helps whoever reviews or vets it
    if quotes is None:
        quotes = FactQuotes(fact, published)
    if fact.dispute is None:
        # Without a dispute, every quote of the fact is a quote of its citations.
        missing = _missing(core(fact.answer), quotes.every())
        if missing:
            add(
                fact,
                f"the answer '{fact.answer}' gives {', '.join(repr(m) for m in missing)}, which none of its "
                "quotes writes (as digits, words or '13-day'): check the answer against the text, quote "
                "the passage that gives it, or say how it follows from them in `answer_from`",
            )
        return
    for version in fact.dispute.versions:
        missing = _missing(core(version.answer), quotes.own(version))
        if missing:
            add(
                version,
                f"version '{version.id}' answers '{version.answer}', whose {', '.join(repr(m) for m in missing)} "
                "none of its own quotes writes: check it against the text, quote the passage that gives it, or "
                "say how it follows from them in the fact's `answer_from`",
            )


def unquoted_details(fact: Fact, add: Add, published: dict[str, str], quotes: FactQuotes | None = None) -> None:
    """Numbers, years and months the fact's own words give that no quote behind them writes.

    A statement, question, dispute summary and reason and each wrong option's `why` (printed in the answer key)
    are held to every quote of the fact (its citations and its versions'); a version's claim to its own
    citations, as its answer is. The numbers and months of a date or
    number answer are left to `answer_quotes` (one warning, not two), and with `answer_from` any answer's follow
    from the quotes as that field says. `add(record, message)` receives each warning; `quotes`: the fact's
    quotes' words, if another rule reads them too."""
    if fact.status == "draft":
        return
    if quotes is None:
        quotes = FactQuotes(fact, published)

    def missing(text: str, quotes_of: Callable[[], str], answered: str) -> list[str]:
        known, months = _answered(answered) if answered else (frozenset(), ())
        if _DIGIT.search(text) is None and not _month_names(text) and not any(m in text for m in months):
            return []  # nothing below changes the text, and it holds no number or month (no quotes' words made)
        haystack = quotes_of()
        text = _unreferenced(text)
        # A decade ('the 1980s') is carried by a quote writing it ('1980s', "80's", 'eighties') or a year of it.
        decades = []
        if "0s" in text:  # what every decade holds
            decades = [d for d in _DECADE.findall(text) if not _decade_written(d, haystack)]
            text = _DECADE.sub(" ", text)
        # The answer's own numbers and months: answer_quotes reports them, or `answer_from` explains them.
        if known:
            text = _ANSWER_NUMBER.sub(lambda m: " " if int(m.group(0).replace(",", "")) in known else m.group(0), text)
        for month in months:
            text = text.replace(month, " ")
        return list(dict.fromkeys(decades + _missing(text, haystack)))

    def report(where: Record, fields: list[str], details: list[str], whose: str) -> None:
        add(
            where,
            f"{' and '.join(fields)} {'give' if len(fields) > 1 else 'gives'} "
            f"{', '.join(repr(d) for d in details)}, which none of {whose} quotes writes (as digits or words): "
            "quote the passage that gives it, or leave the detail out",
        )

    # A date or number answer is held to the quotes by answer_quotes; any answer with `answer_from` is explained.
    held = fact.answer_from is not None or fact.kind in ("date", "number")
    explained = fact.answer if held else ""
    texts = [("the statement", fact.statement), ("the question", fact.question)]
    if fact.dispute is not None:
        texts.append(("the dispute's summary", fact.dispute.summary))
        if fact.dispute.reason is not None:
            texts.append(("the dispute's reason", fact.dispute.reason.why))
    # The quotes' words are worked out once for the fact's own fields, and once for each version's claim, and
    # only if a text gives a number or month (`missing`).
    every_quote = quotes.every
    by_details: dict[tuple[str, ...], list[str]] = {}
    for field, text in texts:
        if details := missing(text, every_quote, explained):
            by_details.setdefault(tuple(details), []).append(field)
    for given, fields in by_details.items():
        report(fact, fields, list(given), "the fact's")
    for option in fact.distractors:  # reported at the option's own line
        if option.why and (details := missing(option.why, every_quote, explained)):
            report(option, [f"the why of wrong option '{option.text}'"], details, "the fact's")
    for version in fact.dispute.versions if fact.dispute is not None else ():
        own = version.answer if held else ""
        own_quotes = partial(quotes.own, version)
        if details := missing(version.claim, own_quotes, own):
            report(version, [f"the claim of version '{version.id}'"], details, "its own")
