"""CSV cells a spreadsheet never runs as a formula (CSV injection, OWASP's "CSV Injection" guidance).

A spreadsheet program opening a CSV file reads a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula, so fact text such as `=HYPERLINK(…)` or `-2+3` would be run, not shown.
As OWASP recommends, such a cell is written with a single quote before it (spreadsheets show the text
and hide the quote) and quoted by the CSV writer; a cell that already starts with a quote followed by
one of those characters, or by another quote, gets one more, so `original` always gives the text back.
Every CSV and TSV file the project writes passes its cells through `neutralised`.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def neutralised(value: object) -> object:
    """`value` as a CSV cell: text starting like a formula (or like a guarded cell) gets a leading `'`;
    numbers and other values are returned as they are (a spreadsheet reads them as numbers)."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_START) or (value[:1] == GUARD and value[1:2] in (*FORMULA_START, GUARD))
    ):
        return GUARD + value
    return value


def original(cell: str) -> str:
    """The text a cell written by `neutralised` holds: without the guard quote where one was added."""
    if cell[:1] == GUARD and cell[1:2] in (*FORMULA_START, GUARD):
        return cell[1:]
    return cell
