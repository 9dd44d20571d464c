"""Pausing Python's cyclic garbage collector around a stage that makes many objects and frees them by reference
counting: its passes would walk every object alive (a loaded fact base is hundreds of thousands) and find
nothing. Each caller says why beside its call; this module only makes the pause and undoes it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(when: bool = True, freeze: bool = False) -> Iterator[None]:
    """The cyclic collector off for the block, if it was on and `when`; with `freeze`, the objects alive on entry
    also moved out of its sight for the block (`gc.freeze`). Both are undone on leaving, so what the block left
    as cyclic garbage is collected as usual later (a freeze nested in another is undone with the outer one)."""
    collecting = when and gc.isenabled()
    # Inside a caller's own freeze (build.py freezes the loaded base for the build) the block's freeze is left to
    # that caller to undo: `gc.unfreeze` would release the caller's objects too.
    thaw = freeze and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    if collecting:
        gc.disable()
    try:
        yield
    finally:
        if thaw:
            gc.unfreeze()
        if collecting:
            gc.enable()


@contextmanager
def collector_paused_then_frozen() -> Iterator[None]:
    """The cyclic collector off for the block (if it was on), and everything alive when the block ends moved out of
    its sight for good (`gc.freeze`, not undone here): for imports, whose modules, classes and functions live as long
    as the process, so that no pass walks them during the import nor after it (entry.py, cli.py)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
