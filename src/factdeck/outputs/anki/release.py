"""`factdeck release`: record what each deck's package publishes, and the checks `factdeck check` adds for Anki.

A release writes `decks/published/<deck id>.json` (records/identity.py's `PublishedDeck`): every note of the
deck's package with its GUID, content hash and modification time. Committed beside the decks, it makes every
later build give each unchanged note the same time on every machine, keeps every published note in later
packages (live, or withdrawn with a banner), and lets `factdeck check` warn about renames Anki cannot follow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from factdeck.exceptions import OutputError, Problem, ValidationFailed
from factdeck.outputs.anki import (
    package,  # package.current_time looked up at each call: tests replace it
    release_inputs,
)
from factdeck.outputs.anki.note_keys import DriftShare, NoteKeys, facts_key, identities_of, keyed_by_file
from factdeck.outputs.anki.note_types import NOTE_TYPES
from factdeck.outputs.anki.package import ApkgStage
from factdeck.outputs.anki.published import source_time
from factdeck.outputs.anki.rendered import NoteKeysOf, kinds_key
from factdeck.outputs.write import OutputWriter
from factdeck.records.by_file import file_by_id
from factdeck.records.factbase import FactBase
from factdeck.records.identity import PUBLISHED_FOLDER, WITHDRAWN_TAG, PublishedDeck, PublishedNote, load_published
from factdeck.records.schema import DeckSpec, Fact
from factdeck.records.select import deck_groups, select_facts, selected_groups
from factdeck.records.vetting import review_need

if TYPE_CHECKING:
    from factdeck.outputs.anki.cards import NoteRecord


class Released(NamedTuple):
    """What one deck's release recorded: counts of notes against the previous record, and the file."""

    deck: str
    path: Path
    added: int
    changed: int
    withdrawn: int  # newly withdrawn
    unchanged: int
    written: bool  # False when the record was already current


def _same(old: PublishedDeck, new: PublishedDeck) -> bool:
    return (old.name, old.eras, old.note_types, old.notes, old.subdecks, old.namespace) == (
        new.name,
        new.eras,
        new.note_types,
        new.notes,
        new.subdecks,
        new.namespace,
    )


class Drift(NamedTuple):
    """How a deck's package differs from its published record (counts of notes, and what else changed)."""

    added: int
    changed: int
    withdrawn: int
    other: tuple[str, ...]  # "note types", "name", "era titles", "subdecks"

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.withdrawn or self.other)

    def summary(self) -> str:
        parts = [f"{n} {'note' if n == 1 else 'notes'} {what}" for n, what in ((self.added, "added"),
                 (self.changed, "changed"), (self.withdrawn, "withdrawn")) if n]  # fmt: skip
        return ", ".join([*parts, *(f"{what} changed" for what in self.other)])


def drift(old: PublishedDeck, new: PublishedDeck) -> Drift:
    """What differs between a deck's published record `old` and the record its package would have now `new`
    (times aside: a note whose content is the record's keeps the record's time)."""
    before = old.notes
    other = _other_changes(old, {k: v["hash"] for k, v in new.note_types.items()}, new.name, new.eras, new.subdecks)
    return Drift(
        added=sum(identity not in before for identity in new.notes),
        changed=sum(
            identity in before and before[identity].hash != note.hash and not note.withdrawn
            for identity, note in new.notes.items()
        ),
        withdrawn=sum(
            note.withdrawn and (identity not in before or not before[identity].withdrawn)
            for identity, note in new.notes.items()
        ),
        other=other,
    )


def _other_changes(
    old: PublishedDeck, type_hashes: dict[str, str], name: str, eras: dict[str, str], subdecks: bool
) -> tuple[str, ...]:
    """What else differs between the record `old` and a deck's package now (its note types' hashes by key, name,
    era titles and whether it has subdecks): `Drift.other`."""
    return tuple(
        what
        for what, a, b in (
            ("note types", {k: v["hash"] for k, v in old.note_types.items()}, type_hashes),
            ("name", old.name, name),
            ("era titles", old.eras, eras),
            ("subdecks", old.subdecks, subdecks),
        )
        if a != b
    )


def deck_drift(stage: ApkgStage, deck: DeckSpec, facts: list[Fact] | None, old: PublishedDeck) -> Drift:
    """`drift(old, stage.release_record(deck, facts))` without making the record: the notes' keys are counted
    against `old` as they come, with no note's time worked out and no record note made (two thirds of comparing
    a deck of 10,000 facts whose notes' keys are kept; tests hold the two equal).

    With the note keys cache (`stage.notes`), each file's share of the counts is kept (note_keys.py's
    `DriftShares`) under which of its facts the deck takes and their keys: a file whose share is kept is counted
    by adding it up, without its facts' notes being looked at (a check after an edit counts one file's)."""
    parts = stage.parts(deck)
    before = old.note  # each note looked up: a restored record's others are not made (note_columns.py)
    rendered = parts.cards.rendered_fields
    shares = (
        stage.notes.drift_shares(deck.id, old.digest, kinds_key(deck.cards.kinds), rendered.shared)
        if stage.notes is not None and rendered.live is not None and rendered.fact_key is not None
        else None
    )
    # `facts` None: where the shares are kept, the deck's facts a file at a time from the selection's matches kept
    # per file (records/select.py's `deck_groups`), so a file whose share is kept has no record made; else selected.
    groups = deck_groups(stage.base, deck) if facts is None and shares is not None and parts is stage.own else None
    if groups is None:
        facts = select_facts(stage.base, deck) if facts is None else facts
        facts = facts if parts is stage.own else parts.facts(facts)  # an edition's, translated
    added = changed = withdrawn = 0
    shared: list[DriftShare] = []  # the kept shares counted
    fresh: list[Fact] = facts if facts is not None else []  # the facts whose notes are counted here
    sharing: dict[str, tuple[str, str]] = {}  # file -> (its key, `facts_key`), for the shares made here
    if shares is not None and rendered.fact_key is not None:
        fresh = []
        file_keys = stage.notes.keys if stage.notes is not None else {}
        grouped, matched = groups if groups is not None else selected_groups(stage.base, deck, facts or [])
        for file, group in grouped.items():
            file_key = file_keys.get(file)
            if file_key is None:
                fresh.extend(group)
                continue
            key = _group_key(rendered.fact_key, file, file_key, matched.get(file), group)
            share = shares.get(file_key, key)
            if share is None:
                fresh.extend(group)
                sharing[file] = (file_key, key)
                continue
            added, changed, withdrawn = added + share[1], changed + share[2], withdrawn + share[3]
            shared.append(share)
    if parts is stage.own:  # as release_record: an unchanged fact's keys from the deck's record, where it says
        release_inputs.reuse(parts.cards, deck, stage.records.get(deck.id), fresh)
    live = parts.cards.note_keys(deck, fresh)
    if shares is not None and sharing:
        file_of = file_by_id(fresh)
        notes_of: dict[str, list[NoteKeysOf]] = {file: [] for file in sharing}
        for note in live:
            own = notes_of.get(file_of[note.fact_id])
            if own is not None:
                own.append(note)
        for file, (file_key, key) in sharing.items():
            notes = notes_of[file]
            shares.put(file_key, (key, *_counted(notes, before), "\n".join(note.identity for note in notes)))
    count = _counted(live, before)
    added, changed, withdrawn = added + count[0], changed + count[1], withdrawn + count[2]
    # The record's notes no live note is (kept live by another deck, or withdrawn): none when the live notes the
    # record holds are as many as its notes (told from the counts: each live note is one identity, its fact's, and a
    # base's fact ids are distinct), without gathering every live identity and looking each of the record's up.
    # `added` so far: the live notes the record lacks; a share's live notes are its identities' lines.
    held = sum(share[4].count("\n") + 1 for share in shared if share[4]) + len(live) - added
    if _holds_others(parts.published.records.get(deck.id), held):
        identities = set(chain.from_iterable(map(identities_of, shared)))
        identities.update(keys.identity for keys in live)
        count = _counted(chain(*parts.published.extra_notes(deck, identities)), before)
        added, changed, withdrawn = added + count[0], changed + count[1], withdrawn + count[2]
    types = {spec.key: stage.note_type_hashes[spec.key] for spec in parts.specs}
    eras = {era.id: era.title for era in stage.base.eras} if deck.cards.subdecks else {}
    return Drift(added, changed, withdrawn, _other_changes(old, types, deck.name, eras, deck.cards.subdecks))


def _holds_others(record: PublishedDeck | None, held: int) -> bool:
    """Whether the deck's release `record` holds notes besides the `held` live notes it holds (a deck's live notes
    are distinct identities, so it holds others exactly when it holds more notes)."""
    return record is not None and held != len(record.identities())


def _group_key(
    fact_key: Callable[[Fact], str], file: str, file_key: str, matched: bytes | None, group: Sequence[Fact]
) -> str:
    """What a file's share of a deck's drift reads of the file (`facts_key` of its `group`): where the group is the
    file's facts the selection's kept matches picked (`matched`, records/select.py's `selected_groups`: none of them
    held back) and each fact's key is its file's key and its status (note_keys.py's `_fact_key`, with the key
    `file_key`), the file's key and those matches stand for it (each fact's id and status are its record's), and no
    fact is read."""
    keys = keyed_by_file(fact_key) if matched is not None else None
    if matched is not None and keys is not None and keys.get(file) == file_key:
        return f"matched\0{file_key}\0{matched.hex()}"
    return facts_key(fact_key, group)


def _counted(
    notes: Iterable[NoteKeysOf | NoteRecord], before: Callable[[str], PublishedNote | None]
) -> tuple[int, int, int]:
    """How many of `notes` the record lacks (`before`: its note of an identity, if any: added), holds with another
    content hash while they are live (changed), and lacks or holds live while they are withdrawn now (withdrawn)."""
    added = changed = withdrawn = 0
    for note in notes:
        was = before(note.identity)
        if was is None:
            added += 1
        if WITHDRAWN_TAG in note.tags:
            withdrawn += was is None or not was.withdrawn
        elif was is not None and was.hash != note.content:
            changed += 1
    return added, changed, withdrawn


def layout_changes(old: PublishedDeck, stage: ApkgStage) -> list[str]:
    """One message per note type whose fields or card templates were added, removed or reordered since the
    release `old`: Anki's importer cannot update such a note type in place (it compares the ids of fields and
    templates in order, rslib's `Notetype::equal_schema`), so with the default options every learner would get
    a copy named "…+" and no update of any note. Records from before layouts were recorded are not compared."""
    messages = []
    for spec in NOTE_TYPES:
        recorded = old.note_types.get(spec.key)
        if recorded is None or "fields" not in recorded:
            continue
        now = stage.note_type_layout(spec)
        for part, noun in (("fields", "field"), ("templates", "card template")):
            if list(recorded.get(part, [])) != now[part]:
                was, is_ = len(recorded.get(part, [])), len(now[part])
                how = "added" if is_ > was else "removed" if is_ < was else "replaced or reordered"
                messages.append(
                    f"note type '{spec.full_name(stage.note_type_prefix)}': a {noun} was {how} since the release "
                    f"({was} then, {is_} now); Anki cannot update a note type in place when its {noun}s change, "
                    "and every learner would get a copy of it and no update of any note. Put new content into a "
                    'spare field instead (docs/anki.md, "Templates")'
                )
    return messages


def release_problems(base: FactBase, output: Path) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the published records, for `factdeck check`: a note type changed in a way Anki
    cannot apply (an error), and each deck whose package differs from its record or that was never released
    (a warning: release it before its package goes to learners). A project that never released has neither."""
    records = base.published if base.published is not None else load_published(base.root)[0]
    if not records:
        return [], []
    notes = NoteKeys(base)
    stage = comparison_stage(base, output, notes, records)
    errors: list[str] = []
    warnings: list[str] = []
    for record in records.values():
        errors.extend(f"{record.file}: {m}" for m in layout_changes(record, stage))
        if errors:
            break  # the same note types in every record
    for deck in base.decks:
        old = records.get(deck.id)
        if old is None:
            warnings.append(
                f"deck '{deck.id}' was never released: run `factdeck release {deck.id}` and commit "
                f"{PUBLISHED_FOLDER}/{deck.id}.json before its package goes to learners"
            )
            continue
        changed = deck_drift(stage, deck, None, old)
        if changed:
            warnings.append(
                f"{old.file}: deck '{deck.id}': its package differs from its release record ({changed.summary()}); "
                "until it is released, every build gives those notes a new time. Run `factdeck release` and "
                'commit decks/published/ (docs/anki.md, "Releasing")'
            )
    notes.save()
    return errors, warnings


def comparison_stage(
    base: FactBase, output: Path, notes: NoteKeys, records: dict[str, PublishedDeck] | None = None
) -> ApkgStage:
    """The stage that compares decks with their release `records` (default: read again): release times, and
    the notes' keys from `notes` (the cache folder), else (caching turned off) the card fields stored in the
    build folder `output`."""
    source = source_time(base.root, int(package.current_time()), release=True)
    return ApkgStage(base, OutputWriter(output), source, notes if notes.folder is not None else None, records)


def held_back(base: FactBase, decks: list[DeckSpec]) -> list[Problem]:
    """An error for each fact one of `decks` would select but for its content having changed since it was vetted
    (records/vetting.py's `hold_back_changed`): a release records only what a reviewer vetted."""
    problems = []
    for fact in base.held_back.values():
        selecting = [deck.id for deck in decks if deck.select.matches(fact)]
        need = review_need(fact)
        if selecting and need is not None:
            problems.append(
                Problem(
                    fact.file,
                    fact.line,
                    f"fact '{fact.id}': {need.describe()}, and deck '{selecting[0]}' selects it: a release records "
                    f"only vetted content; review it, then `factdeck vet {fact.id} --reviewer ROLE` and release again",
                )
            )
    return problems


def release_drift(base: FactBase, output: Path) -> list[tuple[PublishedDeck, Drift]]:
    """Each released deck's record and how its package built now would differ from it (`factdeck changes`).
    `output`: the build folder whose stored card fields are reused."""
    records, _ = load_published(base.root)
    if not records:
        return []
    notes = NoteKeys(base)
    stage = comparison_stage(base, output, notes, records)
    drifts = [
        (records[deck.id], deck_drift(stage, deck, None, records[deck.id])) for deck in base.decks if deck.id in records
    ]
    notes.save()
    return drifts


def release_decks(base: FactBase, deck_ids: list[str], output: Path) -> list[Released]:
    """Write the published record of each deck in `deck_ids` (default: every deck), all or nothing. New and
    changed notes get the release's time (SOURCE_DATE_EPOCH, else the clock), always later than their previous
    release. `output`: the build folder, whose stored card fields are reused. Raises `UsageError` for an unknown
    deck, `OutputError` for an unwritable folder or a bad SOURCE_DATE_EPOCH."""
    decks = [base.deck(d) for d in deck_ids] if deck_ids else list(base.decks)
    unvetted = held_back(base, decks)
    if unvetted:
        raise ValidationFailed(unvetted)
    previous, _ = load_published(base.root)
    source = source_time(base.root, int(package.current_time()), release=True)
    stage = ApkgStage(base, OutputWriter(output), source)  # only reads the build folder
    refused = [f"{old.file}: {m}" for old in previous.values() for m in layout_changes(old, stage)]
    if refused:
        raise OutputError(refused[0])
    writer = OutputWriter(base.root / PUBLISHED_FOLDER)
    results = []
    try:
        for deck in decks:
            record = stage.release_record(deck, select_facts(base, deck), inputs=True)
            record.namespace = stage.namespace  # what `factdeck check` compares factdeck.yaml's with
            old = previous.get(deck.id)
            written = old is None or not _same(old, record)
            if written:
                writer.write_bytes(f"{deck.id}.json", record.to_json().encode("utf-8"))
            before = old.notes if old is not None else {}
            counts = drift(old or PublishedDeck(deck.id, deck.name, 0), record)
            results.append(
                Released(
                    deck.id,
                    base.root / PUBLISHED_FOLDER / f"{deck.id}.json",
                    added=counts.added,
                    changed=counts.changed,
                    withdrawn=counts.withdrawn,
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
