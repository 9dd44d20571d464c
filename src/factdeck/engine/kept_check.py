"""A passing check's whole answer, kept under a hash of everything the check reads, so that checking a project
nothing has changed in prints what the last check printed without loading, validating or importing the record
models (as a build with nothing changed does; engine/incremental.py).

What `factdeck check` says is a function of its inputs alone, and the key hashes all of them:
- every byte it may read in the project and factdeck (incremental.py's `inputs_fingerprint`, as a build's: every
  entry under facts/, decks/ (the release records with them), templates/, fonts/, translations/ and locale/,
  the built-in templates, factdeck.yaml, the archive asked for or configured, and factdeck's own code, message
  catalogs and shipped fonts), and where each symbolic link among them leads (a link to a file outside the project
  is refused, whatever the bytes behind it);
- what it was asked (`--strict`, `--archive`), the project's and the working folder's paths, and where the
  configured output folder leads (a link to it may be moved outside the project, which check refuses);
- the day it is anywhere on Earth (records/dates.py's `latest_today`: a vetted or accessed day in the future is
  an error until that day comes), and SOURCE_DATE_EPOCH (the release comparison refuses one that is not whole
  seconds);
- the Python version and the distributions installed where Python imports from (their `.dist-info` names carry
  their versions: a new pydantic, Babel or typst may say something else of the same files).
The build folder is not among them: the check reads only the card fields stored there, as a cache.

Only a check that passed is kept (a failing one is run again, so its errors always come from validation), and
only if the inputs' fingerprint taken after the check is the one taken before it, so an edit made while it ran
is never filed under the text it replaced. The lines come back in their order and on their stream. Files are
hashed through file stamps kept for the project (`stamps/check-….json`), so an unchanged project's files are
only stat'ed. Entries live in the cache folder (`…/factdeck/answers`); an unreadable one is a miss, and
`FACTDECK_NO_CACHE` keeps nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from factdeck.engine.incremental import _stamps_path, code_fingerprint, inputs_fingerprint, peek_config
from factdeck.engine.parse_cache import ContentStore, cache_folder
from factdeck.engine.stamps import FileStamps
from factdeck.records.dates import latest_today

FOLDER = "answers"

Said = list[tuple[str, bool]]  # each line printed, and whether it went to standard error


def installed() -> list[str]:
    """The distributions' metadata folders (name and version) in every folder of `sys.path`, sorted by folder."""
    found = []
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as listing:
                names = sorted(e.name for e in listing if e.name.endswith((".dist-info", ".egg-info", ".pth")))
        except OSError:
            continue
        found.append(f"{folder}\0{'/'.join(names)}")
    return found


def surroundings() -> dict[str, Any]:
    """What a kept outcome depends on besides the project's files and the request: the working folder, the
    latest day anywhere on Earth (a vetted day in the future becomes valid), SOURCE_DATE_EPOCH, the Python
    version and the distributions installed."""
    return {
        "cwd": os.getcwd(),
        "today": latest_today().isoformat(),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH"),
        "python": sys.version,
        "installed": installed(),
    }


def kept_inputs_key(root: Path, archive: Path | None, request: dict[str, Any], stamps_prefix: str) -> str:
    """The hash of every input a build reads (incremental.py's `inputs_fingerprint`) and `request`, its files
    hashed through file stamps kept for the project under `stamps_prefix`, so unchanged files are only stat'ed."""
    kept = _stamps_path(root, stamps_prefix)
    stamps = FileStamps.load(kept)
    key = inputs_fingerprint(root, archive, request, stamps)
    if stamps.hashed:
        stamps.save(kept)
    return key


class KeptCheck:
    """A check's kept answer for one project and request: `said()` gives it (None: run the check), `keep(said)`
    keeps what a check that passed printed."""

    def __init__(self, root: Path, strict: bool, archive: Path | None) -> None:
        self.root = root.resolve()
        self.archive = archive
        folder = cache_folder(FOLDER)
        self.store = ContentStore(folder, code_fingerprint(), FOLDER)
        self.request: dict[str, Any] = {
            "command": "check",
            "strict": strict,
            "archive": str(archive.resolve()) if archive is not None else None,
            "project": str(self.root),
            # Where the configured output folder leads (check refuses one outside the project: a link may move).
            "output": str((self.root / str(peek_config(self.root).get("output", "build"))).resolve()),
            **surroundings(),
        }
        self.key = kept_inputs_key(self.root, self.archive, self.request, "check-") if folder is not None else None

    def said(self) -> Said | None:
        """What the last check of these very inputs printed, if it passed and is kept; else None."""
        if self.key is None:
            return None
        kept = self.store.load(self.key)
        if type(kept) is not list:
            return None
        if not all(type(e) is tuple and len(e) == 2 and type(e[0]) is str and type(e[1]) is bool for e in kept):
            return None
        return list(kept)

    def keep(self, said: Said) -> None:
        """Keep what a check that passed printed, if its inputs are still those it started from."""
        if self.key is None or kept_inputs_key(self.root, self.archive, self.request, "check-") != self.key:
            return
        self.store.save(self.key, [(text, err) for text, err in said])
        self.store.trim()
