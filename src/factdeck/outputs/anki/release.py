"""`factdeck release`: record what each deck's package publishes, and the checks `factdeck check` adds for Anki.

A release writes `decks/published/<deck id>.json` (records/identity.py's `PublishedDeck`): every note of the
deck's package with its GUID, content hash and modification time. Committed beside the decks, it makes every
later build give each unchanged note the same time on every machine, keeps every published note in later
packages (live, or withdrawn with a banner), and lets `factdeck check` warn about renames Anki cannot follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from factdeck.outputs.anki.package import ApkgStage, current_time
from factdeck.outputs.anki.published import source_time
from factdeck.outputs.write import OutputWriter
from factdeck.records.factbase import FactBase
from factdeck.records.identity import PUBLISHED_FOLDER, PublishedDeck, load_published
from factdeck.records.select import select_facts


@dataclass(frozen=True)
class Released:
    """What one deck's release recorded: counts of notes against the previous record, and the file."""

    deck: str
    path: Path
    added: int
    changed: int
    withdrawn: int  # newly withdrawn
    unchanged: int
    written: bool  # False when the record was already current


def _same(old: PublishedDeck, new: PublishedDeck) -> bool:
    return (old.name, old.eras, old.note_types, old.notes, old.subdecks) == (
        new.name,
        new.eras,
        new.note_types,
        new.notes,
        new.subdecks,
    )


def release_decks(base: FactBase, deck_ids: list[str], output: Path) -> list[Released]:
    """Write the published record of each deck in `deck_ids` (default: every deck), all or nothing. New and
    changed notes get the release's time (SOURCE_DATE_EPOCH, else the clock), always later than their previous
    release. `output`: the build folder, whose stored card fields are reused. Raises `UsageError` for an unknown
    deck, `OutputError` for an unwritable folder or a bad SOURCE_DATE_EPOCH."""
    decks = [base.deck(d) for d in deck_ids] if deck_ids else list(base.decks)
    previous, _ = load_published(base.root)
    source = source_time(base.root, int(current_time()), release=True)
    stage = ApkgStage(base, OutputWriter(output), source)  # only reads the build folder
    writer = OutputWriter(base.root / PUBLISHED_FOLDER)
    results = []
    try:
        for deck in decks:
            record = stage.release_record(deck, select_facts(base, deck))
            old = previous.get(deck.id)
            written = old is None or not _same(old, record)
            if written:
                writer.write_bytes(f"{deck.id}.json", record.to_json().encode("utf-8"))
            before = old.notes if old is not None else {}
            results.append(
                Released(
                    deck.id,
                    base.root / PUBLISHED_FOLDER / f"{deck.id}.json",
                    added=sum(identity not in before for identity in record.notes),
                    changed=sum(
                        identity in before and before[identity].hash != note.hash and not note.withdrawn
                        for identity, note in record.notes.items()
                    ),
                    withdrawn=sum(
                        note.withdrawn and (identity not in before or not before[identity].withdrawn)
                        for identity, note in record.notes.items()
                    ),
                    unchanged=sum(
                        identity in before and before[identity].hash == note.hash
                        for identity, note in record.notes.items()
                    ),
                    written=written,
                )
            )
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return results
