"""The one shape every output of a build has.

A build (build.py) makes, for each deck, each output it was asked for, as a step: an output says which
`--format` values ask for it (`formats`), which shared inputs key it besides the deck's own spec and facts
(`reads`, the names `engine.incremental.shared_key` knows, plus `key_extra`), stages its files for one deck
(`stage`), and finishes what spans decks (`finish`, `remove_stale`). A step whose key did not change since
the last build is not staged again: its files are left as they were.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from factdeck.outputs.write import OutputWriter
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact


class Output(ABC):
    """One kind of output per deck, staged through the build's `writer`."""

    name: ClassVar[str]  # the step's name: its record in the build state is "<deck id>/<name>"
    formats: ClassVar[tuple[str, ...]]  # the --format values that ask for it, in the order they are made
    reads: ClassVar[tuple[str, ...]]  # the shared inputs that key it (engine.incremental.shared_key's steps)

    def __init__(self, base: FactBase, writer: OutputWriter, formats: tuple[str, ...]) -> None:
        self.base = base
        self.writer = writer
        self.made = tuple(f for f in self.formats if f in formats)  # what this build makes of it

    def wanted(self, deck: DeckSpec) -> bool:
        """Whether this build makes the output for `deck`."""
        return bool(self.made)

    def key_extra(self, deck: DeckSpec) -> str:
        """What keys the step besides the shared inputs, the deck spec and its facts."""
        return ",".join(self.made)

    @abstractmethod
    def stage(self, deck: DeckSpec, facts: list[Fact]) -> list[str]:
        """Stage the deck's files in the writer; returns notes for the deck (shown as warnings). Raises
        `FactdeckError` subclasses (`InputError`, `TemplateError`, `RenderError`) on bad input."""

    def finish(self) -> None:  # noqa: B027 (optional: most outputs have nothing that spans decks)
        """Stage what spans every deck (after the last deck's step)."""

    def remove_stale(self, folder: Path, deck_ids: list[str], kept: list[Path]) -> None:  # noqa: B027 (optional)
        """Delete, after the build is committed, this output's files in `folder` that it made before for
        `deck_ids` and no longer makes (`kept`: every file written or left unchanged)."""
