"""Content caches: what factdeck made from a file's text, kept under a hash of that text.

`ParseCache` keeps a YAML file's data and line table, so unchanged files are not parsed again;
`record_cache.RecordCache` keeps a fact file's validated records and problems on the same store. An entry is
keyed by the SHA-256 of the text, of factdeck's code (any code change starts afresh) and of a salt naming
whatever else the entry depends on, so it can only ever stand for exactly what it was made from, in any
project; that is why the caches live in the user's cache folder (`$FACTDECK_CACHE_DIR`, else
`$XDG_CACHE_HOME/factdeck`, else `~/.cache/factdeck`) and never in a project's outputs.

A cache is never trusted blindly: an entry that cannot be read or unmarshalled, or that does not hold what
it should, is ignored and replaced. `FACTDECK_NO_CACHE=1` turns caching off. Each folder is trimmed to its
most recently written entries when it grows past MAX_BYTES.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factdeck.engine.session import Session

CACHE_VERSION = 1
MAX_BYTES = 512 * 1024 * 1024
REMEASURE_SECONDS = 600.0
# The file in a cache folder (beside its entries' two-letter folders) keeping its last measure: when, and its bytes.
MEASURE_FILE = "measure"
_MAGIC = b"factdeck-parse-cache\0"


def cache_folder(kind: str = "parse") -> Path | None:
    """The folder of one kind of cache entry, or None when caching is turned off."""
    if os.environ.get("FACTDECK_NO_CACHE"):
        return None
    explicit = os.environ.get("FACTDECK_CACHE_DIR")
    if explicit:
        return Path(explicit) / kind
    # The platform's user cache folder: $XDG_CACHE_HOME/factdeck (~/.cache/factdeck) on Linux,
    # ~/Library/Caches/factdeck on macOS, %LOCALAPPDATA%\factdeck\Cache on Windows.
    from factdeck.engine.cache_home import user_cache_home

    return user_cache_home() / kind


class ContentStore:
    """Marshalled values by content hash; every failure is a miss, never an error. In a watching `session`,
    new entries are held until the session writes them (`Session.write_held`); the stores of one session share
    its folder sizes (`Session.cache_measures`), a watch's from round to round."""

    def __init__(
        self, folder: Path | None, code: str, salt: str = "", session: Session | None = None, by_name: bool = False
    ):
        self.folder = folder
        # `by_name`: each entry is saved and loaded under the name given (another store's entry name, a `digest`),
        # not under a hash of a text (engine/record_columns.py keeps a file's columns beside its record entry).
        self.by_name = by_name
        self.session = session
        # Each folder's size in bytes as trim last measured it, and when: the session's, which its other stores
        # share (a one-off command saves into one folder from several stores, and each walked the whole folder).
        self._measured: dict[Path, tuple[float, int]] = session.cache_measures if session is not None else {}
        self.prefix = f"{CACHE_VERSION}\0{code}\0{salt}\0".encode()
        self.written = 0  # bytes saved by this store, for trim

    def digest(self, text: str) -> str:
        """The entry's name: the hash of `text` with the code and salt."""
        digest = hashlib.sha256(self.prefix)
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, text: str) -> Path:
        return self._named(text if self.by_name else self.digest(text))

    def _named(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / name[:2] / name[2:]

    def load(self, text: str) -> Any:
        """The value kept for `text` (with `by_name`: under the name `text`), or None."""
        if self.folder is None:
            return None
        return self.load_named(text if self.by_name else self.digest(text))

    def load_named(self, name: str) -> Any:
        """The value kept under `name` (a `digest`), or None."""
        if self.folder is None:
            return None
        try:
            raw = self._named(name).read_bytes()
            if not raw.startswith(_MAGIC):
                return None
            return marshal.loads(memoryview(raw)[len(_MAGIC) :])
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def save(self, text: str, value: Any) -> None:
        self.save_made(text, lambda: value)

    def save_made(self, text: str, make: Callable[[], Any]) -> None:
        """Keep what `make()` returns for `text`; in a session that holds writes (a watch round), later."""
        if self.folder is None:
            return
        held = self.session.held_writes if self.session is not None else None
        if held is not None:
            held.append((self, text, make))
        else:
            self.write_entry(text, make)

    def write_entry(self, text: str, make: Callable[[], Any]) -> None:
        """Write what `make()` returns for `text` now."""
        target = self._path(text)
        try:
            payload = _MAGIC + marshal.dumps(make())
            target.parent.mkdir(parents=True, exist_ok=True)
            import tempfile  # here: a build with nothing to do reads entries and writes none

            # Written under a temporary name and renamed: a reader never sees half an entry.
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            os.replace(temporary, target)
            self.written += len(payload)
        except (OSError, ValueError):
            return  # a read-only or full disk only costs speed

    def trim(self) -> None:
        """Drop the least recently written entries while the folder holds more than MAX_BYTES."""
        if self.folder is None or not self.written or not self.folder.is_dir():
            return
        # A watch saves an entry or two each round, and walking a large folder every round cost more than
        # the rest of the round's loading: the folder is measured once in a while and the bytes this process
        # wrote since are added to the measure. Other processes' writes are caught at the next measuring.
        # The last measure is also kept in the folder (`MEASURE_FILE`), for the next command: a one-off command walked
        # every folder it saved into (3,600 entries after a few checks of the 10,000-fact bench, 0.02 CPU s of a check
        # after an edit, and a folder may hold 512 MB of entries).
        measured = self._measured.get(self.folder)
        now = time.monotonic()
        if measured is None:
            measured = self._kept_measure(now)
        if measured is not None and now - measured[0] < REMEASURE_SECONDS and measured[1] + self.written <= MAX_BYTES:
            self._measured[self.folder] = (measured[0], measured[1] + self.written)
            self._keep_measure(now - measured[0], measured[1] + self.written)
            self.written = 0  # counted
            return
        try:
            entries = self._measure()
            total = sum(size for _, size, _ in entries)
            for _, size, path in sorted(entries):
                if total <= MAX_BYTES:
                    break
                with contextlib.suppress(FileNotFoundError):  # another process trimmed it first
                    os.unlink(path)
                total -= size
            self._measured[self.folder] = (now, total)
            self._keep_measure(0.0, total)
            self.written = 0
        except OSError:
            pass

    def _kept_measure(self, now: float) -> tuple[float, int] | None:
        """The folder's measure kept by an earlier command, as (when it was made on this process's monotonic clock,
        bytes); None if there is none, it is not one, or it was made in the future."""
        assert self.folder is not None
        try:
            made, total = (self.folder / MEASURE_FILE).read_text(encoding="ascii").split()
            age, size = time.time() - float(made), int(total)
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        return (now - age, size) if age >= 0 and size >= 0 else None

    def _keep_measure(self, age: float, total: int) -> None:
        """Keep the folder's measure (`total` bytes, made `age` seconds ago) for later commands; written under a
        temporary name and renamed, so a reader never sees half of it. Concurrent commands may each add their own
        writes to the same measure and one addition be lost: the next walk, at most REMEASURE_SECONDS later, counts it."""
        assert self.folder is not None
        import tempfile  # here: a build with nothing to do reads entries and writes none

        try:
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        except OSError:
            return  # a read-only or full disk only costs speed
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(f"{time.time() - age!r} {total}\n")
            os.replace(temporary, self.folder / MEASURE_FILE)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    def _measure(self) -> list[tuple[float, int, str]]:
        """Every entry's (modification time, size, path)."""
        assert self.folder is not None
        entries = []
        for group in os.scandir(self.folder):
            if group.is_dir(follow_symlinks=False):
                for entry in os.scandir(group.path):
                    if entry.is_file(follow_symlinks=False):
                        info = entry.stat(follow_symlinks=False)
                        entries.append((info.st_mtime, info.st_size, entry.path))
        return entries


class ParseCache(ContentStore):
    """(data, lines) of parsed YAML texts."""

    def get(self, text: str) -> tuple[Any, dict] | None:
        entry = self.load(text)
        if not isinstance(entry, tuple) or len(entry) != 2:
            return None
        data, lines = entry
        if not isinstance(lines, dict) or not isinstance(data, (list, dict)):
            return None
        return data, lines

    def put(self, text: str, data: Any, lines: dict) -> None:
        self.save(text, (data, lines))
