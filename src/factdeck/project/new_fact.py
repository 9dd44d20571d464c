"""`factdeck new SOURCE WORDS...`: a fact skeleton from a cited passage, added to the right fact file.

The skeleton holds what the passage tells: an id made from the words, the citation `cite` makes (its best
candidate), the date the passage gives (EDTF) and the era that date falls in, a kind guessed from the
words (marked as a guess in the file and the output), status `review`, and empty `question`, `answer` and
`statement` that `check` asks for until the editor writes them. It goes at the end of the file that already
holds most facts of its era (else `facts/<era>.yaml`), and the rest of that file is kept byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from factdeck.exceptions import InputError, UsageError
from factdeck.project.cite import Candidate, Citer, ProjectSources
from factdeck.project.yaml_edit import append_to_list_file
from factdeck.records.dates import parse_date
from factdeck.records.fields import FACT_KINDS, SLUG
from factdeck.records.json_schema import header_line
from factdeck.records.load import load_document, load_project
from factdeck.text.dates import MONTHS

_MONTH = "|".join(MONTHS)
_NOT_FACTS = ("facts/sources.yaml", "facts/eras.yaml", "facts/glossary.yaml")
_DATES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [  # most precise first
    (re.compile(r"\b(1[0-9]{3}|20[0-9]{2}) ?[-\u2013/] ?(1[0-9]{3}|20[0-9]{2})\b"), lambda m: f"{m[1]}/{m[2]}"),
    (re.compile(rf"\b(\d{{1,2}}) ({_MONTH}) (\d{{4}})\b"), lambda m: _day(m[3], m[2], m[1])),
    (re.compile(rf"\b({_MONTH}) (\d{{1,2}}),? (\d{{4}})\b"), lambda m: _day(m[3], m[1], m[2])),
    (re.compile(rf"\b({_MONTH}),? (\d{{4}})\b"), lambda m: f"{m[2]}-{MONTHS.index(m[1]) + 1:02d}"),
    (re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b"), lambda m: m[1]),
]


def _day(year: str, month: str, day: str) -> str:
    return f"{year}-{MONTHS.index(month) + 1:02d}-{int(day):02d}"


# fmt: off
_STOP = frozenset((
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "by", "with", "from", "as", "is",
    "was", "were", "be", "been", "are", "it", "its", "this", "that", "these", "those", "their", "his", "her",
    "they", "he", "she", "we", "after", "before", "into", "over", "under", "than", "then", "also", "which",
    "who", "whom",
))
# fmt: on
_CHARACTERIZATION = re.compile(
    r"\b(called|calls|labell?ed|described|designated|branded|termed|regarded|considered|accused)\b", re.IGNORECASE
)
_NUMBER = re.compile(r"\b\d[\d,.]*\b(?!\s*(?:BCE|CE|AD|BC)\b)")
_EVENT = re.compile(
    r"\b(founded|established|signed|opened|formed|created|launched|attacked|moved|relocated|elected|died)\b",
    re.IGNORECASE,
)


def date_in(text: str) -> str | None:
    """The first date `text` gives, as EDTF (`1965-09-05`, `1981-06`, `1979`, `1980/1988` for a span of
    years), or None. A date that is not a real one (`31 February 1990`) is passed over."""
    found: list[tuple[int, int, str]] = []
    for rank, (pattern, edtf) in enumerate(_DATES):
        for match in pattern.finditer(text):
            value = edtf(match)
            try:
                parse_date(value)
            except ValueError:
                continue
            found.append((match.start(), rank, value))
    # At the first place a date starts, the most precise reading.
    return min(found)[2] if found else None


def guess_kind(words: str, passage: str) -> str:
    """A fact kind for the words an editor cited (a guess, shown as one): a characterization where the passage
    labels someone, a date where the words hold one, a number where they hold another figure, an event where
    something was done or the passage gives a date, else a term."""
    if _CHARACTERIZATION.search(passage) and _CHARACTERIZATION.search(words):
        return "characterization"
    if date_in(words):
        return "date"
    if _NUMBER.search(words):
        return "number"
    if _EVENT.search(words) or _EVENT.search(passage) or date_in(passage):
        return "event"  # something done, or dated: an event more often than a term
    return "term"


def slug_from(words: str, taken: set[str]) -> str:
    """An id from the words (their first five that are not small words), unique among `taken`."""
    tokens = [t for t in re.findall(r"[a-z0-9]+", words.lower()) if t not in _STOP] or ["fact"]
    base = "-".join(tokens[:5])[:60].strip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@dataclass(frozen=True)
class NewFact:
    """What `new` wrote: the fact's id, file (relative to the project), era, kind (and whether it is a
    guess), date (or None), the citation, and a note on the era or date where there is one."""

    id: str
    file: str
    era: str
    kind: str
    kind_guessed: bool
    date: str | None
    citation: Candidate
    note: str | None = None  # about the era or date, for the editor


def _eras(root: Path) -> list[dict[str, Any]]:
    document = load_document(root / "facts/eras.yaml", "facts/eras.yaml")
    return [e for e in (document.data or []) if isinstance(e, dict) and isinstance(e.get("id"), str)]


def _eras_of(date: str, eras: list[dict[str, Any]]) -> list[str]:
    """The eras (in the history's order) whose span holds the start of `date`; eras overlap where a theme
    runs on."""
    day = parse_date(date).start
    holding = []
    for era in eras:
        try:
            start = parse_date(str(era["start"])).start
            end = None if str(era.get("end")) == "present" else parse_date(str(era["end"])).end
        except (KeyError, ValueError):
            continue
        if start <= day and (end is None or day <= end):
            holding.append(str(era["id"]))
    return holding


def _facts_by_file(root: Path) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for file in load_project(root).facts:
        try:
            data = file.parse().data
        except InputError:
            continue  # check names its problems; an unreadable file only leaves its ids out
        found[file.display] = [f for f in data if isinstance(f, dict)] if isinstance(data, list) else []
    return found


def new_fact(
    root: Path,
    source_name: str,
    words: str,
    *,
    candidate: int = 1,
    fact_id: str | None = None,
    era: str | None = None,
    kind: str | None = None,
    file: str | None = None,
    archive: Path | None = None,
) -> NewFact:
    """Write a fact skeleton for the `candidate`-th passage `cite` finds for `words` (see the module
    docstring). Raises `UsageError` (no passage, an unknown era or kind, no era found, a taken id, a file
    outside facts/) or `InputError` (a file that cannot be read or added to)."""
    project = ProjectSources.read(root, archive)
    source = project.source(source_name)
    found = Citer(source.id, project.text(source)).find(words, limit=max(3, candidate))
    if len(found) < candidate:
        raise UsageError(f"no passage of source '{source.id}' is like '{words}' (`factdeck read {source.id}`)")
    chosen = found[candidate - 1]
    eras = _eras(root)
    era_ids = [str(e["id"]) for e in eras]
    # The date the words name, else the quote's first, else its paragraph's.
    date = date_in(words) or date_in(chosen.quote) or date_in(chosen.block.text)
    fitting = _eras_of(date, eras) if date else []
    note = None
    if era is None:
        if not fitting:
            where = f"the date {date} falls in no era" if date else "the passage gives no date"
            raise UsageError(f"{where}: give --era (eras: {', '.join(era_ids)})")
        era = fitting[0]
        if len(fitting) > 1:
            note = f"the date {date} is in eras {', '.join(fitting)}: --era chooses another"
    elif era not in era_ids:
        raise UsageError(f"unknown era '{era}' (eras: {', '.join(era_ids)})")
    elif date and era not in fitting:
        note = f"the passage's date {date} is outside era '{era}': left out"
        date = None
    if kind is not None and kind not in FACT_KINDS:
        raise UsageError(f"unknown kind '{kind}' (kinds: {', '.join(FACT_KINDS)})")
    by_file = _facts_by_file(root)
    taken = {str(f.get("id")) for facts in by_file.values() for f in facts}
    if fact_id is None:
        fact_id = slug_from(words, taken)
    elif not SLUG.match(fact_id) or fact_id in taken:
        raise UsageError(f"id '{fact_id}' is {'taken' if fact_id in taken else 'not a slug'}: give another --id")
    if file is None:
        counts = {name: sum(f.get("era") == era for f in facts) for name, facts in by_file.items()}
        best = max(counts, key=lambda name: counts[name], default=None)
        file = best if best and counts[best] else f"facts/{era}.yaml"
    if (
        not file.startswith("facts/")
        or not file.endswith(".yaml")
        or ".." in Path(file).parts
        or file.count("/") != 1
        or file in _NOT_FACTS
    ):
        raise UsageError(f"--file {file}: give a fact file facts/NAME.yaml (not sources, eras or glossary)")
    guessed = kind is None
    kind = kind or guess_kind(words, chosen.quote)
    item = _skeleton(fact_id, kind, guessed, era, date, chosen)
    title = next((str(e.get("title")) for e in eras if e["id"] == era), era)
    header = header_line("facts", 1) if (root / "schemas/facts.schema.json").is_file() else ""
    append_to_list_file(root / file, file, item, header=f"{header}# Era: {title}.\n")
    return NewFact(fact_id, file, era, kind, guessed, date, chosen, note)


def _skeleton(fact_id: str, kind: str, guessed: bool, era: str, date: str | None, cited: Candidate) -> CommentedMap:
    fact = CommentedMap()
    fact["id"] = fact_id
    fact["kind"] = kind
    if guessed:
        fact.yaml_add_eol_comment("a guess from the passage: check it", "kind")
    fact["era"] = era
    if date:
        fact["date"] = DoubleQuotedScalarString(date)
    for key, hint in (
        ("question", "the question a card asks"),
        ("answer", "the short answer"),
        ("statement", "one sentence in your own words"),
    ):
        fact[key] = DoubleQuotedScalarString("")
        fact.yaml_add_eol_comment(hint, key)
    citation = CommentedMap()
    for key, value in cited.citation().items():
        if isinstance(value, dict):
            selector = CommentedMap((k, DoubleQuotedScalarString(v)) for k, v in value.items())
            selector.fa.set_flow_style()
            citation[key] = selector
        else:
            citation[key] = DoubleQuotedScalarString(str(value)) if key != "source" else value
    fact["citations"] = CommentedSeq([citation])
    fact["status"] = "review"
    return fact
