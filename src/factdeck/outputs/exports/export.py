"""Export: the validated fact base as one JSON document."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from factdeck.outputs.exports.csv_cells import neutralised
from factdeck.records.factbase import FactBase
from factdeck.records.schema import DeckSpec, Fact


def export_document(base: FactBase) -> dict[str, Any]:
    """Every record with every field as loaded, plus `disputed` and `corroboration` per fact."""
    return {
        "sources": [s.model_dump(mode="json") for s in base.sources.values()],
        "eras": [e.model_dump(mode="json") for e in base.eras],
        "facts": [
            {**f.model_dump(mode="json"), "disputed": f.disputed, "corroboration": f.corroboration} for f in base.facts
        ],
        "decks": [d.model_dump(mode="json") for d in base.decks],
    }


def export_json(base: FactBase) -> bytes:
    """The export document as UTF-8 JSON, stable across runs (keys in schema order), one record per line.

    One record per line reads and diffs well. Each record is dumped by a C or Rust encoder (an indented dump
    goes through json's pure-Python one, which took seconds on a large fact base); a fact is pydantic's own
    JSON of its record (whose digest the build keeps for its keys), with the two derived values appended.
    """
    return b"".join(export_json_parts(base))


def export_json_parts(base: FactBase, size: int = 1 << 20) -> Iterator[bytes]:
    """`export_json`'s bytes in pieces of about `size` bytes, made as they are written: a build writes them
    straight to the file, so the document (55 MB at 50,000 facts) is never held whole, nor its lines, its
    sections and its encoding each as another copy beside it (they were 140 MB more at the build's peak).
    In a watching session the facts' lines are kept, as `export_json` keeps them."""

    def dump(record: dict[str, Any]) -> str:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))

    def fact_line(f: Fact) -> str:
        return (
            f'{base.passing_json(f)[:-1]},"disputed":'
            f'{"true" if f.disputed else "false"},"corroboration":{f.corroboration}}}'
        )

    memo = base.session.fact_memo("export.lines")
    lines: dict[str, Iterable[str]] = {
        "sources": [dump(s.model_dump(mode="json")) for s in base.sources.values()],
        "eras": [dump(e.model_dump(mode="json")) for e in base.eras],
        # A one-off session keeps nothing: each line is made as it is written.
        "facts": memo.values(base.facts, None, fact_line) if memo.keeping else map(fact_line, base.facts),
        "decks": [dump(d.model_dump(mode="json")) for d in base.decks],
    }
    pending: list[str] = ["{\n"]
    held = 0
    for n, (name, records) in enumerate(lines.items()):
        pending.append((",\n" if n else "") + f'  "{name}": [')
        empty = True
        for record in records:
            pending.append(("\n    " if empty else ",\n    ") + record)
            empty = False
            held += len(record)
            if held >= size:
                yield "".join(pending).encode("utf-8")
                pending, held = [], 0
        pending.append("]" if empty else "\n  ]")
    pending.append("\n}\n")
    yield "".join(pending).encode("utf-8")


def _one_line(text: str) -> str:
    # Tabs and line breaks would split a record in a tab-separated file.
    return " ".join(text.split())


def export_tsv(base: FactBase, facts: list[Fact], anki_headers: bool = False, deck: DeckSpec | None = None) -> bytes:
    """Term/definition lines (question, answer with its statement and sources, tags), tab-separated.

    Plain output imports into Quizlet and, mapping the columns by hand, into Anki; a field a spreadsheet would
    run as a formula starts with `'` (csv_cells.py). With `anki_headers` it is instead Anki's text file of the
    facts' question notes as the `.apkg` has them (same note type, fields, tags and GUIDs,
    outputs/anki/text_import.py), so each import updates the other's notes. Returns UTF-8 bytes, one line per
    fact of `facts` after any header lines; raises nothing (`RenderError` with `anki_headers`).
    """
    if anki_headers:
        from factdeck.outputs.anki.text_import import anki_text_file

        return anki_text_file(base, facts, deck)
    lines = []
    for fact in facts:
        sources = "; ".join(dict.fromkeys(base.sources[c.source].title for c in fact.all_citations()))
        definition = f"{fact.answer} — {fact.statement} (Sources: {sources})"
        tags = dict.fromkeys([fact.era, fact.kind, *fact.tags, *(["disputed"] if fact.disputed else [])])
        values = [str(neutralised(_one_line(v))) for v in (fact.question, definition, " ".join(tags))]
        lines.append("\t".join(values))
    return ("\n".join(lines) + "\n").encode("utf-8")
