"""File hashes that are not recomputed while a file's stat says it is unchanged (as git's index does).

A build that finds nothing changed must still know that every input and output is byte for byte what the
last build recorded. Reading and hashing all of them (tens of megabytes at 10,000 facts) costs more than the
rest of such a build; a file whose size, modification time (in nanoseconds), inode and change time are those
recorded with its hash is taken to hold the same bytes. A file modified shortly before its stamp was taken
could change again within the same tick of the file system's clock without its time moving ("racy" in git's
words), so such a stamp is not trusted and the file is hashed again: within `RACY_NS` where times have
sub-second precision (the kernel's clock ticks every few milliseconds), within `COARSE_RACY_NS` where they
are whole seconds (file systems that keep seconds only). A file whose change time is later than its
modification time is settled at once, whatever the window says: the change time was set (by a rename, as when
a build moves its staged outputs into place, or a change of mode) before the stat that read it, and the file
system's clock does not go back, so any later write would give the file a modification time at least that
change time, never the recorded one. This uses the file system's own clock, where the window compares it with
the process's: a build's outputs, renamed into place a few milliseconds after they were written, are trusted
by the next build instead of being hashed again (tens of megabytes at 10,000 facts).

Stamps are a cache: a missing, damaged or foreign record only means the files are hashed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factdeck.engine.parse_cache import ContentStore
    from factdeck.engine.session import Session

RACY_NS = 100_000_000
COARSE_RACY_NS = 2_000_000_000
_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> bytes:
    """The SHA-256 digest of a file's bytes, read in chunks (raises OSError)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.digest()


def _settled(signature: tuple[int, int, int, int], stamped_ns: int) -> bool:
    """Whether a stamp taken at `stamped_ns` (the process's clock) of a file whose stat signature is `signature`
    (size, modification, inode, change time) can be trusted: its change time is later than its modification
    time (both the file system's clock), or the modification was long enough before the stamp."""
    modified_ns, changed_ns = signature[1], signature[3]
    if changed_ns > modified_ns:
        return True
    window = COARSE_RACY_NS if modified_ns % 1_000_000_000 == 0 else RACY_NS
    return stamped_ns - modified_ns > window


def _signature(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


class FileStamps:
    """Digests of files by path, reused while a file's stat signature is the one recorded with its digest.

    `digest(path)` gives the SHA-256 (bytes) of a file, or None if it cannot be read; `to_json()` and
    `from_json()` keep the stamps between builds (each as [size, mtime_ns, inode, ctime_ns, taken_ns, hex]).
    """

    def __init__(self, recorded: dict[str, list[Any]] | None = None) -> None:
        self._recorded: dict[str, list[Any]] = recorded or {}
        self._now: dict[str, list[Any]] = {}  # the stamps of the files asked about in this process
        self.hashed = 0  # how many files were read (for tests and profiles)

    @classmethod
    def from_json(cls, data: Any) -> FileStamps:
        """Stamps as `to_json` wrote them; anything malformed is dropped (those files are hashed again)."""
        if not isinstance(data, dict):
            return cls()
        kept = {
            path: stamp
            for path, stamp in data.items()
            if isinstance(path, str)
            and isinstance(stamp, list)
            and len(stamp) == 6
            and all(isinstance(v, int) and not isinstance(v, bool) for v in stamp[:5])
            and isinstance(stamp[5], str)
        }
        return cls(kept)

    def to_json(self) -> dict[str, list[Any]]:
        """The stamps of the files this process asked about (files not asked about are dropped)."""
        return dict(sorted(self._now.items()))

    @classmethod
    def load(cls, path: Path | None) -> FileStamps:
        """The stamps `save` kept at `path` (none if `path` is None, missing or unreadable)."""
        if path is None:
            return cls()
        try:
            return cls.from_json(json.loads(path.read_bytes()))
        except (OSError, ValueError):
            return cls()

    def save(self, path: Path | None) -> None:
        """Keep the stamps of the files this process asked about at `path` (see `keep_json`)."""
        if path is not None:
            keep_json(path, self.to_json())

    def digest(self, path: str | Path) -> bytes | None:
        key = str(path)
        try:
            st = os.stat(path)
        except OSError:
            return None
        signature = _signature(st)
        stamp = self._recorded.get(key) or self._now.get(key)
        if stamp is not None and tuple(stamp[:4]) == signature and _settled(signature, stamp[4]):
            try:
                value = bytes.fromhex(stamp[5])
            except ValueError:  # a damaged record: hash the file
                pass
            else:
                self._now[key] = stamp
                return value
        try:
            value = sha256_file(path)
        except OSError:
            return None
        self.hashed += 1
        self._now[key] = [*signature, time.time_ns(), value.hex()]
        return value

    def hexdigest(self, path: str | Path) -> str | None:
        value = self.digest(path)
        return None if value is None else value.hex()

    def record(self, path: Path, value: bytes) -> None:
        """Record the digest of a file this process has just written (hashed as it was written)."""
        try:
            st = os.stat(path)
        except OSError:
            return
        self._now[str(path)] = [*_signature(st), time.time_ns(), value.hex()]


# How many files' stamps are kept (`NameStamps.save`): those of the files a validation asked about, then the latest of
# other files (other projects', files since removed); about 100 bytes each.
NAME_STAMPS = 5_000


class NameStamps:
    """Names worked out from files' texts (the record cache's entry names, engine/record_cache.py: a hash of a fact file's
    name and text in a context), by path, reused while the file's stat signature is the one recorded with its name and
    settled, as `FileStamps` reuses digests. Each stamp is (display name, *signature, when it was taken in nanoseconds
    since the epoch, the context, the name): one context a file (another context's validation names it afresh). Kept
    in `store` (a content store of factdeck's code; None: nothing kept) by `save`."""

    ENTRY = "\0stamps"  # the entry's text in the store (no file's name: those hold no NUL)

    def __init__(self, store: ContentStore | None = None) -> None:
        self.store = store
        kept = store.load(self.ENTRY) if store is not None else None
        self._kept: dict[Any, Any] = kept if type(kept) is dict else {}
        # The stamps of the files asked about, to keep for the next validation.
        self.now: dict[str, tuple[Any, ...]] = {}
        self.changed = False  # whether a stamp was made (`now` is not what was kept)

    @classmethod
    def kept(cls, session: Session) -> NameStamps:
        """The stamps kept for factdeck's code now, in `session` (none kept with caching off)."""
        from factdeck.engine.incremental import code_fingerprint
        from factdeck.engine.parse_cache import ContentStore, cache_folder

        folder = cache_folder("latest")
        return cls(ContentStore(folder, code_fingerprint(), "stamps", session) if folder is not None else None)

    def save(self) -> None:
        """Keep the stamps of the files asked about (if one was made) for the next validation, with the latest of those
        kept for other files (another project's: up to `NAME_STAMPS` in all)."""
        if self.store is not None and self.changed:
            others = [(stamp[5], path, stamp) for path, stamp in self._kept.items() if self._kept_stamp(path, stamp)]
            room = max(0, NAME_STAMPS - len(self.now))
            kept = {path: stamp for _, path, stamp in sorted(others, reverse=True)[:room]} if room else {}
            self.store.save(self.ENTRY, {**kept, **self.now})
            self.store.trim()
            self.changed = False

    def _kept_stamp(self, path: Any, stamp: Any) -> bool:
        """Whether `stamp` is one kept for a file not asked about (of the stamps' shape), to keep again."""
        return (
            path not in self.now
            and type(path) is str
            and type(stamp) is tuple
            and len(stamp) == 8
            and type(stamp[5]) is int
        )

    def _stamp(self, path: str, display: str, signature: tuple[int, int, int, int]) -> tuple[Any, ...] | None:
        stamp = self._kept.get(path)
        if (
            type(stamp) is tuple
            and len(stamp) == 8
            and stamp[:5] == (display, *signature)
            and type(stamp[5]) is int
            and type(stamp[6]) is str
            and type(stamp[7]) is str
            and _settled(signature, stamp[5])
        ):
            return stamp
        return None

    def known(self, path: str, display: str, signature: tuple[int, int, int, int]) -> bool:
        """Whether the file at `path` (shown as `display`) with this signature was named before (in any context), so
        its text was read and checked then: records/load.py's `TextStamps`."""
        return self._stamp(path, display, signature) is not None

    def name(
        self, path: str, display: str, signature: tuple[int, int, int, int], context: str, make: Callable[[], str]
    ) -> str:
        """The name of the file at `path` (shown as `display`) in `context`: the kept one if its stamp is of this name,
        signature and context and settled, else `make()` (which reads the file's text, at any time after `signature`
        was taken: a write since changed the signature, or was too soon after the stamp for it to be settled), stamped
        now."""
        stamp = self._stamp(path, display, signature)
        if stamp is not None and stamp[6] == context:
            self.now[path] = stamp
            return str(stamp[7])
        name = make()
        self.now[path] = (display, *signature, time.time_ns(), context, name)
        self.changed = True
        return name


def walk(folder: Path, skip: frozenset[str] = frozenset()) -> list[tuple[str, str, bool]]:
    """Every entry below `folder` as (relative '/'-separated name, path, whether it is a file), in the order of
    `sorted(folder.rglob("*"))` and like it entering no symbolic link to a folder, nor a folder named in `skip`;
    [] if `folder` is not a folder. One `scandir` a folder, and paths as text: rglob (its pattern compiled
    on first use), a stat and a `Path` for every entry cost more than the stamps save."""
    entries: list[tuple[str, str, bool]] = []

    def visit(directory: str, prefix: str) -> None:
        try:
            with os.scandir(directory) as listing:
                found = sorted(listing, key=lambda entry: entry.name)
        except (PermissionError, NotADirectoryError, FileNotFoundError):
            return
        for entry in found:
            name = prefix + entry.name
            try:
                is_file = entry.is_file()
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_file = is_folder = False
            entries.append((name, entry.path, is_file))
            if is_folder and entry.name not in skip:
                visit(entry.path, name + "/")

    if folder.is_dir():
        visit(str(folder), "")
    return entries


def keep_json(path: Path, data: Any) -> None:
    """Write `data` as JSON to `path`, a cache file: through a name of this process's own, renamed, so a reader
    never sees half a file; a failure only costs the next reader the work the file would have saved."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass
