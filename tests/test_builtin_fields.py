"""The built-in card fields made in Python (outputs/anki/builtin_fields.py) are the Jinja2 templates' text, byte
for byte: every field of every note of the shipped decks and of the test fixtures, in English, Persian (right to
left, its own digits, bilingual backs) and German; and a project's own field template is still rendered by Jinja2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MORE_FACTS, REPO, sample_project

from factdeck.build import load_and_validate
from factdeck.i18n import Language
from factdeck.outputs.anki import cards
from factdeck.outputs.anki.builtin_fields import uses_builtin_fields
from factdeck.outputs.anki.editions import Edition
from factdeck.outputs.anki.package import ApkgStage
from factdeck.outputs.write import OutputWriter
from factdeck.records.select import select_facts
from factdeck.records.templates import BUILTIN


def _notes(root: Path, output: Path, monkeypatch: pytest.MonkeyPatch, templates: bool) -> dict[str, list[tuple]]:
    """Every note (identity, note type, fields, tags) of every deck's package, fields made by Jinja2 or not."""
    with monkeypatch.context() as patch:
        if templates:
            patch.setattr(cards, "uses_builtin_fields", lambda root: False)
        base = load_and_validate(root)
        stage = ApkgStage(base, OutputWriter(output))
        made = {
            deck.id: [
                (n.identity, n.note_type, n.fields, n.tags) for n in stage.package_notes(deck, select_facts(base, deck))
            ]
            for deck in base.decks
        }
    assert all(m.builtin is None for m in _makers(stage)) == templates
    return made


def _makers(stage: ApkgStage) -> list[cards.CardMaker]:
    return [stage.cards, *(parts.cards for parts in stage.editions.values())]


def _copy_shipped(root: Path) -> Path:
    root.mkdir()
    for name in ("facts", "decks", "translations"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("published"))
    shutil.copy(REPO / "factdeck.yaml", root / "factdeck.yaml")
    return root


def _in_language(root: Path, language: str, bilingual: bool = False) -> None:
    for deck in (root / "decks").glob("*.yaml"):
        extra = f"language: {language}\n" + ("translation:\n  bilingual: true\n" if bilingual else "")
        lines = deck.read_text(encoding="utf-8").splitlines(keepends=True)
        if any(line.startswith("translation:") for line in lines):
            extra = f"language: {language}\n"  # a deck with its own translation settings keeps them
        own = "".join(line for line in lines if not line.startswith("language:"))
        deck.write_text(own + extra, encoding="utf-8")


def _same_both_ways(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    fast = _notes(root, tmp_path / "fast", monkeypatch, templates=False)
    slow = _notes(root, tmp_path / "slow", monkeypatch, templates=True)
    assert fast.keys() == slow.keys()
    count = 0
    for deck in slow:
        assert len(fast[deck]) == len(slow[deck])
        for made, rendered in zip(fast[deck], slow[deck]):
            assert made == rendered, f"deck {deck}, note {rendered[0]}"
            count += 1
    return count


@pytest.mark.parametrize(
    ("language", "bilingual"), [("en", False), ("fa", False), ("fa", True), ("de", False)], ids=str
)
def test_shipped_decks_fields_equal_the_templates(tmp_path, monkeypatch, language, bilingual):
    root = _copy_shipped(tmp_path / "mek")
    if language != "en":
        _in_language(root, language, bilingual)
    assert _same_both_ways(root, tmp_path, monkeypatch) > 100


@pytest.mark.parametrize("language", ["en", "fa", "de"])
def test_fixture_fields_equal_the_templates(tmp_path, monkeypatch, language):
    project = sample_project(tmp_path / "sample", more_facts=True)
    assert MORE_FACTS.exists()
    if language != "en":
        _in_language(project.root, language, bilingual=language == "fa")
    assert _same_both_ways(project.root, tmp_path, monkeypatch) > 10


def test_hostile_text_fields_equal_the_templates(tmp_path):
    """Markup, entities, Anki syntax and right-to-left runs in every text a field shows, in English and Persian."""
    project = sample_project(tmp_path / "sample", more_facts=True)
    base = load_and_validate(project.root)
    hostile = "<b>&amp; {{c1::x}} [sound:a.mp3] \\(x\\) \u0627\u06cc\u0631\u0627\u0646 'q' \"d\"</b> %s %(n)s"
    for source_id, source in list(base.sources.items()):
        base.sources[source_id] = source.model_copy(
            update={"title": hostile, "perspective": hostile + ".", "short_name": hostile, "author": hostile}
        )
    facts = []
    for fact in base.facts:
        update = {"statement": f"{hostile} {fact.statement} {hostile}", "question": hostile + "?"}
        if fact.dispute is not None:
            versions = [
                v.model_copy(update={"claim": hostile, "claimed_by": hostile + v.id}) for v in fact.dispute.versions
            ]
            update["dispute"] = fact.dispute.model_copy(update={"summary": hostile, "versions": versions})
        if fact.citations:
            update["citations"] = [c.model_copy(update={"quote": hostile, "locator": hostile}) for c in fact.citations]
        facts.append(fact.model_copy(update=update))
    deck = base.decks[0]
    for language in (None, Language.load("fa")):
        edition = Edition(language, "en", base.facts_by_id, True) if language is not None else None
        fast = cards.CardMaker(base, edition=edition)
        slow = cards.CardMaker(base, edition=edition, templates_only=True)
        assert fast.builtin is not None and slow.builtin is None
        made = [n.fields for f in facts for n in fast.fact_notes(deck, f)]
        rendered = [n.fields for f in facts for n in slow.fact_notes(deck, f)]
        assert made == rendered and len(made) > 10


def test_a_project_template_is_rendered_by_jinja2(tmp_path):
    project = sample_project(tmp_path / "sample")
    assert uses_builtin_fields(project.root)
    own = project.root / "templates" / "anki" / "fields"
    own.mkdir(parents=True)
    shutil.copy(BUILTIN / "anki/fields/details.html", own / "details.html")
    assert uses_builtin_fields(project.root)  # an identical copy is the built-in template
    (own / "macros.html").write_text((BUILTIN / "anki/fields/macros.html").read_text() + "{# mine #}\n")
    assert not uses_builtin_fields(project.root)
    base = load_and_validate(project.root)
    assert cards.CardMaker(base).builtin is None
