"""Write stage: every output goes to a temporary name and is renamed into place.

A build that fails or is killed part-way leaves the previous outputs whole:
nothing is renamed until everything has been written, and leftovers of an
interrupted build are swept away by the next one. Like Pelican, the writer
refuses to write one output twice.

Commands that write into one output folder take its lock (`folder_lock`) first: two builds at once would
otherwise sweep away each other's staged files.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from factdeck.exceptions import OutputError

try:
    import fcntl
except ImportError:  # Windows: the filelock library's own lock
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".factdeck-tmp"
LOCK_WAIT = 600.0  # seconds a command waits for another one writing to the same folder
LOCK_POLL = 0.05  # seconds between tries while another command holds the lock


def lock_path(folder: Path) -> Path:
    """Where the lock of output folder `folder` lives: in the user's cache folder (FACTDECK_CACHE_DIR if set),
    named by the folder's path, so taking it creates nothing in the project, even for a build that fails."""
    explicit = os.environ.get("FACTDECK_CACHE_DIR")
    if explicit:
        base = Path(explicit)
    else:
        from factdeck.engine.cache_home import user_cache_home

        base = user_cache_home()
    name = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return base / "locks" / f"{name}.lock"


@contextmanager
def folder_lock(
    folder: Path, waiting: Callable[[str], None] | None = None, timeout: float | None = None
) -> Iterator[None]:
    """Hold output folder `folder`'s lock (an OS file lock, released by the OS if the holder dies; see
    `lock_path`) for the block. If another command holds it, `waiting` is told once (a sentence to show the
    user) and the call waits up to `timeout` seconds, then raises `OutputError`.

    On POSIX systems the lock is `flock(2)` on the lock file, taken directly: the filelock library takes the
    very same lock there (so factdeck versions that use it exclude this one and the other way round), but
    importing it costs a seventh of a build with nothing to do. Elsewhere, and on a file system that has no
    `flock`, the filelock library's lock is used."""
    timeout = LOCK_WAIT if timeout is None else timeout
    path = lock_path(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot create the folder of build locks: {exc.strerror or exc}") from None
    held = _flock(path, folder, waiting, timeout) if fcntl is not None else None
    if held is None:
        with _library_lock(path, folder, waiting, timeout):
            yield
        return
    try:
        yield
    finally:
        os.close(held)  # closing the descriptor releases its lock


def _gave_up(folder: Path, timeout: float) -> OutputError:
    return OutputError(
        f"{folder}: another factdeck command has been writing here for over {timeout:.0f} s; gave up: run again "
        "once it has finished"
    )


def _tell_waiting(folder: Path, waiting: Callable[[str], None] | None, timeout: float) -> None:
    if waiting is not None:
        waiting(f"{folder}: another factdeck command is writing here; waiting for it to finish (at most "
                f"{timeout:.0f} s)")  # fmt: skip


def _flock(path: Path, folder: Path, waiting: Callable[[str], None] | None, timeout: float) -> int | None:
    """A descriptor of `path` holding its exclusive `flock`, once no other process holds it (waiting as
    `folder_lock` does); None where the file system has no `flock` (the caller falls back to filelock)."""
    assert fcntl is not None
    deadline = None
    while True:
        try:
            fd, created = _open_lock_file(path)
        except FileExistsError:  # made by another process between the two opens: open it as it is
            continue
        except OSError as exc:
            raise OutputError(f"{path}: cannot open the build lock: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno == errno.ENOSYS:
                # filelock then locks by the file's existence: a file made here would look like a holder's.
                if created:
                    with contextlib.suppress(OSError):
                        if os.path.samestat(os.fstat(fd), os.stat(path)):
                            os.unlink(path)
                os.close(fd)
                return None
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OutputError(f"{path}: cannot take the build lock: {exc.strerror or exc}") from None
        except BaseException:
            os.close(fd)
            raise
        else:
            # Removed (a cleaned cache folder) between opening and locking: a lock on a deleted file excludes
            # nobody, so take the one on the file as it is now.
            if os.fstat(fd).st_nlink:
                return fd
            os.close(fd)
            continue
        if deadline is None:
            _tell_waiting(folder, waiting, timeout)
            deadline = time.monotonic() + timeout
        if time.monotonic() >= deadline:
            raise _gave_up(folder, timeout)
        time.sleep(LOCK_POLL)


def _open_lock_file(path: Path) -> tuple[int, bool]:
    """A read-write descriptor of the lock file and whether this call created it (raises OSError, and
    FileExistsError when another process creates it at the same moment)."""
    try:
        return os.open(path, os.O_RDWR), False
    except FileNotFoundError:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666), True


@contextmanager
def _library_lock(path: Path, folder: Path, waiting: Callable[[str], None] | None, timeout: float) -> Iterator[None]:
    """The filelock library's lock of `path` (Windows, file systems without `flock`), waiting as `folder_lock`."""
    from filelock import FileLock, Timeout

    lock = FileLock(path, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        _tell_waiting(folder, waiting, timeout)
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise _gave_up(folder, timeout) from None
    try:
        yield
    finally:
        lock.release()


class OutputWriter:
    """Stages files under `root` and moves them into place together on `commit()`."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._staged: dict[Path, Path] = {}  # final path -> temporary path
        self._digests: dict[Path, bytes] = {}  # final path -> SHA-256 of what write_bytes wrote

    def sweep(self) -> None:
        """Remove temporary files an interrupted build left behind. Raises `OutputError` if the folder cannot
        be used (its name too long, a file in its place, no permission)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for leftover in self.root.rglob(f"*{TEMP_SUFFIX}"):
                leftover.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.root}: cannot write outputs here: {exc.strerror or exc}") from None

    def target(self, relative: str) -> Path:
        final = (self.root / relative).resolve()
        if self.root not in final.parents:
            raise OutputError(f"{relative}: output path is outside {self.root}")
        if final in self._staged:
            raise OutputError(f"{final.relative_to(self.root)}: written twice in one build")
        return final

    def stage(self, relative: str) -> Path:
        """A temporary path to write `relative` to; it becomes `relative` on commit."""
        final = self.target(relative)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{relative}: cannot create its folder: {exc.strerror or exc}") from None
        temporary = final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")
        self._staged[final] = temporary
        return temporary

    def staged(self) -> dict[Path, Path]:
        """Final path -> temporary path of everything staged so far."""
        return dict(self._staged)

    def write_bytes(self, relative: str, data: bytes) -> None:
        self.write_parts(relative, (data,))

    def write_parts(self, relative: str, parts: Iterable[bytes]) -> None:
        """Write `relative` as the concatenation of `parts`, each written (and hashed) as it comes, so a large
        output made piece by piece is never held whole. Whatever making a part raises is raised as it is (the
        file stays staged, for `abort` to remove)."""
        temporary = self.stage(relative)
        final = next(reversed(self._staged))  # the entry stage() just made
        digest = hashlib.sha256()
        try:
            with open(temporary, "wb") as handle:
                for part in parts:
                    handle.write(part)
                    digest.update(part)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise OutputError(f"{relative}: cannot write: {exc.strerror or exc}") from None
        self._digests[final] = digest.digest()

    def digest(self, final: Path) -> bytes:
        """The SHA-256 digest of a staged file: made as `write_bytes` wrote it, else read back from its
        temporary file (OutputError if it cannot be read: a staged file always can, short of a broken disk)."""
        known = self._digests.get(final)
        if known is not None:
            return known
        digest = hashlib.sha256()
        try:
            with open(self._staged[final], "rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except OSError as exc:
            raise OutputError(f"{self._staged[final]}: cannot read a staged output back ({exc.strerror})") from exc
        return digest.digest()

    def discard(self, finals: Iterable[Path]) -> None:
        """Drop the staged files `finals` (final paths): an output that could not be made whole."""
        for final in finals:
            temporary = self._staged.pop(final, None)
            self._digests.pop(final, None)
            if temporary is not None:
                temporary.unlink(missing_ok=True)

    def commit(self) -> list[Path]:
        """Move every staged file into place; returns the final paths."""
        for final, temporary in self._staged.items():
            if not temporary.exists():
                raise OutputError(f"{final.relative_to(self.root)}: was staged but never written")
        for final, temporary in self._staged.items():
            try:
                os.replace(temporary, final)
            except OSError as exc:
                raise OutputError(
                    f"{final.relative_to(self.root)}: cannot move into place: {exc.strerror or exc}"
                ) from None
        written = list(self._staged)
        self._staged.clear()
        self._digests.clear()
        return written

    def abort(self) -> None:
        """Drop every staged file; the previous outputs stay as they were."""
        for temporary in self._staged.values():
            with contextlib.suppress(OSError):  # never let the clean-up hide the error that caused it
                temporary.unlink(missing_ok=True)
        self._staged.clear()
        self._digests.clear()


def remove_outputs(folder: Path, relatives: Iterable[str]) -> list[Path]:
    """Delete the files `relatives` (paths under `folder` that an earlier build made and this one did not),
    then the folders they leave empty. Returns the files deleted."""
    removed = []
    root = folder.resolve()
    for relative in sorted(relatives):
        path = root / relative
        if root not in path.resolve().parents:  # a state file edited by hand must not reach outside
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # left for the next build; a stale file is not worth failing a good one
        removed.append(path)
        parent = path.parent
        while parent != root:
            try:
                parent.rmdir()  # only if empty
            except OSError:
                break
            parent = parent.parent
    return removed


def remove_unwritten(folder: Path, names: re.Pattern[str], keep: set[Path]) -> list[Path]:
    """Delete the entries of `folder` whose names match `names` and that are not in `keep` (resolved paths).

    For outputs a run no longer makes (versions or meetings dropped from a deck), so a folder
    never mixes two runs. Called only after a successful commit.
    """
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        if names.match(path.name) and path.resolve() not in keep:
            if path.is_dir() and not path.is_symlink():
                import shutil  # here: a build with nothing to do imports this module, and never removes

                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed
