"""Cards stage: facts to Anki note records (identity, fields, tags, deck path).

Each fact becomes one note per card kind. A note's GUID comes from the fact id
and the card kind (and the dispute version's id), never from its text, so an
edited fact updates the learner's note instead of adding a second one. Fields
are rendered by the Jinja2 templates in `templates/anki/fields/`, with
autoescaping and a `text` filter that also keeps fact text inert for Anki
(no cloze, sound, LaTeX or MathJax syntax can arise from it).

Which cards a fact gets:

- qa: the fact's question. For a disputed fact this is the "Sources disagree"
  card, whose back lists every version; it keeps the qa identity so a fact
  that becomes disputed updates the learner's existing card.
- reverse: the name → its fact, for people, places, organizations and terms.
- cloze: the statement with the answer blanked, where the answer occurs in it.
- dispute: one card per version of a disputed fact ("According to X, …?").

Disputed facts get no reverse or cloze card: either would present one version
as the bare answer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from markupsafe import Markup

from factdeck.engine.parallel import MIN_ITEMS, split_map
from factdeck.exceptions import RenderError
from factdeck.i18n import Language
from factdeck.outputs.anki.builtin_fields import (
    builtin_fields,
    card_text_filter,
    card_words,
    citations_by_source,
    uses_builtin_fields,
)
from factdeck.outputs.anki.card_text import anki_text  # noqa: F401 (the text filter, read here by lifecycle.py)
from factdeck.outputs.anki.cloze import ClozePart, cloze_parts
from factdeck.outputs.anki.editions import Edition
from factdeck.outputs.anki.rendered import LiveNotes, NoteKeysOf, RenderedFields, kinds_key
from factdeck.records.anki_guid import guid_for
from factdeck.records.dates import parse_date
from factdeck.records.factbase import FactBase
from factdeck.records.fields import NAMED_KINDS
from factdeck.records.identity import LEGACY_NAMESPACE, namespace_of
from factdeck.records.schema import DeckSpec, DisputeVersion, Era, Fact
from factdeck.records.templates import own_names
from factdeck.text.dates import date_label

# Jinja2 (render.py) is imported where a project's own field templates are rendered: with the built-in fields
# (builtin_fields.py) cards are made without it, as `factdeck check` makes the edited facts' notes.
if TYPE_CHECKING:
    import jinja2

# Note types and their fields, in Anki's field order; package.py builds the note types from these. Each field
# has a permanent key (its Anki field id derives from it) and a name that may change: a renamed field keeps its
# key, and Anki updates it in place. The spare fields are reserved so that later content fills one of them
# instead of adding a field, which Anki would take for a different note type.
CARD = "card"
CLOZE = "cloze"
SPARE_FIELDS = 4
_SPARES = tuple(f"Spare{i}" for i in range(1, SPARE_FIELDS + 1))
NOTE_FIELDS: dict[str, tuple[str, ...]] = {
    CARD: ("Front", "Answer", "Details", "FactId", *_SPARES),
    CLOZE: ("Text", "Details", "FactId", *_SPARES),
}
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    CARD: ("front", "answer", "details", "fact-id", *(f"spare-{i}" for i in range(1, SPARE_FIELDS + 1))),
    CLOZE: ("text", "details", "fact-id", *(f"spare-{i}" for i in range(1, SPARE_FIELDS + 1))),
}
SPARE_VALUES = ("",) * SPARE_FIELDS  # nothing goes into the spare fields yet
FIELD_TEMPLATES = "anki/fields"

# Stand-ins for the cloze markers while the field is rendered; swapped for `{{c1::` and `}}`
# only after every brace that came from the text has been made inert.
_CLOZE_OPEN = "\ue000"
_CLOZE_CLOSE = "\ue001"


@dataclass(frozen=True)
class NoteRecord:
    """One Anki note: what anki.py needs to write it, and nothing Anki-library specific."""

    guid: str
    fact_id: str
    kind: str  # qa, reverse, cloze or dispute
    version_id: str | None
    note_type: str  # CARD or CLOZE
    fields: tuple[str, ...]  # in NOTE_FIELDS[note_type] order
    tags: tuple[str, ...]
    deck: str  # full Anki deck name, `Deck` or `Deck::Era`
    # The hash of the content, made with the note (so the second process makes it for the notes it makes);
    # not an argument, so `replace` makes it again.
    content: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content", self._hash())

    @cached_property  # read by every pass over a deck's notes (rows, subdecks, fronts, release record, kept record)
    def identity(self) -> str:
        """What the GUID derives from, readable: `fact-id/kind[/version-id]`."""
        return "/".join(part for part in (self.fact_id, self.kind, self.version_id) if part)

    def as_tuple(self) -> tuple:
        """Every value, the content hash included: what marshal can send between processes (see from_tuple)."""
        return tuple(getattr(self, name) for name in _NOTE_VALUES)

    @classmethod
    def from_tuple(cls, values: tuple) -> NoteRecord:
        """The record `as_tuple` gave, its hash as it was made (ValueError if the tuple is not one)."""
        if type(values) is not tuple or len(values) != len(_NOTE_VALUES):
            raise ValueError("not a note record")
        record = object.__new__(cls)
        for name, value in zip(_NOTE_VALUES, values):
            object.__setattr__(record, name, value)
        return record

    @classmethod
    def with_content(cls, content: str, **values: Any) -> NoteRecord:
        """The record of `values` whose content hash is known to be `content` (kept from an earlier build with
        the note's fields, so not made again)."""
        record = object.__new__(cls)
        for name in _NOTE_VALUES[:-1]:
            object.__setattr__(record, name, values[name])
        object.__setattr__(record, "content", content)
        return record

    @property
    def field_map(self) -> dict[str, str]:
        return dict(zip(NOTE_FIELDS[self.note_type], self.fields))

    def content_hash(self) -> str:
        """Hash of everything Anki stores in the note; the deck is not part of a note."""
        return self.content

    def _hash(self) -> str:
        # Each part length-prefixed, so no two different notes hash the same text.
        parts = (self.note_type, *self.fields, str(len(self.fields)), *self.tags)
        content = "".join([f"{len(part)}:{part}" for part in parts])
        return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


_NOTE_VALUES = tuple(f.name for f in dataclasses.fields(NoteRecord))


def note_guid(fact_id: str, kind: str, version_id: str | None = None, namespace: str = LEGACY_NAMESPACE) -> str:
    """The note's permanent identity: the project's namespace, fact id, card kind and, for a version card, the
    version id (genanki's `guid_for` of them, as every factdeck deck has used)."""
    parts = [namespace, fact_id, kind, *([version_id] if version_id else [])]
    return guid_for(*parts)


def identity_parts(identity: str) -> tuple[str, str, str | None]:
    """`fact-id/kind[/version-id]` split into fact id, kind and version id."""
    fact_id, kind, *version = identity.split("/", 2)
    return fact_id, kind, version[0] if version else None


def era_label(era: Era, language: Language | None = None) -> str:
    """The era's subdeck name: start year first, so Anki's alphabetical deck list runs in history order (in
    `language`'s digits; English by default)."""
    language = language or Language.source()
    start = language.year(parse_date(era.start).year)
    end = language.gettext("present") if era.end == "present" else language.year(parse_date(era.end).end.year)
    span = start if end == start else language.pgettext("date range", "%(start)s–%(end)s", start=start, end=end)
    return f"{span} {era.title}"


# --- card plan -----------------------------------------------------------------------


class CardPlan(NamedTuple):
    kind: str
    version: DisputeVersion | None = None


def plan_cards(fact: Fact, kinds: Iterable[str], clozable: bool | None = None) -> list[CardPlan]:
    """Which cards a fact gets in a deck that asks for `kinds`; `clozable`: whether its statement makes a cloze
    (`cloze_parts` is not None), when already known."""
    wanted = set(kinds)
    if fact.dispute is not None:
        plans = [CardPlan("qa")] if wanted & {"qa", "dispute"} else []
        if "dispute" in wanted:
            plans += [CardPlan("dispute", version) for version in fact.dispute.versions]
        return plans
    plans = []
    if "qa" in wanted:
        plans.append(CardPlan("qa"))
    if "reverse" in wanted and fact.kind in NAMED_KINDS:
        plans.append(CardPlan("reverse"))
    if "cloze" in wanted and (cloze_parts(fact.statement, fact.answer) is not None if clozable is None else clozable):
        plans.append(CardPlan("cloze"))
    return plans


# --- rendering -----------------------------------------------------------------------


def anki_environment(root: Path, language: Language | None = None) -> jinja2.Environment:
    """The project's HTML environment in `language` (autoescaping, StrictUndefined) plus the card filters; kept
    as `html_environment` is (per project, language and set of the project's own template files)."""
    return _anki_environment(root, language, own_names(root))


@lru_cache(maxsize=8)
def _anki_environment(root: Path, language: Language | None, own: tuple[str, ...]) -> jinja2.Environment:
    from factdeck.outputs.render import html_environment

    env = html_environment(root, language).overlay()
    env.filters = {**env.filters, "text": card_text_filter(language), "by_source": citations_by_source}
    env.globals = {**env.globals, **card_words(language)}
    return env


class CardMaker:
    """Turns a deck's facts into note records; a fact's notes are the same in every deck."""

    def __init__(
        self,
        base: FactBase,
        rendered: RenderedFields | None = None,
        edition: Edition | None = None,
        templates_only: bool = False,
    ):
        """`edition`: for a deck in another language than the facts' own, that language, its own GUIDs and
        (for bilingual cards) the original facts; None for the facts' own language. `templates_only`: render
        every field through Jinja2 even where the built-in fields could be made by builtin_fields.py (tests
        compare the two)."""
        self.base = base
        self.edition = edition
        self.language = edition.language if edition else None
        # Loaded once: `Language.source()` reads the catalogs' folder each time, and dates and era labels ask per fact.
        self.words_language = self.language or Language.source()
        self._era_labels: dict[str, str] = {}
        self.rendered_fields = rendered or RenderedFields("")
        # A deck in another language has notes of its own: importing it never overwrites the original's.
        self.namespace = namespace_of(base.config) + (f"/{edition.language.tag}" if edition else "")
        self._templates: dict[str, jinja2.Template] = {}
        # The built-in field templates are made by Python code (builtin_fields.py) unless the project has its own.
        self.builtin = None if templates_only or not uses_builtin_fields(base.root) else builtin_fields(self.language)
        self._last_context: tuple[Fact | None, dict] = (None, {})
        self._last_tags: tuple[Fact | None, bool, tuple[str, ...]] = (None, False, ())
        self._tag_sets: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per distinct set of tags (`tags`)

    def deck_notes(self, deck: DeckSpec, facts: list[Fact]) -> list[NoteRecord]:
        made = self._notes_on_two_cores(deck, facts)
        notes: list[NoteRecord] = []
        for fact in facts:
            records = made.get(fact.id)
            notes.extend(records if records is not None else self.fact_notes(deck, fact))
        return notes

    def note_keys(self, deck: DeckSpec, facts: list[Fact]) -> list[NoteKeysOf]:
        """What `deck_notes` gives, without the fields: a note whose GUID and content hash are stored (with
        its fields, or alone: outputs/anki/note_keys.py) is not rendered, and a fact whose live notes are kept
        whole (`RenderedFields.live`) is not even planned."""
        live = self.rendered_fields.live
        kinds = kinds_key(deck.cards.kinds)
        held: dict[str, LiveNotes] = {}
        if live is not None:
            for fact in facts:
                notes = live.get(fact, kinds)
                if notes is not None:
                    held[fact.id] = notes
        made = self._notes_on_two_cores(deck, [fact for fact in facts if fact.id not in held] if held else facts)
        keys: list[NoteKeysOf] = []
        make = NoteKeysOf._make
        for fact in facts:
            kept_notes = held.get(fact.id)
            if kept_notes is not None:
                keys.extend(map(make, kept_notes))
                continue
            start = len(keys)
            records = made.get(fact.id)
            if records is not None:
                keys.extend(NoteKeysOf.of(record) for record in records)
            else:
                self._fact_note_keys(deck, fact, keys)
            if live is not None:
                live.put(fact, kinds, keys[start:])
        return keys

    def _fact_note_keys(self, deck: DeckSpec, fact: Fact, keys: list[NoteKeysOf]) -> None:
        """Add the keys of the fact's notes in `deck` to `keys`, rendering only the notes whose keys are not stored."""
        single = None
        for plan in self._plans(deck, fact):
            version_id = plan.version.id if plan.version else None
            kept = self.rendered_fields.get(fact, version_id, f"note\0{plan.kind}\0{self.namespace}")
            if kept is None:
                # The deck (subdeck) a note goes to is not part of its keys: named only for a note made here.
                keys.append(NoteKeysOf.of(self.note(fact, plan, self.deck_name(deck, fact))))
                continue
            guid, _, content = kept.partition("\0")
            identity = f"{fact.id}/{plan.kind}/{version_id}" if version_id else f"{fact.id}/{plan.kind}"
            if single is None:
                single = fact.corroboration == 1
            keys.append(NoteKeysOf(identity, guid, content, fact.id, self.tags(fact, plan.kind, single)))

    def fact_notes(self, deck: DeckSpec, fact: Fact) -> list[NoteRecord]:
        """The notes of one fact in `deck`; fields not stored yet are rendered."""
        deck_name = self.deck_name(deck, fact)
        return [self.note(fact, plan, deck_name) for plan in self._plans(deck, fact)]

    def _plans(self, deck: DeckSpec, fact: Fact) -> list[CardPlan]:
        # Whether the statement makes a cloze is kept with the fields: finding the answer in it is a tenth of
        # making an unchanged fact's notes.
        clozable = self.rendered_fields.get(fact, None, "clozable")
        if clozable is None:
            clozable = "1" if cloze_parts(fact.statement, fact.answer) is not None else ""
            self.rendered_fields.put(fact, None, "clozable", clozable)
        return plan_cards(fact, deck.cards.kinds, clozable == "1")

    def _notes_on_two_cores(self, deck: DeckSpec, facts: list[Fact]) -> dict[str, list[NoteRecord]]:
        """The notes of facts that have no fields stored, by fact id, half of them made in a forked process
        (engine/parallel.py's `split_map`).

        Rendering is most of a cold build's time and each fact's notes depend on nothing another fact's
        do, so the halves give the very notes one process would. Without a second core, or for what the
        child did not send, split_map makes them here.
        """
        todo = [f for f in facts if self.rendered_fields.empty(f)]
        if len(todo) < MIN_ITEMS:
            return {}

        def receive(fact: Fact, sent: Any) -> list[NoteRecord] | None:
            try:
                fields, notes = sent
                records = [NoteRecord.from_tuple(note) for note in notes]
            except (TypeError, ValueError):
                return None  # made here instead
            if not isinstance(fields, dict):
                return None
            self.rendered_fields.adopt(fact, fields)
            return records

        return split_map(
            todo,
            here=lambda part: {fact.id: self.fact_notes(deck, fact) for fact in part},
            send=lambda part: self._sendable_notes(deck, part),
            receive=receive,
            key=lambda fact: fact.id,
        )

    def _sendable_notes(self, deck: DeckSpec, facts: list[Fact]) -> dict[str, tuple[dict[str, str], list[tuple]]]:
        """Each fact's stored fields and notes, as plain values marshal can send."""
        notes = {fact.id: [n.as_tuple() for n in self.fact_notes(deck, fact)] for fact in facts}
        return {fact.id: (self.rendered_fields.fields(fact), notes[fact.id]) for fact in facts}

    def deck_name(self, deck: DeckSpec, fact: Fact) -> str:
        if not deck.cards.subdecks:
            return deck.name
        # Validation refuses an era title with '::' (records/validate.py).
        label = self._era_labels.get(fact.era)
        if label is None:
            label = self._era_labels[fact.era] = era_label(self.base.eras_by_id[fact.era], self.words_language)
        return f"{deck.name}::{label}"

    def note(self, fact: Fact, plan: CardPlan, deck_name: str) -> NoteRecord:
        version_id = plan.version.id if plan.version else None
        # A fact in several decks (or meeting packs) renders once: its fields stay in `rendered_fields`.
        entries = self.rendered_fields.entries(fact)  # looked up once for the note's fields and keys
        note_type, fields = self._render(fact, plan, entries)
        # The GUID and content hash are kept beside the fields (they derive from the fact, its fields and the
        # namespace), so an unchanged fact's notes cost no hashing in the next build.
        key = f"{version_id or ''}\0note\0{plan.kind}\0{self.namespace}"
        kept = entries.get(key)
        values: dict[str, Any] = {
            "fact_id": fact.id,
            "kind": plan.kind,
            "version_id": version_id,
            "note_type": note_type,
            "fields": fields,
            "tags": self.tags(fact, plan.kind),
            "deck": deck_name,
        }
        if kept is not None:
            guid, _, content = kept.partition("\0")
            return NoteRecord.with_content(content, guid=guid, **values)
        record = NoteRecord(guid=note_guid(fact.id, plan.kind, version_id, self.namespace), **values)
        entries[sys.intern(key)] = f"{record.guid}\0{record.content}"  # a key of every fact: one copy (below)
        return record

    def tags(self, fact: Fact, kind: str, single: bool | None = None) -> tuple[str, ...]:
        """The note's tags; `single`: whether the fact has one source, if already known."""
        last, known, facts = self._last_tags
        if last is not fact or single is not None:  # what the fact's notes share is worked out once per fact
            single = fact.corroboration == 1 if single is None else single
            known, facts = (single, (*fact.tags, *(["disputed"] if fact.disputed else [])))
            self._last_tags = (fact, known, facts)
        # Interned: every note has these three, and tens of thousands of notes live until the package is written.
        intern = sys.intern
        tags = (intern(f"era::{fact.era}"), intern(f"kind::{fact.kind}"), intern(f"card::{kind}"), *facts)
        # The tuple too: few notes have tags no other note has (a tuple per note was 10 MB at 50,000 facts).
        made = tuple(dict.fromkeys((*tags, "single-source") if known else tags))
        return self._tag_sets.setdefault(made, made)

    def _context(self, fact: Fact, plan: CardPlan) -> dict:
        last, context = self._last_context
        if last is not fact:  # one context per fact: its cards ask one after another
            context = self._fact_context(fact)
            self._last_context = (fact, context)
        return {**context, "version": plan.version}

    def _fact_context(self, fact: Fact) -> dict:
        edition = self.edition
        original = edition.originals.get(fact.id) if edition is not None and edition.bilingual else None
        return {
            "fact": fact,
            "era": self.base.eras_by_id[fact.era],
            "when": date_label(fact.date, self.words_language),
            "sources": self.base.sources,
            # The fact as written, beside its translation (bilingual cards).
            "original": original if original is not None and original != fact else None,
            "original_language": edition.source if edition is not None else None,
        }

    @cached_property
    def env(self) -> jinja2.Environment:
        """The project's card environment (`anki_environment`) in this maker's language, made when a field is
        first rendered from a template."""
        return anki_environment(self.base.root, self.language)

    def _field(self, name: str, context: dict) -> str:
        if self.builtin is not None:
            return self.builtin.field(name, context)
        from factdeck.outputs.render import load_template, render_template

        # Each template is fetched once per maker: fetching checks the file's time, every time.
        path = f"{FIELD_TEMPLATES}/{name}"
        template = self._templates.get(path)
        if template is None:
            template = self._templates[path] = load_template(self.env, path)
        return render_template(template, path, self.base.root, context).strip()

    def details(self, fact: Fact) -> str:
        """The back every card of `fact` shows (the statement, dispute, sources)."""
        return self._cached(fact, CardPlan("qa"), self.rendered_fields.entries(fact), "\0details.html")

    def note_fields(self, fact: Fact, kind: str, version_id: str | None, entries: dict[str, str]) -> tuple[str, ...]:
        """The fields of `fact`'s note `kind`/`version_id` (as `note` gives them) from `entries`, its stored fields."""
        versions = fact.dispute.versions if version_id is not None and fact.dispute is not None else ()
        return self._render(fact, CardPlan(kind, next((v for v in versions if v.id == version_id), None)), entries)[1]

    def _render(self, fact: Fact, plan: CardPlan, entries: dict[str, str]) -> tuple[str, tuple[str, ...]]:
        version = f"{plan.version.id}\0" if plan.version else "\0"  # the stored fields' keys: rendered.py
        # The back is the same on every card of a fact but a version card (which marks its version).
        details = self._cached(fact, plan, entries, f"{version}details.html")
        if plan.kind == "cloze":
            return CLOZE, (self._cached(fact, plan, entries, "\0cloze"), details, fact.id, *SPARE_VALUES)
        front = self._cached(fact, plan, entries, f"{version}front-{plan.kind}.html")
        answer = self._cached(fact, plan, entries, f"{version}answer-{plan.kind}.html")
        return CARD, (front, answer, details, fact.id, *SPARE_VALUES)

    def _cached(self, fact: Fact, plan: CardPlan, entries: dict[str, str], key: str) -> str:
        """A field of `fact` (`key`: version id, NUL, template), from this or the last build if rendered from
        the same inputs, else rendered."""
        text = entries.get(key)
        if text is None:
            context = self._context(fact, plan)
            name = key.partition("\0")[2]
            if name == "cloze":
                parts = cloze_parts(fact.statement, fact.answer)
                assert parts is not None  # plan_cards made a cloze only where one exists
                text = self._cloze_text(fact, parts, context)
            else:
                text = self._field(name, context)
            # Every fact's stored fields have the same few keys, and the build keeps them all until the card-field
            # store is written: one copy of each key (6 MB of copies at 10,000 facts).
            entries[sys.intern(key)] = text
        return text

    def _cloze_text(self, fact: Fact, parts: tuple[ClozePart, ...], context: dict) -> str:
        if self.builtin is not None:
            rendered = self.builtin.cloze(parts, _CLOZE_OPEN, _CLOZE_CLOSE)
        else:
            rendered = self._field(
                "cloze.html",
                {**context, "parts": parts, "cloze_open": Markup(_CLOZE_OPEN), "cloze_close": Markup(_CLOZE_CLOSE)},
            )
        blanks = sum(p.blank for p in parts)
        if rendered.count(_CLOZE_OPEN) != blanks or rendered.count(_CLOZE_CLOSE) != blanks:
            raise RenderError(
                f"{fact.file}:{fact.line}: fact '{fact.id}': could not place the cloze "
                f"(the statement contains a reserved character, or the cloze template drops a blank)"
            )
        # Whatever the template or the text put there, no brace or hint separator may reach Anki's cloze parser.
        inert = rendered.replace("{", "&#123;").replace("}", "&#125;").replace("::", ":&#58;")
        return inert.replace(_CLOZE_OPEN, "{{c1::").replace(_CLOZE_CLOSE, "}}")
