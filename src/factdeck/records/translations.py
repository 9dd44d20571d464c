"""Fact translations (`translations/<language>/*.yaml`): loaded, checked against the facts they translate, and
applied to make a fact base's facts read in that language.

Each translated text carries `of`, the fingerprint of the original it translates (languages.py). Checking
reports, each at its line: a translation of an unknown fact or version, a text translated where the original
has none, a text never stamped (`factdeck translate stamp`), and a stale one (the original edited since).
Applying uses a translation only where it is current; everything else keeps the original (and is listed, so
the build can say where it fell back, or refuse). Citations and quotes are never translated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factdeck.exceptions import InputError, Problem, UsageError
from factdeck.i18n import CatalogError, Language, LanguageError
from factdeck.records.collect import Collector, describe_input, unknown
from factdeck.records.factbase import FactBase
from factdeck.records.languages import text_fingerprint
from factdeck.records.load import ParsedTextCache, load_document
from factdeck.records.schema import DeckSpec, Distractor, Fact

if TYPE_CHECKING:
    # The translation records are imported where a translation file is read or applied (translated.py): every
    # check imports this module, and most projects have no translation.
    from factdeck.records.translated import (
        EraTranslation,
        FactTranslation,
        GlossaryTranslation,
        SourceTranslation,
        Translated,
    )

FOLDER = "translations"


def translation_folder(root: Path, language: str) -> Path:
    return root / FOLDER / language


@dataclass
class FactTranslations:
    """One language's translations of a project's facts: by fact id, with every problem found."""

    language: str
    by_fact: dict[str, FactTranslation] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Entries naming an era, a source or a glossary term, by id: the other texts learners read.
    others: dict[tuple[str, str], EraTranslation | SourceTranslation | GlossaryTranslation] = field(
        default_factory=dict
    )


def project_translation_languages(root: Path) -> list[str]:
    """The languages with a folder under `translations/`, sorted."""
    folder = root / FOLDER
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def load_translations(
    root: Path,
    language: str,
    facts: dict[str, Fact],
    originals: dict[tuple[str, str], Any] | None = None,
    cache: ParsedTextCache | None = None,
) -> FactTranslations:
    """Every `translations/<language>/*.yaml` of the project at `root`, validated and checked against `facts`
    (by id) and `originals` (the eras, sources and glossary entries by (kind, id): `originals_of`); `cache`
    serves texts parsed before. Never raises for bad input: each problem is in the result's `problems`."""
    from factdeck.records.translated import OTHERS, FactTranslation

    originals = originals or {}
    found = FactTranslations(language)
    collector = Collector()
    folder = translation_folder(root, language)
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []
    for path in files:
        display = path.relative_to(root).as_posix()
        try:
            if not path.read_bytes().strip():
                continue  # an empty file: no translations yet (`factdeck translate start` adds them)
            doc = load_document(path, display, cache)
        except OSError as exc:
            collector.error((display, 0), f"cannot read file: {exc.strerror or 'unreadable'}")
            continue
        except InputError as exc:
            collector.problems.append(exc.problem)
            continue
        if doc.data is None:
            continue
        if not isinstance(doc.data, list):
            collector.error(
                (display, doc.line()), f"expected a list of fact translations, not {describe_input(doc.data)}"
            )
            continue
        for i, item in enumerate(doc.data):
            name = item.get("fact") if isinstance(item, dict) else None
            label = f"translation of fact '{name}'" if isinstance(name, str) else f"fact translation #{i + 1}"
            if not isinstance(item, dict):
                collector.error((display, doc.line(i)), f"{label}: expected a mapping, not {describe_input(item)}")
                continue
            kind = next((k for k in OTHERS if k in item), None)
            if kind is not None and "fact" not in item:
                _other(collector, found, doc, i, kind, originals, language)
                continue
            entry = collector.model(FactTranslation, doc, (i,), label)
            if entry is None:
                continue
            if entry.fact in found.by_fact:
                first = found.by_fact[entry.fact]
                collector.error(entry, f"{label}: the fact is translated twice (first at {first.file}:{first.line})")
                continue
            fact = facts.get(entry.fact)
            if fact is None:
                collector.error(entry, f"{label}: {unknown('fact', entry.fact, facts)}")
                continue
            found.by_fact[entry.fact] = entry
            _check(collector, entry, fact, language)
    found.problems = collector.problems
    return found


def _other(
    collector: Collector,
    found: FactTranslations,
    doc: Any,
    index: int,
    kind: str,
    originals: dict[tuple[str, str], Any],
    language: str,
) -> None:
    """Validate and check an entry translating an era, a source or a glossary term."""
    from factdeck.records.translated import OTHERS, Translated

    name = doc.data[index].get(kind)
    label = f"translation ({language}) of {kind} '{name}'"
    entry = collector.model(OTHERS[kind], doc, (index,), label)
    if entry is None:
        return
    original = originals.get((kind, entry.id))
    if original is None:
        known = [ident for (k, ident) in originals if k == kind]
        collector.error(entry, f"{label}: {unknown(kind, entry.id, known)}")
        return
    if (kind, entry.id) in found.others:
        first = found.others[(kind, entry.id)]
        collector.error(entry, f"{label}: translated twice (first at {first.file}:{first.line})")
        return
    found.others[(kind, entry.id)] = entry
    stamp = f"`factdeck translate stamp {language}` once it is translated again"
    for field_name in type(entry).model_fields:
        translated = getattr(entry, field_name)
        if not isinstance(translated, Translated):
            continue
        _check_text(collector, translated, getattr(original, field_name, None), label, field_name, kind, stamp)


def localize_record(record: Any, entry: Any) -> Any:
    """An era, source or glossary entry with the current translations of `entry` (None: as it is)."""
    if entry is None:
        return record
    from factdeck.records.translated import Translated

    update = {}
    for field_name in type(entry).model_fields:
        translated = getattr(entry, field_name)
        original = getattr(record, field_name, None)
        if isinstance(translated, Translated) and original is not None and translated.of == text_fingerprint(original):
            update[field_name] = translated.text
    return record.model_copy(update=update) if update else record


def _pairs(entry: FactTranslation, fact: Fact) -> Iterator[tuple[str, Translated, Any]]:
    """(field name, translated text, original value or None where the fact has none) of every text the
    entry translates one to one (wrong options and false statements are matched by fingerprint instead)."""
    for name in ("question", "answer", "statement"):
        translated = getattr(entry, name)
        if translated is not None:
            yield name, translated, getattr(fact, name)
    if entry.attribution is not None:
        original = fact.attribution
        yield "attribution.by", entry.attribution.by, original.by if original else None
        yield "attribution.verb", entry.attribution.verb, original.verb if original else None
    if entry.dispute is not None:
        dispute = fact.dispute
        if entry.dispute.summary is not None:
            yield "dispute.summary", entry.dispute.summary, dispute.summary if dispute else None
        if entry.dispute.why is not None:
            reason = getattr(dispute, "reason", None) if dispute else None  # a dispute's reason, where recorded
            yield "dispute.why", entry.dispute.why, reason.why if reason is not None else None
        versions = {v.id: v for v in dispute.versions} if dispute else {}
        for version in entry.dispute.versions:
            original_version = versions.get(version.id)
            for name in ("claim", "answer", "claimed_by"):
                translated = getattr(version, name)
                if translated is not None:
                    value = getattr(original_version, name) if original_version else None
                    yield f"dispute version '{version.id}' {name}", translated, value


def _check(collector: Collector, entry: FactTranslation, fact: Fact, language: str) -> None:
    label = f"translation ({language}) of fact '{fact.id}'"
    stamp = f"`factdeck translate stamp {language} {fact.id}` once it is translated again"
    if entry.dispute is not None:
        known = [v.id for v in fact.dispute.versions] if fact.dispute else []
        for version in entry.dispute.versions:
            # A stamped version of a fact whose dispute is gone was withdrawn with it (stale, below); any other
            # unknown id is a mistake in the translation.
            if version.id not in known and (known or not _stamped(version)):
                collector.error(version, f"{label}: {unknown('dispute version', version.id, known)}")
    for name, translated, original in _pairs(entry, fact):
        if original is None and translated.of is not None and not (name.startswith("dispute version") and fact.dispute):
            # Stamped, so it translated a text the fact had: an editor removed it (a dispute withdrawn). Stale,
            # as an edited original is: a warning, so editing a fact never stops a check for its translations.
            collector.warning(
                translated, f"{label}: {name} is stale: the fact no longer has it; remove it from the translation"
            )
        else:
            _check_text(collector, translated, original, label, name, "fact", stamp)
    options = {text_fingerprint(distractor_content(d)) for d in fact.distractors}
    for option in entry.distractors:
        _check_matched(collector, option, options, f"{label}: wrong option '{option.text}'", stamp)
    statements = {text_fingerprint(s) for s in fact.false_statements}
    for statement in entry.false_statements:
        _check_matched(collector, statement, statements, f"{label}: false statement '{statement.text}'", stamp)


def _check_text(
    collector: Collector, translated: Translated, original: str | None, label: str, name: str, owner: str, stamp: str
) -> None:
    """One translated text against its original: an error when the `owner` (fact, era, source, term) has no such
    text, a warning when it is not stamped or its stamp is not the original's fingerprint (stale)."""
    what = f"{label}: {name}"
    if original is None:
        collector.error(translated, f"{label}: translates {name}, which the {owner} does not have")
    elif translated.of is None:
        collector.warning(translated, f"{what} is not stamped with what it translates: run {stamp}")
    elif translated.of != text_fingerprint(original):
        collector.warning(
            translated, f"{what} is stale: the original changed since it was translated; update it, then run {stamp}"
        )


def _stamped(version: object) -> bool:
    """Whether any text of a translated dispute version was stamped (it once matched a version of the fact)."""
    return any(
        getattr(getattr(version, name, None), "of", None) is not None for name in ("claim", "answer", "claimed_by")
    )


def _check_matched(collector: Collector, item: Translated, originals: set[str], label: str, stamp: str) -> None:
    if item.of is None:
        collector.warning(item, f"{label} is not stamped with the original it translates: run {stamp}")
    elif item.of not in originals:
        collector.warning(
            item, f"{label} is stale: no original of the fact has its fingerprint any more; update it, then run {stamp}"
        )


def distractor_content(distractor: Distractor) -> dict[str, str | None]:
    """What a wrong option's translation is bound to: its text and its why."""
    return {"text": distractor.text, "why": distractor.why}


@dataclass
class Localized:
    """A fact as a deck in another language reads it, and the texts that kept the original language."""

    fact: Fact
    untranslated: list[str]


def localize(fact: Fact, entry: FactTranslation | None) -> Localized:
    """`fact` with every current translation of `entry` in place of its original text; the names of the texts
    left in the original (no translation, or a stale or unstamped one), in the fact's field order."""
    from factdeck.records.translated import FactTranslation

    missing: list[str] = []
    update: dict[str, Any] = {}

    def pick(name: str, translated: Translated | None, original: str) -> str:
        if translated is not None and translated.of == text_fingerprint(original):
            return translated.text
        missing.append(name)
        return original

    t = entry or FactTranslation.model_validate({"fact": fact.id})
    for name in ("question", "answer", "statement"):
        update[name] = pick(name, getattr(t, name), getattr(fact, name))
    if update["answer"] != fact.answer:
        update["accept"] = list(t.accept)
    if fact.attribution is not None:
        by = pick("attribution.by", t.attribution.by if t.attribution else None, fact.attribution.by)
        verb = pick("attribution.verb", t.attribution.verb if t.attribution else None, fact.attribution.verb)
        update["attribution"] = fact.attribution.model_copy(update={"by": by, "verb": verb})
    if fact.distractors:
        by_print = {d.of: d for d in t.distractors if d.of}
        options = []
        for d in fact.distractors:
            found = by_print.get(text_fingerprint(distractor_content(d)))
            if found is None:
                missing.append(f"wrong option '{d.text}'")
                options.append(d)
            else:
                options.append(d.model_copy(update={"text": found.text, "why": found.why if d.why else None}))
        update["distractors"] = options
    if fact.false_statements:
        by_print_s = {s.of: s.text for s in t.false_statements if s.of}
        statements = []
        for s in fact.false_statements:
            text = by_print_s.get(text_fingerprint(s))
            if text is None:
                missing.append(f"false statement '{s}'")
            statements.append(text or s)
        update["false_statements"] = statements
    if fact.dispute is not None:
        td = t.dispute
        summary = pick("dispute.summary", td.summary if td else None, fact.dispute.summary)
        tv = {v.id: v for v in td.versions} if td else {}
        versions = []
        for v in fact.dispute.versions:
            got = tv.get(v.id)
            changes: dict[str, Any] = {
                name: pick(f"dispute version '{v.id}' {name}", getattr(got, name) if got else None, getattr(v, name))
                for name in ("claim", "answer", "claimed_by")
            }
            if got is not None and changes["answer"] != v.answer:
                changes["accept"] = list(got.accept)
            versions.append(v.model_copy(update=changes))
        changes = {"summary": summary, "versions": versions}
        reason = getattr(fact.dispute, "reason", None)
        if reason is not None:
            why = pick("dispute.why", td.why if td else None, reason.why)
            changes["reason"] = reason.model_copy(update={"why": why})
        update["dispute"] = fact.dispute.model_copy(update=changes)
    return Localized(fact.model_copy(update=update), missing)


def originals_of(base: FactBase) -> dict[tuple[str, str], Any]:
    """The base's eras, sources and glossary entries by (kind, id), as translation entries name them."""
    found: dict[tuple[str, str], Any] = {("era", era.id): era for era in base.eras}
    found.update({("source", source.id): source for source in base.sources.values()})
    found.update({("term", entry.term): entry for entry in base.glossary})
    return found


def base_translations(base: FactBase, language: str) -> FactTranslations:
    """`load_translations` of the base's project in `language`, checked against its records; read once per base
    (`check` reads them for the translations' problems and again for a translated deck's notes)."""
    loaded: dict[str, FactTranslations] = base.__dict__.setdefault("_translations", {})
    if language not in loaded:
        loaded[language] = load_translations(
            base.root, language, base.facts_by_id, originals_of(base), base.parse_cache
        )
    return loaded[language]


def deck_language_tag(base: FactBase, deck: DeckSpec) -> str:
    """The tag of the deck's language (`fa`, `de`, `en`)."""
    return deck.language or base.config.language


def deck_language(base: FactBase, deck: DeckSpec) -> Language:
    """The deck's language with its catalog. Raises `UsageError` naming the deck file and line when no catalog
    serves it (`check` reports the same beforehand), or a project catalog is malformed."""
    try:
        return Language.load(deck_language_tag(base, deck), base.root, deck.translation.digits)
    except (LanguageError, CatalogError) as exc:
        where = f"{deck.file}:{deck.line}: " if deck.file else ""
        raise UsageError(f"{where}deck '{deck.id}': {exc}") from exc
