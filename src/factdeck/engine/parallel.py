"""Part of a pure computation on the second core: a forked copy of the process works on some of the items and
sends its result back, marshalled, through a pipe.

Forking shares the loaded fact base and templates with the child for free (no pickling of records or Jinja2
environments), and the work handed over (rendering card fields, validating fact files) is pure, so the
child's answer is what the parent would have computed. Whatever goes wrong in the child (an error in a
template, a kill, a result that does not unmarshal) only means no result: the caller then does that part
itself, and any error surfaces there, with its usual message.
"""

from __future__ import annotations

import gc
import marshal
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
K = TypeVar("K")
R = TypeVar("R")

# Below this many items, starting a process costs more than the second core saves.
MIN_ITEMS = 1000


def cores() -> int:
    """Cores this process may use; FACTDECK_JOBS=1 keeps everything on one."""
    wanted = os.environ.get("FACTDECK_JOBS", "")
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    return min(available, int(wanted)) if wanted.isdigit() and int(wanted) > 0 else available


class SecondCore:
    """`work(items)` computed in a forked child; `result()` is its value, or None if there is none."""

    def __init__(self, work: Callable[[list[Any]], Any], items: list[Any]):
        self.pid = 0
        self.reader = -1
        self.unfreeze = False
        # Forking while other threads run could copy a lock some thread holds: then stay on one core.
        if not items or not hasattr(os, "fork") or cores() < 2 or threading.active_count() > 1:
            return
        # Objects the garbage collector never visits stay on pages both processes share; every page either
        # process writes to is copied, and a collection would write to all of them. Under a caller's own freeze
        # (build.py freezes the loaded base) they stay frozen afterwards: `gc.unfreeze` would release its objects too.
        self.unfreeze = gc.get_freeze_count() == 0
        gc.freeze()
        try:
            reader, writer = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                os.close(reader)
                os.close(writer)
                raise
        except OSError:  # out of processes or descriptors: the caller does the work itself
            if self.unfreeze:
                gc.unfreeze()
            return
        if pid == 0:  # the child: compute, send, and leave without running the parent's exit handlers
            status = 1
            try:
                os.close(reader)
                payload = marshal.dumps(work(items))
                with os.fdopen(writer, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        self.pid, self.reader = pid, reader

    def result(self) -> Any:
        if not self.pid:
            return None
        with os.fdopen(self.reader, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if self.unfreeze:
            gc.unfreeze()
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        try:
            return marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None


def split_map(
    items: list[T],
    here: Callable[[list[T]], dict[K, R]],
    send: Callable[[list[T]], dict[K, Any]],
    receive: Callable[[T, Any], R | None],
    key: Callable[[T], K],
    split: int | None = None,
) -> dict[K, R]:
    """Every item's result by `key(item)`: `items[:split]` (default: half) by `here(part)` in this process,
    the rest by `send(part)` in a forked child (see `SecondCore`), whose marshalled payload for each item
    `receive(item, payload)` turns into its result.

    The fallback is owned here: without a second core, or for any item the child did not send or
    `receive` refused (returned None), `here` computes the result in this process, so the answer is always
    what one process alone would give.
    """
    split = len(items) // 2 if split is None else split
    there = items[split:]
    child = SecondCore(send, there) if there else None
    made = here(items[:split])
    sent = child.result() if child is not None else None
    missing: list[T] = []
    for item in there:
        payload = sent.get(key(item)) if isinstance(sent, dict) else None
        result = receive(item, payload) if payload is not None else None
        if result is None:
            missing.append(item)
        else:
            made[key(item)] = result
    if missing:
        made.update(here(missing))
    return made
