"""Facts to Anki notes: identity, card kinds, what each card shows, escaping, and the apkg stage."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from factdeck.build import load_and_validate
from factdeck.outputs.anki import package as anki
from factdeck.outputs.anki.cards import (
    CLOZE,
    NOTE_FIELDS,
    CardMaker,
    NoteRecord,
    anki_text,
    cloze_parts,
    note_guid,
    plan_cards,
)
from factdeck.records import identity as ids
from factdeck.records.select import select_facts
from factdeck.text.dates import date_label
from factdeck.text.words import whole_word_spans

SAMPLE_NAMESPACE = "river-guild"  # tests/fixtures/sample/factdeck.yaml

T0 = 1_700_000_000

XSS_FACT = """
- id: hostile-text
  kind: person
  era: founding
  date: "1905"
  question: "Who wrote <script>alert('q')</script> on the hall?"
  answer: "Bo <img src=x onerror=alert(1)>"
  statement: "Bo <img src=x onerror=alert(1)> wrote {{c2::graffiti}} and [sound:boom.mp3] and \\\\(x\\\\) on the hall."
  citations:
    - source: chronicle
      locator: "<b>chapter 9</b>"
      quote: "</q><script>alert('quote')</script>"
  status: vetted
  vetted: 2026-11-22
  reviewer: fact-editor
"""


@pytest.fixture
def clock(monkeypatch):
    """A settable build clock (anki.current_time)."""
    now = {"t": T0}
    monkeypatch.setattr(anki, "current_time", lambda: now["t"])
    return now


def notes_of(project, deck_id: str = "guild-history"):
    base = load_and_validate(project.root)
    deck = base.deck(deck_id)
    return base, CardMaker(base).deck_notes(deck, select_facts(base, deck))


def written_files(project) -> list[str]:
    """Files in the output folder (a failed build may leave empty folders, never files)."""
    build = project.path("build")
    return sorted(str(p.relative_to(project.root)) for p in build.rglob("*") if p.is_file()) if build.exists() else []


def by_identity(notes):
    return {n.identity: n for n in notes}


# --- identity ---------------------------------------------------------------------------


def test_guid_comes_from_fact_id_and_kind_only():
    assert note_guid("flood-deaths", "qa") == note_guid("flood-deaths", "qa")
    guids = {
        note_guid("flood-deaths", "qa"),
        note_guid("flood-deaths", "cloze"),
        note_guid("flood-deaths", "dispute", "chronicle-count"),
        note_guid("flood-deaths", "dispute", "pamphlet-count"),
        note_guid("first-master", "qa"),
    }
    assert len(guids) == 5


def test_editing_text_keeps_guids_and_changes_content(project):
    _, before = notes_of(project)
    project.replace("facts/guild.yaml", 'answer: "Ada Ferrier"', 'answer: "Ada B. Ferrier"')
    project.replace("facts/guild.yaml", 'statement: "Ada Ferrier became', 'statement: "Ada B. Ferrier became')
    _, after = notes_of(project)
    old, new = by_identity(before), by_identity(after)
    assert old.keys() == new.keys()
    for identity in old:
        assert old[identity].guid == new[identity].guid
        changed = identity.startswith("first-master/")
        assert (old[identity].content_hash() != new[identity].content_hash()) == changed, identity


def test_two_runs_give_the_same_notes(project):
    _, first = notes_of(project)
    _, second = notes_of(project)
    assert first == second


def test_guids_match_genanki_free_derivation(project):
    _, notes = notes_of(project)
    for note in notes:
        assert note.guid == note_guid(note.fact_id, note.kind, note.version_id, SAMPLE_NAMESPACE)


# --- which cards --------------------------------------------------------------------------


def test_card_kinds_per_fact(project):
    _, notes = notes_of(project)
    assert sorted(by_identity(notes)) == sorted(
        [
            "guild-founded/qa",
            "guild-founded/cloze",
            "first-master/qa",
            "first-master/reverse",
            "first-master/cloze",
            "guild-hall/qa",
            "guild-hall/reverse",
            "guild-hall/cloze",
            "flood-deaths/qa",
            "flood-deaths/dispute/chronicle-count",
            "flood-deaths/dispute/pamphlet-count",
            "guild-called-cartel/qa",
            "guild-called-cartel/cloze",
        ]
    )  # the draft fact has none; the characterization has no reverse; the disputed fact no reverse or cloze


@pytest.mark.parametrize(
    "kinds, expected",
    [
        (["qa"], ["qa"]),  # a disputed fact's question card is its "Sources disagree" card
        (["dispute"], ["qa", "dispute", "dispute"]),
        (["reverse", "cloze"], []),  # nothing that could assert one version
    ],
)
def test_disputed_fact_cards_follow_the_deck_kinds(project, kinds, expected):
    base = load_and_validate(project.root)
    plans = plan_cards(base.facts_by_id["flood-deaths"], kinds)
    assert [p.kind for p in plans] == expected


def test_deck_kinds_setting(project):
    project.replace("decks/all.yaml", "cards:\n", "cards:\n  kinds: [reverse]\n")
    _, notes = notes_of(project)
    assert sorted(n.identity for n in notes) == ["first-master/reverse", "guild-hall/reverse"]


# --- what the cards show ------------------------------------------------------------------


def test_back_of_every_card_shows_statement_sources_and_fact_id(project):
    base, notes = notes_of(project)
    for note in notes:
        fact = base.facts_by_id[note.fact_id]
        details = note.field_map["Details"]
        assert fact.statement.replace("'", "&#39;") in details
        assert f"<code>{fact.id}</code>" in details
        # A disputed fact's question card lists its versions, with their citations, once: in its answer.
        back = details + note.field_map.get("Answer", "")
        for citation in fact.all_citations():
            source = base.sources[citation.source]
            for shown in (source.title, source.publisher, citation.locator.replace("'", "&#39;"), source.stance):
                assert shown in back, (note.identity, shown)
        assert note.field_map["FactId"] == fact.id


def test_disputed_fact_shows_every_version_and_never_one_bare_answer(project):
    _, notes = notes_of(project)
    versions = [("12", "the chronicle"), ("40", "the Rival Society pamphlet")]
    disputed = [n for n in notes if n.fact_id == "flood-deaths"]
    assert len(disputed) == 3
    for note in disputed:
        details = note.field_map["Details"]
        answer_field = note.field_map["Answer"]
        assert "Disputed" in details
        # Every version once on each back: in the answer of the question card, on the back of a version card.
        listed = answer_field if note.kind == "qa" else details
        for answer, claimant in versions:
            assert listed.count(f"<strong>{answer}</strong>") == 1 and f"according to {claimant}" in listed
            if note.kind == "qa":
                assert f"<strong>{answer}</strong>" not in details
        # A version's claim and citations fold away (a phone shows the list at a glance); a version card opens
        # its own.
        assert listed.count('<details class="fd-more"') == len(versions) and "<summary" in listed
        assert listed.count('<details class="fd-more" open>') == (note.kind == "dispute")
        if note.kind == "qa":
            assert "Sources disagree" in note.field_map["Front"]
            assert all(
                f"<strong>{a}</strong>" in answer_field and f"according to {c}" in answer_field for a, c in versions
            )
        else:
            answer, claimant = dict(zip(("chronicle-count", "pamphlet-count"), versions))[note.version_id]
            assert f'According to <span class="fd-claimant">{claimant}</span>' in note.field_map["Front"]
            assert f"according to {claimant}" in answer_field


def test_attribution_is_shown(project):
    _, notes = notes_of(project)
    details = by_identity(notes)["guild-called-cartel/qa"].field_map["Details"]
    assert "according to the Rival Society (called)" in details


def test_single_source_is_marked(project):
    _, notes = notes_of(project)
    assert "single source" in by_identity(notes)["guild-hall/qa"].field_map["Details"]
    assert "single source" not in by_identity(notes)["first-master/qa"].field_map["Details"]


def test_reverse_card_shows_the_name_and_answers_with_the_question(project):
    _, notes = notes_of(project)
    reverse = by_identity(notes)["first-master/reverse"].field_map
    assert "Ada Ferrier" in reverse["Front"] and "Who is this person" in reverse["Front"]
    assert "Founding years · 1903" in reverse["Front"]
    assert "first master?" in reverse["Answer"] and "first master" not in reverse["Front"]


def test_cloze_blanks_the_answer_in_the_statement(project):
    _, notes = notes_of(project)
    cloze = by_identity(notes)["first-master/cloze"]
    assert cloze.note_type == CLOZE and len(cloze.fields) == len(NOTE_FIELDS[CLOZE])
    assert "{{c1::Ada Ferrier}} became the River Guild&#39;s first master in 1903." in cloze.field_map["Text"]


def test_tags(project):
    _, notes = notes_of(project)
    tags = {n.identity: set(n.tags) for n in notes}
    assert tags["flood-deaths/qa"] == {"era::decline", "kind::number", "card::qa", "casualties", "disputed"}
    assert tags["guild-hall/reverse"] == {"era::founding", "kind::place", "card::reverse", "buildings", "single-source"}


def test_subdecks_per_era_named_to_sort_in_history_order(project):
    _, notes = notes_of(project)
    assert {n.deck for n in notes} == {
        "River Guild history::1900–1920 Founding years",
        "River Guild history::1920–present Decline",
    }
    project.replace("decks/all.yaml", "  subdecks: true\n", "  subdecks: false\n")
    _, notes = notes_of(project)
    assert {n.deck for n in notes} == {"River Guild history"}


def test_era_title_with_deck_separator_is_an_input_error(project):
    project.replace("facts/eras.yaml", 'title: "Decline"', 'title: "Decline::Fall"')
    for command in (("build", "--format", "apkg"), ("check",)):  # an input rule: check refuses it too
        result = project.run(*command)
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == (
            "facts/eras.yaml:5: era 'decline': title 'Decline::Fall' contains "
            "'::', which Anki reads as a further subdeck"
        )
    assert not written_files(project)


def test_persian_text_is_isolated_right_to_left():
    html = anki_text("Mojahedin-e Khalq (سازمان مجاهدین خلق ایران).")
    assert html == 'Mojahedin-e Khalq (<span dir="rtl">سازمان مجاهدین خلق ایران</span>).'


@pytest.mark.parametrize(
    "text, label",
    [
        ("1965", "1965"),
        ("1965-09", "September 1965"),
        ("1965-09-05", "5 September 1965"),
        ("1935~", "c. 1935"),
        ("1981?", "1981 (uncertain)"),
        ("1980/1981-06", "1980–June 1981"),
        (None, ""),
    ],
)
def test_date_label(text, label):
    assert date_label(text) == label


@pytest.mark.parametrize(
    "statement, answer, blanks",
    [
        ("The guild was founded in 1901 by ferry workers.", "1901", ["1901"]),
        (
            "Founded in 1965, which the article dates to 5 September 1965.",
            "1965 (5 September 1965 per the article)",
            ["1965", "1965"],
        ),
        (
            "The founders came out of the Freedom Movement of Iran.",
            "The Freedom Movement of Iran",
            ["the Freedom Movement of Iran"],
        ),
        (
            "The founders were Freedom Movement of Iran members.",
            "The Freedom Movement of Iran",
            ["Freedom Movement of Iran"],
        ),
        ("The Rival Society called the River Guild a cartel.", "A cartel", ["a cartel"]),
        ("Sepinoud reports that some 70 of the 159 members left.", "About 70", ["70"]),
    ],
)
def test_cloze_parts(statement, answer, blanks):
    parts = cloze_parts(statement, answer)
    assert parts is not None
    assert [p.text for p in parts if p.blank] == blanks
    assert "".join(p.text for p in parts) == statement


@pytest.mark.parametrize(
    "statement, answer",
    [
        ("The hall was finished in 1910.", "Millford"),  # the answer is not in the statement
        ("It was built in 1912.", "12"),  # only inside a longer number
        ("Ada Ferrier led.", "Ada Ferrier"),  # too little left to recall it from
    ],
)
def test_no_cloze_where_none_makes_sense(statement, answer):
    assert cloze_parts(statement, answer) is None


# --- escaping -------------------------------------------------------------------------------


def test_fact_text_never_becomes_markup_or_anki_syntax(project):
    project.write("facts/hostile.yaml", XSS_FACT)
    _, notes = notes_of(project)
    hostile = [n for n in notes if n.fact_id == "hostile-text"]
    assert {n.kind for n in hostile} == {"qa", "reverse", "cloze"}
    for note in hostile:
        for value in note.fields:
            assert not re.search(r"<\s*(script|img|b)\b", value, re.IGNORECASE), value
            assert "[sound:" not in value and "{{c2::" not in value and "\\(" not in value
        assert "&lt;script&gt;" in note.field_map.get("Front", "") + note.field_map["Details"]
    cloze = by_identity(hostile)["hostile-text/cloze"].field_map["Text"]
    assert cloze.count("{{c") == 1 and cloze.count("}}") == 1
    assert "{{c1::Bo &lt;img src=x onerror=alert(1)&gt;}}" in cloze


def test_hostile_text_renders_inert_in_anki(project, tmp_path, clock):
    from anki.collection import Collection, ImportAnkiPackageRequest

    project.write("facts/hostile.yaml", XSS_FACT)
    assert project.run("build", "--format", "apkg").exit_code == 0
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(project.path("build/guild-history/guild-history.apkg")))
        )
        cards = [col.get_card(c) for c in col.find_cards("FactId:hostile-text")]
        assert len(cards) == 3
        for card in cards:
            for html in (card.question(), card.answer()):
                assert not re.search(r"<\s*(script|img)\b", html, re.IGNORECASE)
                assert "[sound:" not in html and "\\(" not in html
                assert not card.question_av_tags() and not card.answer_av_tags()
        cloze = next(c for c in cards if c.note().note_type()["type"] == 1)
        assert len(cloze.note().cards()) == 1  # the {{c2::…}} in the text made no second card
    finally:
        col.close()


# --- the apkg stage -------------------------------------------------------------------------


def read_apkg(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        data = archive.read("collection.anki2")
    db = path.parent / "inspect.anki2"
    db.write_bytes(data)
    connection = sqlite3.connect(db)
    try:
        notes = {
            guid: (flds, tags, mod)
            for guid, flds, tags, mod in connection.execute("SELECT guid, flds, tags, mod FROM notes")
        }
        decks = json.loads(connection.execute("SELECT decks FROM col").fetchone()[0])
        models = json.loads(connection.execute("SELECT models FROM col").fetchone()[0])
    finally:
        connection.close()
        db.unlink()
    return {
        "notes": notes,
        "decks": {d["name"]: int(i) for i, d in decks.items()},
        "models": {m["name"]: (int(i), m["mod"], m["tmpls"]) for i, m in models.items()},
    }


def test_build_writes_apkg_named_by_deck_id(project, clock):
    project.replace("decks/all.yaml", 'name: "River Guild history"', 'name: "River/Guild: <history>?"')
    result = project.run("build", "guild-history", "--format", "apkg")
    assert result.exit_code == 0, result.output
    apkg = project.path("build/guild-history/guild-history.apkg")
    content = read_apkg(apkg)
    assert "River/Guild: <history>?" in content["decks"]
    assert len(content["notes"]) == 13
    assert project.path("build/.factdeck/anki-notes.json").exists()
    assert not list(project.path("build").rglob("*.factdeck-tmp"))


def test_note_types_keep_anki_syntax_and_fixed_ids(project, clock):
    assert project.run("build", "--format", "apkg").exit_code == 0
    models = read_apkg(project.path("build/guild-history/guild-history.apkg"))["models"]
    card_id, _, card_templates = models["river-guild: fact card"]
    cloze_id, _, cloze_templates = models["river-guild: fact cloze"]
    assert card_id == ids.stable_id("river-guild note type", "factdeck-card-v1")
    assert cloze_id == ids.stable_id("river-guild note type", "factdeck-cloze-v1")
    assert "{{Front}}" in card_templates[0]["qfmt"] and "{{FrontSide}}" in card_templates[0]["afmt"]
    assert "{{cloze:Text}}" in cloze_templates[0]["qfmt"]


def test_deck_id_is_fixed_or_configured(project, clock):
    assert project.run("build", "--format", "apkg").exit_code == 0
    decks = read_apkg(project.path("build/guild-history/guild-history.apkg"))["decks"]
    assert decks["River Guild history"] == ids.stable_id("river-guild deck", "guild-history")
    project.replace("decks/all.yaml", "cards:\n", "cards:\n  anki_deck_id: 1234567890\n")
    assert project.run("build", "--format", "apkg").exit_code == 0
    decks = read_apkg(project.path("build/guild-history/guild-history.apkg"))["decks"]
    assert decks["River Guild history"] == 1234567890


def test_same_anki_deck_id_twice_is_an_error(project, clock):
    project.write("decks/copy.yaml", project.read("decks/all.yaml").replace("id: guild-history", "id: guild-copy"))
    project.replace("decks/all.yaml", "cards:\n", "cards:\n  anki_deck_id: 1234567890\n")
    project.replace("decks/copy.yaml", "cards:\n", "cards:\n  anki_deck_id: 1234567890\n")
    for command in (("build", "--format", "apkg"), ("check",)):  # an input rule: check refuses it too
        result = project.run(*command)
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == (
            "decks/copy.yaml:1: deck 'guild-copy' has the same Anki deck id as "
            "deck 'guild-history' (1234567890): set cards.anki_deck_id"
        )
    assert not written_files(project)


def test_unchanged_notes_keep_their_time_and_changed_ones_move_later(project, clock):
    assert project.run("build", "--format", "apkg").exit_code == 0
    first = read_apkg(project.path("build/guild-history/guild-history.apkg"))["notes"]
    assert {mod for _, _, mod in first.values()} == {T0}
    # Same second: the changed note must still come out strictly newer.
    project.replace("facts/guild.yaml", "built its hall in Millford", "built its great hall in Millford")
    assert project.run("build", "--format", "apkg").exit_code == 0
    second = read_apkg(project.path("build/guild-history/guild-history.apkg"))["notes"]
    changed = {g for g in first if first[g] != second[g]}
    hall = {note_guid("guild-hall", k, namespace=SAMPLE_NAMESPACE) for k in ("qa", "reverse", "cloze")}
    assert changed == hall
    assert all(second[g][2] == T0 + 1 for g in hall)
    clock["t"] = T0 + 500
    project.replace("facts/guild.yaml", "built its great hall", "built its grand hall")
    assert project.run("build", "--format", "apkg").exit_code == 0
    third = read_apkg(project.path("build/guild-history/guild-history.apkg"))["notes"]
    assert all(third[g][2] == T0 + 500 for g in hall)
    assert all(third[g][2] == T0 for g in third if g not in hall)


def test_no_state_means_current_time(project, clock):
    clock["t"] = T0 + 42
    assert project.run("build", "--format", "apkg").exit_code == 0
    notes = read_apkg(project.path("build/guild-history/guild-history.apkg"))["notes"]
    assert {mod for _, _, mod in notes.values()} == {T0 + 42}


def test_rebuild_without_change_is_byte_identical(project, clock):
    assert project.run("build", "--format", "apkg").exit_code == 0
    apkg = project.path("build/guild-history/guild-history.apkg")
    first = apkg.read_bytes()
    clock["t"] = T0 + 3600
    assert project.run("build", "--format", "apkg").exit_code == 0
    assert apkg.read_bytes() == first


def test_corrupt_state_is_a_one_line_error_and_writes_nothing(project, clock):
    project.write("build/.factdeck/anki-notes.json", "{not json")
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "anki-notes.json: unreadable Anki note state" in result.stderr
    assert written_files(project) == ["build/.factdeck/anki-notes.json"]


def test_template_error_names_the_template_and_writes_nothing(project, clock):
    project.replace("templates/anki/fields/details.html", "{{ fact.statement|text }}", "{{ fact.no_such_field }}")
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: templates/anki/fields/details.html")
    assert not written_files(project)


def test_shipped_decks_build(clock, tmp_path):
    """The repository's own fact base and decks render without error or genanki warning, and every field is
    HTML genanki's own check passes (the build skips that check: see apkg_file.py, which writes the rows itself)."""
    import warnings

    import genanki

    from factdeck.build import build

    root = Path(__file__).resolve().parent.parent
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = build(root, ["mek-history", "mek-disputes"], ("apkg",), output=tmp_path / "out")
    apkg = [p for p in result.written if p.suffix == ".apkg" and "sessions" not in p.parts]  # not meeting packs
    assert len(apkg) == 2
    for path in apkg:
        fields = [f for flds, _, _ in read_apkg(path)["notes"].values() for f in flds.split("\x1f")]
        assert fields and not [f for f in fields if genanki.Note._find_invalid_html_tags_in_field(f)]
    base = load_and_validate(root)
    disputes = select_facts(base, base.deck("mek-disputes"))
    notes = read_apkg(tmp_path / "out/mek-disputes/mek-disputes.apkg")["notes"]
    # Besides the deck's own notes, every note it released before stays (docs/anki.md): withdrawn where nothing
    # makes it any more, as it is where another deck still does.
    made = sum(1 + len(f.dispute.versions) for f in disputes)
    published = json.loads((root / "decks/published/mek-disputes.json").read_text(encoding="utf-8"))["notes"]
    released = {n["guid"] for n in published.values()}
    assert released <= set(notes)  # nothing published disappears
    assert made <= len(notes) <= made + len(released)
    assert {note_guid(f.id, "qa") for f in disputes}  # the shipped namespace <= notes.keys()


def test_shipped_decks_carry_the_times_they_were_released_with(clock, tmp_path, monkeypatch):
    """A build of the shipped facts gives every note of a deck and of its edition in another language the time its
    release record holds (the records are current: CI's `check --strict` refuses a package that differs from its
    record). The two decks' notes share identities (`fact-id/kind`) but not GUIDs or contents; a note timed by the
    other deck's record looked changed in every build and every release."""
    from factdeck.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))  # a note wrongly timed would get this
    root = Path(__file__).resolve().parent.parent
    build(root, ["mek-history", "mek-history-fa"], ("apkg",), output=tmp_path / "out")
    for deck_id in ("mek-history", "mek-history-fa"):
        notes = read_apkg(tmp_path / f"out/{deck_id}/{deck_id}.apkg")["notes"]
        published = json.loads((root / f"decks/published/{deck_id}.json").read_text(encoding="utf-8"))["notes"]
        released = {n["guid"]: n["mod"] for n in published.values()}
        assert released and set(released) <= set(notes)
        assert {guid: notes[guid][2] for guid in released} == released, deck_id


_ASCII = st.text(st.sampled_from(list("aAbB _1-.'é")), max_size=30)


@given(text=_ASCII, word=_ASCII.filter(bool))
@example(text="a a a", word="a a")  # matches must not overlap
def test_whole_word_search_agrees_with_the_pattern(text, word):
    # The ASCII fast path must find exactly what the case-insensitive whole-word pattern finds.
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    assert whole_word_spans(text, word) == [m.span() for m in pattern.finditer(text)]


def test_a_note_record_travels_whole_and_a_changed_copy_hashes_anew(project):
    from dataclasses import replace

    _, records = notes_of(project)
    for record in records:
        again = NoteRecord.from_tuple(record.as_tuple())
        assert again == record and again.content == record.content == record._hash()
    changed = replace(records[0], fields=("other", *records[0].fields[1:]))
    assert changed.content == changed._hash() != records[0].content
    assert replace(records[0], deck="Elsewhere").content == records[0].content  # the deck is not in a note
    with pytest.raises(ValueError):
        NoteRecord.from_tuple(records[0].as_tuple()[:-1])


def test_card_templates_see_jinja_globals(project):
    from factdeck.outputs.anki.cards import anki_environment

    env = anki_environment(project.root)
    assert type(env.from_string("").globals) is dict  # a plain dict, not Jinja2's ChainMap (see render.py)
    assert env.from_string("{{ range(3)|list|length }}{{ namespace(a=1).a }}{{ dict(b=2).b }}").render() == "312"


@given(text=st.text(st.sampled_from(list("aé &<>\"'{}[]\\$:(). 0123۱سلامعربی\u200c\u202eש")), max_size=40))
@example(text="<b>{{c1::x}}</b> [sound:a.mp3] \\(x\\) & 'q' \"r\"")
@example(text="سلام <b>{x}</b> & word")
def test_card_text_in_one_pass_is_escaping_then_making_inert(text):
    # A text without right-to-left letters is escaped and made inert by one table (card_text.py); the result is
    # what markupsafe's escape and right-to-left isolation followed by the inert table make.
    from markupsafe import Markup

    from factdeck.outputs.anki import card_text
    from factdeck.text.bidi import isolate_rtl

    made = card_text._anki_text.__wrapped__(text)
    assert type(made) is Markup
    assert made == Markup(str(isolate_rtl(text)).translate(card_text._INERT))
