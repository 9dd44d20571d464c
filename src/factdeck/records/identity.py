"""Permanent Anki identities that derive from a project's namespace and permanent ids (never from its text), and
the record of what a project has published under them.

Anki matches decks and note types by numeric id and notes by GUID; these functions give the same number for
the same namespace and ids in every build, on every machine. The namespace (`namespace:` in factdeck.yaml)
keeps two projects' identities apart: two projects that both have a fact `founded` make different notes.
A project that sets none gets `LEGACY_NAMESPACE`, the one every factdeck deck used before namespaces existed,
so the identities its learners have stay the same (`factdeck check` warns that it should set its own).

The published record (`decks/published/<deck id>.json`, written by `factdeck release`) lists every note a
deck's packages have carried: its GUID, content hash and modification time. Builds read it to give unchanged
notes the same time on every machine and to keep every published note in later packages (see docs/anki.md).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter, is_not, ne
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from factdeck.records.fact_columns import FactsById
from factdeck.records.schema import DeckSpec, Era, Fact, ProjectConfig, Record

if TYPE_CHECKING:
    from factdeck.records.note_columns import NoteColumns

# The namespace of every identity made before projects had their own (the shipped project sets it explicitly).
LEGACY_NAMESPACE = "factdeck"
PUBLISHED_FOLDER = "decks/published"
PUBLISHED_FORMAT = 1
# The tag of every withdrawn note (a published note that no longer applies), and the Anki search that finds them.
WITHDRAWN_TAG = "factdeck::withdrawn"
WITHDRAWN_SEARCH = f"tag:{WITHDRAWN_TAG}"


def namespace_of(config: ProjectConfig) -> str:
    """The project's namespace: `namespace:` in factdeck.yaml, else `LEGACY_NAMESPACE`."""
    return config.namespace or LEGACY_NAMESPACE


def note_type_prefix(config: ProjectConfig) -> str:
    """What starts the names of the project's note types in Anki: `title:` in factdeck.yaml, else the namespace
    (for the shipped project, `factdeck`: the names its learners have)."""
    return config.title or namespace_of(config)


def stable_id(*parts: object) -> int:
    """An Anki id (int in [2**30, 2**31)) from parts that never change: the range genanki recommends for
    note-type and deck ids."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def deck_id(deck: DeckSpec, namespace: str = LEGACY_NAMESPACE) -> int:
    """The deck's Anki deck id: `cards.anki_deck_id` if set, else derived from the namespace and the deck's id."""
    return deck.cards.anki_deck_id or stable_id(f"{namespace} deck", deck.id)


def subdeck_id(parent_id: int, name: str) -> int:
    """The Anki deck id of the subdeck `name` of the deck with id `parent_id` (which holds the namespace)."""
    return stable_id("factdeck subdeck", parent_id, name)


def note_type_id(namespace: str, key: str) -> int:
    """The Anki id of the note type with permanent key `key`."""
    return stable_id(f"{namespace} note type", key)


def part_id(namespace: str, note_type_key: str, part: str) -> int:
    """The Anki id of a field or card template (`part`: its permanent key) of a note type: fixed, so that Anki
    (2.1.67 and later) matches it by id and a renamed field or template updates in place."""
    return stable_id(f"{namespace} note type part", note_type_key, part)


# --- the published record ------------------------------------------------------------------


class PublishedNote(NamedTuple):
    """One note a deck's released package carried. `identity` is `fact-id/kind[/version-id]`. A named tuple: a
    record holds one per note (tens of thousands in a large deck), and a tuple is made several times faster than
    a frozen dataclass, which `check` and every build pay when they read the records."""

    identity: str
    guid: str
    hash: str  # the content hash cards.py makes (fields, tags, note type)
    mod: int  # the modification time it was released with, seconds
    fact: str
    era: str | None  # the fact's era when released (None for a note that was already withdrawn)
    withdrawn: bool = False


def released_strings(known: PublishedNote, identity: str, guid: str, content: str) -> tuple[str, str, str]:
    """A note's identity, GUID and content hash as the string objects of its release record's note `known` (whose
    identity is `identity`) where they are equal, else its own: equal values, one copy held (a note made holds
    copies of each, about 250 bytes a note, beside the release record's, both held while a package is written)."""
    return (
        known.identity,
        known.guid if guid == known.guid else guid,
        known.hash if content == known.hash else content,
    )


@dataclass
class PublishedDeck:
    """What `factdeck release` last recorded for one deck (`decks/published/<deck id>.json`)."""

    deck: str  # the deck's id
    name: str  # the deck's name when released
    released: int  # the release's time, seconds
    eras: dict[str, str] = field(default_factory=dict)  # era id -> era title when released (subdecks only)
    note_types: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> {"hash", "mod"}
    notes: dict[str, PublishedNote] = field(default_factory=dict)  # by identity
    subdecks: bool = False
    file: str = ""
    namespace: str | None = None  # the project's namespace at the release (None: a record from before it was kept)
    # SHA-256 of the file's text as read (load_published), "" for a record made in memory: what a build's step key
    # holds of the record, instead of dumping its every note again.
    digest: str = field(default="", compare=False)
    # What the notes were made from (outputs/anki/release_inputs.py): "cards" certifies the whole set of notes
    # and what every card shows, "facts" each fact's record and notes; {} for a record from before they were kept
    # (or of a deck in another language). Not part of what a release compares: a record whose notes are current
    # is never written again for these alone.
    inputs: dict[str, Any] = field(default_factory=dict, compare=False)

    def _unmade(self) -> NoteColumns | None:
        """The columns of a restored record whose notes are not made yet, else None."""
        return None if "notes" in self.__dict__ else self.__dict__.get("_columns")

    def note(self, identity: str) -> PublishedNote | None:
        """The note of `identity` (`notes.get`), without making a restored record's other notes."""
        columns = self._unmade()
        return columns.get(identity) if columns is not None else self.notes.get(identity)

    def identities(self) -> Collection[str]:
        """Every note's identity, in the record's order (`notes`' keys), without making a restored record's notes."""
        columns = self._unmade()
        return columns.columns[0] if columns is not None else self.notes.keys()

    def notes_of(self, facts: set[str]) -> list[PublishedNote]:
        """The notes of the facts whose ids are `facts`, in the record's order, picked in loops in C (a restored
        record makes only those)."""
        columns = self._unmade()
        if columns is not None:
            return columns.of_facts(facts)
        notes = self.notes.values()
        return list(compress(notes, map(facts.__contains__, map(attrgetter("fact"), notes))))

    def to_json(self) -> str:
        """The record as JSON with one note per line (reads and diffs well), keys sorted."""
        dumps = json.dumps
        notes = ",\n".join(
            f"  {dumps(n.identity, ensure_ascii=False)}: "
            + dumps(
                {"era": n.era, "fact": n.fact, "guid": n.guid, "hash": n.hash, "mod": n.mod, "withdrawn": n.withdrawn},
                ensure_ascii=False,
                sort_keys=True,
            )
            for n in sorted(self.notes.values(), key=lambda n: n.identity)
        )
        head = {
            "format": PUBLISHED_FORMAT,
            "deck": self.deck,
            "name": self.name,
            "released": self.released,
            "subdecks": self.subdecks,
            **({"namespace": self.namespace} if self.namespace is not None else {}),
            "eras": dict(sorted(self.eras.items())),
            "note_types": {k: self.note_types[k] for k in sorted(self.note_types)},
        }
        body = dumps(head, ensure_ascii=False, indent=1)[:-2]  # without the closing brace
        inputs = ""
        if self.inputs:
            made = {"cards": self.inputs["cards"], "facts": dict(sorted(self.inputs["facts"].items()))}
            inputs = ',\n "inputs": ' + dumps(made, ensure_ascii=False, indent=1).replace("\n", "\n ")
        return f'{body},\n "notes": {{\n{notes}\n }}{inputs}\n}}\n'


def _notes_when_read(record: PublishedDeck, name: str) -> Any:
    """`PublishedDeck.__getattr__`, asked only for an attribute not set: a record `restore_published` made has no
    `notes` until they are first read, then made from its columns (`NoteColumns`); until then `note`, `identities` and
    `notes_of` read the columns."""
    columns = record.__dict__.get("_columns") if name == "notes" else None
    if columns is None:
        raise AttributeError(name)
    notes = record.__dict__["notes"] = columns.notes()
    del record.__dict__["_columns"]  # not held twice
    return notes


# Set apart from the class body, where type checkers would take every attribute of a record for one `__getattr__` gives.
setattr(PublishedDeck, "__getattr__", _notes_when_read)  # noqa: B010


def published_path(root: Path, deck: str) -> Path:
    return root / PUBLISHED_FOLDER / f"{deck}.json"


def parse_published(text: str, display: str) -> PublishedDeck:
    """A published record from its JSON text; raises ValueError (with what is wrong) if it is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != PUBLISHED_FORMAT:
        raise ValueError(f"not a published record of format {PUBLISHED_FORMAT}")
    notes = {}
    # A build holds every record's notes to its end (29,000 at 10,000 facts): the fact ids and eras are interned
    # (one copy, the records' own: records/fields.py interns slugs) and the times shared, as the JSON parser
    # makes a copy of each for every note (20 MB of the build's peak at 50,000 facts).
    intern = sys.intern
    times: dict[int, int] = {}
    for identity, n in data["notes"].items():
        era, mod = n.get("era"), int(n["mod"])
        notes[identity] = PublishedNote(
            identity,
            str(n["guid"]),
            str(n["hash"]),
            times.setdefault(mod, mod),
            intern(str(n["fact"])),
            intern(era) if type(era) is str else None,
            bool(n.get("withdrawn", False)),
        )
    types = data.get("note_types", {})
    if not isinstance(types, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("hash"), str) and isinstance(v.get("mod"), int) for v in types.values()
    ):
        raise ValueError("'note_types' must map each key to its hash and mod")
    eras = data.get("eras", {})
    if not isinstance(eras, dict) or not all(isinstance(v, str) for v in eras.values()):
        raise ValueError("'eras' must map each era id to its title")
    return PublishedDeck(
        str(data["deck"]),
        str(data["name"]),
        int(data["released"]),
        dict(eras),
        dict(types),
        notes,
        bool(data.get("subdecks", False)),
        display,
        data["namespace"] if isinstance(data.get("namespace"), str) else None,
        inputs=_inputs(data.get("inputs")),
    )


def dump_published(record: PublishedDeck) -> tuple:
    """A parsed record as plain values (`restore_published` makes it again): what a cache keeps of a record's
    text, since parsing the JSON and making every note of a large deck's record is a tenth of a check."""
    # The notes a column at a time (each value of the notes' tuples, a list): marshal reads back seven lists, not a
    # tuple a note, and restoring tests each column's types where it would first make the columns of the tuples. The
    # GUIDs and content hashes as one string each (note_columns.py's `packed`): a check reads a few of them.
    from factdeck.records.note_columns import PACKED, packed

    columns = list(map(list, zip(*record.notes.values()))) if record.notes else [[]] * _NOTE_VALUES
    notes = tuple(packed(column) if i in PACKED else column for i, column in enumerate(columns))
    head = (record.deck, record.name, record.released, record.eras, record.note_types, record.subdecks)
    return (*head, record.file, record.namespace, record.inputs, notes)


def restore_published(value: Any) -> PublishedDeck:
    """The record `dump_published` gave; raises ValueError (or TypeError) if `value` is not what it gives."""
    deck, name, released, eras, types, subdecks, file, namespace, inputs, notes = value
    if type(deck) is not str or type(name) is not str or type(released) is not int or type(subdecks) is not bool:
        raise ValueError("not a kept record")
    if type(file) is not str or not (namespace is None or type(namespace) is str) or type(notes) is not tuple:
        raise ValueError("not a kept record")
    if type(eras) is not dict or not all(type(k) is str and type(v) is str for k, v in eras.items()):
        raise ValueError("not a kept record")
    if type(types) is not dict or not all(
        type(v) is dict and type(v.get("hash")) is str and type(v.get("mod")) is int for v in types.values()
    ):
        raise ValueError("not a kept record")
    if inputs != _inputs(inputs) or len(notes) != _NOTE_VALUES or not set(map(type, notes)) <= {list, tuple}:
        raise ValueError("not a kept record")
    # Each note's values, a column at a time (loops in C): identity, GUID, hash and fact are text (the GUIDs and hashes
    # packed, or a list), mod a whole number, era text or None, withdrawn a truth value; every column as long.
    from factdeck.records.note_columns import PACKED, NoteColumns, packed_rows

    columns = notes
    rows = len(columns[0])
    packs = [i for i in PACKED if type(columns[i]) is tuple]  # (width, text): note_columns.py's `packed`
    if any(len(column) != rows for i, column in enumerate(columns) if i not in packs):
        raise ValueError("not a kept record")
    if not all(packed_rows(columns[i]) == rows for i in packs):
        raise ValueError("not a kept record")
    strings = [i for i in (0, 1, 2, 4) if i not in packs]
    if not all(set(map(type, columns[i])) <= {str} for i in strings) or not set(map(type, columns[3])) <= {int}:
        raise ValueError("not a kept record")
    if not set(map(type, columns[5])) <= {str, type(None)} or not set(map(type, columns[6])) <= {bool}:
        raise ValueError("not a kept record")
    kept = PublishedDeck(deck, name, released, eras, types, {}, subdecks, file, namespace)
    del kept.__dict__["notes"]  # made from the columns when first read (`_notes_when_read`)
    kept.__dict__["_columns"] = NoteColumns(columns)
    kept.inputs = inputs
    return kept


_NOTE_VALUES = len(PublishedNote._fields)


def _inputs(value: Any) -> dict[str, Any]:
    """A record's `inputs` as `PublishedDeck` keeps them, {} where they are missing or not what a release writes
    (they only spare `check` work, so a damaged block is as good as none)."""
    if type(value) is not dict or type(value.get("cards")) is not str or type(value.get("facts")) is not dict:
        return {}
    facts = value["facts"]
    if not (set(map(type, facts)) <= {str} and set(map(type, facts.values())) <= {str}):  # loops in C
        return {}
    return {"cards": value["cards"], "facts": facts}


def load_published(
    root: Path, parse: Callable[[Path, str], PublishedDeck] | None = None
) -> tuple[dict[str, PublishedDeck], list[tuple[str, str]]]:
    """Every published record under `root`/decks/published/, by deck id, and the (file, message) of each file
    that is not one. `parse(path, display)` makes the record of the file at `path` (named `display`) as
    `read_published` does (default), and raises as it does: engine/validation.py keeps what it parsed, and reads a
    record's file only when it is not kept."""
    records: dict[str, PublishedDeck] = {}
    problems: list[tuple[str, str]] = []
    folder = root / PUBLISHED_FOLDER
    if not folder.is_dir():
        return records, problems
    for path in sorted(folder.glob("*.json")):
        display = path.relative_to(root).as_posix()
        try:
            record = (parse or read_published)(path, display)
        except json.JSONDecodeError as exc:
            problems.append((display, f"not valid JSON (line {exc.lineno}); restore it from git"))
            continue
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(
                (display, f"not a factdeck published record ({exc}); restore it from git or run `factdeck release`")
            )
            continue
        records[record.deck] = record
    return records, problems


def read_published(path: Path, display: str) -> PublishedDeck:
    """The record in the file at `path` (named `display`), with its `digest`; raises OSError if the file cannot be
    read, UnicodeDecodeError if it is not UTF-8, and as `parse_published` does if it is not a record."""
    text, digest, _ = record_file(path)
    record = parse_published(text(), display)
    record.digest = digest
    return record


def published_warnings(
    published: dict[str, PublishedDeck], decks: list[DeckSpec], eras: dict[str, Era], facts: Mapping[str, Fact]
) -> list[tuple[Record, str]]:
    """(record, message) for each change Anki cannot carry into a learner's collection: a published deck or era
    title renamed (the import makes a new deck beside the old) and a published fact moved to another era (its
    cards stay in the old era's subdeck)."""
    warnings: list[tuple[Record, str]] = []
    for deck in decks:
        record = published.get(deck.id)
        if record is None:
            continue
        if record.name != deck.name:
            warnings.append(
                (
                    deck,
                    f"deck '{deck.id}' was published as '{record.name}' and is now named '{deck.name}': Anki will "
                    f"make a new deck '{deck.name}' for new cards while learners' cards stay in '{record.name}'",
                )
            )
        if not (deck.cards.subdecks and record.subdecks):
            continue
        for era_id, title in sorted(record.eras.items()):
            era = eras.get(era_id)
            if era is not None and era.title != title:
                warnings.append(
                    (
                        era,
                        f"era '{era_id}' was published in deck '{deck.id}' with the title '{title}' and is now "
                        f"titled '{era.title}': Anki will make a new subdeck for it while learners' cards stay "
                        "in the old one",
                    )
                )
        for fact_id, old_era in _moved(_first_eras(record), facts):
            fact = facts[fact_id]
            # A fact whose era is unknown (a misspelling, reported at the fact) did not move anywhere.
            if fact.era in eras and fact.status == "vetted":
                warnings.append(
                    (
                        fact,
                        f"fact '{fact_id}' moved from era '{old_era}' to era '{fact.era}' since deck '{deck.id}' "
                        f"was published: its tag moves, but learners' cards of it stay where they are (the subdeck "
                        f"of era '{old_era}')",
                    )
                )
    return warnings


def _first_eras(record: PublishedDeck) -> dict[str, str]:
    """{fact id: the era of the first of its notes in `record` that is live and has one}."""
    columns = record._unmade()
    if columns is not None:  # a restored record's columns, as kept
        return columns.first_eras()
    # A plain loop: taking the notes' values a column at a time (zip of every note) and pairing them was twice as slow.
    moved: dict[str, str] = {}
    for note in record.notes.values():
        if note.era is not None and not note.withdrawn:
            moved.setdefault(note.fact, note.era)
    return moved


def _moved(first: dict[str, str], facts: Mapping[str, Fact]) -> list[tuple[str, str]]:
    """(fact id, era) of each fact of `first` (fact id: the era it was released in) that `facts` holds and whose
    era is now another, sorted by fact id; found in loops in C (every released fact is looked at), the eras read from
    the files' columns where `facts` is a `FactsById` (no record made)."""
    ids = list(first)
    if isinstance(facts, FactsById):
        now = list(map(facts.eras().get, ids))
    else:
        now = [None if fact is None else fact.era for fact in map(facts.get, ids)]
    known = list(map(is_not, now, repeat(None)))
    eras_then = list(compress(first.values(), known))
    changed = map(ne, compress(now, known), eras_then)
    return sorted(compress(zip(compress(ids, known), eras_then), changed))


def guid_of(namespace: str, identity: str) -> str:
    """The GUID of the note `fact-id/kind[/version-id]` under `namespace`: genanki's `guid_for` of the namespace
    and the identity's parts (outputs/anki/cards.py's `note_guid`, which makes every package's GUIDs)."""
    from factdeck.records.anki_guid import guid_for  # only for records from before the namespace was kept in them

    return str(guid_for(namespace, *identity.split("/", 2)))


def released_namespace(record: PublishedDeck, current: str) -> str | None:
    """The namespace `record` was released with: the one it keeps, else the one its GUIDs were made from
    (`current` or `LEGACY_NAMESPACE`), tried on its first note; None when neither made them (unknown)."""
    if record.namespace is not None:
        return record.namespace
    note = next(iter(record.notes.values()), None)
    if note is None:
        return current
    for candidate in dict.fromkeys((current, LEGACY_NAMESPACE)):
        if guid_of(candidate, note.identity) == note.guid:
            return candidate
    return None


def namespace_changes(published: dict[str, PublishedDeck], current: str) -> list[tuple[PublishedDeck, str | None]]:
    """(record, namespace it was released with, None if unknown) of each release record made under another
    namespace than `current`: a package built now would give every note of it a new GUID, so every learner
    would get a second copy of every note beside the one they have reviewed."""
    changed = []
    for record in published.values():
        old = released_namespace(record, current)
        if old != current:
            changed.append((record, old))
    return changed


def record_file(path: Path) -> tuple[Callable[[], str], str, str]:
    """The record file's text as a function reading it (as `Path.read_text` in UTF-8), the SHA-256 of that text in
    UTF-8 (the record's `digest`) and the SHA-256 of the file's bytes. Without a carriage return the text read is the
    bytes decoded (the newlines as written), so the digest is the bytes' and a kept record needs no text (decoding and
    encoding a large deck's record again was a hundredth of a check after an edit, at 10,000 facts). A file with a
    carriage return is read as text first, its newlines as reading gives them. Raises OSError."""
    raw = path.read_bytes()
    raw_digest = hashlib.sha256(raw).hexdigest()
    if b"\r" in raw:
        text = path.read_text(encoding="utf-8")
        return lambda: text, hashlib.sha256(text.encode("utf-8")).hexdigest(), raw_digest
    return lambda: raw.decode("utf-8"), raw_digest, raw_digest
