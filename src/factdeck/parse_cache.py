"""Parse cache: a YAML file's data and line table, kept by the hash of its text, so unchanged files are not parsed again.

Composing YAML with line numbers is most of the cost of loading a large fact base. An entry is keyed by the
SHA-256 of the file's text and of factdeck's code (any code change starts afresh), so it can only ever stand
for exactly the text it was made from, in any project; that is why the cache lives in the user's cache folder
(`$FACTDECK_CACHE_DIR`, else `$XDG_CACHE_HOME/factdeck`, else `~/.cache/factdeck`) and never in a project's
outputs. Only files that parsed without error are cached; errors are always found afresh.

The cache is never trusted blindly: an entry that cannot be read or unmarshalled, or that does not hold what
it should, is ignored and replaced. `FACTDECK_NO_CACHE=1` turns it off. The folder is trimmed to the most
recently used entries when it grows past MAX_BYTES.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_VERSION = 1
MAX_BYTES = 512 * 1024 * 1024
_MAGIC = b"factdeck-parse-cache\0"


def cache_folder() -> Path | None:
    if os.environ.get("FACTDECK_NO_CACHE"):
        return None
    explicit = os.environ.get("FACTDECK_CACHE_DIR")
    if explicit:
        return Path(explicit) / "parse"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "factdeck" / "parse"


class ParseCache:
    """(data, lines) of parsed YAML texts, by content hash; every failure is a miss, never an error."""

    def __init__(self, folder: Path | None, code: str):
        self.folder = folder
        self.code = code
        self.written = 0

    def _path(self, text: str) -> Path:
        assert self.folder is not None
        digest = hashlib.sha256(f"{CACHE_VERSION}\0{self.code}\0".encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
        name = digest.hexdigest()
        return self.folder / name[:2] / name[2:]

    def get(self, text: str) -> tuple[Any, dict] | None:
        if self.folder is None:
            return None
        try:
            raw = self._path(text).read_bytes()
            if not raw.startswith(_MAGIC):
                return None
            data, lines = marshal.loads(raw[len(_MAGIC):])
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if not isinstance(lines, dict) or not isinstance(data, (list, dict)):
            return None
        return data, lines

    def put(self, text: str, data: Any, lines: dict) -> None:
        if self.folder is None:
            return
        target = self._path(text)
        try:
            payload = _MAGIC + marshal.dumps((data, lines))
            target.parent.mkdir(parents=True, exist_ok=True)
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
        try:
            entries = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.folder.glob("*/*") if p.is_file()]
            total = sum(size for _, size, _ in entries)
            for _, size, path in sorted(entries):
                if total <= MAX_BYTES:
                    break
                path.unlink(missing_ok=True)
                total -= size
        except OSError:
            pass
