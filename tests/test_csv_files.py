"""Every CSV (and TSV) file the project writes, read by strict readers and checked for spreadsheet formulas.

Readers: Python's `csv`; a strict RFC 4180 reader written here (quoted fields only where the whole field
is quoted, `""` inside quotes, CRLF or LF record ends, the same number of fields in every record, a
byte-order mark only before an unquoted first field, as csv-parse's strict mode and spreadsheet importers
require); and, when Node.js and the npm package `csv-parse` are installed (tests/node_tools.py),
csv-parse itself in strict mode. The suite never fetches it: without Node or the package that one test is
skipped.

CSV injection (OWASP): fact text starting with `=`, `+`, `-` or `@` must never start a cell; read back
through `csv_cells.original` it is the fact's text again.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import Project, sample_project

from factdeck.outputs.exports.csv_cells import FORMULA_START, neutralised, original
from node_tools import node_with, run_node

FORMULA_QUESTION = '=HYPERLINK("http://example.invalid","x") In which town did the ferry workers first meet?'
PLUS_DISTRACTOR = "+Eastbridge"
AT_STATEMENT = "@SUM(1+1) The ferry workers first met at Calder Quay in 1900."
MINUS_QUESTION = "-1+2 Which union took in the guild's last members?"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Project:
    project = sample_project(tmp_path_factory.mktemp("csv") / "proj", more_facts=True)
    f = "facts/more-guild.yaml"
    project.replace(f, 'question: "In which town did the ferry workers first meet?"', f"question: '{FORMULA_QUESTION}'")
    project.replace(
        f, 'statement: "The ferry workers first met at Calder Quay in 1900."', f'statement: "{AT_STATEMENT}"'
    )
    project.replace(f, 'question: "Which union took in the guild\'s last members?"', f'question: "{MINUS_QUESTION}"')
    project.replace(f, '"The Harbour Board", "The Boatwrights\' Club"]', f'"The Harbour Board", "{PLUS_DISTRACTOR}"]')
    return project


def csv_files(project: Project, tmp: Path) -> dict[str, tuple[bytes, str]]:
    """Every CSV-like file the project writes: name -> (bytes, delimiter)."""
    files: dict[str, tuple[bytes, str]] = {}
    for platform in ("blooket", "gimkit"):
        out = tmp / f"{platform}.csv"
        result = project.run("export", platform, "guild-history", "-o", str(out))
        assert result.exit_code == 0, result.output
        files[platform] = (out.read_bytes(), ",")
    result = project.run("export", "csv", "guild-history", "--anki-headers")
    body = b"".join(line for line in result.stdout_bytes.splitlines(keepends=True) if not line.startswith(b"#"))
    files["anki-tsv"] = (body, "\t")
    result = project.run("quiz", "guild-history", "--answer-sheet", "-o", str(tmp / "print"))
    assert result.exit_code == 0, result.output
    for path in sorted((tmp / "print").rglob("*.csv")):
        files[path.name] = (path.read_bytes(), ",")
    assert "zipgrade-key.csv" in files
    return files


@pytest.fixture(scope="module")
def written(hostile: Project, tmp_path_factory) -> dict[str, tuple[bytes, str]]:
    return csv_files(hostile, tmp_path_factory.mktemp("csv-out"))


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def strict_records(data: bytes, delimiter: str) -> list[list[str]]:
    """RFC 4180, strictly: raises ValueError on a quote inside an unquoted field, text after a closing
    quote, an unclosed quote, a byte-order mark before a quoted field, or records of unequal length."""
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
        if text.startswith('"'):
            raise ValueError("a byte-order mark before a quoted field")
    records: list[list[str]] = []
    field: list[str] = []
    record: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == '"':
            match = _QUOTED.match(text, i)
            if not match:
                raise ValueError(f"unclosed quote at character {i}")
            field.append(match[0][1:-1].replace('""', '"'))
            i = match.end()
            if i < len(text) and text[i] not in (delimiter, "\r", "\n"):
                raise ValueError(f"text after a closing quote at character {i}")
            continue
        end = i
        while end < len(text) and text[end] not in (delimiter, "\r", "\n"):
            if text[end] == '"':
                raise ValueError(f"a quote inside an unquoted field at character {end}")
            end += 1
        field.append(text[i:end])
        i = end
        if i < len(text) and text[i] == delimiter:
            record.append("".join(field))
            field = []
            i += 1
            continue
        record.append("".join(field))
        field = []
        records.append(record)
        record = []
        if text.startswith("\r\n", i):
            i += 2
        elif i < len(text):
            i += 1
    if len({len(r) for r in records}) > 1:
        raise ValueError(f"records of unequal length: {sorted({len(r) for r in records})}")
    return records


def test_the_strict_reader_refuses_what_strict_readers_refuse():
    with pytest.raises(ValueError, match="byte-order mark"):
        strict_records('\ufeff"a\nb",c\r\n'.encode(), ",")
    with pytest.raises(ValueError, match="quote inside"):
        strict_records(b'a"b,c\r\n', ",")
    with pytest.raises(ValueError, match="unequal"):
        strict_records(b"a,b\r\nc\r\n", ",")
    assert strict_records(b'"a,""b""\r\nc",d\r\n', ",") == [['a,"b"\r\nc', "d"]]


def test_every_csv_passes_a_strict_reader_and_python_csv_alike(written):
    for name, (data, delimiter) in written.items():
        strict = strict_records(data, delimiter)
        text = data.decode("utf-8-sig")
        read = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        assert read == strict, name
        # Without stripping the byte-order mark, Python's csv reads the same first cell (with the mark).
        raw = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter))
        assert len(raw) == len(strict) and raw[0][0].lstrip("\ufeff") == strict[0][0], name


def test_the_quizlet_text_is_one_term_a_line_and_never_a_formula(hostile: Project):
    """Quizlet's import reads pasted text, a tab between term and definition and a line per card, with no
    quoting (a quote is shown as it is): not CSV, so it is checked as Quizlet reads it."""
    result = hostile.run("export", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines and all(len(line.split("\t")) == 3 for line in lines)
    cells = [cell for line in lines for cell in line.split("\t")]
    assert not any(cell.startswith(FORMULA_START) for cell in cells)
    assert FORMULA_QUESTION in map(original, cells)


def test_no_cell_starts_a_formula_and_each_reads_back_as_the_text(written):
    texts = set()
    for name, (data, delimiter) in written.items():
        for record in strict_records(data, delimiter):
            for cell in record:
                assert not cell.startswith(FORMULA_START), (name, cell)
                texts.add(original(cell))
    everything = " ".join(texts)
    # The hostile texts arrived whole (not cut, not dropped) in at least one file.
    assert FORMULA_QUESTION in texts
    assert any(t.startswith(MINUS_QUESTION) for t in texts)
    assert PLUS_DISTRACTOR in texts or AT_STATEMENT in texts or AT_STATEMENT in everything


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'=x", "''", "'x", "x=1", "", "plain", "-", "'"]
)
def test_neutralised_cells_read_back_as_written(text):
    cell = neutralised(text)
    assert isinstance(cell, str) and not cell.startswith(FORMULA_START)
    assert original(cell) == text


def test_every_csv_passes_csv_parse_in_strict_mode(written, tmp_path):
    env = node_with("csv-parse/sync")
    script = (
        "const {parse} = require('csv-parse/sync'); const fs = require('fs');"
        "const [file, delimiter] = process.argv.slice(1);"
        "const rows = parse(fs.readFileSync(file), {bom: true, delimiter, relax_quotes: false,"
        " relax_column_count: false, skip_empty_lines: false});"
        "process.stdout.write(JSON.stringify(rows));"
    )
    for name, (data, delimiter) in written.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        done = run_node(script, env, str(path), delimiter)
        assert done.returncode == 0, (name, done.stderr)
        assert json.loads(done.stdout) == strict_records(data, delimiter), name
