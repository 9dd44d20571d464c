"""The duplicate-front check renders only the facts whose fronts may meet another's: it finds every warning
that rendering every note of every deck finds, on the shipped project and with planted duplicates of each
kind of card, and with a project's own front template."""

from __future__ import annotations

from pathlib import Path

import pytest

from factdeck.build import load_and_validate
from factdeck.outputs.anki.cards import CardMaker
from factdeck.outputs.anki.checks import anki_warnings
from factdeck.outputs.anki.fronts import duplicate_fronts
from factdeck.records.select import select_facts, selected_groups

REPO = Path(__file__).resolve().parents[1]

SECOND_HALL = (
    '- id: guild-hall-second\n  kind: place\n  era: founding\n  date: "1910"\n  tags: []\n'
    '  question: "Which town did the River Guild choose for its second meeting room?"\n  answer: "Millford"\n'
    '  statement: "The River Guild built its hall in Millford in 1910."\n'
    '  citations:\n    - source: chronicle\n      locator: "chapter 2, para. 1"\n'
    '      quote: "the hall at Millford, finished in 1910"\n'
    "  status: vetted\n  vetted: 2026-11-22\n\n"
)


def _every_warning(root: Path) -> list[str]:
    """What rendering every note of every deck finds (the check's reference)."""
    base = load_and_validate(root)
    maker = CardMaker(base)
    return sorted(
        f"deck '{deck.id}': {message}"
        for deck in base.decks
        for message in duplicate_fronts(maker.deck_notes(deck, select_facts(base, deck)))
    )


def _checked(root: Path) -> list[str]:
    return sorted(p.message for p in anki_warnings(load_and_validate(root), None))


def test_the_shipped_project():
    assert _checked(REPO) == _every_warning(REPO)


@pytest.mark.parametrize("own_template", [False, True])
def test_planted_reverse_and_cloze_duplicates(project, own_template):
    project.replace("facts/guild.yaml", "- id: guild-hall\n", SECOND_HALL + "- id: guild-hall\n")
    if own_template:
        project.write("templates/anki/fields/front-reverse.html", "<div>{{ fact.answer|text }}</div>\n")
    expected = _every_warning(project.root)
    assert any("guild-hall-second/reverse" in w for w in expected)  # same name, era and date: one front
    assert any("guild-hall-second/cloze" in w for w in expected)  # same statement and answer
    assert _checked(project.root) == expected


def test_each_files_keys_are_kept_and_an_edit_works_out_its_own_file_s(project, monkeypatch):
    from factdeck.outputs.anki import checks

    project.replace("facts/guild.yaml", "- id: guild-hall\n", SECOND_HALL + "- id: guild-hall\n")
    first = [str(p) for p in checks.duplicate_front_warnings(load_and_validate(project.root), None)]
    assert first
    keyed: list[str] = []
    fronts = checks._fronts
    monkeypatch.setattr(checks, "_fronts", lambda base, fact: keyed.append(fact.file) or fronts(base, fact))

    def warnings() -> list[str]:
        return [str(p) for p in checks.duplicate_front_warnings(load_and_validate(project.root), None)]

    def uncached() -> list[str]:
        with monkeypatch.context() as patch:
            patch.setenv("FACTDECK_NO_CACHE", "1")
            return warnings()

    assert warnings() == first and not keyed  # nothing changed: every file's keys kept
    project.replace("facts/guild.yaml", "Which town did the River Guild choose", "Which town did the Guild choose")
    edited = warnings()
    assert keyed and set(keyed) == {"facts/guild.yaml"}
    assert edited == uncached()
    keyed.clear()
    project.replace("facts/eras.yaml", "- id: founding\n  title: ", "- id: founding\n  title: The ")  # every key
    assert warnings() == uncached()
    assert set(keyed) == {f.file for f in load_and_validate(project.root).facts}


def test_kept_keys_that_are_not_every_facts_keys_are_a_miss():
    from types import SimpleNamespace

    from factdeck.outputs.anki.checks import _same_facts

    facts = [SimpleNamespace(id="a"), SimpleNamespace(id="b")]
    assert _same_facts({"a": (("qa", "x", ""),), "b": ()}, facts)
    for bad in ({"a": (("qa", 1),), "b": ()}, {"a": [("qa", "x")], "b": ()}, {"a": (["qa", "x"],), "b": ()},
                {"a": (), "c": ()}, {"b": (), "a": ()}, [("a", ())], None):  # fmt: skip
        assert not _same_facts(bad, facts)


def _shares_made(monkeypatch) -> list[str]:
    """The files whose share of a deck's fronts is made (not kept) while installed."""
    from factdeck.outputs.anki import checks

    made: list[str] = []
    distinct = checks._FrontShares.distinct

    def counted(shares, deck, groups):
        kept = shares.store.load(deck.id)
        kept = kept if checks._front_shares(kept) else {}
        grouped, matched = groups
        for file, group in grouped.items():
            share = kept.get(shares.base.file_keys.get(file))
            if (share is None or share[3] != checks._which_facts(group, matched.get(file))) and file not in made:
                made.append(file)
        return distinct(shares, deck, groups)

    monkeypatch.setattr(checks._FrontShares, "distinct", counted)
    return made


def _uncached(root: Path, monkeypatch) -> list[str]:
    from factdeck.outputs.anki import checks

    with monkeypatch.context() as patch:
        patch.setenv("FACTDECK_NO_CACHE", "1")
        return [str(p) for p in checks.duplicate_front_warnings(load_and_validate(root), None)]


def test_each_decks_fronts_are_told_apart_from_each_files_kept_share(project, monkeypatch):
    from factdeck.outputs.anki import checks

    def warnings() -> list[str]:
        return [str(p) for p in checks.duplicate_front_warnings(load_and_validate(project.root), None)]

    assert warnings() == [] == _uncached(project.root, monkeypatch)
    made = _shares_made(monkeypatch)
    exact = []
    kept_keys = checks._kept_keys
    monkeypatch.setattr(checks, "_kept_keys", lambda *args: exact.append(1) or kept_keys(*args))
    assert warnings() == [] and made == [] and exact == []  # nothing changed: every share kept, no fact's keys read
    project.replace("facts/guild.yaml", "In which town did the River Guild build its hall?", "In what town?")
    assert warnings() == []
    assert made == ["facts/guild.yaml"] and exact == []  # the edited file's share alone made
    assert _uncached(project.root, monkeypatch) == []
    made.clear()
    project.replace("facts/guild.yaml", "- id: guild-hall\n", SECOND_HALL + "- id: guild-hall\n")  # two fronts meet
    found = warnings()
    assert found and found == _uncached(project.root, monkeypatch) and exact


def _fact_taken_again(project, monkeypatch) -> list[str]:
    """The warnings after a deck takes again a fact of an unchanged file whose fronts meet another's."""
    from factdeck.outputs.anki import checks

    project.replace("facts/guild.yaml", "- id: guild-hall\n", SECOND_HALL + "- id: guild-hall\n")
    project.replace("decks/all.yaml", "cards:\n", "select:\n  exclude:\n    facts: [guild-hall-second]\ncards:\n")
    assert checks.duplicate_front_warnings(load_and_validate(project.root), None) == []
    before = load_and_validate(project.root).file_keys
    project.replace("decks/all.yaml", "select:\n  exclude:\n    facts: [guild-hall-second]\n", "")
    base = load_and_validate(project.root)
    assert base.file_keys == before  # only which facts the deck takes changed
    return [str(p) for p in checks.duplicate_front_warnings(base, None)]


def test_a_fact_a_deck_takes_again_is_told_apart_as_without_a_cache(project, monkeypatch):
    found = _fact_taken_again(project, monkeypatch)
    assert found and found == _uncached(project.root, monkeypatch)


def test_shares_kept_whatever_facts_a_deck_takes_would_be_caught(project, monkeypatch):
    from factdeck.outputs.anki import checks

    monkeypatch.setattr(checks, "_which_facts", lambda facts, matched: "")
    monkeypatch.setattr(checks, "_front_shares", lambda value: type(value) is dict)  # which facts: not told apart
    found = _fact_taken_again(project, monkeypatch)
    assert found != _uncached(project.root, monkeypatch)


def test_kept_front_shares_that_are_not_hashes_by_file_key_are_a_miss():
    from factdeck.outputs.anki.checks import _front_shares

    eight = bytes(8)
    assert _front_shares({"k": ("a\nb", eight * 3, (1, 2), "a\nb")}) and _front_shares({"k": ("", b"", (), "")})
    assert _front_shares({"k": ("a", eight, (1,), "matched\x0001")})
    for bad in ({"k": ("a", eight + b"x", (1,), "a")}, {"k": ("a", (1,), (1,), "a")}, {"k": (1, eight, (1,), "a")},
                {"k": ("a",)}, {1: ("a", b"", (0,), "a")}, {"k": ("a\nb", eight * 2, (2,), "a\nb")},
                {"k": ("a\nb", eight * 2, (3, -1), "a\nb")}, {"k": ("a", eight * 2, (1,), "a")},
                {"k": ("a", eight, [1], "a")}, {"k": ("a", eight)}, {"k": ("a", eight, (1,))},
                {"k": ("a", eight, (1,), b"a")}, {"k": ("a", eight, (1,), None)}, [], None):  # fmt: skip
        assert not _front_shares(bad)


HALL_QUESTION = "In which town did the River Guild build its hall?"
CARTEL_QUESTION = "What did the Rival Society call the River Guild?"


def _keyed_facts(monkeypatch) -> list[str]:
    """The ids of the facts whose fronts are keyed (not carried) while installed."""
    from factdeck.outputs.anki import checks

    keyed: list[str] = []
    fronts = checks._fronts
    monkeypatch.setattr(checks, "_fronts", lambda base, fact: keyed.append(fact.id) or fronts(base, fact))
    return keyed


def test_an_edited_files_other_facts_carry_their_fronts(project, monkeypatch):
    from factdeck.outputs.anki import checks

    def warnings() -> list[str]:
        return [str(p) for p in checks.duplicate_front_warnings(load_and_validate(project.root), None)]

    assert warnings() == []
    keyed = _keyed_facts(monkeypatch)
    project.replace("facts/guild.yaml", CARTEL_QUESTION, "What did the Rival Society name the River Guild?")
    assert warnings() == []
    assert keyed == ["guild-called-cartel"]  # the edited fact alone, of the deck's five facts of the file
    assert _uncached(project.root, monkeypatch) == []
    keyed.clear()
    project.replace("facts/guild.yaml", "What did the Rival Society name the River Guild?", HALL_QUESTION)
    found = warnings()  # the edited fact's front meets a carried one's
    assert found and found == _uncached(project.root, monkeypatch) and any("guild-called-cartel" in w for w in found)
    project.replace(
        "facts/guild.yaml", f'question: "{HALL_QUESTION}"\n  answer: "A', f'question: "{CARTEL_QUESTION}"\n  answer: "A'
    )
    assert warnings() == [] == _uncached(project.root, monkeypatch)  # and back


def test_fronts_carried_whatever_the_record_would_be_caught(project, monkeypatch):
    from factdeck.engine import record_cache
    from factdeck.outputs.anki import checks

    def warnings() -> list[str]:
        return [str(p) for p in checks.duplicate_front_warnings(load_and_validate(project.root), None)]

    assert warnings() == []
    monkeypatch.setattr(record_cache, "same_record", lambda then, now: then.id == now.id)
    project.replace("facts/guild.yaml", CARTEL_QUESTION, HALL_QUESTION)
    expected = _uncached(project.root, monkeypatch)
    assert expected and warnings() != expected


def test_a_fact_a_deck_takes_again_is_keyed_alone(project, monkeypatch):
    from factdeck.outputs.anki import checks

    project.replace("facts/guild.yaml", "- id: guild-hall\n", SECOND_HALL + "- id: guild-hall\n")
    project.replace("decks/all.yaml", "cards:\n", "select:\n  exclude:\n    facts: [guild-hall-second]\ncards:\n")
    assert checks.duplicate_front_warnings(load_and_validate(project.root), None) == []
    keyed = _keyed_facts(monkeypatch)
    project.replace("decks/all.yaml", "select:\n  exclude:\n    facts: [guild-hall-second]\n", "")
    shares = checks._FrontShares(load_and_validate(project.root), checks._fronts, True)
    base = shares.base
    assert not all(  # two fronts meet
        shares.distinct(deck, selected_groups(base, deck, select_facts(base, deck))) for deck in base.decks
    )
    assert keyed == ["guild-hall-second"]  # the file's other facts taken from its share under the same key
