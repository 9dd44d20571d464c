"""Meetings: a deck's facts split into N study-group meetings, in chronological order.

The rule (docs/study-groups.md):

1. Each meeting takes a contiguous run of the deck's facts in chronological
   order (select_facts' order), so meeting 1 is the earliest period.
2. Sizes are balanced: they differ by at most one. With F facts and N meetings,
   F mod N meetings take one fact more than the others.
3. Within that, the boundaries fall between eras wherever they can: of all the
   ways to place the larger meetings, the one with the most boundaries on an era
   change is chosen (ties: the larger meetings come first). Balance always wins
   over eras; eras only decide where the one-fact slack goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from factdeck.exceptions import InputError
from factdeck.i18n import Language
from factdeck.records.dates import parse_date
from factdeck.records.schema import DeckSpec, Era, Fact


@dataclass(frozen=True)
class Meeting:
    number: int  # 1-based
    count: int  # meetings in the series
    facts: tuple[Fact, ...]
    eras: tuple[Era, ...]  # the eras its facts belong to, in history order
    first_year: int | None  # the years its dated facts start in
    last_year: int | None

    @property
    def label(self) -> str:
        """'Meeting 2', zero-padded when there are ten or more, so Anki's alphabetical list keeps the order."""
        return f"Meeting {self.number:0{len(str(self.count))}d}"

    @property
    def folder(self) -> str:
        return f"meeting-{self.number:0{len(str(self.count))}d}"

    @property
    def period(self) -> str:
        """The years its facts span ('1965–1971'), or its eras' titles when none is dated."""
        if self.first_year is None:
            return " / ".join(e.title for e in self.eras)
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def title(self) -> str:
        return f"{self.label}: {self.period}"

    def period_in(self, language: Language) -> str:
        """`period` as `language` writes it (its digits; an era's title as the localized base gives it)."""
        if self.first_year is None:
            return " / ".join(e.title for e in self.eras)
        if self.first_year == self.last_year:
            return language.year(self.first_year)
        return f"{language.year(self.first_year)}–{language.year(self.last_year or self.first_year)}"

    def title_in(self, language: Language) -> str:
        """'Meeting 2: 1965–1971' in `language` (the guide's and worksheet's heading)."""
        return language.gettext(
            "Meeting %(number)s: %(period)s", number=language.digits(self.label.rpartition(" ")[2]),
            period=self.period_in(language),
        )  # fmt: skip


def meeting_sizes(era_ids: list[str], count: int) -> list[int]:
    """Balanced contiguous sizes for facts whose eras are `era_ids` (in order), preferring era boundaries."""
    total = len(era_ids)
    small, larger = divmod(total, count)
    era_change = {i for i in range(1, total) if era_ids[i] != era_ids[i - 1]}

    @cache
    def best(done: int, used: int) -> tuple[int, tuple[int, ...]]:
        """(boundaries on era changes, sizes) for meetings done+1…count, `used` larger meetings placed."""
        if done == count:
            return (0, ())
        start = done * small + used
        options = []
        for extra in (1, 0):  # a larger meeting first, so ties put the larger meetings early
            if (extra and used == larger) or (not extra and count - done - 1 < larger - used):
                continue
            end = start + small + extra
            score, rest = best(done + 1, used + extra)
            options.append((score + (end in era_change and done + 1 < count), (small + extra, *rest)))
        return max(options, key=lambda option: option[0])

    return list(best(0, 0)[1])


def split_meetings(facts: list[Fact], count: int, deck: DeckSpec, eras: list[Era]) -> list[Meeting]:
    """The deck's facts (chronological) as `count` meetings."""
    if count > len(facts):
        raise InputError(
            deck.file,
            deck.line,
            f"deck '{deck.id}' has {len(facts)} vetted fact{'s' * (len(facts) != 1)}, too few for {count} meetings",
        )
    sizes = meeting_sizes([f.era for f in facts], count)
    order = {e.id: i for i, e in enumerate(eras)}
    by_id = {e.id: e for e in eras}
    meetings, start = [], 0
    for number, size in enumerate(sizes, 1):
        part = facts[start : start + size]
        start += size
        spans = [parse_date(f.date) for f in part if f.date]
        meetings.append(
            Meeting(
                number,
                count,
                tuple(part),
                tuple(by_id[e] for e in sorted({f.era for f in part}, key=order.__getitem__)),
                min(s.start.year for s in spans) if spans else None,
                max(s.start.year for s in spans)
                if spans
                else None,  # start years: a long range does not stretch the label
            )
        )
    return meetings
