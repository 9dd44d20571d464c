"""The build: load, validate, select, make, render, write, top to bottom.

Everything is validated and rendered before anything is written, and every
output is staged under a temporary name, so a failing build changes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from factdeck.engine.collector import collector_paused
from factdeck.exceptions import OutputError, PartlyMade, Problem, RenderError
from factdeck.outputs.write import OutputWriter, folder_lock, remove_outputs

if TYPE_CHECKING:
    from factdeck.engine.session import Session
    from factdeck.outputs.anki.package import AnkiPackages
    from factdeck.outputs.base import Output
    from factdeck.outputs.sessions.packs import SessionPacks
    from factdeck.quiz import Quiz
    from factdeck.records.factbase import FactBase
    from factdeck.records.schema import DeckSpec, Fact

T = TypeVar("T")

FORMATS = ("apkg", "pdf", "html")
JSON_EXPORT = "factdeck.json"
STATE_FOLDER = ".factdeck"  # engine/incremental.py's STATE_FILE and the Anki packages' records live here


@dataclass
class BuildResult:
    output: Path
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # outputs whose inputs did not change, left as they were
    removed: list[Path] = field(default_factory=list)  # outputs of an earlier build that the inputs no longer make
    failed: list[Problem] = field(default_factory=list)  # outputs that could not be made, and why
    # What the build loaded and made (the fact base, the outputs' stages, the incremental record), for a caller that
    # keeps it alive until it is done: freed as `build` returned, a 10,000-fact base cost a rebuild 0.05-0.1 CPU s
    # (the program keeps it until the process ends, entry.py's ProcessEnd). Not part of the result's value.
    made: tuple[Any, ...] = field(default=(), repr=False, compare=False)


# Which --format makes a file, by its name's ending; a build with fewer formats keeps the others' files.
_FORMAT_OF = {".apkg": "apkg", ".pdf": "pdf", ".csv": "pdf", ".html": "html"}
# The formats that ask for the worksheets (with the web quiz) and for the meeting packs (_print_outputs).
_WORKSHEET_FORMATS = ("pdf", "html")
_MEETING_FORMATS = ("apkg", "pdf")
# What each output is called in a message saying it could not be made.
_OUTPUT_LABELS = {"anki": "Anki package", "quiz": "worksheets, keys and web quiz", "sessions": "meeting packs"}


def load_and_validate(
    root: Path,
    archive: Path | None = None,
    strict: bool = False,
    session: Session | None = None,
    unhashed: frozenset[str] = frozenset(),
    kept: bool = False,
) -> FactBase:
    """The first two stages, shared by every command: see `factdeck.engine.validation.load_and_validate`
    (returns the `FactBase`; raises `ProjectError` or `ValidationFailed`)."""
    if kept and (session is None or not session.keeping):
        # A kept validation's outcome needs none of the validation stage's code (a hundredth of a second to
        # import); on a miss the stage looks for it again (a few milliseconds, beside a validation) and keeps it.
        from factdeck.engine.kept_validation import kept_base

        found = kept_base(root, archive, strict, unhashed, session)
        if found is not None:
            return found
    # Imported when used: an up-to-date build never needs pydantic or the schema.
    from factdeck.engine.validation import load_and_validate as validated

    return validated(root, archive=archive, strict=strict, session=session, unhashed=unhashed, kept=kept)


def output_folder(base: FactBase, output: Path | None) -> Path:
    """`--output` if given (the user's explicit choice), else the configured folder inside the project."""
    from factdeck.records.fields import WINDOWS_RESERVED

    if output is not None:
        return output.resolve()
    if any(ord(c) < 32 or ord(c) == 127 for c in base.config.output):
        raise OutputError(
            f"factdeck.yaml: output folder {base.config.output!r} contains a control character: write a plain "
            "folder name"
        )
    for part in Path(base.config.output).parts:
        # Names that Windows cannot create (records/fields.py): a project's build/ must copy anywhere.
        if part.split(".")[0].lower() in WINDOWS_RESERVED or (part != ".." and part.endswith((".", " "))):
            raise OutputError(
                f"factdeck.yaml: output folder '{base.config.output}': '{part}' is a name Windows cannot create "
                "(a reserved device name, or one ending in a dot or space): choose another"
            )
    folder = (base.root / base.config.output).resolve()
    if base.root not in folder.parents:
        raise OutputError(f"factdeck.yaml: output folder '{base.config.output}' is outside the project")
    for inputs in ("facts", "decks", "templates"):
        if folder == base.root / inputs or (base.root / inputs) in folder.parents:
            raise OutputError(f"factdeck.yaml: output folder '{base.config.output}' is inside the {inputs}/ folder")
    return folder


def configuration_problem(base: FactBase, key: str, message: str) -> Problem:
    """An error about factdeck.yaml's `key`, at its line (`message` may start with 'factdeck.yaml: ')."""
    line = 0
    with contextlib.suppress(OSError, UnicodeDecodeError):
        lines = (base.root / "factdeck.yaml").read_text(encoding="utf-8").splitlines()
        line = next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), 0)
    return Problem("factdeck.yaml", line, message.removeprefix("factdeck.yaml: "))


def configured_folder(root: Path, output: Path | None) -> Path:
    """The output folder as read before validation (the lock and the last build's state live there)."""
    from factdeck.engine.incremental import peek_config

    if output is not None:
        return output.resolve()
    configured = peek_config(root.resolve()).get("output")
    if not isinstance(configured, str) or any(ord(c) < 32 for c in configured):
        configured = "build"  # validation names what is wrong with it
    return root.resolve() / configured


def build(
    root: Path,
    deck_ids: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    output: Path | None = None,
    archive: Path | None = None,
    session: Session | None = None,
    waiting: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build `deck_ids` (default: every deck) in `formats` into `output` (default: factdeck.yaml's output
    folder), in `session` (default: one-off). Another build writing to the same folder is waited for
    (`waiting` is told so). Returns what was written, left unchanged and removed, the warnings, and the
    outputs that could not be made (`failed`: the others are written). Raises `ValidationFailed`,
    `UsageError` (an unknown deck), `OutputError` or `TemplateError`, and then leaves the previous outputs
    exactly as they were."""
    from factdeck.engine.incremental import STATE_FILE, IncrementalBuild

    # Nothing to do if every input byte is what the last successful build read and its outputs are intact.
    request = {
        "decks": list(deck_ids or []),
        "formats": sorted(formats),
        "output": str(output.resolve()) if output else None,
    }
    guess = configured_folder(root, output)
    with folder_lock(guess, waiting), contextlib.ExitStack() as frozen:
        incremental = IncrementalBuild(root, guess, archive, request)
        if incremental.up_to_date():
            return BuildResult(guess, [], incremental.recorded_warnings(), incremental.recorded_outputs())

        # Imported here, not at the top: `factdeck check` and an up-to-date build need none of genanki, typst
        # or the renderers.
        from factdeck.outputs.anki.field_store import FIELDS_FILE
        from factdeck.outputs.anki.package import AnkiPackages
        from factdeck.outputs.exports.export import export_json_parts
        from factdeck.records.select import select_facts

        # The loaded base lives until the build ends: frozen before the collector resumes, no pass walks its
        # hundreds of thousands of objects again (at 10,000 facts the passes that followed validation, a full
        # one among them, cost a third of a CPU second); unfrozen at the end for a caller in the same process.
        # Validation leaves no reference cycles to free first (the YAML reader's were 300,000 objects at 10,000
        # facts, which frozen added a quarter to the peak memory: records/yaml_parse.py breaks them; a test holds a
        # validation to leaving nothing for the collector), so no pass over the youngest generation, which holds
        # everything validation made, precedes the freeze (0.09 CPU s of a one-fact rebuild at 10,000 facts).
        with collector_paused():
            base = load_and_validate(root, archive=archive, session=session)
            gc.freeze()
        frozen.callback(gc.unfreeze)
        if "pdf" in formats:  # a character no font has stops the PDFs that print it: say where it is first
            from factdeck.outputs.print.coverage import font_problems

            base.warnings.extend(font_problems(base))
        decks = [base.deck(d) for d in deck_ids] if deck_ids else list(base.decks)
        folder = output_folder(base, output)
        incremental.use_folder(folder)

        writer = OutputWriter(folder)
        writer.sweep()
        failed: list[Problem] = []  # outputs that could not be made

        def make(step: str, made: Output, deck: DeckSpec, facts: list[Fact]) -> list[Problem] | None:
            """Stage one deck's output; what it said, or None if it could not be made (reported in `failed`
            and left out; the other steps go on, and the next build tries again)."""
            before = set(writer.staged())
            try:
                return [
                    Problem(deck.file, deck.line, f"deck '{deck.id}': {note}", "warning")
                    for note in made.stage(deck, facts)
                ]
            except RenderError as exc:  # this deck's content: the other decks and outputs are not concerned
                if isinstance(exc, PartlyMade):  # it says what was not made
                    said = str(exc)
                else:
                    writer.discard(set(writer.staged()) - before)
                    said = f"{_OUTPUT_LABELS.get(made.name, step)} not made: {exc}"
                failed.append(Problem(deck.file or "", deck.line, f"deck '{deck.id}': {_with_holders(said, facts)}"))
                return None

        try:
            writer.write_parts(JSON_EXPORT, export_json_parts(base))
            # Each output stages its files under build/<deck id>/ (see README, "Outputs").
            anki = AnkiPackages(base, writer, formats)
            outputs: list[Output] = [anki, *_print_outputs(base, writer, formats, anki)]
            for deck in decks:
                facts = select_facts(base, deck)
                if not facts:
                    continue  # validation warned: the deck selects no vetted fact (its old outputs go below)
                for made in (made for made in outputs if made.wanted(deck)):
                    step = f"{deck.id}/{made.name}"
                    key = incremental.step_key(base, made.reads, deck, facts, made.key_extra(deck))
                    said = incremental.current(step, key)  # what making it said last time, if it is current
                    if said is None:
                        before = set(writer.staged())
                        said = make(step, made, deck, facts)
                        if said is not None:
                            files = [p.relative_to(folder).as_posix() for p in writer.staged() if p not in before]
                            incremental.record(step, key, files, said)
                    base.warnings.extend(said or [])
            for made in outputs:
                made.finish()
            digests = {final: writer.digest(final) for final in writer.staged()}
            hashes = {final.relative_to(folder).as_posix(): digest.hex() for final, digest in digests.items()}
            hashes.update(incremental.kept_hashes())
            # What the last build made and this one does not: removed decks, versions and meetings, decks that
            # now select nothing, outputs that failed. Outside this build's decks and formats, kept as they are.
            in_scope = {d.id for d in decks} if deck_ids else None
            stale = []
            for rel, digest in incremental.previous_files().items():
                # The card-field store was an output of builds before it became a cache written in place.
                if rel in hashes or rel in (STATE_FILE, FIELDS_FILE):
                    continue
                if _in_scope(rel, in_scope, formats):
                    stale.append(rel)
                elif (folder / rel).is_file():
                    hashes[rel] = digest
            # A build that could not make everything is never "up to date": the next one tries again.
            writer.write_bytes(STATE_FILE, incremental.state_bytes(base.warnings, hashes, complete=not failed))
            written = writer.commit()
        except BaseException:
            writer.abort()
            raise
        unchanged = incremental.kept()
        removed = remove_outputs(folder, stale)
        for made in outputs:
            made.remove_stale(folder, [d.id for d in decks], written + unchanged)
        incremental.stamp(digests)
    return BuildResult(folder, written, base.warnings, unchanged, removed, failed, (base, outputs, incremental, writer))


def _print_outputs(base: FactBase, writer: OutputWriter, formats: tuple[str, ...], anki: AnkiPackages) -> list[Output]:
    """The worksheets and web quizzes, and the meeting packs, if this build can make any of them. Their code (the
    quiz planner, Typst's documents and workers) is imported only then: an Anki-only build of decks without
    meetings did nothing with it but import it (a twentieth of a CPU second, of a one-fact Anki rebuild's 2.7 at
    10,000 facts). The formats named here are the outputs' own (`WorksheetsAndWebQuiz.formats`,
    `MeetingPacks.formats`; a test holds them to these), and a meeting pack is made only for a deck with
    meetings (`MeetingPacks.wanted`, whose `remove_stale` also reads only those decks)."""
    made: list[Output] = []
    if set(formats) & set(_WORKSHEET_FORMATS):
        from factdeck.outputs.print.worksheets import WorksheetsAndWebQuiz

        made.append(WorksheetsAndWebQuiz(base, writer, formats))
    if set(formats) & set(_MEETING_FORMATS) and any(deck.sessions.meetings for deck in base.decks):
        from factdeck.outputs.sessions.packs import MeetingPacks

        made.append(MeetingPacks(base, writer, formats, anki.stage_for_decks))
    return made


def _with_holders(message: str, facts: list[Fact]) -> str:
    """`message`, and if it names a text that no font has, which of the deck's facts hold it."""
    shown = re.search(
        r"the text '(.+?)' is in none of the fonts the PDFs use: add a font that has it to fonts/", message
    )
    holding = [f.id for f in facts if shown.group(1) in str(f.model_dump())] if shown else []
    if not shown or not holding:
        return message
    return f"{message[: shown.end()]} (facts holding it: {', '.join(holding)}){message[shown.end() :]}"


def _in_scope(relative: str, decks: set[str] | None, formats: tuple[str, ...]) -> bool:
    """Whether an earlier build's file `relative` is one this build would make if the inputs still made it:
    in a deck this build makes (`decks`; None: every deck) and of a format it makes."""
    top, _, rest = relative.partition("/")
    if top == STATE_FOLDER:  # the build's own records (the Anki notes' history among them), never an output
        return False
    if decks is not None and rest and top not in decks:
        return False
    made_by = _FORMAT_OF.get(Path(relative).suffix)
    if made_by is None:  # a file no single format names (factdeck.json): only a build of every format decides
        return set(FORMATS) <= set(formats)
    return made_by in formats


def write_staged(
    folder: Path,
    stage: Callable[[OutputWriter], T],
    tidy: Callable[[list[Path]], object] | None = None,
    waiting: Callable[[str], None] | None = None,
) -> tuple[T, list[Path]]:
    """Run `stage` against a writer on `folder`, then move everything it staged into place together and
    `tidy` up (given the files written), all under the folder's lock (`waiting` is told if it waits).

    If `stage` fails, nothing it staged is kept and the previous outputs stay as they were.
    """
    with folder_lock(folder, waiting):
        writer = OutputWriter(folder)
        writer.sweep()
        try:
            made = stage(writer)
            written = writer.commit()
        except BaseException:
            writer.abort()
            raise
        if tidy is not None:
            tidy(written)
        return made, written


def make_worksheets(
    root: Path,
    deck_id: str,
    output: Path | None = None,
    session: Session | None = None,
    *,
    waiting: Callable[[str], None] | None = None,
    **overrides: Any,
) -> tuple[FactBase, Quiz, list[Path]]:
    """`factdeck quiz`: one deck's worksheets and keys, with the deck's quiz settings overridden where given.
    Returns the fact base, the quiz and the files written; raises as `build` does."""
    from factdeck.outputs.print.typst_process import WorkerPool

    # Typst's workers start first, to load on the other core while this process imports and loads the project
    # (a watch compiles in its own process, with the compilers it keeps). The collector stays paused from the
    # load to the freeze below: resuming in between, its first pass walked the whole loaded base (0.1 s at 10,000
    # facts) and found next to nothing.
    keeping = session is not None and session.keeping
    with WorkerPool(None if keeping else root) as pool, collector_paused():
        from factdeck.engine.kept_validation import kept_selection
        from factdeck.outputs.languages import localized_base
        from factdeck.outputs.print.worksheets import remove_stale, stage_worksheets
        from factdeck.quiz import with_overrides

        # A worksheet of a project validated before (by a build or a worksheet) takes that validation's outcome
        # back (engine/kept_validation.py).
        base = load_and_validate(root, session=session, kept=True)
        deck = base.deck(deck_id)
        settings = with_overrides(deck.quiz, **overrides)
        folder = output_folder(base, output)

        def stage(writer: OutputWriter) -> Quiz:
            # In the deck's language: its facts' current translations, and a note on those that keep their own
            # text.
            deck_base, untranslated = localized_base(base, deck)
            facts = kept_selection(base, deck)
            if deck_base is not base:  # the same facts, in the deck's language
                facts = [deck_base.facts_by_id[f.id] for f in facts]
            quiz = stage_worksheets(writer, deck_base, deck, facts, settings, pool)
            return dataclasses.replace(quiz, notes=(*untranslated, *quiz.notes))

        # Loading leaves hundreds of thousands of objects the collector has not seen; planning a worksheet makes
        # many small objects and frees them by reference counting, triggering collections that walked the whole
        # base (a third of the time from the loaded base to the Typst sources at 10,000 facts) and found nothing.
        with collector_paused(freeze=True):
            made, written = write_staged(
                folder,
                stage,
                lambda written: remove_stale(folder, [deck.id], written),  # versions no longer made
                waiting,
            )
    return base, made, written


def make_sessions(
    root: Path,
    deck_id: str,
    meetings: int | None,
    output: Path | None = None,
    session: Session | None = None,
    waiting: Callable[[str], None] | None = None,
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

    packs, written = write_staged(
        folder, stage, lambda written: remove_stale_meetings(folder, [deck.id], written), waiting
    )  # and the meetings no longer made removed
    return base, packs, written
