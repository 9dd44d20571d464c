"""The translators' workflow: starting a fact's translation (`factdeck translate start`), and stamping each
translated text with the fingerprint of the original it translates (`factdeck translate stamp`), as `factdeck
vet` stamps what a reviewer vetted. Files are edited in place, keeping their comments and layout.

Wrong options and false statements are stamped in order: the first translated option with the fact's first
option, and so on (`start` writes them in that order), so their counts must agree.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from factdeck.exceptions import InputError, UsageError
from factdeck.project.yaml_edit import _dedent, _round_trip, _write, append_to_list_file
from factdeck.records.factbase import FactBase
from factdeck.records.languages import text_fingerprint
from factdeck.records.schema import Fact
from factdeck.records.translations import FactTranslations, distractor_content, originals_of, translation_folder

_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _fact(base: FactBase, fact_id: str) -> Fact:
    fact = base.facts_by_id.get(fact_id)
    if fact is None:
        raise UsageError(f"no fact with id '{fact_id}' (`factdeck review` lists the facts)")
    return fact


def starter_entry(fact: Fact) -> dict[str, Any]:
    """A new translation of `fact` holding its original texts, to be written over in the new language:
    never used by a build until stamped."""
    entry: dict[str, Any] = {"fact": fact.id, "question": fact.question, "answer": fact.answer}
    entry["statement"] = fact.statement
    if fact.attribution is not None:
        entry["attribution"] = {"by": fact.attribution.by, "verb": fact.attribution.verb}
    if fact.distractors:
        entry["distractors"] = [{"text": d.text, "why": d.why} if d.why else {"text": d.text} for d in fact.distractors]
    if fact.false_statements:
        entry["false_statements"] = list(fact.false_statements)
    if fact.dispute is not None:
        entry["dispute"] = {
            "summary": fact.dispute.summary,
            **({"why": fact.dispute.reason.why} if fact.dispute.reason is not None else {}),
            "versions": [
                {"id": v.id, "claim": v.claim, "answer": v.answer, "claimed_by": v.claimed_by}
                for v in fact.dispute.versions
            ],
        }
    return entry


def start(base: FactBase, translations: FactTranslations, language: str, ids: list[str]) -> Path:
    """Append a starter entry (`starter_entry`) for each fact of `ids` not yet translated to
    `translations/<language>/<the fact's file name>`; returns the last file written. Raises `UsageError` for an
    unknown fact or one already translated."""
    written = translation_folder(base.root, language)
    for fact_id in dict.fromkeys(ids):
        fact = _fact(base, fact_id)
        if fact_id in translations.by_fact:
            found = translations.by_fact[fact_id]
            raise UsageError(f"fact '{fact_id}' is translated already ({found.file}:{found.line})")
        written = translation_folder(base.root, language) / Path(fact.file).name
        display = written.relative_to(base.root).as_posix()
        header = f'# Translations ({language}) of the facts of {fact.file}: see README, "Languages".\n'
        append_to_list_file(written, display, starter_entry(fact), header=header)
    return written


def _stamp_text(mapping: Any, key: Any, original: Any) -> None:
    """Set the fingerprint of `original` on the text at `mapping[key]` (a mapping or a list of the file),
    turning a plain text into `{text, of}`."""
    value = mapping[key]
    print_ = text_fingerprint(original)
    if isinstance(value, str):
        stamped = CommentedMap([("text", value), ("of", print_)])
        # What followed the plain text (the blank line before the next entry, a comment) follows the stamp:
        # left on the key, ruamel would write it between the key and its new mapping.
        after = _comment_after(mapping, key)
        if after is not None:
            stamped.ca.items["of"] = [None, None, after, None]
        mapping[key] = stamped
    elif isinstance(value, dict):
        value["of"] = print_


def _comment_after(parent: Any, key: Any) -> Any:
    """The comment token (blank lines included) ruamel keeps after `parent[key]`'s value, removed from it; None
    when there is none. A sequence keeps it in the first slot of its item's entry, a mapping in the third."""
    comments = getattr(parent, "ca", None)
    entry = comments.items.pop(key, None) if comments is not None else None
    slot = 0 if isinstance(parent, CommentedSeq) else 2
    return entry[slot] if entry is not None and len(entry) > slot else None


def _stamp_entry(entry: Any, fact: Fact, display: str) -> None:
    for name in ("question", "answer", "statement"):
        if name in entry:
            _stamp_text(entry, name, getattr(fact, name))
    if "attribution" in entry and fact.attribution is not None:
        for name in ("by", "verb"):
            if name in entry["attribution"]:
                _stamp_text(entry["attribution"], name, getattr(fact.attribution, name))
    for name, originals in (
        ("distractors", [distractor_content(d) for d in fact.distractors]),
        ("false_statements", list(fact.false_statements)),
    ):
        items = entry.get(name)
        if not isinstance(items, CommentedSeq):
            continue
        if len(items) != len(originals):
            raise UsageError(
                f"{display}: fact '{fact.id}': {len(items)} translated {name.replace('_', ' ')} for "
                f"{len(originals)} in the fact: translate each, in the fact's order, before stamping"
            )
        for i, original in enumerate(originals):
            _stamp_text(items, i, original)
    dispute = entry.get("dispute")
    if isinstance(dispute, dict) and fact.dispute is not None:
        if "summary" in dispute:
            _stamp_text(dispute, "summary", fact.dispute.summary)
        reason = getattr(fact.dispute, "reason", None)
        if "why" in dispute and reason is not None:
            _stamp_text(dispute, "why", reason.why)
        versions = {v.id: v for v in fact.dispute.versions}
        for version in dispute.get("versions") or []:
            known = versions.get(version.get("id"))
            if known is None:
                continue
            for name in ("claim", "answer", "claimed_by"):
                if name in version:
                    _stamp_text(version, name, getattr(known, name))


def stamp(base: FactBase, translations: FactTranslations, ids: list[str]) -> list[str]:
    """Stamp every translated text of the facts `ids` (all translated facts when empty) with the fingerprint
    of its original now (with every era, source and term entry when `ids` is empty): the translator says the
    translation is current. Returns the ids stamped, then the other entries as `era 'id'`. Raises
    `UsageError` (a fact not translated; counts of options that disagree) or `InputError` (a file that
    cannot be edited without changing anything else)."""
    chosen = list(dict.fromkeys(ids)) or list(translations.by_fact)
    originals = originals_of(base)
    others = {} if ids else translations.others  # eras, sources and terms: stamped with every fact
    by_file: dict[str, list[str]] = {entry.file: [] for entry in others.values()}
    for fact_id in chosen:
        _fact(base, fact_id)
        entry = translations.by_fact.get(fact_id)
        if entry is None:
            raise UsageError(
                f"fact '{fact_id}' has no {translations.language} translation: start one with "
                f"`factdeck translate start {translations.language} {fact_id}`"
            )
        by_file.setdefault(entry.file, []).append(fact_id)
    for display, fact_ids in by_file.items():
        path = base.root / display
        text = path.read_text(encoding="utf-8")
        rt = _round_trip()
        try:
            data = rt.load(text)
        except Exception as exc:
            raise InputError(display, 0, "cannot edit this file: run `factdeck check` for its problems") from exc
        for item in data:
            if isinstance(item, dict) and item.get("fact") in fact_ids:
                _stamp_entry(item, base.facts_by_id[item["fact"]], display)
            elif isinstance(item, dict) and "fact" not in item:
                key = next(((k, item[k]) for k in ("era", "source", "term") if k in item), None)
                if key in others:
                    for name in list(item):
                        if name not in ("era", "source", "term") and getattr(originals[key], name, None) is not None:
                            _stamp_text(item, name, getattr(originals[key], name))
        out = io.StringIO()
        rt.dump(data, out, transform=_dedent)
        if _texts(yaml.load(out.getvalue(), Loader=_SAFE)) != _texts(yaml.load(text, Loader=_SAFE)):
            raise InputError(display, 0, "cannot stamp this file without changing its texts; edit it by hand")
        _write(path, out.getvalue())
    return [*chosen, *(f"{kind} '{name}'" for kind, name in others)]


def _texts(data: Any) -> Any:
    """The data with each stamped text as its text alone: what stamping must leave unchanged."""
    if isinstance(data, dict):
        if set(data) <= {"text", "of", "why"} and "text" in data:
            return (data["text"], data.get("why"))
        return {k: _texts(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_texts(v) for v in data]
    return (data, None) if isinstance(data, str) else data
