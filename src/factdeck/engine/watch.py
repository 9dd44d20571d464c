"""Watching: build, then build again whenever an input changes, in one long-running process.

An editor who saves a fact sees the outputs, or the error, a moment later. Each round is an ordinary
`build()`: outputs whose inputs did not change are skipped by their content hashes (incremental.py), and the
process has already imported everything and keeps its caches (templates, fonts, the parse and record caches'
files in the page cache), so a round costs what the change costs.

What a build reads (facts/, decks/, templates/, fonts/, factdeck.yaml and the configured archive) is compared
by the size, modification time and inode of every file: two snapshots tell whether, and which, inputs changed.
The watch takes a new snapshot when the file system reports a change under the inputs (watchfiles: inotify on
Linux, FSEvents on macOS), once the reported writes have paused for STEP_MS, so a save is seen within a few
hundredths of a second (25-40 ms measured here), and an editor that saves a file in several quick writes
causes one build. It also takes one every `interval` seconds whatever was reported, because reports do not
arrive from every file system (network and some container mounts); there, a change is seen at the next poll
and the round starts once the inputs stayed the same for one more. A snapshot of a few hundred files costs
well under a millisecond.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import watchfiles

from factdeck.engine.collector import collector_paused
from factdeck.engine.incremental import CONFIG_FILE, INPUT_FOLDERS, build_archive
from factdeck.engine.session import Session
from factdeck.exceptions import FactdeckError

# Each input file's (modification time in ns, size, inode), by path relative to the project where it is inside.
Snapshot = dict[str, tuple[int, int, int]]
T = TypeVar("T")

STEP_MS = 20  # reported writes must pause this long before the round starts (an editor saves within a few ms)
DEBOUNCE_MS = 1600  # a stream of writes that never pauses is reported after this long all the same


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
    notice: str | None = None  # how the watch learns of changes, when that is not as asked (first round only)


class Poller:
    """Waiting by polling: the watch looks at the inputs again every `interval` seconds."""

    def __init__(self, interval: float, sleep: Callable[[float], object]) -> None:
        self.interval = interval
        self.sleep = sleep

    def wait(self) -> bool:
        """Wait until it is time to poll again; True if a change was reported (never, here)."""
        self.sleep(self.interval)
        return False

    def close(self) -> None:
        pass


class Notifier:
    """Waiting for the file system to report a change under the inputs, `interval` seconds at most.

    Input folders are watched with their subfolders; the project folder itself (and the archive's folder,
    where the archive is a file) only for its own entries, so that a new facts/ folder or a replaced
    factdeck.yaml is reported while build/, .git/ or a virtual environment beside them is not watched at all.
    Each group is watched by `watchfiles.watch` on a thread of its own that sets one event. A watched
    folder that is removed or replaced stops reporting, so the folders are looked up before each wait and the
    notifiers started again when they differ.
    """

    def __init__(self, root: Path, archive: Path | None, interval: float) -> None:
        self.root = root
        self.archive = archive
        self.interval = interval
        self._reported = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._watched: tuple[tuple[str, bool, int], ...] = ()
        self._start()  # raises OSError or RuntimeError where the file system reports nothing (caller falls back)

    def _targets(self) -> tuple[tuple[str, bool, int], ...]:
        """(folder, with subfolders, inode) for every folder to watch that exists."""
        targets = []
        for place in input_places(self.root, self.archive):
            watched = place if place.is_dir() else place.parent
            if place.is_dir() or watched != self.root:  # root's own entries are watched below
                targets.append((watched, place.is_dir()))
        targets.append((self.root, False))
        found = []
        for folder, deep in dict.fromkeys(targets):
            try:
                found.append((str(folder), deep, folder.stat().st_ino))
            except OSError:
                continue
        return tuple(found)

    def _start(self) -> None:
        self._watched = self._targets()
        self._stop = threading.Event()  # a new one: the old watchers' threads may still be stopping
        # watchfiles.watch starts its notifier when first iterated: each thread reports back whether it could.
        started: list[tuple[threading.Event, list[BaseException]]] = []
        self._threads = []
        for deep in (True, False):
            folders = [folder for folder, subfolders, _ in self._watched if subfolders is deep]
            if not folders:
                continue
            ready, failed = threading.Event(), list[BaseException]()
            self._threads.append(
                threading.Thread(
                    target=self._listen,
                    args=(folders, deep, self._stop, ready, failed),
                    name="factdeck-notifier",
                    daemon=True,
                )
            )
            started.append((ready, failed))
        for thread in self._threads:
            thread.start()
        for ready, failed in started:
            ready.wait()
            if failed:
                self.close()
                raise failed[0]

    def _listen(
        self, folders: list[str], deep: bool, stop: threading.Event, ready: threading.Event, failed: list[BaseException]
    ) -> None:
        changes = watchfiles.watch(
            *folders,
            watch_filter=None,
            recursive=deep,
            stop_event=stop,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            yield_on_timeout=True,
            rust_timeout=100,
            raise_interrupt=False,
            ignore_permission_denied=True,
        )
        try:
            # Iterating starts the notifier (OSError or RuntimeError where the file system reports nothing);
            # each yield is a set of changes once writes paused for STEP_MS, or an empty set after rust_timeout
            # ms with none (which tells this thread it started, and lets it see `stop` promptly).
            for batch in changes:
                ready.set()
                if batch:
                    self._reported.set()
        except (OSError, RuntimeError) as exc:
            if not ready.is_set():
                failed.append(exc)
            else:  # the notifier broke (a folder gone mid-call): the polls still find every change
                self._reported.set()
        except Exception:  # likewise
            self._reported.set()
        finally:
            ready.set()
            changes.close()

    def wait(self) -> bool:
        """Wait for a report or `interval` seconds; True if a change was reported."""
        moved = self._targets() != self._watched
        if moved or not all(t.is_alive() for t in self._threads):
            self.close()
            # A folder may go between the check and the start (OSError, RuntimeError): then no notifiers (close()
            # left none), and polls alone until the folders change again.
            with contextlib.suppress(OSError, RuntimeError):
                self._start()
        if moved:
            # A watched folder came, went or was replaced: a change in itself, which the notifier that saw it
            # may have stopped before reporting. Writes into a new folder before its notifier started are not
            # reported either: let them pause as a report would, then have the caller look.
            time.sleep(STEP_MS / 1000)
            self._reported.clear()
            return True
        reported = self._reported.wait(self.interval)
        # A report that lands between the wait and this clear is of a change made before it, which the
        # snapshot taken next sees.
        self._reported.clear()
        return reported

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self._threads = []


def watch(
    root: Path,
    build: Callable[[Session], T],
    archive: Path | None = None,
    interval: float = 0.3,
    sleep: Callable[[float], object] | None = None,
    notify: bool = True,
) -> Iterator[Round[T]]:
    """Run `build(session)` now and after every change to the inputs, yielding each round; runs until the
    caller stops. Every round runs in one watching `Session`, closed when the watch ends.

    An input error ends the round, not the watch: it is yielded for the caller to show, and the next change
    starts the next round. Any other exception (a bug, Ctrl-C) propagates. The watch waits for the file
    system's reports of changes and polls every `interval` seconds besides; with `notify` off, or `sleep`
    given (a stand-in for time.sleep between polls), it only polls.
    """
    notice = None
    waiter: Poller | Notifier
    if notify and sleep is None:
        try:
            waiter = Notifier(root, archive, interval)
        except (OSError, RuntimeError) as exc:  # e.g. the system's limit on watched folders
            notice = f"changes are not reported here ({exc}); polling every {interval:g} s"
            waiter = Poller(interval, time.sleep)
    else:
        waiter = Poller(interval, sleep or time.sleep)
    # Unchanged files' records, what was worked out from each, and the Typst compilers stay from one round to
    # the next; new cache entries are written after each round's report.
    session = Session.watching()
    try:
        yield from _rounds(root, lambda: build(session), archive, waiter, notice, session)
    finally:
        waiter.close()
        session.close()


def _rounds(
    root: Path,
    build: Callable[[], T],
    archive: Path | None,
    waiter: Poller | Notifier,
    notice: str | None,
    session: Session,
) -> Iterator[Round[T]]:
    current = snapshot(root, archive)
    changed: list[str] = []
    while True:
        # The snapshot is taken before the build, so a file saved while it runs starts another round.
        before = current
        started = time.perf_counter()
        # No garbage-collector passes during a round: the process holds a whole fact base, and a full pass
        # over it (a tenth of a second at 10,000 facts) would land in whatever the round was doing. The
        # round's garbage is collected after it, while the watch waits for the next change.
        with collector_paused():
            try:
                outcome = Round(changed, result=build(), notice=notice)
            except FactdeckError as exc:
                outcome = Round(changed, error=exc, notice=notice)
        outcome.seconds = time.perf_counter() - started
        notice = None
        yield outcome
        session.write_held()
        gc.collect()
        current = _next_change(root, archive, before, waiter)
        changed = changed_paths(before, current)


def _next_change(root: Path, archive: Path | None, last: Snapshot, waiter: Poller | Notifier) -> Snapshot:
    """The inputs once they differ from `last` and have settled: reported (after writes paused), or seen by a
    poll and the same at the next one."""
    current = last
    reported = False
    while current == last:
        reported = waiter.wait()
        current = snapshot(root, archive)
    if reported:
        return current
    while True:
        waiter.wait()
        settled = snapshot(root, archive)
        if settled == current:
            return settled
        current = settled
