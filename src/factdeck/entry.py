"""The `factdeck` program's entry point (pyproject's console script and `python -m factdeck`) and the registry of
its subcommands.

`factdeck --help`, `factdeck -h`, `factdeck --version` and `factdeck` alone answer here without importing click
(its import was two thirds of `factdeck --help`'s CPU time): the text click would print, rendered in plain
Python from `COMMANDS` and `GROUP_HELP` as click lays them out (`click.formatting.HelpFormatter`), written to
the stream click writes it to, with the exit status click gives (0; 2 for no arguments, click's usage error). Every other
command line goes to `cli.py`'s click group, which stays the one place that turns errors into messages and exit
codes. So do these four wherever this module cannot be sure of click's answer: another click release than the
one modelled, Windows, a shell-completion request, COLUMNS in a form not read here, a stream that is not UTF-8
text, a message catalog click's words could be translated by, a text outside what the wrapping below models,
or an output pipe closed early (click then handles the broken pipe as it always does). A test holds this
module's answers byte for byte to click's at every terminal width.

To add a command, define it in a `cli_*.py` module with `cli_common.command(None, NAME)` (or `click.command` /
`click.group`) and add a line to `COMMANDS`: its name, where it is, and the first sentence of its help, which
`factdeck --help` shows without importing the module (a test holds the two to each other).
"""

from __future__ import annotations

import codecs
import io
import os
import sys

from factdeck import __version__
from factdeck.process_end import ProcessEnd, system_error_text

# Annotations only: importing collections.abc (collections, operator, …) would cost the answers a millisecond.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "COMMANDS",
    "GROUP_HELP",
    "HELP_OPTION_NAMES",
    "PROGRAM",
    "main",
    "plain_answer",
    "top_level_help",
]

PROGRAM = "factdeck"

# The group's help (cli.py gives it to click; `--help` shows it under the usage line).
GROUP_HELP = "Turn vetted, source-cited fact records into Anki decks, worksheets and study materials."

# The names of the help option, in the order `--help` lists them.
HELP_OPTION_NAMES = ("-h", "--help")

# name -> ("module:attribute", the first sentence of the command's help: what `--help` lists)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": (
        "factdeck.cli_check:check",
        "Validate every record and report every problem as path:line: message.",
    ),
    "build": (
        "factdeck.cli_build:build",
        "Validate, then write decks, worksheets and the JSON export (default: every deck, every format).",
    ),
    "watch": (
        "factdeck.cli_build:watch",
        "Build as `build` does, then again whenever a file under facts/, decks/, templates/ or fonts/ (or"
        " factdeck.yaml, or the archive) changes, until Ctrl-C.",
    ),
    "quiz": (
        "factdeck.cli_quiz:quiz",
        "Print-ready worksheets and answer keys for DECK: worksheet-A.pdf, key-A.pdf, … in <output>/<deck"
        " id>/ (with answer sheets, a ZipGrade key and large-print copies where asked for); with --format"
        " json, the questions of every version as one JSON document.",
    ),
    "sessions": (
        "factdeck.cli_quiz:sessions",
        "Study-group packs: DECK split into meetings, each with its Anki deck, worksheet, key and discussion guide.",
    ),
    "schema": (
        "factdeck.cli_check:schema",
        "Print the record schema as Markdown (docs/schema.md is this output), or with --json as JSON "
        'Schema for editors (yaml-language-server: completion and inline errors; README, "Editor '
        'support").',
    ),
    "init": (
        "factdeck.cli_project:init",
        "Start a new project in FOLDER (new or empty): a starter subject that checks and builds at once.",
    ),
    "review": (
        "factdeck.cli_project:review",
        "List the facts that need a reviewer: not vetted yet, or changed since they were vetted, and why.",
    ),
    "vet": (
        "factdeck.cli_project:vet",
        "Mark facts vetted today by --reviewer, recording a fingerprint of the content vetted (a later "
        "edit is then flagged by `check` until the fact is vetted again).",
    ),
    "templates": (
        "factdeck.cli_project:templates",
        "The built-in templates, and copies of them in the project for editing.",
    ),
    "hash-archives": (
        "factdeck.cli_project:hash_archives",
        "Record the SHA-256 of each source's archive file (default: every source with one) in "
        "facts/sources.yaml, after checking every quote against the files as they are now.",
    ),
    "export": (
        "factdeck.cli_exports:export",
        "Export the fact base, or a deck's worksheet questions for a game or learning platform.",
    ),
    "cite": (
        "factdeck.cli_authoring:cite",
        "Find WORDS in SOURCE's archived text (id or archive file name) and print its citation, ready to "
        "paste under a fact's `citations:`: the locator, a quote of at most 40 words and a selector.",
    ),
    "read": (
        "factdeck.cli_authoring:read",
        "Show SOURCE's archived text block by block, each under its locator (or, with --html, as a page "
        'with a "copy citation" button per block and per selected passage).',
    ),
    "new": (
        "factdeck.cli_authoring:new",
        "Add a fact skeleton citing the passage of SOURCE that WORDS find (as `cite` does): id, era, "
        "date, a guessed kind, the citation and status review, with question, answer and statement left "
        "for you to write.",
    ),
    "scan": (
        "factdeck.cli_scan:scan",
        "Read answer-sheet photos (JPEG, PNG, HEIC) and scanner PDFs into results/<deck>/responses.csv.",
    ),
    "results": (
        "factdeck.cli_scan:results",
        "Item analysis of a deck's answers: difficulty, discrimination, options chosen and flags pointing"
        " at each fact's file and line; writes report.html, items.csv, facts.csv, flags.txt, an Anki "
        "search for the missed facts and focus.txt into results/<deck>/.",
    ),
    "options": (
        "factdeck.cli_reports:options",
        "Why each FACT's wrong options and false statements are what they are: the bounds of its wrong "
        "dates and the rule behind each side, the multiple-choice options and who made them, the "
        "true/false swap.",
    ),
    "language": (
        "factdeck.cli_languages:language",
        "The languages factdeck writes its own words in: list them, add one to a project, update its catalog.",
    ),
    "translate": (
        "factdeck.cli_languages:translate",
        "The facts' texts in another language: start a translation, stamp it current, see what is stale.",
    ),
    "stats": (
        "factdeck.cli_reports:stats",
        "Counts by era, kind, status and source.",
    ),
    "changes": (
        "factdeck.cli_reports:changes",
        "List vetted facts added, changed and withdrawn since a git revision or the last build.",
    ),
    "release": (
        "factdeck.cli_reports:release",
        "Record what each deck's Anki package publishes (decks/published/<deck id>.json); commit it.",
    ),
}

# The click release whose layout and words this module reproduces. Another one may lay help out otherwise (8.5
# changed how a command's help is shortened, for one), so with any other installed the four command lines go to
# click; a test holds this to the release constraints.txt pins, so moving click up means checking the layout
# again (the tests compare every width) and raising this.
CLICK_RELEASE = "8.5.1"

# click's own words in that release (`--help` and `--version`'s help, the usage line, the version message).
_USAGE_PREFIX = "Usage: "
_GROUP_USAGE = "[OPTIONS] COMMAND [ARGS]..."
_VERSION_OPTION = ("--version", "Show the version and exit.")
_HELP_OPTION_HELP = "Show this message and exit."
_VERSION_MESSAGE = "{prog}, version {version}"


def main() -> None:
    """The `factdeck` program: answer `--help`, `-h`, `--version` or no arguments here where click's answer is
    certain, else run the click group (`cli.main`). Exits with the command's status: ends the process
    (`ProcessEnd`), or raises SystemExit where Python's own end is wanted."""
    answer = plain_answer(sys.argv[1:], os.environ)
    if answer is not None and _click_is_modelled_here():
        text, to_stderr, status = answer
        stream = sys.stderr if to_stderr else sys.stdout
        try:
            stream.write(text)
            stream.flush()
        except BrokenPipeError:
            pass  # the reader is gone: click meets the closed pipe again and answers it as it always does
        except OSError as exc:
            # A stream the system refuses to write (redirected to a full disk or /dev/full): one line, exit 1, as
            # cli_common.py says it of a command's output.
            sys.stderr.write(f"error: {system_error_text(exc)}\n")
            sys.exit(1)
        else:
            sys.exit(status)
    # pydantic looks for plugins (entry points of every installed distribution) when it first builds a model's
    # validator or serializer, 5-8 ms CPU with this project's dependencies installed, for factdeck's models, which
    # take none; a value set by the user (an empty one lets plugins load) is theirs.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Importing click and the command's modules makes tens of thousands of objects that live as long as the
    # process, which the cyclic collector's passes walked again and again to find nothing: paused for the imports
    # (here and in `cli.LazyGroup.get_command`), and what they made moved out of its sight (`gc.freeze`, which
    # walks nothing), so the first pass after the pause does not walk all of it either.
    from factdeck.engine.collector import collector_paused_then_frozen

    with collector_paused_then_frozen():
        from factdeck.cli import main as click_main

    end = ProcessEnd()
    try:
        click_main(end)
    except SystemExit as exc:
        end.exit(exc.code)
        raise  # not an end `exit` takes: Python's own, as always
    end.exit(None)


def plain_answer(argv: list[str], environ: Mapping[str, str]) -> tuple[str, bool, int] | None:
    """What click answers to `factdeck *argv` when argv is `--help`, `-h`, `--version` or empty: (the text with
    its final newline, whether it goes to stderr, the exit status); None for any other argv, or where the
    answer cannot be reproduced here for sure (a shell-completion request, COLUMNS in a form not read here, a
    text outside what `wrap` models). The streams, the platform and the click release are `main`'s to check."""
    if environ.get(f"_{PROGRAM.replace('-', '_').replace('.', '_').upper()}_COMPLETE"):
        return None  # click would answer the shell's completion request instead
    if argv == ["--version"]:
        return _VERSION_MESSAGE.format(prog=PROGRAM, version=__version__) + "\n", False, 0
    if argv and not (len(argv) == 1 and argv[0] in HELP_OPTION_NAMES):
        return None
    columns = terminal_columns(environ)
    if columns is None:
        return None
    text = top_level_help(columns)
    if text is None:
        return None
    # With no arguments click raises its usage error NoArgsIsHelpError, which prints the help to stderr.
    return text + "\n", not argv, 2 if not argv else 0


def terminal_columns(environ: Mapping[str, str]) -> int | None:
    """The terminal's width in columns as click reads it (`shutil.get_terminal_size().columns`: COLUMNS if it
    is a positive number, else the width of the terminal standard output is, else 80), or None where COLUMNS
    is set to something other than digits (shutil's reading of such values is not modelled here)."""
    given = environ.get("COLUMNS")
    if given is not None:
        if not (given.isascii() and given.isdigit()):
            return None
        if int(given) > 0:
            return int(given)
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


def top_level_help(columns: int) -> str | None:
    """`factdeck --help` as click renders it in a terminal `columns` wide (without the final newline), or None
    if some text in it is outside what `wrap` models."""
    width = max(min(columns, 80) - 2, 50)  # click's HelpFormatter: the terminal's width, at most 78, at least 50
    usage_prefix = f"{_USAGE_PREFIX}{PROGRAM} "
    if width < len(usage_prefix) + 20:
        return None  # click then puts the arguments on a line of their own (never at width 50 or more)
    usage = wrap(_GROUP_USAGE, width, usage_prefix, " " * len(usage_prefix))
    description = wrap(GROUP_HELP, width, "  ", "  ")
    # click lists an option's names shortest prefix first ("-h, --help"), keeping their order otherwise.
    help_names = sorted(HELP_OPTION_NAMES, key=lambda name: 2 if name[1:2] == name[:1] else 1)
    options = definition_list([_VERSION_OPTION, (", ".join(help_names), _HELP_OPTION_HELP)], width)
    names = sorted(COMMANDS)
    limit = width - 6 - max(len(name) for name in names)  # cli.LazyGroup.format_commands, as click's
    rows = []
    for name in names:
        summary = short_help(COMMANDS[name][1], limit)
        if summary is None:
            return None
        rows.append((name, summary))
    commands = definition_list(rows, width)
    if usage is None or description is None or options is None or commands is None:
        return None
    return f"{usage}\n\n{description}\n\nOptions:\n{options}\nCommands:\n{commands}".rstrip("\n")


def definition_list(rows: list[tuple[str, str]], width: int, indent: int = 2) -> str | None:
    """click's `HelpFormatter.write_dl` of (term, text) rows, indented by `indent` in a formatter `width` wide:
    each row's lines, each ending in a newline; None if a text is outside what `wrap` models."""
    first_column = min(max(len(term) for term, _ in rows), 30) + 2
    text_width = max(width - first_column - 2, 10)
    out = []
    for term, text in rows:
        out.append(" " * indent + term)
        if not text:
            out.append("\n")
            continue
        if len(term) <= first_column - 2:
            out.append(" " * (first_column - len(term)))
        else:
            out.append("\n" + " " * (first_column + indent))
        wrapped = wrap(text, text_width)
        if wrapped is None:
            return None
        lines = wrapped.split("\n")
        out.append(lines[0] + "\n")
        out.extend(" " * (first_column + indent) + line + "\n" for line in lines[1:])
    return "".join(out)


def wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str | None:
    """click's `formatting.wrap_text` of a one-line text (lines of at most `width` characters, the indents
    included; lines joined by newlines), or None where the text is outside what is modelled here: any
    character that is not printable, leading or trailing whitespace, or, where the text needs more than one
    line, anything but ASCII words between single spaces (no `--`) none of them longer than a line.

    textwrap (click's wrapper) breaks lines between words and after a hyphen inside a word where two letters
    come before it and a letter after (`source-` `cited`); it is not imported here (with `re`, it would cost the
    answers a fifth of what importing click does)."""
    if not text or not text.isprintable() or text != text.strip():
        return None
    if len(initial_indent) + len(text) <= width:
        return initial_indent + text
    if not text.isascii() or "--" in text or "  " in text:
        return None
    chunks: list[str] = []
    for word in text.split(" "):
        if chunks:
            chunks.append(" ")
        chunks.extend(_hyphenated_pieces(word))
    lines: list[str] = []
    chunks.reverse()
    while chunks:
        indent = subsequent_indent if lines else initial_indent
        line_width = width - len(indent)
        if chunks[-1] == " " and lines:
            chunks.pop()
        line: list[str] = []
        length = 0
        while chunks and length + len(chunks[-1]) <= line_width:
            length += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > line_width:
            return None  # a word longer than a line: click cuts it in a way not modelled here
        if line and line[-1] == " ":
            line.pop()
        if line:
            lines.append(indent + "".join(line))
    return "\n".join(lines)


def _hyphenated_pieces(word: str) -> list[str]:
    """An ASCII word cut after each hyphen textwrap breaks a line at: two letters (or a letter, a hyphen and a
    letter) before it, and a letter followed by a letter (or by a hyphen and a letter) after it; a letter is
    what the regular expression `[^\\d\\W]` matches (in ASCII, a-z, A-Z and `_`)."""

    def letter(at: int) -> bool:
        return 0 <= at < len(word) and (word[at].isalpha() or word[at] == "_")

    def hyphen(at: int) -> bool:
        return 0 <= at < len(word) and word[at] == "-"

    pieces = []
    start = 0
    for at, character in enumerate(word):
        if character != "-":
            continue
        before = (letter(at - 2) and letter(at - 1)) or (letter(at - 3) and hyphen(at - 2) and letter(at - 1))
        after = letter(at + 1) and (letter(at + 2) or (hyphen(at + 2) and letter(at + 3)))
        if before and after:
            pieces.append(word[start : at + 1])
            start = at + 1
    pieces.append(word[start:])
    return pieces


def short_help(help_text: str, limit: int) -> str | None:
    """click's short help of a command whose help is `help_text`, for a column of `limit` characters
    (`Command.get_short_help_str`): its first sentence, shortened to whole words and "..." if longer than
    `limit`; None where a word is longer than `limit` (textwrap then cuts it, not modelled here)."""
    words = help_text.partition("\n\n")[0].split()
    if words and words[0] == "\b":
        words = words[1:]
    if not words:
        return ""
    # click takes a period as a sentence's end where the next word does not start in lowercase.
    for at, word in enumerate(words):
        if word.endswith(".") and (at == len(words) - 1 or not words[at + 1][0].islower()):
            words = words[: at + 1]
            break
    text = " ".join(words)
    if len(text) <= limit:
        return text
    if limit < 3:
        return "..."
    if any(len(word) > limit for word in words):
        return None
    # textwrap.shorten(text, limit, placeholder="...", break_on_hyphens=False): the words (and the spaces between
    # them) that fit on one line, less a trailing space, then the placeholder, dropping pieces until it fits too.
    chunks = [" "] * (2 * len(words) - 1)
    chunks[::2] = words
    line: list[str] = []
    length = 0
    for chunk in chunks:
        if length + len(chunk) > limit:
            break
        line.append(chunk)
        length += len(chunk)
    if line and line[-1] == " ":
        length -= len(line.pop())
    while line:
        if line[-1] != " " and length + 3 <= limit:
            return "".join(line) + "..."
        length -= len(line.pop())
    return "..."


def _click_is_modelled_here() -> bool:
    """Whether click's answer on this machine is the one this module renders: not Windows (where click expands
    wildcards and writes through the console API), the click release `CLICK_RELEASE` installed, standard
    output and error UTF-8 text streams (click rewraps others), and no message catalog that could translate
    click's words (gettext's default domain, which click uses, under `sys.base_prefix`/share/locale)."""
    if os.name == "nt":
        return False
    for stream in (sys.stdout, sys.stderr):
        if type(stream) is not io.TextIOWrapper or codecs.lookup(stream.encoding).name != "utf-8":
            return False
    return _installed_click_release() == CLICK_RELEASE and not _click_words_could_be_translated()


def _installed_click_release() -> str | None:
    """The release of the click that `import click` would import, from its distribution's `.dist-info` folder
    beside it (found without importing it, or importlib.metadata); None if it cannot be told."""
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        spec = find_spec("click", None) if find_spec is not None else None
        if spec is not None:
            break
    else:
        return None
    if spec.origin is None or os.path.basename(spec.origin) != "__init__.py":
        return None
    folder = os.path.dirname(os.path.dirname(spec.origin))
    try:
        releases = [name for name in os.listdir(folder) if name.startswith("click-") and name.endswith(".dist-info")]
    except OSError:
        return None
    if len(releases) != 1:
        return None  # none, or several (a damaged environment): which one is installed is not known
    return releases[0].removeprefix("click-").removesuffix(".dist-info")


def _click_words_could_be_translated() -> bool:
    """Whether gettext could find a catalog of its default domain ("messages"), which click's words
    ("Usage:", "Options", "Show the version and exit.") go through, in any language."""
    folder = os.path.join(sys.base_prefix, "share", "locale")
    try:
        languages = os.listdir(folder)
    except OSError:
        return False
    return any(os.path.exists(os.path.join(folder, language, "LC_MESSAGES", "messages.mo")) for language in languages)
