"""The build: load, validate, select, make, render, write, top to bottom.

Everything is validated and rendered before anything is written, and every
output is staged under a temporary name, so a failing build changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .anki import ApkgStage
from .exceptions import OutputError, Problem
from .export import export_json
from .load import load_project
from .select import select_facts
from .validate import FactBase, validate_project
from .worksheets import remove_stale, stage_worksheets
from .write import OutputWriter

FORMATS = ("apkg", "pdf", "html")
JSON_EXPORT = "factdeck.json"


@dataclass
class BuildResult:
    output: Path
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def load_and_validate(root: Path, archive: Path | None = None, strict: bool = False) -> FactBase:
    """The first two stages, shared by every command."""
    return validate_project(load_project(root), archive=archive, strict=strict)


def output_folder(base: FactBase, output: Path | None) -> Path:
    """`--output` if given (the user's explicit choice), else the configured folder inside the project."""
    if output is not None:
        return output.resolve()
    folder = (base.root / base.config.output).resolve()
    if base.root not in folder.parents:
        raise OutputError(f"factdeck.yaml: output folder '{base.config.output}' is outside the project")
    for inputs in ("facts", "decks", "templates"):
        if folder == base.root / inputs or (base.root / inputs) in folder.parents:
            raise OutputError(f"factdeck.yaml: output folder '{base.config.output}' is inside the {inputs}/ folder")
    return folder


def build(
    root: Path,
    deck_ids: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    output: Path | None = None,
    archive: Path | None = None,
) -> BuildResult:
    base = load_and_validate(root, archive=archive)
    decks = [base.deck(d) for d in deck_ids] if deck_ids else list(base.decks)
    folder = output_folder(base, output)

    writer = OutputWriter(folder)
    writer.sweep()
    try:
        writer.write_bytes(JSON_EXPORT, export_json(base))
        apkg = ApkgStage(base, writer) if "apkg" in formats else None
        for deck in decks:
            facts = select_facts(base, deck)
            # Each output format stages its files under build/<deck id>/ (see README, "Outputs").
            if apkg is not None:
                apkg.write_deck(deck, facts)
            if "pdf" in formats and deck.quiz.enabled:
                quiz = stage_worksheets(writer, base, deck, facts)
                base.warnings.extend(Problem(deck.file, deck.line, f"deck '{deck.id}': {note}", "warning")
                                     for note in quiz.notes)
        if apkg is not None:
            apkg.finish()
        written = writer.commit()
        if "pdf" in formats:
            remove_stale(folder, [d.id for d in decks], written)  # worksheets of versions no longer made
    except BaseException:
        writer.abort()
        raise
    return BuildResult(folder, written, base.warnings)
