"""Write stage: every output goes to a temporary name and is renamed into place.

A build that fails or is killed part-way leaves the previous outputs whole:
nothing is renamed until everything has been written, and leftovers of an
interrupted build are swept away by the next one. Like Pelican, the writer
refuses to write one output twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from factdeck.exceptions import OutputError

TEMP_SUFFIX = ".factdeck-tmp"


class OutputWriter:
    """Stages files under `root` and moves them into place together on `commit()`."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._staged: dict[Path, Path] = {}  # final path -> temporary path
        self._digests: dict[Path, bytes] = {}  # final path -> SHA-256 of what write_bytes wrote

    def sweep(self) -> None:
        """Remove temporary files an interrupted build left behind."""
        if self.root.is_dir():
            for leftover in self.root.rglob(f"*{TEMP_SUFFIX}"):
                leftover.unlink(missing_ok=True)

    def target(self, relative: str) -> Path:
        final = (self.root / relative).resolve()
        if self.root not in final.parents:
            raise OutputError(f"{relative}: output path is outside {self.root}")
        if final in self._staged:
            raise OutputError(f"{final.relative_to(self.root)}: written twice in one build")
        return final

    def stage(self, relative: str) -> Path:
        """A temporary path to write `relative` to; it becomes `relative` on commit."""
        return self._stage(relative)[1]

    def _stage(self, relative: str) -> tuple[Path, Path]:
        final = self.target(relative)
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")
        self._staged[final] = temporary
        return final, temporary

    def staged(self) -> dict[Path, Path]:
        """Final path -> temporary path of everything staged so far."""
        return dict(self._staged)

    def write_bytes(self, relative: str, data: bytes) -> None:
        final, temporary = self._stage(relative)
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self._digests[final] = hashlib.sha256(data).digest()

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

    def commit(self) -> list[Path]:
        """Move every staged file into place; returns the final paths."""
        for final, temporary in self._staged.items():
            if not temporary.exists():
                raise OutputError(f"{final.relative_to(self.root)}: was staged but never written")
        for final, temporary in self._staged.items():
            os.replace(temporary, final)
        written = list(self._staged)
        self._staged.clear()
        self._digests.clear()
        return written

    def abort(self) -> None:
        """Drop every staged file; the previous outputs stay as they were."""
        for temporary in self._staged.values():
            temporary.unlink(missing_ok=True)
        self._staged.clear()
        self._digests.clear()


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
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed
