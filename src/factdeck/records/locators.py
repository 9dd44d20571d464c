"""The locator scheme: where a passage sits in an archived text, computed from the text's own structure.

An archived text is split into blocks, and each block gets a locator that a reader can follow in the text
and `factdeck check --archive` can verify (docs/authoring.md, "Locators", is the reader's version):

- Blocks. A text whose lines are hard-wrapped (blank lines between blocks, no line over 120 characters) has
  one block per run of lines; any other text (an archived web page) has one block per line. Indented bullet
  lines right after a footnote belong to it.
- Kinds. A *footnote* starts `12. ^`, `^`, `[12]` or `a. ^`; an *item* starts `- `, `* `, `•` or `1.`/`1)`; a
  *caption* ends with a photo credit in brackets ("(AP Photo/ …)") or starts `Photo:`, `Image:`, `Figure N`;
  a *heading* is a short line (at most 15 words, 120 characters) with no closing punctuation that is
  followed by a paragraph, an item or a caption (a numbered one, `2. The workers`, by a paragraph), or a
  Markdown `#` line; a *paragraph* is prose: it ends in `.`, `!`,
  `?`, `…`, `:` or `;` (footnote marks such as `[12]` and closing quotes aside) or has 20 words or more;
  every other block is a *line* (an infobox row, a link, a byline).
- Locators. A heading opens a section, named by its text: `section 'Heading'`. Within a section (or before
  the first heading) paragraphs, captions, items and lines are numbered apart, from 1:
  `section 'Heading', ¶ 3`, `section 'Heading', caption 1`, `¶ 2` (before any heading), `section 'Heading',
  heading` (the heading itself). A footnote is named by its own label, wherever it is: `footnote 68`. A
  locator may end with a remark in brackets: `footnote 35 (Sinkaya 2015)`.

A locator in this scheme is verified: the quote must be in the block it names. Any other locator is the
editor's own words and is taken as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from factdeck.records.quotes import quote_in_text, quote_search_form
from factdeck.text.patterns import LazyPatterns

PARAGRAPH, CAPTION, ITEM, LINE, HEADING, FOOTNOTE = "¶", "caption", "item", "line", "heading", "footnote"

# The shapes of a block's lines, read where an archived text is cut into blocks (`TextStructure`), which a check
# after an edit takes from its caches: compiled where first used (`_SHAPES`), not with the module.
_SHAPES = LazyPatterns(
    {
        "footnote": r"^\s*(?:(?P<a>\d{1,4}|[a-z])\.\s+\^|\[(?P<b>\d{1,4}|[a-z])\]|\^\s*(?P<c>\d{1,4}|[a-z])?\b)",
        "item": r"^\s*(?:[-*\u2022\u2013]\s+|\d{1,3}[.)]\s+)",
        "numbered": r"^\s*\d{1,3}\.\s+\S",
        "continuation": r"^\s+[\u2022*-]\s",
        "credit": r"(?i)\([^()]*\b(?:photo|image|credit|courtesy|getty|reuters|afp|ap|epa)\b[^()]*\)\s*\.?$",
        "caption start": r"(?i)^(?:photo|image|caption|picture)\s*[:.\-]|^fig(?:ure|\.)\s*\d",
        "marks": r"(?i)(?:\[(?:\d{1,4}|[a-z]{1,2}|note \d+|citation needed)\])+\s*$",
        "url": r"(?i)www\.|https?:|\.(?:com|org|net)\b",
    }
)
_CLOSING = "\"'\u2019\u201d\u00bb "
_PROSE_END = ".!?\u2026:;"


# A locator in the scheme: [section 'H', ](¶|caption|item|line) N | section 'H', heading | footnote L,
# optionally followed by a remark in brackets.
_LOCATOR = re.compile(
    r"^\s*(?:(?:section\s+(?P<q>['\"\u2018\u201c])(?P<heading>.+)['\"\u2019\u201d]\s*,\s*)?"
    r"(?:(?P<unit>\u00b6|caption|item|line)\s*(?P<n>\d{1,5})|(?P<self>heading))"
    r"|footnote\s+(?P<label>\d{1,4}|[a-z]))\s*(?:\((?P<remark>[^()]*)\))?\s*$",
)


class Block(NamedTuple):
    """One block of an archived text: its kind, locator, text (lines joined) and span in the text (start,
    end: character offsets into the text as read)."""

    kind: str
    locator: str
    text: str
    start: int
    end: int
    section: str | None  # the heading of the section it is in (None: before the first heading)


class Locator(NamedTuple):
    """A locator parsed in the scheme: `unit` is one of ¶, caption, item, line, heading, footnote; `number` the
    paragraph (caption, …) number or footnote label; `section` the heading named (None: before any heading)."""

    unit: str
    number: str
    section: str | None


def parse_locator(text: str) -> Locator | None:
    """`text` as a locator in the scheme, or None where it is an editor's own wording (never verified)."""
    match = _LOCATOR.match(text)
    if match is None:
        return None
    if match["label"]:
        return Locator(FOOTNOTE, match["label"], None)
    if match["self"]:
        if match["heading"] is None:
            return None  # "heading" alone names nothing
        return Locator(HEADING, "", match["heading"])
    return Locator(match["unit"], match["n"], match["heading"])


def quote_heading(heading: str) -> str:
    """A heading as a locator names it: in single quotes, or double ones if it holds an apostrophe."""
    return f'"{heading}"' if "'" in heading or "\u2019" in heading else f"'{heading}'"


def _bare(text: str) -> str:
    """A block's text without trailing footnote marks and closing quotes or brackets."""
    return _SHAPES["marks"].sub("", text.rstrip()).rstrip(_CLOSING)


def _is_prose(text: str) -> bool:
    bare = _bare(text)
    words = len(text.split())
    return bool(bare) and ((bare[-1] in _PROSE_END and words >= 7) or words >= 20)


def _is_heading_shape(text: str) -> bool:
    bare = _bare(text)
    words = text.split()
    return (
        bool(bare)
        and len(words) <= 15
        and len(text) <= 120
        and bare[-1] not in _PROSE_END + ","
        and (bare[0].isupper() or bare[0].isdigit() or bare[0] in "\"'\u2018\u201c")
        and not _SHAPES["url"].search(text)
    )


def _raw_blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each block, before it is given a kind."""
    lines = []
    position = 0
    for line in text.splitlines(keepends=True):
        lines.append((position, line.rstrip("\r\n")))
        position += len(line)
    wrapped = any(not line.strip() for _, line in lines) and max((len(x) for _, x in lines), default=0) <= 120
    blocks: list[tuple[int, int, str]] = []
    previous_footnote = False
    for start, line in lines:
        if not line.strip():
            previous_footnote = previous_footnote and not wrapped
            if wrapped and blocks and blocks[-1][2] is not None:
                blocks.append((start, start, ""))  # a break: the next line starts a block
            continue
        end = start + len(line)
        if previous_footnote and _SHAPES["continuation"].match(line) and blocks:
            first, _, joined = blocks[-1]
            blocks[-1] = (first, end, joined + "\n" + line.strip())
            continue
        if (
            wrapped
            and blocks
            and blocks[-1][2]
            and not _SHAPES["footnote"].match(line)
            and not _SHAPES["item"].match(line)
        ):
            first, _, joined = blocks[-1]
            blocks[-1] = (first, end, joined + " " + line.strip())
        else:
            blocks.append((start, end, line.strip()))
            previous_footnote = bool(_SHAPES["footnote"].match(line))
    return [b for b in blocks if b[2]]


def _kind(text: str) -> str:
    if _SHAPES["footnote"].match(text):
        return FOOTNOTE
    if text.startswith("#"):
        return HEADING
    if _SHAPES["item"].match(text):
        return ITEM
    if _SHAPES["credit"].search(text) or _SHAPES["caption start"].match(text):
        return CAPTION
    return PARAGRAPH if _is_prose(text) else LINE


def _footnote_label(text: str) -> str:
    match = _SHAPES["footnote"].match(text)
    assert match is not None
    return match["a"] or match["b"] or match["c"] or ""


def text_blocks(text: str) -> list[Block]:
    """Every block of an archived text, in order, each with its locator (the scheme in this module's
    docstring). Takes the text as read; raises nothing."""
    raw = _raw_blocks(text)
    kinds = [_kind(t) for _, _, t in raw]
    for i, (_, _, block) in enumerate(raw):
        numbered = kinds[i] == ITEM and _SHAPES["numbered"].match(block) is not None  # "2. The workers"
        if (
            (kinds[i] == LINE or numbered)
            and _is_heading_shape(block)
            and i + 1 < len(kinds)
            and kinds[i + 1] in ((PARAGRAPH,) if numbered else (PARAGRAPH, ITEM, CAPTION))
        ):
            kinds[i] = HEADING
    blocks: list[Block] = []
    section: str | None = None
    counts: dict[str, int] = {}
    footnotes: dict[str, int] = {}
    for (start, end, block), kind in zip(raw, kinds, strict=True):
        if kind == HEADING:
            section = " ".join(block.lstrip("#").split())
            counts = {}
            blocks.append(Block(HEADING, f"section {quote_heading(section)}, heading", block, start, end, section))
            continue
        if kind == FOOTNOTE:
            label = _footnote_label(block)
            footnotes[label] = footnotes.get(label, 0) + 1
            if label and footnotes[label] == 1:
                blocks.append(Block(FOOTNOTE, f"footnote {label}", block, start, end, section))
                continue
            kind = LINE  # an unlabelled or repeated mark: numbered as a line of its section
        counts[kind] = counts.get(kind, 0) + 1
        where = f"section {quote_heading(section)}, " if section is not None else ""
        blocks.append(Block(kind, f"{where}{kind} {counts[kind]}", block, start, end, section))
    return blocks


def _same_heading(named: str, heading: str) -> bool:
    named_form, heading_form = quote_search_form(named), quote_search_form(heading)
    if named_form == heading_form:
        return True
    # A long heading shortened with an ellipsis: "section 'MEK allied Saddam…', ¶ 2".
    for mark in ("...", "\u2026"):
        if named_form.endswith(mark) and heading_form.startswith(named_form[: -len(mark)].rstrip()):
            return True
    return False


@dataclass
class TextStructure:
    """An archived text's blocks, looked up by locator."""

    text: str

    @cached_property
    def blocks(self) -> list[Block]:
        return text_blocks(self.text)

    @cached_property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(b.section for b in self.blocks if b.kind == HEADING and b.section))

    def resolve(self, locator: Locator) -> list[Block]:
        """The blocks a parsed locator names (several where a heading repeats; none where it names nothing)."""
        if locator.unit == FOOTNOTE:
            return [b for b in self.blocks if b.kind == FOOTNOTE and b.locator == f"footnote {locator.number}"]
        found = []
        for block in self.blocks:
            if block.kind != locator.unit:
                continue
            if locator.section is None:
                if block.section is not None:
                    continue
            elif block.section is None or not _same_heading(locator.section, block.section):
                continue
            if (
                locator.unit == HEADING
                or block.locator.endswith(f", {locator.unit} {locator.number}")
                or (block.section is None and block.locator == f"{locator.unit} {locator.number}")
            ):
                found.append(block)
        return found

    @cached_property
    def _position(self) -> dict[int, int]:
        return {b.start: i for i, b in enumerate(self.blocks)}

    @cached_property
    def _searchable(self) -> list[str]:
        return [quote_search_form(b.text) for b in self.blocks]

    def holds(self, block: Block, quote: str) -> bool:
        """Whether `block` (one of this text's) holds all of `quote`."""
        return quote_in_text(quote, self._searchable[self._position[block.start]])

    def where(self, quote: str) -> list[Block]:
        """The blocks that hold all of `quote`."""
        return [b for b, text in zip(self.blocks, self._searchable, strict=True) if quote_in_text(quote, text)]

    def block_at(self, offset: int) -> Block | None:
        """The block holding character `offset` of the text, if any."""
        for block in self.blocks:
            if block.start <= offset < block.end:
                return block
        return None


def locator_problem(structure: TextStructure, locator_text: str, quote: str) -> str | None:
    """Why a locator in the scheme does not lead to `quote` (None: it does, or the locator is an editor's own
    wording). The message says where the quote is, so the fix can be pasted."""
    locator = parse_locator(locator_text)
    if locator is None:
        return None
    blocks = structure.resolve(locator)
    if any(structure.holds(b, quote) for b in blocks):
        return None
    holding = structure.where(quote)
    if holding:
        fix = f"the quote is in {holding[0].locator!r}"
    else:
        fix = "the quote spans blocks: cite each part from its own block"
    if not blocks:
        return f"locator '{locator_text}' names no block of the archived text ({fix})"
    return f"locator '{locator_text}' does not hold the quote ({fix})"
