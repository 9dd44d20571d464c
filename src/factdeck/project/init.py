"""`factdeck init`: a new project that checks and builds at once.

It writes the starter (starter.py): factdeck.yaml with a fresh random namespace, a source with its archived
text and fingerprint, eras, five facts (a citation, a dispute, an attributed characterization), a deck, a
.gitignore for build/ and a README; each YAML file starts with the line naming its JSON Schema
(schemas/, records/json_schema.py) for editors' completion and inline errors. Four of the facts are vetted
by `factdeck-starter` through the vetting workflow (so they carry fingerprints and the deck builds); one is left for the user to review and vet.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import yaml

from factdeck.exceptions import UsageError
from factdeck.i18n import Language
from factdeck.project import starter
from factdeck.project.starter_translations import ERAS, PERSPECTIVES, TRANSLATIONS
from factdeck.project.vetting import VETTING_KEYS_AFTER, vetted_values
from factdeck.project.yaml_edit import set_in_list_file
from factdeck.records.json_schema import header_line, schema_files
from factdeck.records.languages import text_fingerprint
from factdeck.records.load import load_document
from factdeck.records.schema import Fact

STARTER_REVIEWER = "factdeck-starter"
STARTER_VETTED = ("canal-opened", "canal-locks", "canal-workforce", "strike-called-riot")
STARTER_ARCHIVE = "brackwater-history.txt"
STARTER_FACTS = "facts/canal.yaml"
DEFAULT_TITLE = "My factdeck project"


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar holding `value` (JSON's string syntax is YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def starter_files(title: str, namespace: str, today: _dt.date) -> dict[str, str]:
    """The starter project's files by relative path (nothing vetted yet; `init` vets them)."""
    archive = starter.ARCHIVE
    digest = hashlib.sha256(archive.encode("utf-8")).hexdigest()
    sources = starter.SOURCES.format(today=today.isoformat())
    sources += f"  archive_sha256: {digest}\n"
    files = {
        "factdeck.yaml": starter.CONFIG.format(namespace=namespace, title=_yaml_text(title)),
        ".gitignore": starter.GITIGNORE,
        "README.md": starter.README.format(title=title),
        "facts/sources.yaml": sources,
        "facts/eras.yaml": starter.ERAS,
        STARTER_FACTS: starter.FACTS,
        "decks/starter.yaml": starter.DECK.format(title=_yaml_text(title)),
        f"archive/{STARTER_ARCHIVE}": archive,
    }
    return {**_with_schema_headers(files), **{f"schemas/{n}": t for n, t in schema_files().items()}}


def _with_schema_headers(files: dict[str, str]) -> dict[str, str]:
    """Each YAML file with the line that tells yaml-language-server (VS Code's YAML extension and others)
    which of schemas/*.schema.json it follows: completion and inline errors while editing."""
    kinds = {"factdeck.yaml": "project", "facts/sources.yaml": "sources", "facts/eras.yaml": "eras"}
    headed = {}
    for relative, text in files.items():
        if relative.endswith(".yaml"):
            kind = kinds.get(relative) or ("deck" if relative.startswith("decks/") else "facts")
            text = header_line(kind, relative.count("/")) + text
        headed[relative] = text
    return headed


def check_title(title: str) -> str:
    """`title` as the deck's name, or `UsageError` (empty, a line break, or Anki's subdeck mark '::')."""
    title = title.strip()
    if not title or "\n" in title or "\r" in title:
        raise UsageError("--title must be one line of text")
    if "::" in title:
        raise UsageError("--title must not contain '::' (Anki reads it as a subdeck)")
    return title


def starter_languages() -> tuple[str, ...]:
    """The languages `init --language` offers: English and those the starter's facts are translated into."""
    return ("en", *sorted(TRANSLATIONS))


def translation_file(language: str) -> str:
    """The starter's facts in `language` as a translation file (records/translated.py), every text stamped
    with the fingerprint of the original it translates, so the deck builds wholly in that language."""
    # Only the texts matter here: the dates (which YAML reads as date objects) are left out.
    facts = [{k: v for k, v in item.items() if k != "date"} for item in yaml.safe_load(starter.FACTS)]
    originals = {item["id"]: Fact.model_validate(item) for item in facts}
    entries = []
    for fact_id, texts in TRANSLATIONS[language].items():
        fact = originals[fact_id]
        entry: dict[str, Any] = {"fact": fact_id}
        for name in ("question", "answer", "statement"):
            entry[name] = {"text": texts[name], "of": text_fingerprint(getattr(fact, name))}
        if "accept" in texts:
            entry["accept"] = texts["accept"]
        if "attribution" in texts and fact.attribution is not None:
            entry["attribution"] = {
                k: {"text": texts["attribution"][k], "of": text_fingerprint(getattr(fact.attribution, k))}
                for k in ("by", "verb")
            }
        if "dispute" in texts and fact.dispute is not None:
            versions = {v.id: v for v in fact.dispute.versions}
            entry["dispute"] = {
                "summary": {"text": texts["dispute"]["summary"], "of": text_fingerprint(fact.dispute.summary)},
                **(
                    {"why": {"text": texts["dispute"]["why"], "of": text_fingerprint(fact.dispute.reason.why)}}
                    if fact.dispute.reason is not None and "why" in texts["dispute"]
                    else {}
                ),
                "versions": [
                    {"id": v["id"]}
                    | {
                        k: {"text": v[k], "of": text_fingerprint(getattr(versions[v["id"]], k))}
                        for k in ("claim", "answer", "claimed_by")
                    }
                    for v in texts["dispute"]["versions"]
                ],
            }
        entries.append(entry)
    for era in yaml.safe_load(starter.ERAS):
        entries.append(
            {"era": era["id"], "title": {"text": ERAS[language][era["id"]], "of": text_fingerprint(era["title"])}}
        )
    source = yaml.safe_load(starter.SOURCES.format(today="2000-01-01"))[0]
    perspective = {"text": PERSPECTIVES[language], "of": text_fingerprint(source["perspective"])}
    entries.append({"source": source["id"], "perspective": perspective})
    header = (
        f"# The facts of facts/canal.yaml in {language}: each text with `of`, the fingerprint of the original it\n"
        "# translates. Edit an original and `factdeck check` says its translation is stale; update the\n"
        f"# translation, then `factdeck translate stamp {language} ID`. Quotes stay in the source's language.\n"
    )
    return header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000)


def write_starter(
    folder: Path, title: str = DEFAULT_TITLE, today: _dt.date | None = None, language: str = "en"
) -> list[Path]:
    """Write the starter project into `folder` (made if missing), its deck in `language` (one of
    `starter_languages`). Returns the files written. Raises `UsageError` if `folder` is a file or a folder
    that already holds files (nothing is overwritten), or for a language the starter is not translated into."""
    if language not in starter_languages():
        raise UsageError(f"--language: the starter comes in {', '.join(starter_languages())}, not '{language}'")
    if title == DEFAULT_TITLE:
        title = Language.load(language).gettext("My factdeck project")
    title = check_title(title)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder}: the folder is not empty: give a new or empty folder")
    day = today or _dt.date.today()
    files = starter_files(title, uuid.uuid4().hex, day)
    if language != "en":
        files[f"translations/{language}/canal.yaml"] = translation_file(language)
        deck = "decks/starter.yaml"
        words = Language.load(language)
        files[deck] = files[deck].replace(
            '"Every vetted fact of the project."', _yaml_text(words.gettext("Every vetted fact of the project."))
        )
        files[deck] = files[deck].replace(
            "\ncards:",
            f"\n# Every word of this deck's outputs in {language}, its facts' texts from translations/{language}/.\nlanguage: {language}\ncards:",
            1,
        )
    written = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    _vet_starter(folder, STARTER_FACTS, day)
    return written


def _vet_starter(folder: Path, relative: str, day: _dt.date) -> None:
    """Vet the starter's example facts as `factdeck vet` does (the same keys, the same fingerprints)."""
    document = load_document(folder / relative, relative)
    changes = {}
    for index, item in enumerate(document.data):
        fact = Fact.model_validate(item)
        if fact.id in STARTER_VETTED:
            changes[index] = vetted_values(fact, STARTER_REVIEWER, day)
    set_in_list_file(folder / relative, relative, changes, VETTING_KEYS_AFTER)
