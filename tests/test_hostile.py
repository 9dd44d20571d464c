"""Malformed and hostile input: each case gives one clear `path:line: message`, exit 1, no traceback,
and leaves the previous build's outputs exactly as they were.

The sample project is built once for the module; every case starts from a copy of that project and
its build/ folder, breaks one thing, and builds again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, Project

from factdeck.cli import cli
from factdeck.records.templates import BUILTIN

# A valid fact that each type case breaks in one line; the numbers are the lines of its keys.
MORE = "facts/more.yaml"
EXTRA_FACT = """\
- id: extra-fact
  kind: event
  era: founding
  date: "1905"
  tags: [origins]
  question: "What did the guild do in 1905?"
  answer: "It met"
  statement: "The guild met in 1905."
  attribution:
    by: "the chronicle"
    verb: "said"
  citations:
    - source: chronicle
      locator: "chapter 1, para. 1"
      quote: "founded in 1901 by ferry workers"
  status: vetted
  vetted: 2026-11-22
  reviewer: fact-editor
  notes: "an editor's note"
"""


def _line_of(template: str, text: str) -> int:
    """The line of the built-in template `template` that holds `text` (a case's expected message names it)."""
    from factdeck.records.templates import BUILTIN

    lines = (BUILTIN / template).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under `folder`."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "proj"
    shutil.copytree(SAMPLE, root)
    shutil.copytree(BUILTIN, root / "templates")  # a project with its own copy of every template
    result = CliRunner().invoke(cli, ["build", "--project", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (root / "build/guild-history/guild-history.apkg").is_file()
    return root


@pytest.fixture
def good(built: Path, tmp_path: Path) -> Project:
    """A copy of the built sample project, build/ included."""
    root = tmp_path / "proj"
    shutil.copytree(built, root, symlinks=True)
    return Project(root)


@dataclass
class Case:
    id: str
    breaks: Callable[[Project], None]
    expected: str  # one line of the error output, exactly
    args: tuple[str, ...] = ()


def extra_fact(line: int, new: str, drop: int = 0) -> Callable[[Project], None]:
    """Write the extra fact with line `line` (1-based) replaced by `new`, and the `drop` lines after it removed."""

    def breaks(p: Project) -> None:
        lines = EXTRA_FACT.splitlines()
        lines[line - 1 : line + drop] = [new]
        p.write(MORE, "\n".join(lines) + "\n")

    return breaks


def write(relative: str, text: str | bytes) -> Callable[[Project], None]:
    def breaks(p: Project) -> None:
        target = p.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return breaks


def replace(relative: str, old: str, new: str) -> Callable[[Project], None]:
    return lambda p: p.replace(relative, old, new)


def both(*steps: Callable[[Project], None]) -> Callable[[Project], None]:
    def breaks(p: Project) -> None:
        for step in steps:
            step(p)

    return breaks


def symlink(relative: str, target: Callable[[Project], str]) -> Callable[[Project], None]:
    return lambda p: os.symlink(target(p), p.path(relative))


def outside_file(p: Project) -> str:
    secret = p.root.parent / "outside.yaml"
    secret.write_text("- id: secret\n", encoding="utf-8")
    return str(secret)


def large_file(p: Project) -> None:
    with open(p.path("facts/huge.yaml"), "wb") as handle:
        handle.truncate(20_000_000)  # sparse: the size is what is refused, before any read


def remove(relative: str) -> Callable[[Project], None]:
    return lambda p: p.path(relative).unlink()


def mkdir(relative: str) -> Callable[[Project], None]:
    return lambda p: p.path(relative).mkdir()


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
"""
ONE_VERSION = """      - id: pamphlet-count
        claim: "Forty members died in the flood."
        answer: "40"
        claimed_by: "the Rival Society pamphlet"
        citations:
          - source: pamphlet
            locator: "section 'The Flood'"
            quote: "no fewer than forty members perished"
"""
FIELD_TEMPLATE = "templates/anki/fields/front-qa.html"
WORKSHEET_TEMPLATE = "templates/quiz/worksheet.typ"

CASES = [
    # --- YAML itself
    Case(
        "yaml-syntax",
        write(MORE, "- id: a\n  kind: [date\n  era: founding\n"),
        "facts/more.yaml:2: a list opened with '[' on this line is not closed with ']'",
    ),
    Case(
        "tab-indent",
        write(MORE, "- id: a\n\tkind: date\n"),
        "facts/more.yaml:2: a tab is used for indentation, and YAML allows only spaces: replace the tab with spaces",
    ),
    Case(
        "repeated-key",
        extra_fact(7, '  question: "Again?"'),
        "facts/more.yaml:7: key 'question' repeated (first at line 6)",
    ),
    Case(
        "bom-keeps-lines",
        both(
            extra_fact(7, '  question: "Again?"'),
            lambda p: p.path(MORE).write_bytes(b"\xef\xbb\xbf" + p.path(MORE).read_bytes()),
        ),
        "facts/more.yaml:7: key 'question' repeated (first at line 6)",
    ),
    Case("alias-bomb", write(MORE, BILLION_LAUGHS), "facts/more.yaml:4: aliases expand to more than 10,000 values"),
    Case(
        "python-tag",
        write(MORE, "- id: a\n  kind: !!python/object/apply:os.system [echo pwned]\n"),
        "facts/more.yaml:2: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    Case(
        "merge-key",
        write(MORE, "- &base {id: a}\n- <<: *base\n"),
        "facts/more.yaml:2: merge keys ('<<') are not supported: write each record's keys out in full",
    ),
    Case(
        "not-utf8", write(MORE, b'- id: ok\n  question: "caf\xe9?"\n'), "facts/more.yaml:2: not valid UTF-8 (byte 0xe9)"
    ),
    Case(
        "control-character",
        write(MORE, b'- id: ok\n  question: "a\x00b"\n'),
        "facts/more.yaml:2: control character U+0000 is not allowed in YAML: remove it "
        "(write a line break as a real line break in a block text '|')",
    ),
    Case("empty-file", write(MORE, ""), "facts/more.yaml: file is empty"),
    Case("comments-only", write(MORE, "# nothing yet\n\n"), "facts/more.yaml: file is empty"),
    Case("twenty-megabytes", large_file, "facts/huge.yaml: file is too large (20.0 MB; the limit is 8 MB)"),
    Case("deep-nesting", write(MORE, "[" * 5000 + "]" * 5000 + "\n"), "facts/more.yaml:1: nesting is too deep"),
    Case(
        "key-is-a-list",
        write(MORE, "- ? [a, b]\n  : x\n"),
        "facts/more.yaml:1: a key must be plain text, not a list or mapping",
    ),
    Case(
        "named-pipe",
        lambda p: os.mkfifo(p.path("facts/pipe.yaml")),
        "facts/pipe.yaml: cannot read file: not a regular file",
    ),
    Case(
        "folder-named-yaml",
        lambda p: p.path("facts/folder.yaml").mkdir(),
        "facts/folder.yaml: cannot read file: a folder",
    ),
    Case(
        "symlink-outside",
        symlink("facts/linked.yaml", outside_file),
        "facts/linked.yaml: symbolic link to a file outside the project",
    ),
    Case(
        "symlink-loop",
        symlink("facts/loop.yaml", lambda p: "loop.yaml"),
        "facts/loop.yaml: cannot read file: symbolic link loop",
    ),
    Case(
        "symlink-broken",
        symlink("facts/gone.yaml", lambda p: "nowhere.yaml"),
        "facts/gone.yaml: cannot read file: No such file or directory",
    ),
    # --- records of the wrong shape
    Case(
        "facts-file-is-mapping",
        write(MORE, "id: a\nkind: date\n"),
        "facts/more.yaml:1: expected a list of facts, not a mapping",
    ),
    Case(
        "fact-is-text", write(MORE, "- just a sentence\n"), "facts/more.yaml:1: fact #1: expected a mapping, not text"
    ),
    Case(
        "deck-file-is-list",
        write("decks/all.yaml", "- id: guild-history\n"),
        "decks/all.yaml:1: a deck file must be a mapping, not a list",
    ),
    Case("config-not-mapping", write("factdeck.yaml", "- build\n"), "factdeck.yaml:1: configuration must be a mapping"),
    Case(
        "unknown-key",
        extra_fact(8, '  statment: "The guild met in 1905."'),
        "facts/more.yaml:8: fact 'extra-fact': unknown key 'statment' (did you mean 'statement'?)",
    ),
    Case(
        "newline-in-key",
        extra_fact(8, '  "state\\nment": "The guild met in 1905."'),
        "facts/more.yaml:8: fact 'extra-fact': unknown key 'state\\nment' (did you mean 'statement'?)",
    ),
    Case(
        "missing-key",
        extra_fact(8, "  # no statement"),
        "facts/more.yaml:1: fact 'extra-fact': missing required key 'statement'",
    ),
    # --- wrong types, field by field
    Case("type-id", extra_fact(1, "- id: [extra]"), "facts/more.yaml:1: fact #1: 'id' must be text, not a list"),
    Case(
        "type-kind",
        extra_fact(2, "  kind: 5"),
        "facts/more.yaml:2: fact 'extra-fact': 'kind' must be one of 'date', 'number', 'person', 'place', "
        "'organization', 'event', 'term' or 'characterization', not '5'",
    ),
    Case(
        "type-era",
        extra_fact(3, "  era: {id: founding}"),
        "facts/more.yaml:3: fact 'extra-fact': 'era' must be text, not a mapping",
    ),
    Case(
        "type-date",
        extra_fact(4, "  date: {year: 1905}"),
        "facts/more.yaml:4: fact 'extra-fact': 'date' must be text, not a mapping",
    ),
    Case(
        "type-tags",
        extra_fact(5, "  tags: origins"),
        "facts/more.yaml:5: fact 'extra-fact': 'tags' must be a list, not text",
    ),
    Case(
        "type-tag",
        extra_fact(5, "  tags: [[origins]]"),
        "facts/more.yaml:5: fact 'extra-fact': 'tags[0]' must be text, not a list",
    ),
    Case(
        "type-question",
        extra_fact(6, "  question: 42"),
        "facts/more.yaml:6: fact 'extra-fact': 'question' must be text, not a number: put it in quotes "
        '(as written, e.g. "1.50" or "007")',
    ),
    Case(
        "type-answer",
        extra_fact(7, "  answer: yes"),
        "facts/more.yaml:7: fact 'extra-fact': 'answer' must be text, not true/false: YAML reads an unquoted yes, no, "
        'on, off, true or false as true/false; put the value in quotes (answer: "No")',
    ),
    Case(
        "type-statement",
        extra_fact(8, "  statement:"),
        "facts/more.yaml:8: fact 'extra-fact': 'statement' must be text, not empty",
    ),
    Case(
        "type-attribution",
        extra_fact(9, "  attribution: the chronicle", drop=2),
        "facts/more.yaml:9: fact 'extra-fact': 'attribution' must be a mapping, not text",
    ),
    Case(
        "type-attribution-by",
        extra_fact(10, "    by: [a, b]"),
        "facts/more.yaml:10: fact 'extra-fact': 'attribution.by' must be text, not a list",
    ),
    Case(
        "type-citations",
        extra_fact(12, "  citations: chronicle", drop=3),
        "facts/more.yaml:12: fact 'extra-fact': 'citations' must be a list, not text",
    ),
    Case(
        "type-citation-source",
        extra_fact(13, "    - source: 7"),
        "facts/more.yaml:13: fact 'extra-fact': 'citations[0].source' must be text, not a number",
    ),
    Case(
        "type-citation-quote",
        extra_fact(15, "      quote: {text: founded}"),
        "facts/more.yaml:15: fact 'extra-fact': 'citations[0].quote' must be text, not a mapping",
    ),
    Case(
        "type-status",
        extra_fact(16, "  status: 1"),
        "facts/more.yaml:16: fact 'extra-fact': 'status' must be one of 'draft', 'review', 'vetted' or 'retracted', not '1'",
    ),
    Case(
        "type-vetted",
        extra_fact(17, "  vetted: 20261122"),
        "facts/more.yaml:17: fact 'extra-fact': 'vetted' must be text, not a number",
    ),
    Case(
        "type-reviewer",
        extra_fact(18, "  reviewer: [a]"),
        "facts/more.yaml:18: fact 'extra-fact': 'reviewer' must be text, not a list",
    ),
    Case(
        "type-notes",
        extra_fact(19, "  notes: {a: 1}"),
        "facts/more.yaml:19: fact 'extra-fact': 'notes' must be text, not a mapping",
    ),
    Case(
        "type-dispute",
        extra_fact(19, "  dispute: [a, b]"),
        "facts/more.yaml:19: fact 'extra-fact': 'dispute' must be a mapping, not a list",
    ),
    Case(
        "type-source-title",
        replace("facts/sources.yaml", 'title: "The Guild Unmasked"', "title: [The, Guild]"),
        "facts/sources.yaml:11: source 'pamphlet': 'title' must be text, not a list",
    ),
    Case(
        "type-source-accessed",
        replace("facts/sources.yaml", "accessed: 2026-11-22", "accessed: 2026"),
        "facts/sources.yaml:4: source 'chronicle': 'accessed' must be text, not a number",
    ),
    Case(
        "type-source-stance",
        replace("facts/sources.yaml", "stance: neutral", "stance: impartial"),
        "facts/sources.yaml:6: source 'chronicle': 'stance' must be one of 'critical', 'supportive', 'state-aligned', "
        "'neutral', 'mixed' or 'unknown', not 'impartial'",
    ),
    Case(
        "type-era-title",
        replace("facts/eras.yaml", 'title: "Decline"', "title: {en: Decline}"),
        "facts/eras.yaml:6: era 'decline': 'title' must be text, not a mapping",
    ),
    Case(
        "type-deck-cards",
        replace("decks/all.yaml", "cards:\n  subdecks: true", "cards: true"),
        "decks/all.yaml:4: deck 'guild-history': 'cards' must be a mapping, not true/false",
    ),
    Case(
        "type-deck-versions",
        replace("decks/all.yaml", "versions: 2", "versions: 27"),
        "decks/all.yaml:8: deck 'guild-history': 'quiz.versions' must be at most 26, not 27",
    ),
    Case(
        "type-deck-id",
        replace("decks/all.yaml", "cards:\n  subdecks: true", "cards:\n  anki_deck_id: 1.5"),
        "decks/all.yaml:5: deck 'guild-history': 'cards.anki_deck_id' must be a whole number, not the number 1.5",
    ),
    # --- dates that do not exist
    Case(
        "date-no-such-day",
        extra_fact(4, '  date: "1905-02-30"'),
        "facts/more.yaml:4: fact 'extra-fact': date: invalid date '1905-02-30': no such day",
    ),
    Case(
        "date-no-such-month",
        extra_fact(4, '  date: "1905-13"'),
        "facts/more.yaml:4: fact 'extra-fact': date: invalid date '1905-13': no such month (01–12, or 21–24 for a season)",
    ),
    Case(
        "date-year-zero",
        extra_fact(4, '  date: "-0000"'),
        "facts/more.yaml:4: fact 'extra-fact': date: invalid date '-0000': -0000 is not a year: write 0000 (1 BCE)",
    ),
    Case(
        "date-backwards-range",
        extra_fact(4, '  date: "1905/1904"'),
        "facts/more.yaml:4: fact 'extra-fact': date: invalid date range '1905/1904': it ends before it starts",
    ),
    Case(
        "vetted-no-such-day",
        extra_fact(17, "  vetted: 2026-02-29"),
        "facts/more.yaml:17: fact 'extra-fact': vetted: invalid date '2026-02-29': use YYYY-MM-DD, a day that exists",
    ),
    Case(
        "era-bound-not-a-date",
        replace("facts/eras.yaml", "end: present", "end: soon"),
        "facts/eras.yaml:5: era 'decline': invalid date 'soon': use an EDTF date: YYYY, YYYY-MM or YYYY-MM-DD, "
        "optionally ending in ~ (approximate), ? (uncertain) or % (both); 196X for an unknown digit; -0043 for "
        "44 BCE; A/B for an interval (.. for an open end); [A,B] for one of several",
    ),
    # --- references between records
    Case(
        "id-repeated-across-files",
        extra_fact(1, "- id: guild-founded"),
        "facts/more.yaml:1: duplicate fact id 'guild-founded' (first at facts/guild.yaml:1)",
    ),
    Case(
        "unknown-source",
        extra_fact(13, "    - source: chronicles"),
        "facts/more.yaml:13: fact 'extra-fact': unknown source 'chronicles' (did you mean 'chronicle'? "
        "sources: chronicle, pamphlet)",
    ),
    Case(
        "unknown-era",
        extra_fact(3, "  era: foundling"),
        "facts/more.yaml:1: fact 'extra-fact': unknown era 'foundling' (did you mean 'founding'? eras: founding, decline)",
    ),
    Case(
        "dispute-one-version",
        replace("facts/guild.yaml", ONE_VERSION, ""),
        "facts/guild.yaml:73: fact 'flood-deaths': a dispute needs at least two versions, found 1",
    ),
    Case(
        "quote-not-in-archive",
        both(
            write("factdeck.yaml", "archive: archive\n"),
            replace("facts/guild.yaml", 'quote: "twelve members drowned"', 'quote: "thirteen members drowned"'),
        ),
        "facts/guild.yaml:84: fact 'flood-deaths': quote not found in source 'chronicle': \"thirteen members drowned\"; "
        'the closest passage is "1927, twelve members drowned." (correct the quote to the source\'s words)',
    ),
    Case(
        "archive-path-escapes",
        both(
            write("factdeck.yaml", "archive: archive\n"),
            replace("facts/sources.yaml", "archive: chronicle.txt", "archive: ../../../../etc/passwd"),
        ),
        "facts/sources.yaml:1: source 'chronicle': archive file '../../../../etc/passwd' must be a file name inside the archive folder",
    ),
    # --- decks and outputs
    Case(
        "deck-name-colons",
        replace("decks/all.yaml", 'name: "River Guild history"', 'name: "River::Guild"'),
        "decks/all.yaml:1: deck 'guild-history': deck name must not contain '::' (use cards.subdecks for subdecks)",
    ),
    Case(
        "deck-id-slash",
        replace("decks/all.yaml", "id: guild-history", "id: guild/history"),
        "decks/all.yaml:1: deck 'guild/history': id: 'guild/history' is not a valid id: use lower-case letters, "
        "digits and single hyphens",
    ),
    Case(
        "deck-id-dotdot",
        replace("decks/all.yaml", "id: guild-history", "id: ../../escape"),
        "decks/all.yaml:1: deck '../../escape': id: '../../escape' is not a valid id: use lower-case letters, "
        "digits and single hyphens",
    ),
    Case(
        "era-title-colons",
        replace("facts/eras.yaml", 'title: "Decline"', 'title: "De::cline"'),
        "facts/eras.yaml:5: era 'decline': title 'De::cline' contains '::', which Anki reads as a further subdeck",
    ),
    Case(
        "output-outside",
        write("factdeck.yaml", "output: ../elsewhere\n"),
        "error: factdeck.yaml: output folder '../elsewhere' is outside the project",
    ),
    Case(
        "output-absolute",
        write("factdeck.yaml", "output: /tmp\n"),
        "error: factdeck.yaml: output folder '/tmp' is outside the project",
    ),
    Case(
        "output-windows-device",
        write("factdeck.yaml", "output: build/nul\n"),
        "error: factdeck.yaml: output folder 'build/nul': 'nul' is a name Windows cannot create (a reserved device "
        "name, or one ending in a dot or space): choose another",
    ),
    Case(
        "output-control-character",
        write("factdeck.yaml", 'output: "build\\0x"\n'),
        "error: factdeck.yaml: output folder 'build\\x00x' contains a control character: write a plain folder name",
    ),
    Case(
        "output-in-facts",
        write("factdeck.yaml", "output: facts/out\n"),
        "error: factdeck.yaml: output folder 'facts/out' is inside the facts/ folder",
    ),
    # --- values another system refuses (issue: nothing a user types can break a build)
    Case(
        "deck-id-windows-device",
        replace("decks/all.yaml", "id: guild-history", "id: aux"),
        "decks/all.yaml:1: deck 'aux': id: 'aux' is a device name that Windows reserves: a folder or file named "
        "'aux' cannot be made there; choose another id (e.g. 'aux-deck')",
    ),
    Case(
        "deck-id-230-characters",
        replace("decks/all.yaml", "id: guild-history", "id: " + "river-" * 38 + "xx"),
        f"decks/all.yaml:1: deck '{'river-' * 38}xx': id: too long (230 characters): a deck id names folders and "
        "files, whose paths Windows limits to 260 characters; use at most 60",
    ),
    Case(
        "deck-id-upper-case",  # two ids that differ in case would be one folder on macOS and Windows
        replace("decks/all.yaml", "id: guild-history", "id: Guild-History"),
        "decks/all.yaml:1: deck 'Guild-History': id: 'Guild-History' is not a valid id: use lower-case letters, "
        "digits and single hyphens",
    ),
    Case(
        "surrogate-escape",
        extra_fact(6, '  question: "What did the guild do in 1905 \\ud83c\\udf0d?"'),
        "facts/more.yaml:6: \\ud83c is half of a UTF-16 surrogate pair, not a character: write the character "
        "itself (or \\U and its eight hex digits, e.g. \\U0001F30D)",
    ),
    Case(
        "number-5000-digits",
        extra_fact(7, "  answer: " + "7" * 5000),
        "facts/more.yaml:7: a number with 5000 digits is too large to read: if it is text, put it in quotes; "
        "if it is a number, it is wrong",
    ),
    Case(
        "date-us-style",
        extra_fact(4, "  date: 10/27/1962"),
        "facts/more.yaml:4: fact 'extra-fact': date: invalid date '10/27/1962': write dates as YYYY-MM-DD: 1962-10-27",
    ),
    Case(
        "date-ambiguous-day-month",
        extra_fact(4, "  date: 03/04/1962"),
        "facts/more.yaml:4: fact 'extra-fact': date: invalid date '03/04/1962': write dates as YYYY-MM-DD: "
        "1962-03-04 if it is written month first, as in the US, 1962-04-03 if day first",
    ),
    Case(
        "forgotten-dash",
        lambda p: p.write(MORE, EXTRA_FACT + EXTRA_FACT.replace("- id: extra-fact", "  id: extra-two")),
        "facts/more.yaml:20: key 'id' repeated (first at line 1): if a new record starts on line 20, begin it "
        "with '- ' (- id: extra-two)",
    ),
    Case(
        "utf16-without-bom",
        write(MORE, EXTRA_FACT.encode("utf-16-le")),
        "facts/more.yaml: file is UTF-16 without a byte-order mark, and factdeck reads UTF-8: save it as UTF-8 "
        "(in most editors: Save As, encoding UTF-8)",
    ),
    Case(
        "utf16-with-bom",
        write(MORE, EXTRA_FACT.encode("utf-16")),
        "facts/more.yaml: file is UTF-16, and factdeck reads UTF-8: save it as UTF-8 (in most editors: Save As, "
        "encoding UTF-8)",
    ),
    Case(
        "two-merge-keys",
        write(MORE, "- &a {kind: event}\n- &b {era: founding}\n- <<: *a\n  id: x\n- <<: *b\n  id: y\n"),
        "facts/more.yaml:3: merge keys ('<<') are not supported (here and on line 5): write each record's keys "
        "out in full",
    ),
    Case(
        "misspelt-key-cause-first",
        extra_fact(12, "  citation:"),
        "facts/more.yaml:12: fact 'extra-fact': unknown key 'citation' (did you mean 'citations'?)",
    ),
    Case(
        "misspelt-source-id-cause-first",
        replace("facts/sources.yaml", "- id: chronicle", "- id: chronicel"),
        "facts/sources.yaml:1: source 'chronicel': no fact uses this id, and 6 citations name the unknown source "
        "'chronicle': if 'chronicel' is a misspelling of 'chronicle', correct it here (the errors it causes follow)",
    ),
    # --- templates
    Case(
        "anki-unknown-variable",
        replace(FIELD_TEMPLATE, "{{", "{{ nosuch }}{{"),
        "error: templates/anki/fields/front-qa.html:3: undefined variable 'nosuch'",
    ),
    Case(
        "anki-template-syntax",
        replace(FIELD_TEMPLATE, "{{", "{% if %}{{"),
        "error: templates/anki/fields/front-qa.html:3: template syntax error: an expression is missing or incomplete "
        "inside '{{ }}' or '{% %}'",
    ),
    Case(
        "anki-template-missing",
        replace(FIELD_TEMPLATE, "{{", '{% include "anki/fields/nosuch.html" %}{{'),
        "error: templates/anki/fields/nosuch.html: template not found",
    ),
    Case(
        # A file the project removes falls back to the built-in one; a folder in its place cannot be read.
        "anki-note-type-unreadable",
        both(remove("templates/anki/note-types/card-front.html"), mkdir("templates/anki/note-types/card-front.html")),
        "error: templates/anki/note-types/card-front.html: cannot read Anki card template (Is a directory)",
    ),
    Case(
        "typst-unknown-variable",
        replace(WORKSHEET_TEMPLATE, "{{ quiz.title }}", "{{ quiz.nosuch }}"),
        "error: templates/quiz/worksheet.typ:10: undefined variable: a Quiz has no 'nosuch'",
    ),
    Case(
        "typst-template-syntax",
        replace("templates/quiz/key.typ", "{% for s in quiz.sources %}", "{% for s in %}"),
        f"error: templates/quiz/key.typ:{_line_of('quiz/key.typ', '{% for s in quiz.sources %}')}: template syntax "
        "error: an expression is missing or incomplete inside '{{ }}' or '{% %}'",
    ),
    Case(
        "typst-template-missing",
        replace(WORKSHEET_TEMPLATE, '"quiz/_setup.typ"', '"quiz/_setup.typ.missing"'),
        "error: templates/quiz/_setup.typ.missing: template not found",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(good: Project, case: Case) -> None:
    before = snapshot(good.path("build"))
    case.breaks(good)
    result = CliRunner().invoke(cli, ["build", *case.args, "--project", str(good.root)], catch_exceptions=False)
    output = result.stdout + result.stderr
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    assert case.expected in result.stderr.splitlines(), result.stderr
    assert snapshot(good.path("build")) == before


def test_corpus_is_large_and_distinct() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)
    assert len({c.expected for c in CASES}) >= len(CASES) - 3  # a few cases share a message on purpose (BOM)
