"""Export: the validated fact base as one JSON document."""

from __future__ import annotations

import json
from typing import Any

from factdeck.outputs.anki.cards import note_guid
from factdeck.outputs.exports.csv_cells import neutralised
from factdeck.records.factbase import FactBase
from factdeck.records.identity import namespace_of
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
    JSON of its record, which the build makes once for its keys, with the two derived values appended.
    """

    def dump(record: dict[str, Any]) -> str:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))

    lines = {
        "sources": [dump(s.model_dump(mode="json")) for s in base.sources.values()],
        "eras": [dump(e.model_dump(mode="json")) for e in base.eras],
        "facts": base.session.fact_memo("export.lines").values(
            base.facts,
            None,
            lambda f: (
                f'{base.fact_json(f)[:-1]},"disputed":'
                f'{"true" if f.disputed else "false"},"corroboration":{f.corroboration}}}'
            ),
        ),
        "decks": [dump(d.model_dump(mode="json")) for d in base.decks],
    }
    sections = []
    for name, records in lines.items():
        body = ",\n".join("    " + record for record in records)
        sections.append(f'  "{name}": [\n{body}\n  ]' if records else f'  "{name}": []')
    return ("{\n" + ",\n".join(sections) + "\n}\n").encode("utf-8")


def _one_line(text: str) -> str:
    # Tabs and line breaks would split a record in a tab-separated file.
    return " ".join(text.split())


def anki_field(text: str) -> str:
    """A field as Anki's text importer reads it back unchanged: a field holding a double quote, or starting with
    `#`, is quoted with its quotes doubled (Anki's importer reads a field that starts with `"` as quoted, RFC 4180,
    and a line that starts with `#` as a comment)."""
    return '"' + text.replace('"', '""') + '"' if '"' in text or text.startswith("#") else text


def export_tsv(base: FactBase, facts: list[Fact], anki_headers: bool = False, deck: DeckSpec | None = None) -> bytes:
    """Term/definition lines (question, answer with its statement and sources, tags), tab-separated.

    Plain output imports into Quizlet and, mapping the columns by hand, into Anki. With `anki_headers` a fourth
    column holds each note's GUID (the GUID of the fact's question note in the `.apkg`, so a re-import updates
    the note instead of adding one), and header lines tell Anki's text importer the separator, GUID and tag
    columns, note type (Basic) and deck (`deck`'s name, else Default); fields are quoted as Anki reads them.
    A field a spreadsheet would run as a formula starts with `'` (csv_cells.py).
    Returns UTF-8 bytes, one line per fact of `facts`; raises nothing.
    """
    lines = []
    namespace = namespace_of(base.config)
    if anki_headers:
        deck_name = " ".join(deck.name.split()) if deck is not None else "Default"
        lines += [
            "#separator:tab",
            "#html:false",
            "#notetype:Basic",
            f"#deck:{deck_name}",
            "#tags column:3",
            "#guid column:4",
        ]
    for fact in facts:
        sources = "; ".join(dict.fromkeys(base.sources[c.source].title for c in fact.all_citations()))
        definition = f"{fact.answer} — {fact.statement} (Sources: {sources})"
        tags = [fact.era, fact.kind, *fact.tags, *(["disputed"] if fact.disputed else [])]
        values = [str(neutralised(_one_line(v))) for v in (fact.question, definition, " ".join(tags))]
        if anki_headers:
            values = [anki_field(v) for v in (*values, note_guid(fact.id, "qa", None, namespace))]
        lines.append("\t".join(values))
    return ("\n".join(lines) + "\n").encode("utf-8")
