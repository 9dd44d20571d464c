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

from factdeck.exceptions import UsageError
from factdeck.project import starter
from factdeck.project.vetting import VETTING_KEYS_AFTER, vetted_values
from factdeck.project.yaml_edit import set_in_list_file
from factdeck.records.json_schema import header_line, schema_files
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


def write_starter(folder: Path, title: str = DEFAULT_TITLE, today: _dt.date | None = None) -> list[Path]:
    """Write the starter project into `folder` (made if missing). Returns the files written. Raises
    `UsageError` if `folder` is a file or a folder that already holds files (nothing is overwritten)."""
    title = check_title(title)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder}: the folder is not empty: give a new or empty folder")
    day = today or _dt.date.today()
    files = starter_files(title, uuid.uuid4().hex, day)
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
