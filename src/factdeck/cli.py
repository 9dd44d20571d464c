"""The `factdeck` command: a thin click layer over the library.

Each subcommand lives in a `cli_*.py` module that is imported only when that subcommand runs (click's
lazy-group pattern), so `factdeck --help` and `factdeck check` import only what they need; errors become
messages and exit codes in `cli_common.py`: 0 success, 1 invalid input (or a failed build), 2 a usage error.
`factdeck --help` and `--version` import nothing of factdeck but this module (not even `cli_common.py`, whose
imports were an eighth of their work).

To add a command, define it in a `cli_*.py` module with `cli_common.command(None, NAME)` (or `click.command`
/ `click.group`) and add a line to `COMMANDS`: its name, where it is, and the first sentence of its help,
which `factdeck --help` shows without importing the module (a test holds the two to each other).
"""

from __future__ import annotations

import gc
import importlib

import click

from factdeck import __version__

__all__ = ["COMMANDS", "cli", "main"]

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


class LazyGroup(click.Group):
    """A click group whose commands are imported when first asked for (click's documented lazy-group pattern),
    listed in `--help` from the help text kept beside their location (`lazy`: name -> ("module:attribute",
    help))."""

    lazy: dict[str, tuple[str, str]] = COMMANDS

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, _, attribute = self.lazy[cmd_name][0].partition(":")
            loaded = getattr(importlib.import_module(module), attribute)
            if not isinstance(loaded, click.Command):
                raise TypeError(f"{module}:{attribute} is not a click command")
            self.add_command(loaded, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, as click lists them, without importing the lazy ones."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, click.Command(name, help=self.lazy[name][1]).get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factdeck")
def cli() -> None:
    """Turn vetted, source-cited fact records into Anki decks, worksheets and study materials."""


def main() -> None:
    """The `factdeck` program (pyproject's entry point; `python -m factdeck`)."""
    try:
        cli(prog_name="factdeck")
    finally:
        # The interpreter's last collection at exit would walk every object still alive (the records, the card
        # fields: a third of a second at 10,000 facts) only to find them freed with the process anyway.
        gc.freeze()
