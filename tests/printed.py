"""Reading printed PDFs back with pypdf: text runs with their positions and sizes, how full each page is,
the outline (bookmarks) and the tagged structure. Shared by the print tests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pypdf

from factdeck.outputs.print.page_text import matrix_product

CM = 72 / 2.54
MARGIN_TOP = 1.8 * CM  # templates/quiz/_setup.typ and templates/guide/guide.typ
MARGIN_BOTTOM, LARGE_MARGIN_BOTTOM = 2.2 * CM, 3.2 * CM


@dataclass(frozen=True)
class Run:
    page: int  # 0-based
    x: float
    y: float  # baseline, pt from the page's bottom
    size: float  # pt, as printed (font size times the text and page matrices)
    text: str


@lru_cache(maxsize=128)
def _read(path: Path) -> tuple[list[Run], list[str]]:
    """Every text run printed in the PDF, and each page's text; each page is read once (a test module's PDFs
    do not change, and reading is most of a print test's time)."""
    found: list[Run] = []
    texts: list[str] = []
    for number, page in enumerate(pypdf.PdfReader(path).pages):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                found.append(Run(number, x, y, size * abs(tm[3]) * abs(cm[3]), text.strip()))

        texts.append(flat(page.extract_text(visitor_text=visit)))
    return found, texts


def runs(path: Path) -> list[Run]:
    """Every text run printed in the PDF."""
    return _read(path)[0]


def flat(text: str) -> str:
    return " ".join(text.split())


def page_texts(path: Path) -> list[str]:
    """Each page's text, its white space collapsed."""
    return _read(path)[1]


def bottom_margin(path: Path) -> float:
    return LARGE_MARGIN_BOTTOM if "large-print" in path.name else MARGIN_BOTTOM


@lru_cache(maxsize=128)
def ruled_lines(path: Path) -> list[tuple[int, float]]:
    """(page, y) of every straight line drawn (`m` … `l`): the rules of an answer space, among others."""
    reader = pypdf.PdfReader(path)
    found = []
    for number, page in enumerate(reader.pages):
        matrix, saved = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
        for operands, operator in pypdf.generic.ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                saved.append(matrix)
            elif operator == b"Q" and saved:
                matrix = saved.pop()
            elif operator == b"cm":
                matrix = matrix_product([float(v) for v in operands], matrix)
            elif operator == b"l":
                x, y = (float(v) for v in operands)
                found.append((number, matrix[1] * x + matrix[3] * y + matrix[5]))
    return found


def blank_shares(path: Path) -> list[float]:
    """For each page, the share of its text area below its last line of text or its last ruled line (an
    answer space is not blank; the footer is below the text area and does not count): 0.9 is a page 90%
    blank."""
    reader = pypdf.PdfReader(path)
    bottom = bottom_margin(path)
    lowest = {n: float(p.mediabox.height) - MARGIN_TOP for n, p in enumerate(reader.pages)}
    for page, y in [(r.page, r.y) for r in runs(path)] + ruled_lines(path):
        if bottom < y:
            lowest[page] = min(lowest[page], y)
    heights = [float(p.mediabox.height) for p in reader.pages]
    return [(lowest[n] - bottom) / (heights[n] - MARGIN_TOP - bottom) for n in range(len(heights))]


@dataclass(frozen=True)
class Bookmark:
    title: str
    page: int  # 0-based
    top: float  # pt from the page's bottom
    level: int  # 1: top level


def outline(path: Path) -> list[Bookmark]:
    """The PDF's bookmarks, in order, with their levels."""
    reader = pypdf.PdfReader(path)
    found: list[Bookmark] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append(Bookmark(item.title, reader.get_destination_page_number(item), float(item.top), level))

    walk(reader.outline, 1)
    return found


def structure(path: Path) -> list[str]:
    """The structure types of the PDF's tag tree, depth first ('/Document', '/H1', '/Table', '/TH', …)."""
    root = pypdf.PdfReader(path).trailer["/Root"]
    found: list[str] = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(root["/StructTreeRoot"])
    return found
