"""The JSON export: its documented shape, and the schema reference generated from the models."""

from __future__ import annotations

import csv
import json

from conftest import REPO

from factdeck.build import load_and_validate
from factdeck.outputs.exports.export import export_document, export_json, export_json_parts
from factdeck.records.schema import DeckSpec, Era, Fact, Source
from factdeck.records.schema_doc import schema_markdown


def test_shape(project):
    doc = export_document(load_and_validate(project.root))
    assert list(doc) == ["sources", "eras", "facts", "decks"]
    assert [s["id"] for s in doc["sources"]] == ["chronicle", "pamphlet"]
    assert set(doc["sources"][0]) == set(Source.model_fields)
    assert set(doc["eras"][0]) == set(Era.model_fields)
    assert set(doc["decks"][0]) == set(DeckSpec.model_fields)
    facts = {f["id"]: f for f in doc["facts"]}
    assert set(facts["flood-deaths"]) == set(Fact.model_fields) | {"disputed", "corroboration"}
    assert facts["flood-deaths"]["disputed"] is True
    assert facts["flood-deaths"]["corroboration"] == 2
    assert facts["guild-founded"]["disputed"] is False
    assert facts["guild-founded"]["corroboration"] == 1
    assert facts["first-master"]["corroboration"] == 2
    # Every status is exported; the draft fact included.
    assert facts["guild-dissolved"]["status"] == "draft"
    # Values as loaded: dates stay text.
    assert facts["guild-dissolved"]["date"] == "1935~"
    assert facts["flood-deaths"]["dispute"]["versions"][1]["claimed_by"] == "the Rival Society pamphlet"


def test_export_is_deterministic_json(project):
    base = load_and_validate(project.root)
    first = export_json(base)
    assert first == export_json(load_and_validate(project.root))
    # The file is the document: facts are pydantic's JSON with the derived values appended.
    assert json.loads(first) == export_document(base)
    records = [json.loads(line.strip().rstrip(",")) for line in first.decode().splitlines() if line.startswith("    {")]
    assert records == [r for section in export_document(base).values() for r in section]  # one record per line


def _whole_document(base) -> bytes:
    """The export as it was made whole before it was written in parts: every line, then the sections joined."""
    lines = {
        "sources": [json.dumps(s.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
                    for s in base.sources.values()],
        "eras": [json.dumps(e.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) for e in base.eras],
        "facts": [f'{f.model_dump_json()[:-1]},"disputed":{"true" if f.disputed else "false"},'
                  f'"corroboration":{f.corroboration}}}' for f in base.facts],
        "decks": [json.dumps(d.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) for d in base.decks],
    }  # fmt: skip
    sections = []
    for name, records in lines.items():
        body = ",\n".join("    " + record for record in records)
        sections.append(f'  "{name}": [\n{body}\n  ]' if records else f'  "{name}": []')
    return ("{\n" + ",\n".join(sections) + "\n}\n").encode("utf-8")


def test_export_in_parts_is_the_whole_document(project):
    """A build writes the export in parts as they are made (never the whole document in memory): the parts, of
    any size, in a one-off or a watching session, make the very bytes of the document made whole; an empty
    section too; and the build's factdeck.json is those bytes."""
    from factdeck.engine.session import Session

    for root in (project.root, REPO):
        base = load_and_validate(root)
        whole = _whole_document(base)
        assert export_json(base) == whole
        for size in (1, 200, 1 << 20):
            parts = list(export_json_parts(base, size))
            assert b"".join(parts) == whole
            if size == 1:
                assert len(parts) == len(base.sources) + len(base.eras) + len(base.facts) + len(base.decks) + 1
        watched = load_and_validate(root, session=Session.watching())
        assert export_json(watched) == export_json(watched) == whole  # the second from the kept lines
    base = load_and_validate(project.root)
    base.eras.clear()
    assert b"".join(export_json_parts(base, 1)) == _whole_document(base)
    assert b'  "eras": [],\n' in _whole_document(base)
    project.run("build", "--format", "html")
    assert (project.root / "build" / "factdeck.json").read_bytes() == export_json(load_and_validate(project.root))


def test_schema_reference_is_up_to_date():
    assert (REPO / "docs" / "schema.md").read_text(encoding="utf-8") == schema_markdown(), (
        "docs/schema.md is stale: run `factdeck schema > docs/schema.md`"
    )


def test_tsv_for_quizlet_and_anki(project):
    result = project.run("export", "csv")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 5  # the vetted facts; the draft is left out
    assert all(len(row) == 3 for row in rows)
    flood = next(row for row in rows if row[0].startswith("What do the sources say about how many"))
    assert flood[1].startswith("12 according to the chronicle; 40 according to the pamphlet — ")
    assert "Sources: A Chronicle of the River Guild; The Guild Unmasked" in flood[1]
    assert flood[2] == "decline number casualties disputed"
    text = project.run("export", "csv", "guild-history", "--anki-headers").stdout
    headers = [line for line in text.splitlines() if line.startswith("#")]
    from factdeck.records.identity import note_type_id

    assert headers[:6] == [
        "#separator:tab",
        "#html:true",
        f"#notetype:{note_type_id('river-guild', 'factdeck-card-v1')}",
        "#deck:River Guild history",
        "#tags column:9",
        "#guid column:10",
    ]
    rows = list(csv.reader([line + "\n" for line in text.split("\n") if line and not line.startswith("#")],
                           delimiter="\t"))  # fmt: skip
    assert len(rows) == 5 and all(len(row) == 10 for row in rows)
    assert all(len(row[8].split()) == len(set(row[8].split())) for row in rows)  # no tag twice


def test_tsv_fields_never_hold_tabs_or_line_breaks(project):
    project.replace(
        "facts/guild.yaml",
        'statement: "The River Guild built its hall in Millford in 1910."',
        'statement: "The River Guild built\\tits hall\\nin Millford in 1910."',
    )
    rows = project.run("export", "csv").stdout.splitlines()
    assert all(len(row.split("\t")) == 3 for row in rows)
    assert any("built its hall in Millford" in row for row in rows)
