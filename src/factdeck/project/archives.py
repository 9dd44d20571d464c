"""`factdeck hash-archives`: record in facts/sources.yaml the SHA-256 of the archive files the quotes were
checked against (records/archive.py refuses another text under the same name)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from factdeck.exceptions import ProjectError, UsageError
from factdeck.project.yaml_edit import set_in_list_file
from factdeck.records.archive import file_sha256
from factdeck.records.factbase import FactBase
from factdeck.records.load import load_document
from factdeck.records.schema import Source

SOURCES_FILE = "facts/sources.yaml"


def record_archive_hashes(
    root: Path, ids: list[str], archive: Path | None, validate: Callable[..., FactBase]
) -> list[tuple[str, str]]:
    """Check the project with the named sources' archive files as they are now (every quote must pass), then
    write each one's `archive_sha256`. `ids` empty: every source with an archive file. `validate` is the
    pipeline's load-and-validate. Returns (source id, digest) of each written; raises `UsageError` (an unknown
    source, no archive folder), `ValidationFailed` (a quote not in the new text, or any other problem)."""
    root = root.resolve()
    base = validate(root, archive=archive, unhashed=frozenset(ids) if ids else _every_source(root))
    folder = archive or (root / base.config.archive if base.config.archive else None)
    if folder is None:
        raise UsageError("no archive folder: give --archive DIR or set `archive:` in factdeck.yaml")
    for source_id in ids:
        if source_id not in base.sources:
            raise UsageError(f"no source with id '{source_id}' (sources: {', '.join(base.sources)})")
    chosen: list[Source] = [s for s in base.sources.values() if s.archive and (not ids or s.id in ids)]
    document = load_document(root / SOURCES_FILE, SOURCES_FILE)
    changes: dict[int, dict[str, object]] = {}
    written = []
    for source in chosen:
        path = folder / str(source.archive)
        if not path.is_file():
            raise ProjectError(
                f"{source.file}:{source.line}: source '{source.id}': archive file '{source.archive}' not found in {folder}"
            )
        digest = file_sha256(path)
        index = next(
            i for i, item in enumerate(document.data) if isinstance(item, dict) and item.get("id") == source.id
        )
        changes[index] = {"archive_sha256": digest}
        written.append((source.id, digest))
    if changes:
        set_in_list_file(root / SOURCES_FILE, SOURCES_FILE, changes, ("archive",))
    return written


def _every_source(root: Path) -> frozenset[str]:
    """Every source id in facts/sources.yaml as written (before validation)."""
    try:
        data = load_document(root / SOURCES_FILE, SOURCES_FILE).data
    except Exception:  # the validation that follows reports the file's problems
        return frozenset()
    return frozenset(i["id"] for i in data if isinstance(i, dict) and isinstance(i.get("id"), str))
