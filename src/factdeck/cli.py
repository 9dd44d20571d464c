"""The `factdeck` command: a thin click layer over the library.

Each subcommand lives in a `cli_*.py` module that is imported only when that subcommand runs (click's
lazy-group pattern), so `factdeck check` imports only what it needs; errors become messages and exit codes in
`cli_common.py`: 0 success, 1 invalid input (or a failed build), 2 a usage error. The subcommands are
registered in `entry.py`'s `COMMANDS` (name, where it is, the first sentence of its help), beside the
program's entry point, which answers `factdeck --help` and `--version` without importing click and hands every
other command line to `main` here. Where click does answer `--help` (`cli` called directly, or wherever
`entry.py` cannot be sure of click's answer), it imports nothing of factdeck but this module and `entry.py`
(not `cli_common.py`, whose imports were an eighth of its work).
"""

from __future__ import annotations

import errno
import gc
import importlib
import sys
from types import ModuleType

import click

from factdeck import __version__
from factdeck.entry import COMMANDS, GROUP_HELP, HELP_OPTION_NAMES, PROGRAM
from factdeck.process_end import ProcessEnd, system_error_text

__all__ = ["COMMANDS", "cli", "main"]


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
            loaded = getattr(_imported(module), attribute)
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


def _imported(module: str) -> ModuleType:
    """`module`, imported as `entry.main` imports this module (`collector_paused_then_frozen`): it lives as long as
    the process, so the collector's passes over it would find nothing."""
    from factdeck.engine.collector import collector_paused_then_frozen  # here: `--help` imports no other module

    with collector_paused_then_frozen():
        return importlib.import_module(module)


# The group's help and its options' names come from entry.py, which renders `--help` from them without click.
@click.group(cls=LazyGroup, help=GROUP_HELP, context_settings={"help_option_names": list(HELP_OPTION_NAMES)})
@click.version_option(__version__, prog_name=PROGRAM)
def cli() -> None:
    """The `factdeck` group: its subcommands are loaded from `COMMANDS` when one runs (`LazyGroup`)."""


def main(end: ProcessEnd | None = None) -> None:
    """The `factdeck` program run by click, for every command line `entry.main` does not answer itself; `end`,
    where given, keeps what the command made until the process ends (its context's object:
    `cli_common.command`)."""
    try:
        cli(prog_name=PROGRAM, obj=end)
    except OSError as exc:
        # What the system refused that no factdeck stage named (standard output redirected to a full disk or
        # /dev/full, a device gone mid-write): one line, as every other error (staged outputs were discarded);
        # with --debug, the traceback. A closed pipe is click's to answer, and it has (it exits quietly).
        if exc.errno == errno.EPIPE or "--debug" in sys.argv[1:]:
            raise
        click.echo(f"error: {system_error_text(exc)}", err=True)
        sys.exit(1)
    finally:
        # The interpreter's last collection at exit would walk every object still alive (the records, the card
        # fields: a third of a second at 10,000 facts) only to find them freed with the process anyway.
        gc.freeze()
