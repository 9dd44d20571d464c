"""Watching: build, then build again whenever an input changes, in one long-running process.

An editor who saves a fact sees the outputs, or the error, a moment later. Each round is an ordinary
`build()`: outputs whose inputs did not change are skipped by their content hashes (incremental.py), and the
process has already imported everything and keeps its caches (templates, fonts, the parse and record caches'
files in the page cache), so a round costs what the change costs.

Changes are found by polling the size, modification time and inode of every input file (what a build reads:
facts/, decks/, templates/, fonts/, factdeck.yaml and the configured archive). Polling needs no further
dependency and works where change notifications do not arrive (network and container file systems); a poll
of a few hundred files costs well under a millisecond. A round starts once the inputs have stayed the same
for one more poll, so an editor that saves a file in several writes causes one build, not a failed one.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Generic, Iterator, TypeVar

from .exceptions import FactdeckError
from .memo import FactMemo
from .incremental import CONFIG_FILE, INPUT_FOLDERS, build_archive
from .parse_cache import ContentStore
from .record_cache import RecordCache

# Each input file's (modification time in ns, size, inode), by path relative to the project where it is inside.
Snapshot = dict[str, tuple[int, int, int]]
T = TypeVar("T")


def input_places(root: Path, archive: Path | None = None) -> list[Path]:
    """The folders and files a build reads (those inputs_fingerprint hashes)."""
    archive = build_archive(root, archive)
    return [root / folder for folder in INPUT_FOLDERS] + [root / CONFIG_FILE] + ([archive] if archive else [])


def snapshot(root: Path, archive: Path | None = None) -> Snapshot:
    """Every input file now (a missing folder holds nothing; files that vanish mid-walk are left out)."""
    seen: Snapshot = {}
    for place in input_places(root, archive):
        if place.is_dir():
            for folder, _, names in os.walk(place):
                for name in names:
                    _add(seen, root, Path(folder) / name)
        else:
            _add(seen, root, place)
    return seen


def _add(seen: Snapshot, root: Path, path: Path) -> None:
    try:
        info = path.stat()
    except OSError:
        return
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    seen[shown] = (info.st_mtime_ns, info.st_size, info.st_ino)


def changed_paths(before: Snapshot, after: Snapshot) -> list[str]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


@dataclass
class Round(Generic[T]):
    """One build the watcher ran: what the build returned, or the factdeck error it raised."""

    changed: list[str] = field(default_factory=list)  # the inputs that changed since the last round (none at first)
    result: T | None = None
    error: FactdeckError | None = None
    seconds: float = 0.0


def watch(
    root: Path,
    build: Callable[[], T],
    archive: Path | None = None,
    interval: float = 0.3,
    sleep: Callable[[float], object] | None = None,
) -> Iterator[Round[T]]:
    """Run `build` now and after every change to the inputs, yielding each round; runs until the caller stops.

    An input error ends the round, not the watch: it is yielded for the caller to show, and the next change
    starts the next round. Any other exception (a bug, Ctrl-C) propagates. `sleep` waits between polls
    (time.sleep, looked up when the watch starts).
    """
    sleep = sleep or time.sleep
    RecordCache.keep_recent = True  # unchanged files' records stay in memory from one round to the next
    FactMemo.keep(True)  # and so does what was worked out from each of them
    ContentStore.hold_writes()  # new cache entries are written after the round's report
    try:
        yield from _rounds(root, build, archive, interval, sleep)
    finally:
        RecordCache.keep_recent = False
        RecordCache._recent = {}
        FactMemo.keep(False)
        ContentStore.write_held(keep_holding=False)


def _rounds(root: Path, build: Callable[[], T], archive: Path | None, interval: float,
            sleep: Callable[[float], object]) -> Iterator[Round[T]]:
    current = snapshot(root, archive)
    changed: list[str] = []
    while True:
        # The snapshot is taken before the build, so a file saved while it runs starts another round.
        before = current
        started = time.perf_counter()
        # No garbage-collector passes during a round: the process holds a whole fact base, and a full pass
        # over it (a tenth of a second at 10,000 facts) would land in whatever the round was doing. The
        # round's garbage is collected after it, while the watch waits for the next change.
        collecting = gc.isenabled()
        gc.disable()
        try:
            outcome = Round(changed, result=build())
        except FactdeckError as exc:
            outcome = Round(changed, error=exc)
        finally:
            if collecting:
                gc.enable()
        outcome.seconds = time.perf_counter() - started
        yield outcome
        ContentStore.write_held()
        gc.collect()
        current = _next_change(root, archive, before, interval, sleep)
        changed = changed_paths(before, current)


def _next_change(root: Path, archive: Path | None, last: Snapshot, interval: float,
                 sleep: Callable[[float], object]) -> Snapshot:
    """The inputs once they differ from `last` and then stay the same for one poll."""
    current = last
    while current == last:
        sleep(interval)
        current = snapshot(root, archive)
    while True:
        sleep(interval)
        settled = snapshot(root, archive)
        if settled == current:
            return settled
        current = settled
