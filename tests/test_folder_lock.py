"""The output folder's lock: taken with `flock(2)` directly on POSIX, it excludes the filelock library's lock of
the same file (which other factdeck versions take) both ways, falls back to that library where the file
system has no `flock`, and says what it waits for."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import pytest

import factdeck.outputs.write as write
from factdeck.exceptions import OutputError
from factdeck.outputs.write import folder_lock, lock_path

fcntl = pytest.importorskip("fcntl")
filelock = pytest.importorskip("filelock")


def test_the_lock_excludes_the_filelock_librarys_lock_both_ways(tmp_path: Path) -> None:
    folder = tmp_path / "build"
    told: list[str] = []
    with folder_lock(folder):
        other = filelock.FileLock(lock_path(folder), thread_local=False)
        with pytest.raises(filelock.Timeout):
            other.acquire(timeout=0.1)
    other.acquire(timeout=0)  # free once released
    try:
        with pytest.raises(OutputError, match="gave up"), folder_lock(folder, told.append, timeout=0.1):
            pass
    finally:
        other.release()
    assert told == [f"{folder}: another factdeck command is writing here; waiting for it to finish (at most 0 s)"]
    with folder_lock(folder, told.append, timeout=0):  # and free again, without waiting
        pass
    assert len(told) == 1


def test_a_second_holder_waits_until_the_first_lets_go(tmp_path: Path) -> None:
    folder = tmp_path / "build"
    order: list[str] = []
    held, told = threading.Event(), threading.Event()

    def second() -> None:
        held.wait(10)
        with folder_lock(folder, lambda _: told.set(), timeout=10):
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    with folder_lock(folder):
        held.set()
        assert told.wait(10)  # it found the lock taken and said it waits
        order.append("first")
    thread.join(10)
    assert order == ["first", "second"]


@pytest.mark.filterwarnings("ignore:flock not supported:UserWarning")  # filelock says it locks by existence
def test_without_flock_the_library_lock_is_used_and_still_excludes(tmp_path: Path, monkeypatch) -> None:
    def no_flock(fd: int, operation: int) -> None:
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(fcntl, "flock", no_flock)
    used: list[Path] = []
    library_lock = write._library_lock

    def spying(path: Path, *args):
        used.append(path)
        return library_lock(path, *args)

    monkeypatch.setattr(write, "_library_lock", spying)
    folder = tmp_path / "build"
    with folder_lock(folder):
        with pytest.raises(OutputError, match="gave up"), folder_lock(folder, timeout=0.1):
            pass
    assert used == [lock_path(folder)] * 2
    with folder_lock(folder, timeout=0):
        pass


def test_an_unusable_lock_file_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "build"
    lock_path(folder).mkdir(parents=True)  # a folder where the lock file should be
    with pytest.raises(OutputError, match="cannot open the build lock"), folder_lock(folder):
        pass
