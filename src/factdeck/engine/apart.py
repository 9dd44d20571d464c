"""A stage run in a forked copy of the process, so that the memory it takes while it works goes back to the system
when the copy exits: only its result comes back, marshalled, through a pipe.

Python rarely hands freed memory back while anything else lives in the arenas around it: a stage that makes a
large working set and lets it go (the rules across facts put every fact's texts in comparison form, 270 MB at
50,000 facts) leaves the process that large for the rest of its life, and whatever comes after is counted on top
of it. Made in a copy, the working set is the copy's: the parent's memory does not grow, and the copy's peak is
the parent's memory then plus the stage's own.

The work must be pure as far as the parent can see (what it writes to disk stays written, anything it changes in
memory is the copy's): the caller restores its result and does the work itself when there is none (no `fork`,
other threads running, the copy failing, killed or sending what does not unmarshal), so an error surfaces in the
parent with its usual message and the answer is always what the parent alone would give.
"""

from __future__ import annotations

import gc
import marshal
import os
import sys
import threading
from collections.abc import Callable
from typing import Any


def computed_apart(work: Callable[[], Any]) -> tuple[bool, Any]:
    """`(True, work())` with `work` run in a forked copy of this process and its value marshalled back (so it may
    only hold what marshal can: builtin values); `(False, None)` when there is none, the caller then doing the
    work itself. Blocks until the copy exits."""
    # Forking while other threads run could copy a lock some thread holds. Only on Linux: macOS's system libraries
    # may start threads of their own, and a forked copy of them can crash or hang (why Python's multiprocessing
    # no longer forks there by default); Windows has no fork.
    if sys.platform != "linux" or threading.active_count() > 1:
        return False, None
    # Objects the collector never visits stay on pages both processes share (a collection in the copy would write
    # to all of them); under a caller's own freeze they stay frozen, `gc.unfreeze` would release its objects too.
    unfreeze = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        try:
            reader, writer = os.pipe()
        except OSError:
            return False, None
        try:
            pid = os.fork()
        except OSError:  # out of processes: the caller does the work itself
            os.close(reader)
            os.close(writer)
            return False, None
        if pid == 0:  # the copy: compute, send, and leave without running the parent's exit handlers
            status = 1
            try:
                os.close(reader)
                payload = marshal.dumps(work())
                with os.fdopen(writer, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        try:
            with os.fdopen(reader, "rb") as pipe:
                payload = pipe.read()
        finally:
            _, status = os.waitpid(pid, 0)
    finally:
        if unfreeze:
            gc.unfreeze()
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return False, None
    try:
        return True, marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return False, None
