"""The build: load, validate, select, make, render, write, top to bottom.

Everything is validated and rendered before anything is written, and every
output is staged under a temporary name, so a failing build changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from factdeck.exceptions import OutputError, Problem
from factdeck.outputs.write import OutputWriter

if TYPE_CHECKING:
    from factdeck.engine.session import Session
    from factdeck.outputs.base import Output
    from factdeck.outputs.sessions.packs import SessionPacks
    from factdeck.quiz import Quiz
    from factdeck.records.factbase import FactBase

T = TypeVar("T")

FORMATS = ("apkg", "pdf", "html")
JSON_EXPORT = "factdeck.json"


@dataclass
class BuildResult:
    output: Path
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # outputs whose inputs did not change, left as they were


def load_and_validate(
    root: Path,
    archive: Path | None = None,
    strict: bool = False,
    session: Session | None = None,
    unhashed: frozenset[str] = frozenset(),
) -> FactBase:
    """The first two stages, shared by every command: see `factdeck.engine.validation.load_and_validate`
    (returns the `FactBase`; raises `ProjectError` or `ValidationFailed`)."""
    # Imported when used: an up-to-date build never needs pydantic or the schema.
    from factdeck.engine.validation import load_and_validate as validated

    return validated(root, archive=archive, strict=strict, session=session, unhashed=unhashed)


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
    session: Session | None = None,
) -> BuildResult:
    """Build `deck_ids` (default: every deck) in `formats` into `output` (default: factdeck.yaml's output
    folder), in `session` (default: one-off). Returns what was written and left unchanged, and the warnings;
    raises `ValidationFailed`, `UsageError` (an unknown deck), `OutputError`, `TemplateError` or `RenderError`,
    and then leaves the previous outputs exactly as they were."""
    from factdeck.engine.incremental import STATE_FILE, IncrementalBuild

    # Nothing to do if every input byte is what the last successful build read and its outputs are intact.
    request = {
        "decks": list(deck_ids or []),
        "formats": sorted(formats),
        "output": str(output.resolve()) if output else None,
    }
    incremental = IncrementalBuild(root, output, archive, request)
    if incremental.up_to_date():
        return BuildResult(incremental.folder, [], incremental.recorded_warnings(), incremental.recorded_outputs())

    # Imported here, not at the top: `factdeck check` and an up-to-date build need none of genanki, typst
    # or the renderers.
    from factdeck.outputs.anki.package import AnkiPackages
    from factdeck.outputs.exports.export import export_json
    from factdeck.outputs.print.worksheets import WorksheetsAndWebQuiz
    from factdeck.outputs.sessions.packs import MeetingPacks
    from factdeck.records.select import select_facts

    base = load_and_validate(root, archive=archive, session=session)
    decks = [base.deck(d) for d in deck_ids] if deck_ids else list(base.decks)
    folder = output_folder(base, output)
    incremental.use_folder(folder)

    writer = OutputWriter(folder)
    writer.sweep()
    try:
        writer.write_bytes(JSON_EXPORT, export_json(base))
        # Each output stages its files under build/<deck id>/ (see README, "Outputs").
        anki = AnkiPackages(base, writer, formats)
        outputs: list[Output] = [
            anki,
            WorksheetsAndWebQuiz(base, writer, formats),
            MeetingPacks(base, writer, formats, anki.stage_for_decks),
        ]
        for deck in decks:
            facts = select_facts(base, deck)
            if not facts:
                continue  # validation warned: the deck selects no vetted fact
            for made in (made for made in outputs if made.wanted(deck)):
                step = f"{deck.id}/{made.name}"
                key = incremental.step_key(base, made.reads, deck, facts, made.key_extra(deck))
                said = incremental.current(step, key)  # what making it said last time, if it is current
                if said is None:
                    before = set(writer.staged())
                    said = [
                        Problem(deck.file, deck.line, f"deck '{deck.id}': {note}", "warning")
                        for note in made.stage(deck, facts)
                    ]
                    files = [p.relative_to(folder).as_posix() for p in writer.staged() if p not in before]
                    incremental.record(step, key, files, said)
                base.warnings.extend(said)
        for made in outputs:
            made.finish()
        digests = {final: writer.digest(final) for final in writer.staged()}
        hashes = {final.relative_to(folder).as_posix(): digest.hex() for final, digest in digests.items()}
        writer.write_bytes(STATE_FILE, incremental.state_bytes(base.warnings, hashes))
        written = writer.commit()
        unchanged = incremental.kept()
        for made in outputs:
            made.remove_stale(folder, [d.id for d in decks], written + unchanged)
    except BaseException:
        writer.abort()
        raise
    incremental.stamp(digests)
    return BuildResult(folder, written, base.warnings, unchanged)


def write_staged(folder: Path, stage: Callable[[OutputWriter], T]) -> tuple[T, list[Path]]:
    """Run `stage` against a writer on `folder`, then move everything it staged into place together.

    If `stage` fails, nothing it staged is kept and the previous outputs stay as they were.
    """
    writer = OutputWriter(folder)
    writer.sweep()
    try:
        made = stage(writer)
        return made, writer.commit()
    except BaseException:
        writer.abort()
        raise


def make_worksheets(
    root: Path, deck_id: str, output: Path | None = None, session: Session | None = None, **overrides: Any
) -> tuple[FactBase, Quiz, list[Path]]:
    """`factdeck quiz`: one deck's worksheets and keys, with the deck's quiz settings overridden where given.
    Returns the fact base, the quiz and the files written; raises as `build` does."""
    from factdeck.outputs.print.worksheets import remove_stale, stage_worksheets
    from factdeck.quiz import with_overrides
    from factdeck.records.select import select_facts

    base = load_and_validate(root, session=session)
    deck = base.deck(deck_id)
    settings = with_overrides(deck.quiz, **overrides)
    folder = output_folder(base, output)
    made, written = write_staged(
        folder, lambda writer: stage_worksheets(writer, base, deck, select_facts(base, deck), settings)
    )
    remove_stale(folder, [deck.id], written)  # versions no longer made
    return base, made, written


def make_sessions(
    root: Path, deck_id: str, meetings: int | None, output: Path | None = None, session: Session | None = None
) -> tuple[FactBase, SessionPacks, list[Path]]:
    """`factdeck sessions`: one deck's meeting packs (the deck's sessions.meetings unless `meetings` is given).
    Returns the fact base, the packs and the files written; raises as `build` does."""
    from factdeck.exceptions import FactdeckError
    from factdeck.outputs.anki.package import ApkgStage
    from factdeck.outputs.sessions.packs import remove_stale_meetings, stage_sessions
    from factdeck.records.select import select_facts

    base = load_and_validate(root, session=session)
    deck = base.deck(deck_id)
    count = meetings or deck.sessions.meetings
    if count is None:
        raise FactdeckError(f"{deck.file}:{deck.line}: deck '{deck.id}' sets no sessions.meetings: give --meetings N")
    folder = output_folder(base, output)

    def stage(writer: OutputWriter) -> SessionPacks:
        apkg = ApkgStage(base, writer)
        packs = stage_sessions(writer, base, deck, select_facts(base, deck), count, apkg)
        apkg.finish()
        return packs

    packs, written = write_staged(folder, stage)
    remove_stale_meetings(folder, [deck.id], written)  # meetings no longer made
    return base, packs, written
