"""Corrections packages: the notes corrected since an earlier release, for learners whose copy Anki kept.

Anki's importer (default options) updates a note only when the package's copy is newer than the learner's, and
a learner who marked, edited or leeched a note after the correction's release but before importing it has the
newer copy (docs/anki.md, "What you keep and what an update replaces"). The one import that applies the
correction then is "Update notes: Always", which also resets every other note the learner changed. A corrections
package holds only the notes whose content changed between the release record at a git revision and the current
one, so that import touches nothing else: a learner's marks and edits on every other note stay.

The notes are the deck package's own (same GUIDs, note types, fields, tags and times), so importing the deck's
package afterwards, or before, changes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from factdeck.exceptions import FactdeckError
from factdeck.outputs.anki.package import ApkgStage
from factdeck.outputs.anki.published import git_output
from factdeck.outputs.anki.release import drift
from factdeck.outputs.write import OutputWriter
from factdeck.records.factbase import FactBase
from factdeck.records.identity import PUBLISHED_FOLDER, PublishedDeck, load_published, parse_published
from factdeck.records.select import select_facts


@dataclass(frozen=True)
class CorrectionsPack:
    """One deck's corrections package: where it was written and how many notes it holds."""

    deck: str
    path: Path
    notes: int


def published_at(root: Path, revision: str, deck_id: str) -> PublishedDeck | None:
    """The deck's release record as it was at git `revision` (None if the deck had none then). Raises
    `FactdeckError` if the record there is not one."""
    display = f"{PUBLISHED_FOLDER}/{deck_id}.json@{revision}"
    text = git_output(root, "show", f"{revision}:./{PUBLISHED_FOLDER}/{deck_id}.json")
    if text is None:
        return None
    try:
        return parse_published(text, display)
    except (ValueError, KeyError, TypeError) as exc:
        raise FactdeckError(f"{display}: not a release record ({exc})") from None


def write_corrections(base: FactBase, revision: str, target: Path) -> list[CorrectionsPack]:
    """Write `<target>/<deck id>/<deck id>-corrections.apkg` for each deck with notes whose content changed since
    its release record at git `revision` (notes added since are not corrections: every import adds them), all
    or nothing; returns the packages written. Raises `FactdeckError` when git cannot read `revision`, or when a
    deck's package differs from its current release record (release first: a corrections package carries
    released notes only), `OutputError` for an unwritable folder."""
    if git_output(base.root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}") is None:
        raise FactdeckError(f"cannot read the release records at revision '{revision}' (is it a git commit?)")
    current, _ = load_published(base.root)
    writer = OutputWriter(target)
    stage = ApkgStage(base, writer)
    written = []
    try:
        for deck in base.decks:
            facts = select_facts(base, deck)
            record = current.get(deck.id)
            if record is None or drift(record, stage.release_record(deck, facts)):
                raise FactdeckError(
                    f"deck '{deck.id}': its package differs from its release record: run `factdeck release` "
                    "and commit it first (a corrections package carries released notes only)"
                )
            old = published_at(base.root, revision, deck.id)
            if old is None:
                continue
            notes = [
                note
                for note in stage.package_notes(deck, facts)
                if note.identity in old.notes and old.notes[note.identity].hash != note.content_hash()
            ]
            if notes:
                relative = f"{deck.id}/{deck.id}-corrections.apkg"
                stage.write_notes(deck, notes, relative)
                written.append(CorrectionsPack(deck.id, writer.root / relative, len(notes)))
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return written
