"""Round trip through the official `anki` package, with Anki's default import options.

One learner's story, run once for the module: import the deck into a fresh
collection, review some cards, then the fact base changes (an answer edited,
a fact added), the deck is rebuilt and re-imported, and finally rebuilt and
re-imported without any change. Each test checks one promise about it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageRequest
from conftest import SAMPLE, Project

from factdeck.build import load_and_validate
from factdeck.outputs.anki import package as anki
from factdeck.outputs.anki.cards import CardMaker, NoteRecord
from factdeck.records.select import select_facts

T0 = 1_700_000_000
APKG = "build/guild-history/guild-history.apkg"

NEW_FACT = """
- id: ferrier-term
  kind: number
  era: founding
  date: "1903/1923"
  tags: [leadership]
  question: "For how long did Ada Ferrier serve as the guild's master?"
  answer: "Twenty years"
  statement: "Ada Ferrier served as the River Guild's master for twenty years."
  citations:
    - source: chronicle
      locator: "chapter 1, para. 2"
      quote: "took office in 1903 and served for twenty years"
  status: vetted
  vetted: 2026-11-22
  reviewer: fact-editor
"""

# (note, card kind) of the cards the learner reviews, and the rating given.
REVIEWS = [
    ("first-master", "qa", 4),
    ("first-master", "reverse", 3),
    ("guild-hall", "qa", 4),
    ("flood-deaths", "qa", 1),
]
SCHEDULING = ("type", "queue", "due", "ivl", "factor", "reps", "lapses", "left", "did")


@dataclass
class Import:
    new: set[str]
    updated: set[str]
    duplicate: set[str]


@dataclass
class Story:
    records: dict[str, list[NoteRecord]] = field(default_factory=dict)  # build name -> expected notes
    imports: dict[str, Import] = field(default_factory=dict)
    notes: dict[str, dict[str, dict]] = field(default_factory=dict)  # after import -> guid -> note snapshot
    reviewed: dict[str, dict[int, tuple]] = field(default_factory=dict)  # moment -> card id -> scheduling
    revlog: dict[str, dict[int, int]] = field(default_factory=dict)  # moment -> card id -> review count
    apkg: dict[str, bytes] = field(default_factory=dict)
    decks: set[str] = field(default_factory=set)
    reviewed_ids: dict[tuple[str, str], int] = field(default_factory=dict)


def expected_notes(project: Project) -> list[NoteRecord]:
    base = load_and_validate(project.root)
    deck = base.deck("guild-history")
    return CardMaker(base).deck_notes(deck, select_facts(base, deck))


def import_apkg(col: Collection, path: Path) -> Import:
    log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path))).log
    guids = lambda notes: {col.get_note(n.id.nid).guid for n in notes}  # noqa: E731
    return Import(guids(log.new), guids(log.updated), guids(log.duplicate))


def snapshot_notes(col: Collection) -> dict[str, dict]:
    notes = {}
    for note_id in col.find_notes(""):
        note = col.get_note(note_id)
        assert note.guid not in notes, f"duplicate GUID {note.guid}"
        notes[note.guid] = {
            "id": note.id,
            "fields": tuple(note.fields),
            "tags": set(note.tags),
            "mod": note.mod,
            "note_type": note.note_type()["name"],
            "decks": {col.decks.name(card.did) for card in note.cards()},
            "cards": len(note.cards()),
        }
    return notes


def scheduling(col: Collection, card_ids) -> dict[int, tuple]:
    return {cid: tuple(getattr(col.get_card(cid), name) for name in SCHEDULING) for cid in card_ids}


def review_counts(col: Collection, card_ids) -> dict[int, int]:
    return {cid: col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", cid) for cid in card_ids}


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Story:
    tmp = tmp_path_factory.mktemp("roundtrip")
    project = Project(tmp / "proj")
    shutil.copytree(SAMPLE, project.root)
    story = Story()
    col = Collection(str(tmp / "collection.anki2"))

    def build(name: str) -> None:
        result = project.run("build", "--format", "apkg")
        assert result.exit_code == 0, result.output
        story.records[name] = expected_notes(project)
        story.apkg[name] = project.path(APKG).read_bytes()

    # Every build runs at the same clock second: a changed note must look newer all the same.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(anki, "current_time", lambda: T0)
        try:
            build("first")
            story.imports["first"] = import_apkg(col, project.path(APKG))
            story.notes["first"] = snapshot_notes(col)
            story.decks = {d.name for d in col.decks.all_names_and_ids()}

            by_guid = {r.guid: r for r in story.records["first"]}
            for fact_id, kind, rating in REVIEWS:
                guid = next(g for g, r in by_guid.items() if r.fact_id == fact_id and r.kind == kind)
                card = col.get_note(story.notes["first"][guid]["id"]).cards()[0]
                card.start_timer()
                col.sched.answerCard(card, rating)
                story.reviewed_ids[(fact_id, kind)] = card.id
            ids = list(story.reviewed_ids.values())
            story.reviewed["before"] = scheduling(col, ids)
            story.revlog["before"] = review_counts(col, ids)

            project.replace("facts/guild.yaml", 'answer: "Ada Ferrier"', 'answer: "Ada B. Ferrier"')
            project.replace("facts/guild.yaml", 'statement: "Ada Ferrier became', 'statement: "Ada B. Ferrier became')
            project.write("facts/more.yaml", NEW_FACT)
            build("edited")
            story.imports["edited"] = import_apkg(col, project.path(APKG))
            story.notes["edited"] = snapshot_notes(col)
            story.reviewed["after"] = scheduling(col, ids)
            story.revlog["after"] = review_counts(col, ids)

            build("unchanged")
            story.imports["unchanged"] = import_apkg(col, project.path(APKG))
            story.notes["unchanged"] = snapshot_notes(col)
        finally:
            col.close()
    return story


def guids_of(records: list[NoteRecord], fact_id: str) -> set[str]:
    return {r.guid for r in records if r.fact_id == fact_id}


def test_first_import_has_every_note_once_with_its_fields_and_tags(story):
    records = story.records["first"]
    notes = story.notes["first"]
    assert story.imports["first"].new == {r.guid for r in records}
    assert notes.keys() == {r.guid for r in records}
    for record in records:
        note = notes[record.guid]
        assert note["fields"] == record.fields
        assert note["tags"] == set(record.tags)
        assert note["decks"] == {record.deck}
        assert note["cards"] == 1
        assert (
            note["note_type"]
            == {"card": "river-guild: fact card", "cloze": "river-guild: fact cloze"}[record.note_type]
        )


def test_every_selected_fact_is_present_once(story):
    notes = story.notes["first"].values()
    question_cards = [n for n in notes if n["note_type"] == "river-guild: fact card" and "card::qa" in n["tags"]]
    fact_ids = sorted(n["fields"][3] for n in question_cards)
    assert fact_ids == sorted(["guild-founded", "first-master", "guild-hall", "flood-deaths", "guild-called-cartel"])


def test_subdecks_per_era(story):
    assert {
        "River Guild history",
        "River Guild history::1900–1920 Founding years",
        "River Guild history::1920–present Decline",
    } <= story.decks


def test_reviews_were_recorded(story):
    assert all(count == 1 for count in story.revlog["before"].values())
    easy = story.reviewed_ids[("first-master", "qa")]
    assert story.reviewed["before"][easy][SCHEDULING.index("ivl")] > 0  # graduated to review


def test_reimport_updates_the_edited_fact_and_adds_the_new_one(story):
    before, after = story.records["first"], story.records["edited"]
    result = story.imports["edited"]
    edited = guids_of(after, "first-master")
    added = guids_of(after, "ferrier-term")
    assert len(edited) == 3 and len(added) == 2
    assert result.updated == edited
    assert result.new == added
    assert result.duplicate == {r.guid for r in before} - edited
    notes = story.notes["edited"]
    for record in after:
        assert notes[record.guid]["fields"] == record.fields
    assert "Ada B. Ferrier" in notes[next(iter(edited))]["fields"][1] + notes[next(iter(edited))]["fields"][0]


def test_reimport_duplicates_nothing(story):
    first, edited = story.notes["first"], story.notes["edited"]
    assert len(edited) == len(first) + 2
    for guid, note in first.items():
        assert edited[guid]["id"] == note["id"]  # the same note, not a copy


def test_reviewed_cards_keep_scheduling_and_review_log(story):
    assert story.reviewed["after"] == story.reviewed["before"]
    assert story.revlog["after"] == story.revlog["before"]


def test_unchanged_notes_keep_their_modification_time(story):
    first, edited = story.notes["first"], story.notes["edited"]
    updated = story.imports["edited"].updated
    for guid, note in first.items():
        if guid in updated:
            assert edited[guid]["mod"] > note["mod"]
        else:
            assert edited[guid]["mod"] == note["mod"]


def test_rebuild_without_change_adds_and_updates_nothing(story):
    result = story.imports["unchanged"]
    assert result.new == set() and result.updated == set()
    assert result.duplicate == {r.guid for r in story.records["unchanged"]}
    assert story.notes["unchanged"] == story.notes["edited"]
    assert story.apkg["unchanged"] == story.apkg["edited"]
