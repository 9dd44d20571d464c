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

import hashlib
import marshal
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

CACHE_VERSION = 1
MAX_BYTES = 512 * 1024 * 1024
REMEASURE_SECONDS = 600.0
_MAGIC = b"factdeck-parse-cache\0"


def cache_folder(kind: str = "parse") -> Path | None:
    """The folder of one kind of cache entry, or None when caching is turned off."""
    if os.environ.get("FACTDECK_NO_CACHE"):
        return None
    explicit = os.environ.get("FACTDECK_CACHE_DIR")
    if explicit:
        return Path(explicit) / kind
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "factdeck" / kind


class ContentStore:
    """Marshalled values by content hash; every failure is a miss, never an error."""

    _measured: dict[Path, tuple[float, int]] = {}  # each folder's size in bytes as trim last measured it, and when
    _held: list[tuple[ContentStore, str, Callable[[], Any]]] | None = None  # entries not written yet (hold_writes)

    def __init__(self, folder: Path | None, code: str, salt: str = ""):
        self.folder = folder
        self.prefix = f"{CACHE_VERSION}\0{code}\0{salt}\0".encode()
        self.written = 0  # bytes saved by this store, for trim

    def digest(self, text: str) -> str:
        """The entry's name: the hash of `text` with the code and salt."""
        digest = hashlib.sha256(self.prefix)
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, text: str) -> Path:
        return self._named(self.digest(text))

    def _named(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / name[:2] / name[2:]

    def load(self, text: str) -> Any:
        """The value kept for `text`, or None."""
        return self.load_named(self.digest(text)) if self.folder is not None else None

    def load_named(self, name: str) -> Any:
        """The value kept under `name` (a `digest`), or None."""
        if self.folder is None:
            return None
        try:
            raw = self._named(name).read_bytes()
            if not raw.startswith(_MAGIC):
                return None
            return marshal.loads(memoryview(raw)[len(_MAGIC):])
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def save(self, text: str, value: Any) -> None:
        self.save_made(text, lambda: value)

    def save_made(self, text: str, make: Callable[[], Any]) -> None:
        """Keep what `make()` returns for `text`; while writes are held (a watch round), later."""
        if self.folder is None:
            return
        if ContentStore._held is not None:
            ContentStore._held.append((self, text, make))
        else:
            self._write(text, make)

    def _write(self, text: str, make: Callable[[], Any]) -> None:
        target = self._path(text)
        try:
            payload = _MAGIC + marshal.dumps(make())
            target.parent.mkdir(parents=True, exist_ok=True)
            # Written under a temporary name and renamed: a reader never sees half an entry.
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            os.replace(temporary, target)
            self.written += len(payload)
        except (OSError, ValueError):
            return  # a read-only or full disk only costs speed

    @classmethod
    def hold_writes(cls) -> None:
        """Keep new entries in memory until `write_held`: a watch writes them once its round has reported
        (its own next round reads the records it keeps in memory; the entries serve later processes)."""
        if cls._held is None:
            cls._held = []

    @classmethod
    def write_held(cls, keep_holding: bool = True) -> None:
        """Write the held entries, trim the folders they went to, and go on holding unless told not to."""
        held, cls._held = cls._held or [], ([] if keep_holding else None)
        stores = {}
        for store, text, make in held:
            store._write(text, make)
            stores[id(store)] = store
        for store in stores.values():
            store.trim()

    def trim(self) -> None:
        """Drop the least recently written entries while the folder holds more than MAX_BYTES."""
        if self.folder is None or not self.written or not self.folder.is_dir():
            return
        # A watch saves an entry or two each round, and walking a large folder every round cost more than
        # the rest of the round's loading: the folder is measured once in a while and the bytes this process
        # wrote since are added to the measure. Other processes' writes are caught at the next measuring.
        measured = ContentStore._measured.get(self.folder)
        now = time.monotonic()
        if measured is not None and now - measured[0] < REMEASURE_SECONDS and measured[1] + self.written <= MAX_BYTES:
            ContentStore._measured[self.folder] = (measured[0], measured[1] + self.written)
            self.written = 0  # counted
            return
        try:
            entries = self._measure()
            total = sum(size for _, size, _ in entries)
            for _, size, path in sorted(entries):
                if total <= MAX_BYTES:
                    break
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass  # another process trimmed it first
                total -= size
            ContentStore._measured[self.folder] = (now, total)
            self.written = 0
        except OSError:
            pass

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
