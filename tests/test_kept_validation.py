"""A passing validation's outcome, kept under a hash of everything validation reads (engine/kept_validation.py):
the fact base it gives back is the one a validation makes, field by field and record by record, and only for the
very inputs and settings it was made from; worksheets made from it are the same bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from conftest import imported_by, sample_project, shipped_copy

from factdeck.build import load_and_validate
from factdeck.engine import kept_check, kept_validation, validation
from factdeck.exceptions import ValidationFailed
from factdeck.quiz.option_pools import MADE_FROM
from factdeck.records import select, validate
from factdeck.records.factbase import FactBase
from test_kept_check import EDITS, UNCITED
from test_naming import GLOSSARY
from test_record_cache import located


@pytest.fixture
def validated(monkeypatch) -> list[tuple]:
    """The validations that ran (the others gave the kept outcome back)."""
    calls: list[tuple] = []
    original = validation._validated
    monkeypatch.setattr(validation, "_validated", lambda *args: calls.append(args) or original(*args))
    return calls


def described(base: FactBase) -> dict:
    """Every field of the base a later stage reads (all but the session, the parse cache and the release
    records, which a kept base leaves to their readers), each record with its place and the fields set."""

    def records(items) -> list:
        return [(r.model_dump(), located(r)) for r in items]

    return {
        "root": base.root,
        "config": records([base.config]),
        "sources": list(base.sources) + records(base.sources.values()),
        "eras": records(base.eras),
        "facts": records(base.facts),
        "decks": records(base.decks),
        "glossary": records(base.glossary),
        "warnings": [(str(p), [str(f) for f in p.folded]) for p in base.warnings],
        "quotes": None if base.quotes is None else (base.quotes.verified, base.quotes.unverified, base.quotes.sources),
        "held back": list(base.held_back) + records(base.held_back.values()),
        "file keys": base.file_keys,
        "orders": (base.era_order, list(base.facts_by_id), base.fact_order),
    }


def kept_and_fresh(root, monkeypatch, **options) -> tuple[dict, dict]:
    """The base as a kept validation gives it, and as a validation makes it (with the record cache, whose
    answers are held to fresh ones in tests/test_record_cache.py, and whose keys the base carries)."""
    kept = described(load_and_validate(root, kept=True, **options))
    fresh = described(load_and_validate(root, **options))
    return kept, fresh


def _held_back(project) -> None:
    project.replace("facts/guild.yaml", "Millford in 1910.", "Millgate in 1910.", vet=False)  # changed since vetted


def _glossary(project) -> None:
    project.write("facts/glossary.yaml", GLOSSARY)


def _warned(project) -> None:
    project.write("facts/sources.yaml", project.read("facts/sources.yaml") + UNCITED)


PROJECTS: dict[str, Callable] = {
    "sample": lambda project: None,
    "a fact held back": _held_back,
    "a glossary": _glossary,
    "a warning": _warned,
}


@pytest.mark.parametrize("make", PROJECTS.values(), ids=PROJECTS.keys())
@pytest.mark.parametrize("archive", [False, True], ids=["no archive", "archive"])
def test_the_kept_base_is_the_validated_one(project, monkeypatch, validated, make, archive):
    make(project)
    validated.clear()  # (writing a fact file validates it to vet it again)
    options = {"archive": project.archive} if archive else {}
    first, fresh = kept_and_fresh(project.root, monkeypatch, **options)
    assert first == fresh and len(validated) == 2
    again, _ = kept_and_fresh(project.root, monkeypatch, **options)
    assert again == fresh and len(validated) == 3  # the fresh one only


def test_the_shipped_project_comes_back_whole(tmp_path, monkeypatch, validated):
    project = shipped_copy(tmp_path / "shipped", translations=True)
    kept_and_fresh(project.root, monkeypatch)
    kept, fresh = kept_and_fresh(project.root, monkeypatch)
    assert kept == fresh and len(validated) == 3


def _distributions(project, monkeypatch) -> None:
    monkeypatch.setattr(kept_check, "installed", lambda: ["another pydantic"])


# What a check reads (tests/test_kept_check.py), but where the outputs go, which validation does not read.
READ = {name: _distributions if name == "installed distributions" else edit for name, edit in EDITS.items()}
del READ["output folder a link outside"]


@pytest.mark.parametrize("edit", READ.values(), ids=READ.keys())
def test_every_change_validation_reads_validates_afresh(project, monkeypatch, validated, edit):
    load_and_validate(project.root, archive=project.archive, kept=True)
    load_and_validate(project.root, archive=project.archive, kept=True)
    assert len(validated) == 1
    edit(project, monkeypatch)
    validated.clear()  # (writing a fact file validates it to vet it again)
    try:
        kept, fresh = kept_and_fresh(project.root, monkeypatch, archive=project.archive)
    except ValidationFailed:
        return  # (a failing validation keeps nothing)
    assert kept == fresh
    assert len(validated) == 2  # the edit validated, and so did the fresh one


@pytest.mark.parametrize("option", ["strict", "archive", "unhashed"])
def test_each_option_is_its_own_outcome(project, monkeypatch, validated, option):
    _warned(project)
    load_and_validate(project.root, kept=True)
    validated.clear()
    values = {"strict": True, "archive": project.archive, "unhashed": frozenset({"chronicle"})}
    if option == "strict":  # the uncited source's warning is an error
        with pytest.raises(ValidationFailed):
            load_and_validate(project.root, kept=True, strict=True)
        assert len(validated) == 1
        return
    kept, fresh = kept_and_fresh(project.root, monkeypatch, **{option: values[option]})
    assert kept == fresh and len(validated) == 2


def test_a_day_in_the_future_is_an_error_until_that_day(project, monkeypatch, validated):
    today = dt.date(2026, 11, 22)
    for module in (validate, kept_check):  # the day is read where every kept outcome's key is made
        monkeypatch.setattr(module, "latest_today", lambda: today)
    project.replace("facts/guild.yaml", "vetted: 2026-11-22", "vetted: 2026-11-23", vet=False)
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            load_and_validate(project.root, kept=True)
    today = dt.date(2026, 11, 23)
    load_and_validate(project.root, kept=True)
    today = dt.date(2026, 11, 22)
    with pytest.raises(ValidationFailed):
        load_and_validate(project.root, kept=True)
    assert len(validated) == 4


def test_an_edit_made_while_validating_is_not_filed_under_the_text_it_replaced(project, monkeypatch, validated):
    original = validation._validated

    def edited_meanwhile(*args):
        base = original(*args)
        project.write("facts/sources.yaml", project.read("facts/sources.yaml") + UNCITED, vet=False)
        return base

    monkeypatch.setattr(validation, "_validated", edited_meanwhile)
    load_and_validate(project.root, kept=True)
    monkeypatch.setattr(validation, "_validated", original)
    assert any("almanac" in str(p) for p in load_and_validate(project.root, kept=True).warnings)
    project.write("facts/sources.yaml", project.read("facts/sources.yaml").replace(UNCITED, ""))
    kept, fresh = kept_and_fresh(project.root, monkeypatch)
    assert kept == fresh


def test_damage_and_trimmed_records_are_misses(project, parse_cache_folder, monkeypatch, validated):
    load_and_validate(project.root, kept=True)
    folder = kept_validation.cache_folder(kept_validation.FOLDER)
    assert folder is not None
    entries = [p for p in folder.glob("*/*") if p.is_file()]
    assert len(entries) == 1
    entries[0].write_bytes(b"damaged")
    kept, fresh = kept_and_fresh(project.root, monkeypatch)
    assert kept == fresh and len(validated) == 3  # damaged: validated (and kept again), and the fresh one
    for record in (parse_cache_folder.parent / "records").rglob("*"):
        if record.is_file():
            record.unlink()  # the record cache trimmed away
    kept, fresh = kept_and_fresh(project.root, monkeypatch)
    assert kept == fresh and len(validated) == 5
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    load_and_validate(project.root, kept=True)
    load_and_validate(project.root, kept=True)
    assert len(validated) == 7


def test_a_watch_keeps_its_own(project, validated):
    from factdeck.engine.session import Session

    session = Session(keeping=True)
    load_and_validate(project.root, kept=True, session=session)
    load_and_validate(project.root, kept=True, session=session)
    assert len(validated) == 2


def test_worksheets_from_a_kept_base_are_the_same_bytes(tmp_path, monkeypatch, validated):
    project = sample_project(tmp_path / "proj", more_facts=True)
    made = []
    for env in ({"FACTDECK_NO_CACHE": "1"}, {}, {}):
        with monkeypatch.context() as m:
            for name, value in env.items():
                m.setenv(name, value)
            result = project.run("quiz", "guild-history", "--questions", "12", "--versions", "2")
        assert result.exit_code == 0, result.output
        made.append(
            (result.output, {p.name: p.read_bytes() for p in (project.root / "build" / "guild-history").glob("*.pdf")})
        )
    assert made[0] == made[1] == made[2] and len(made[0][1]) == 4
    assert len(validated) == 2  # with nothing kept, then kept; the third took it back


def test_a_worksheet_from_a_kept_base_parses_no_yaml(tmp_path):
    # PyYAML is imported where a text is parsed (records/yaml_parse.py): a worksheet that takes the kept
    # validation back parses nothing, so it never imports it; once a fact file changed, it parses that file.
    project = sample_project(tmp_path / "proj", more_facts=True)
    argv = ["quiz", "guild-history", "--questions", "12", "--project", str(project.root)]
    assert imported_by(argv, ("yaml",))[1] == "['yaml']"  # validates, and keeps the outcome
    assert imported_by(argv, ("yaml",))[1] == "[]"
    project.write("facts/guild.yaml", project.read("facts/guild.yaml") + "# a comment added\n", vet=False)
    assert imported_by(argv, ("yaml",))[1] == "['yaml']"
    assert imported_by(argv, ("yaml",))[1] == "[]"


def test_a_kept_base_names_the_inputs_its_facts_were_made_from(project, validated):
    """The kept validation's key, which hashes every input of the facts, is on the bases it keeps and gives back
    (the wrong options' pools are found by it: tests/test_kept_pools.py), on no other, and changes with a fact."""
    first = load_and_validate(project.root, kept=True)  # validates, and keeps
    again = load_and_validate(project.root, kept=True)  # taken back
    assert len(validated) == 1
    assert first.__dict__[MADE_FROM] == again.__dict__[MADE_FROM]
    assert MADE_FROM not in load_and_validate(project.root).__dict__  # nothing kept: nothing to name
    assert MADE_FROM not in dataclasses.replace(again).__dict__  # a copy (in another language, say) is not them
    project.replace("facts/guild.yaml", "Millford in 1910.", "Millgate in 1910.")
    edited = load_and_validate(project.root, kept=True)
    assert edited.__dict__[MADE_FROM] != first.__dict__[MADE_FROM]
    assert load_and_validate(project.root, kept=True).__dict__[MADE_FROM] == edited.__dict__[MADE_FROM]


def test_a_kept_bases_selections_are_the_decks_selections(tmp_path, monkeypatch):
    """A deck's selection from a kept base is kept beside the validation and taken back: the very facts
    `select_facts` selects, for every deck of the shipped project; other bases are selected as usual."""
    project = shipped_copy(tmp_path / "proj")
    load_and_validate(project.root, kept=True)  # validates, and keeps
    selected: list[str] = []
    original = select.select_facts
    monkeypatch.setattr(select, "select_facts", lambda base, deck: selected.append(deck.id) or original(base, deck))
    for taken_back in (False, True):
        base = load_and_validate(project.root, kept=True)
        for deck in base.decks:
            facts = kept_validation.kept_selection(base, deck)
            assert facts == original(base, deck) and facts
            assert all(fact is base.facts_by_id[fact.id] for fact in facts)
        # The first time each selection is made once (two decks of the shipped project share theirs), then none.
        distinct = {select.selection_key(deck.select): deck.id for deck in reversed(base.decks)}
        assert selected == ([] if taken_back else [d.id for d in base.decks if d.id in distinct.values()])
        assert len(distinct) > 1
        selected.clear()
    plain = load_and_validate(project.root)  # not a kept validation's: selected as usual
    kept_validation.kept_selection(plain, plain.decks[0])
    assert selected == [plain.decks[0].id]


def test_the_selections_test_catches_a_key_without_the_criteria(tmp_path, monkeypatch):
    """What the test above holds fails where the key leaves the selection's criteria out: every deck gets the
    facts the first deck selected."""
    project = shipped_copy(tmp_path / "proj")
    load_and_validate(project.root, kept=True)
    base = load_and_validate(project.root, kept=True)
    first, second = base.decks[:2]
    plain = select.select_facts(base, second)
    assert select.select_facts(base, first) != plain
    monkeypatch.setattr(select, "selection_key", lambda selection: "one key")
    kept_validation.kept_selection(base, first)
    assert kept_validation.kept_selection(base, second) != plain
