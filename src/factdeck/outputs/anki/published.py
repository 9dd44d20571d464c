"""Modification times every machine agrees on, from the published record and the source's time.

Anki's importer (default options) updates a note only if the incoming copy is newer than the learner's, so
a package must give an unchanged note the time it was published with and a changed note a later one. A note's
time is, in this order:

1. the time `decks/published/<deck>.json` records for it, when its content hash is the one recorded there
   (every released note of a clean checkout: the same on every machine, at any time);
2. otherwise (a note new or changed since the last release) the source's time, and always later than the
   time it was published with: `SOURCE_DATE_EPOCH` if set, else the time of the checkout's commit (`git log
   -1 --format=%ct`) when no input (facts/, decks/, templates/, factdeck.yaml) differs from it; so two clones
   of one commit make the same package whenever they are built;
3. without git, or with uncommitted changes to the inputs, the build's clock, remembered in
   `build/.factdeck/anki-notes.json` so that rebuilding the same content keeps its time (`ModTimes`).

`factdeck release` records the notes of each deck's package with their times (the clock, or
SOURCE_DATE_EPOCH), so that the next builds reproduce them (rule 1). A release gives every new and changed
note the release's own time, even content an earlier build of unreleased work already timed: a correction is
then newer than anything a learner did to the note before the release. Builds of unreleased work (rules 2 and
3) re-time only notes whose content differs from the record, never a note the record holds as it is, and are
for the project's own testing: `factdeck check` warns (an error under --strict, which CI runs) whenever a
deck's package differs from its record, so no such package goes out from a checked commit.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from factdeck.exceptions import OutputError
from factdeck.records.identity import PublishedDeck, PublishedNote

STATE_VERSION = 1
# What a package is made from, for git's "does the checkout differ from its commit" question.
INPUTS = ("facts", "decks", "templates", "factdeck.yaml")


class SourceTime(NamedTuple):
    """The time new or changed notes get; `reproducible` when it depends on the source alone (not the clock)."""

    seconds: int
    reproducible: bool
    why: str  # "SOURCE_DATE_EPOCH", "commit" or "clock"

    def token(self) -> str:
        """What an incremental build's key holds of it: the time if it is the source's, else only "clock"."""
        return f"{self.why}:{self.seconds}" if self.reproducible else "clock"


def git_output(root: Path, *args: str) -> str | None:
    """What `git -C root ARGS` prints, or None if git is missing or fails."""
    import subprocess  # here: a check, which reads the release records, never asks git

    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def source_time(root: Path, now: int, release: bool = False) -> SourceTime:
    """The time for new and changed notes (see the module's rules). For a release (`release`), the clock stands
    in for the commit: the release is what fixes the times. Raises `OutputError` for a SOURCE_DATE_EPOCH that
    is not whole seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise OutputError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not '{epoch}'")
        return SourceTime(int(epoch), True, "SOURCE_DATE_EPOCH")
    if release:
        return SourceTime(now, True, "clock")
    present = [name for name in INPUTS if (root / name).exists()]
    status = git_output(root, "status", "--porcelain", "--untracked-files=normal", "--", *present) if present else None
    if status is not None and not status.strip():
        committed = git_output(root, "log", "-1", "--format=%ct")
        if committed and committed.strip().isdigit():
            return SourceTime(int(committed.strip()), True, "commit")
    return SourceTime(now, False, "clock")


class ModTimes:
    """Modification times that move only when content changes, remembered between builds of one folder."""

    def __init__(self, entries: dict[str, dict], now: int):
        self.entries = entries
        self.now = now

    @classmethod
    def load(cls, path: Path, now: int) -> ModTimes:
        if not path.exists():
            return cls({}, now)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["entries"]
            if data.get("version") != STATE_VERSION or not all(
                isinstance(e.get("hash"), str) and isinstance(e.get("mod"), int) for e in entries.values()
            ):
                raise ValueError("unexpected layout")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise OutputError(
                f"{path}: unreadable Anki note state; delete it to start afresh "
                "(notes changed since the last release then look changed to Anki once)"
            ) from None
        return cls(entries, now)

    def stamp(self, key: str, content_hash: str, floor: int = 0) -> int:
        """The time for `key`: unchanged content keeps its time (if not below `floor`), changed content gets a
        later one, never below `floor`."""
        old = self.entries.get(key)
        if old is not None and old["hash"] == content_hash and old["mod"] >= floor:
            return old["mod"]
        # Strictly later than before even within the same second (Anki compares whole seconds).
        mod = max(self.now, floor, old["mod"] + 1 if old is not None else 0)
        self.entries[key] = {"hash": content_hash, "mod": mod}
        return mod

    def to_bytes(self) -> bytes:
        # One entry per line, dumped by json's C encoder (an indented dump uses the slow Python one).
        dumps = json.dumps
        entries = ",\n".join(
            f' {dumps(k, ensure_ascii=False)}: {{"hash": {dumps(v["hash"])}, "mod": {int(v["mod"])}}}'
            for k, v in sorted(self.entries.items())
        )
        return f'{{"version": {STATE_VERSION}, "entries": {{\n{entries}\n}}}}\n'.encode()


class NoteTimes:
    """The modification time of each note and note type of a build (keys `note:<GUID>`, `notetype:<key>`), by the
    module's rules. A note is known by its GUID, not its identity (`fact-id/kind[/version-id]`): a deck's edition in
    another language has notes of the same identities with GUIDs and contents of their own (editions.py), and
    each is timed by its own release and its own content."""

    def __init__(self, published: dict[str, PublishedDeck], local: ModTimes, source: SourceTime):
        self.local = local
        self.source = source
        self.published = published
        self._released_notes: dict[str, PublishedNote] | None = None  # `released_notes`, made when first asked for
        # The latest release of each note type, by key: (content hash, time).
        self.released_types: dict[str, tuple[str, int]] = {}
        for record in published.values():
            for key, entry in record.note_types.items():
                known_type = self.released_types.get(key)
                if known_type is None or known_type[1] < entry["mod"]:
                    self.released_types[key] = (entry["hash"], entry["mod"])

    @property
    def released_notes(self) -> dict[str, PublishedNote]:
        """The latest release of each note across the decks (a note is one note in every deck), by GUID: the records'
        own notes, not a key and a tuple made per note (a build holds them all, tens of thousands). Made when a note
        is first timed: comparing decks with their records (`factdeck check`) times none."""
        if self._released_notes is not None:
            return self._released_notes
        notes: dict[str, PublishedNote] = {}
        self._released_notes = notes
        for record in self.published.values():
            for note in record.notes.values():
                known = notes.get(note.guid)
                if known is None or known.mod < note.mod:
                    notes[note.guid] = note
        return notes

    def stamp(self, key: str, content_hash: str) -> int:
        """The time of the note (`note:<GUID>`) or note type (`notetype:<key>`) `key` whose content hashes to
        `content_hash` (the module's rules)."""
        kind, _, name = key.partition(":")
        if kind == "note":
            return self.stamp_note(name, content_hash)
        return self._stamp(key, content_hash, self.released_types.get(name) if kind == "notetype" else None)

    def stamp_note(self, guid: str, content_hash: str) -> int:
        """`stamp` of the note whose GUID is `guid` (the key `note:<GUID>` made only when the clock must time it)."""
        released = self.released_notes.get(guid)
        if released is not None and released.hash == content_hash:
            return released.mod
        return self._stamp(f"note:{guid}", content_hash, (released.hash, released.mod) if released else None)

    def _stamp(self, key: str, content_hash: str, released: tuple[str, int] | None) -> int:
        if released is not None and released[0] == content_hash:
            return released[1]
        floor = released[1] + 1 if released is not None else 0
        if self.source.reproducible:
            # A release gives every new and changed note its own time, never an earlier build's: a correction
            # must be newer than whatever a learner did to the note before the release (a mark, an edit, Anki's
            # leech tag all make the learner's copy newer), or Anki's importer keeps the learner's copy.
            return max(self.source.seconds, floor)
        return self.local.stamp(key, content_hash, floor)


def unreleased(record: PublishedDeck, notes: Iterable[Any]) -> list[str]:
    """A warning when a package's `notes` (note records of any kind: their identities and content hashes) differ
    from the deck's release `record`: a build of unreleased work times those notes for testing only (the module's
    rules); learners get released packages."""
    # `content` is `content_hash()` of every kind of note, read without a call (30,000 notes at 10,000 facts).
    released, differing = record.notes, 0
    for note in notes:
        known = released.get(note.identity)
        if known is None or known.hash != note.content:
            differing += 1
    if not differing:
        return []
    return [
        # build.py puts "deck '<id>': " before each note of a deck's step.
        f"{differing} {'note' if differing == 1 else 'notes'} of this package "
        f"{'differs' if differing == 1 else 'differ'} from its release record "
        "(unreleased work, for testing only): run `factdeck release` and commit decks/published/ before "
        'handing it to learners (docs/anki.md, "Releasing")'
    ]
