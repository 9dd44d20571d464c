"""Part of a pure computation on the second core: a forked copy of the process works on some of the items and
sends its result back, marshalled, through a pipe.

Forking shares the loaded fact base and templates with the child for free (no pickling of records or Jinja2
environments), and the work handed over (rendering card fields, validating fact files) is pure, so the
child's answer is what the parent would have computed. Whatever goes wrong in the child (an error in a
template, a kill, a result that does not unmarshal) only means no result: the caller then does that part
itself, and any error surfaces there, with its usual message.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import threading
from collections.abc import Callable, Iterator
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
        self.complete = False  # set by `pairs`
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
                made = work(items)
                if type(made) is dict:
                    # Each item's payload marshalled on its own, every one before the first is sent (one that
                    # marshal cannot send means nothing is sent), so the parent can take them one at a time.
                    pieces = [marshal.dumps(pair) for pair in made.items()]
                    del made
                    with os.fdopen(writer, "wb") as out:
                        out.write(marshal.dumps(len(pieces)))
                        for piece in pieces:
                            out.write(piece)
                    status = 0
            finally:
                os._exit(status)
        os.close(writer)
        self.pid, self.reader = pid, reader

    def pairs(self) -> Iterator[tuple[Any, Any]]:
        """The (key, payload) pairs of the dict `work` returned, each read from the pipe as it is taken, so the
        whole payload (about 100 MB for half the notes of 50,000 facts) is never held at once beside what the
        caller makes of it. Nothing if there is no child, it sent nothing or what it sent does not unmarshal;
        if the child died part way, the pairs that came whole (each was made before any was sent).
        Afterwards `complete` says whether every pair came and the child exited cleanly."""
        if not self.pid:
            return
        sent = taken = 0
        try:
            with os.fdopen(self.reader, "rb") as pipe:
                with contextlib.suppress(ValueError, EOFError, TypeError):
                    count = marshal.load(pipe)
                    sent = count if type(count) is int else 0
                    while taken < sent:
                        pair = marshal.load(pipe)
                        if type(pair) is not tuple or len(pair) != 2:
                            break
                        taken += 1
                        yield pair
                pipe.read()  # whatever is left unread, so the child never waits on a full pipe
        finally:
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if self.unfreeze:
                gc.unfreeze()
            self.complete = taken == sent and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0

    def result(self) -> dict[Any, Any] | None:
        """The dict `work(items)` returned in the child, whole, or None if there is none (no child, a failure
        in it, a payload that does not unmarshal)."""
        made = dict(self.pairs())
        return made if self.complete else None


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
    waiting: dict[K, list[T]] = {}  # the child's items not received yet, by key, in their order
    for item in there:
        waiting.setdefault(key(item), []).append(item)
    # Each payload is received as it is read (SecondCore.pairs), so only one is held at a time beside the results.
    for name, payload in child.pairs() if child is not None else ():
        items_of = waiting.get(name)
        if items_of is None:
            continue
        kept = []
        for item in items_of:
            result = receive(item, payload)
            if result is None:
                kept.append(item)
            else:
                made[key(item)] = result
        if kept:
            waiting[name] = kept
        else:
            del waiting[name]
    unreceived = {id(item) for items_of in waiting.values() for item in items_of}
    missing = [item for item in there if id(item) in unreceived]
    if missing:
        made.update(here(missing))
    return made
