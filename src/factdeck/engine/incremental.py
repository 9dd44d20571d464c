"""Incremental builds: skip outputs whose inputs did not change, tracked by content hashes inside the output folder.

`<output>/.factdeck/build-state.json` records, for the last successful build:

- a fingerprint of every input byte (facts/, decks/, templates/, fonts/, factdeck.yaml, the archive, the
  request, factdeck's own code): when a build's fingerprint matches and every output is still there with its
  recorded hash, the build has nothing to do and does not even re-validate (the inputs are byte for byte
  those the last build validated; `factdeck check` always validates);
- per deck and step (Anki package; worksheets with the web quiz), a key over what that step reads: the deck's
  selected facts, the deck spec, sources, eras, configuration, the step's templates (and fonts), the code.
  A step whose key matches and whose files are intact is not rendered again.

The state is a cache, never trusted blindly: a missing, corrupt, truncated or foreign state file is ignored
(everything is rebuilt), and an output that is missing or whose bytes changed is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from factdeck import __version__
from factdeck.exceptions import Problem
from factdeck.records.templates import effective_files

# What a build reads besides factdeck's own code, its templates (see _add_templates) and the archive (see
# build_archive). The project's templates/ folder is hashed whole too: a file in it that no build reads yet
# still counts as an input.
# translations/: the facts' texts in other languages; locale/: the project's own message catalogs.
INPUT_FOLDERS = ("facts", "decks", "templates", "fonts", "translations", "locale")
CONFIG_FILE = "factdeck.yaml"

STATE_FILE = ".factdeck/build-state.json"
STATE_VERSION = 1
# Template folders each step reads; a step not listed reads every template.
STEP_TEMPLATES = {"apkg": ("anki",), "quiz": ("quiz", "web")}
PACKAGE = Path(__file__).resolve().parents[1]  # factdeck/, above engine/


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _add_tree(digest: Any, folder: Path, label: str) -> None:
    """Every file's relative path and bytes under `folder` (nothing if it is missing)."""
    digest.update(f"\0tree {label}\0".encode())
    if not folder.is_dir():
        return
    # Every entry counts, not only files: a new folder, pipe or broken link named like an input must make
    # the build load (and report) it rather than call the inputs unchanged.
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"\0not a file\0")


def _add_templates(digest: Any, root: Path, under: str = "") -> None:
    """Every template a build of `root` reads below `under` ('' for all): the project's file where it has one,
    else the built-in one, each by its relative name and bytes."""
    digest.update(f"\0templates {under}\0".encode())
    for name, path in effective_files(root, under):
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"\0not a file\0")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """factdeck's version and the bytes of its code, message catalogs and shipped fonts (an editable install
    changes without a new version)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.mo")]):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + hashlib.sha256(path.read_bytes()).digest())
    for fonts in (PACKAGE / "fonts", PACKAGE.parents[1] / "fonts"):
        _add_tree(digest, fonts, "shipped fonts")
    return digest.hexdigest()


def peek_config(root: Path) -> dict[str, Any]:
    """factdeck.yaml's settings read without validation (for the fingerprint and the output folder); {} if unusable."""
    try:
        data = yaml.load((root / CONFIG_FILE).read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def build_archive(root: Path, archive: Path | None) -> Path | None:
    """The archive a build reads: the one asked for, else the one factdeck.yaml names, if any."""
    configured = peek_config(root).get("archive")
    if archive is None and isinstance(configured, str):
        return root / configured
    return archive


def inputs_fingerprint(root: Path, archive: Path | None, request: dict[str, Any]) -> str:
    """A hash of every byte a build reads, and of what was asked of it."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(json.dumps(request, sort_keys=True, default=str).encode())
    for folder in INPUT_FOLDERS:
        _add_tree(digest, root / folder, folder)
    _add_templates(digest, root)
    config = root / CONFIG_FILE
    digest.update(b"\0config\0" + (config.read_bytes() if config.is_file() else b""))
    archive = build_archive(root, archive)
    if archive is not None:
        _add_tree(digest, archive, "archive")
    return digest.hexdigest()


def shared_key(base: Any, root: Path, step: str) -> str:
    """What every deck's `step` reads besides its own facts and spec."""
    digest = hashlib.sha256(f"{code_fingerprint()}\0{step}\0".encode())
    digest.update(base.config.model_dump_json().encode())
    for source in base.sources.values():
        digest.update(source.model_dump_json().encode())
    for era in base.eras:
        digest.update(era.model_dump_json().encode())
    for entry in getattr(base, "glossary", ()):  # the keys and guides introduce the names facts use
        digest.update(entry.model_dump_json().encode())
    # A deck in another language reads its facts' translations and the project's catalogs.
    _add_tree(digest, root / "translations", "translations")
    _add_tree(digest, root / "locale", "locale")
    folders = STEP_TEMPLATES.get(step)
    if folders is None:
        _add_templates(digest, root)
    for name in folders or ():
        _add_templates(digest, root, name)
    if step == "quiz":
        _add_tree(digest, root / "fonts", "fonts")
        # Distractors on a worksheet may come from any fact of the base, not only the deck's.
        digest.update("\n".join(base.facts_json(base.facts)).encode())  # JSON holds no raw line break
    return digest.hexdigest()


def step_key(base: Any, shared: str, deck: Any, facts: Iterable[Any], extra: str = "") -> str:
    """The key of one deck's step: the shared key, the deck spec, the selected facts in order."""
    digest = hashlib.sha256(f"{shared}\0{extra}\0".encode())
    digest.update(deck.model_dump_json().encode())
    digest.update("\n".join(base.facts_json(facts)).encode())
    return digest.hexdigest()


class BuildState:
    """The last successful build's record in an output folder (empty if there is none or it is unusable)."""

    def __init__(self, folder: Path, data: dict[str, Any] | None = None):
        self.folder = folder
        data = data or {}
        self.fingerprint: str | None = data.get("fingerprint")
        self.warnings: list[list[Any]] = data.get("warnings", [])
        self.files: dict[str, str] = data.get("files", {})
        self.steps: dict[str, dict[str, Any]] = data.get("steps", {})

    @classmethod
    def load(cls, folder: Path) -> BuildState:
        try:
            data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            if not (isinstance(data, dict) and data.get("version") == STATE_VERSION):
                raise ValueError("another layout")
            state = cls(folder, data)
            # Check the shape, so a damaged file costs a full build and never a crash.
            assert state.fingerprint is None or isinstance(state.fingerprint, str)
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in state.files.items())
            assert all(
                isinstance(s.get("key"), str)
                and all(isinstance(f, str) for f in s.get("files", []))
                and all(isinstance(n, list) and len(n) == 4 for n in s.get("notes", []))
                for s in state.steps.values()
            )
            assert all(isinstance(w, list) and len(w) == 4 for w in state.warnings)
            return state
        except (OSError, ValueError, TypeError, AttributeError, AssertionError):
            return cls(folder)

    def intact(self, relatives: Iterable[str]) -> bool:
        """Whether every one of these outputs is on disk with the bytes this state recorded."""
        return all(rel in self.files and file_hash(self.folder / rel) == self.files[rel] for rel in relatives)

    def up_to_date(self, fingerprint: str) -> bool:
        return self.fingerprint == fingerprint and self.intact(self.files)

    def step(self, name: str, key: str) -> dict[str, Any] | None:
        """The recorded step if its key matches and its files are intact, else None."""
        step = self.steps.get(name)
        if step is None or step["key"] != key or not self.intact(step.get("files", [])):
            return None
        return step

    def recorded_warnings(self) -> list[Problem]:
        return [Problem(str(p), int(line), str(m), str(s)) for p, line, m, s in self.warnings]

    @staticmethod
    def to_bytes(
        fingerprint: str, warnings: list[Problem], files: dict[str, str], steps: dict[str, dict[str, Any]]
    ) -> bytes:
        document = {
            "version": STATE_VERSION,
            "fingerprint": fingerprint,
            "warnings": [[w.path, w.line, w.message, w.severity] for w in warnings],
            "files": dict(sorted(files.items())),
            "steps": dict(sorted(steps.items())),
        }
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
