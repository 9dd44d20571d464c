"""How the `factdeck` program's process ends once a command has answered (`ProcessEnd`: without freeing what it
made), and the one line said of an error the system raised that no factdeck stage named (`system_error_text`).

Imported by entry.py before click is, so it imports only what Python's start has already loaded."""

from __future__ import annotations

import errno
import os
import sys

__all__ = ["ProcessEnd", "system_error_text"]


class ProcessEnd:
    """How the `factdeck` program's process ends once a command has answered: without freeing what it made.

    A command hands what it made to `keep` (cli_common.py: whatever the command's function returns), which holds
    it until the process ends, and `exit` then ends the process as Python would, less its teardown: the atexit
    handlers run and the standard streams are flushed (Python's own order), then `os._exit`. Freeing a loaded
    10,000-fact base as the command returned cost 0.04-0.055 CPU s, and Python's teardown of its modules and
    what they hold as much again, for memory the system takes back whole anyway. Every file and lock a command
    uses is closed by the command itself (`with` blocks, the staging writer's commit), and its child processes
    are reaped before it returns (the Typst workers' pool, `engine/parallel.py`), so nothing is left for the
    teardown but freeing.

    Made only by `main` (the console script and `python -m factdeck`): a command run in-process (click's
    CliRunner, the library's callers) finds none, and frees what it made as it always did."""

    def __init__(self) -> None:
        self.kept: list[object] = []

    def keep(self, made: object) -> None:
        """Hold `made` (any object) until the process ends."""
        self.kept.append(made)

    def exit(self, code: object) -> None:
        """End the process with the status SystemExit's `code` gives (None: 0), as Python ends it but without
        its teardown. Returns, doing nothing, where Python's own end would do more than this one: a `code` that
        is not None or a status from 0 to 255 (Python prints it), a thread other than this one still running
        (Python waits for it), or a standard stream that cannot be flushed (a reader gone: Python reports it and
        exits 120); the caller then leaves as it would have (the atexit handlers already run are not run again)."""
        if code is not None and not (type(code) is int and 0 <= code <= 255):
            return
        threading = sys.modules.get("threading")
        if threading is not None and threading.active_count() > 1:
            return
        import atexit

        atexit._run_exitfuncs()  # and clears them, as Python does before it flushes the streams
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                if stream is not None:
                    stream.flush()
            except Exception:  # a closed pipe, say: Python's end reports it as it always does
                return
        os._exit(code or 0)


# errno values of a write the disk has no room for (a full disk, a quota, a file too large), whose fix is known.
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def system_error_text(exc: OSError) -> str:
    """One line (without "error: ") for an OSError that no factdeck stage turned into a message of its own: the
    file the system names, if any, and the system's words; a failed write with no file named is "could not
    write" (standard output redirected to a full disk, or /dev/full); a full disk or quota adds its fix."""
    words = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is not None:
        text = f"{exc.filename}: {words}"
    elif exc.errno in (*_NO_ROOM, errno.EIO):
        text = f"could not write: {words}"  # a write to an open file (standard output, most often) names none
    else:
        text = words
    if exc.errno in _NO_ROOM:
        text += " (free some space, or write the output elsewhere)"
    return text
