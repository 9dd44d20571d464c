"""Answer sheets a camera or a scanner reads: where every mark goes, and the sheet map `factdeck scan` reads.

An answer sheet's scannable pages are laid out here, in millimetres from the page's top-left corner, and the
Typst template (quiz/answer-sheet.typ) places every marker, bubble and label at exactly those positions, so
the scanner knows where to look without measuring the PDF. Each scannable page carries:

- four ArUco fiducial markers (OpenCV's DICT_4X4_50, ids 0-3 clockwise from the top left), drawn here from the
  dictionary's bit patterns: a camera finds them at any angle, and their ids say which way up the page is;
- a QR code (segno) holding deck, version, page, layout and the key, a fingerprint of the sheet map that
  tells a sheet of a version no longer built (`qr_payload`);
- student-ID bubbles (one column of 0-9 per digit) and the bubbled questions (multiple choice, true/false)
  in balanced columns. Questions answered in writing come after, on pages marked by hand.

`sheet_map` is the JSON written beside each `answer-sheet-X.pdf` (`answer-sheet-X.json`): the geometry above
and, per question, its id, facts, options in the version's order and which of them is the key.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field

from factdeck.outputs.print.layout import PrintLayout, bubbled
from factdeck.outputs.render import TypstRaw
from factdeck.quiz import Quiz
from factdeck.quiz.versions import Version

SHEET_FORMAT = 1
QR_PREFIX = "F1"  # factdeck answer sheet, payload format 1
# ArUco DICT_4X4_50, markers 0-3: the 4x4 inner bits, row by row (1 = white), as OpenCV's
# cv2.aruco.generateImageMarker draws them (tests/test_scan.py checks them against OpenCV).
ARUCO_BITS = (
    ("1011", "0101", "0011", "0010"),
    ("0000", "1111", "1001", "1010"),
    ("0011", "0011", "0010", "1101"),
    ("1001", "1001", "0100", "0110"),
)
ARUCO_DICTIONARY = "DICT_4X4_50"
PAPER_MM = {"a4": (210.0, 297.0), "us-letter": (215.9, 279.4)}
PAPER_CODES = {"a4": "a4", "us-letter": "lt"}
ID_DIGITS = 8
TRUE_FALSE = ("T", "F")


@dataclass(frozen=True)
class Metrics:
    """Sizes of one layout (normal or large print), in mm and points."""

    marker: float  # side of a fiducial marker
    inset: float  # page edge to marker
    qr: float  # side of the QR code
    header: float  # height kept for the title, fields and instructions
    radius: float  # bubble radius
    pitch_x: float  # bubble to bubble within a row
    pitch_y: float  # row to row
    number_width: float  # the question number before its bubbles
    gap: float  # between two columns
    text: float  # body text size, pt
    small: float  # labels, footer, pt
    letter: float  # letter inside a bubble, pt


NORMAL = Metrics(10, 9, 28, 40, 2.5, 7.0, 6.6, 11, 5, 10.5, 8.5, 7.5)
# Large print: every text at 18 pt or more, bubbles that hold an 18 pt letter.
LARGE = Metrics(12, 8, 32, 104, 4.6, 10.5, 11.0, 14, 6, 18, 18, 18)


@dataclass
class SheetPage:
    """One scannable page: its questions' bubbles and the ID bubbles, centres in mm."""

    page: int
    id_bubbles: list[list[tuple[float, float]]] = field(default_factory=list)  # per digit: 0-9
    questions: list[dict] = field(default_factory=list)  # {number, labels, centres, x, y}
    top: float = 0.0  # where the bubble grid begins
    id_label: float = 0.0  # top of the ID's label, and of its write-in boxes
    id_boxes: float = 0.0


def marker_centres(paper: str, large: bool) -> dict[int, tuple[float, float]]:
    """Each marker id's centre in mm: 0 top left, 1 top right, 2 bottom right, 3 bottom left."""
    m = LARGE if large else NORMAL
    width, height = PAPER_MM[paper]
    c = m.inset + m.marker / 2
    return {0: (c, c), 1: (width - c, c), 2: (width - c, height - c), 3: (c, height - c)}


def marker_svg(marker_id: int) -> str:
    """Marker `marker_id` as SVG: a black border cell round the 4x4 bits, on a one-cell white quiet zone."""
    rects = ['<rect x="0" y="0" width="8" height="8" fill="#fff"/>', '<rect x="1" y="1" width="6" height="6"/>']
    for row, bits in enumerate(ARUCO_BITS[marker_id]):
        for col, bit in enumerate(bits):
            if bit == "1":
                rects.append(f'<rect x="{col + 2}" y="{row + 2}" width="1" height="1" fill="#fff"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8" shape-rendering="crispEdges">{"".join(rects)}</svg>'
    )


def qr_svg(payload: str) -> str:
    """The QR code (error correction L: the fewest, largest modules; two-module quiet zone) of `payload`, as SVG."""
    import segno  # only for answer sheets: importing it loads urllib and http.client, for every worksheet

    code = segno.make(payload, error="l", micro=False, boost_error=False)
    size = code.symbol_size(border=2)[0]
    cells = [
        f'<rect x="{x}" y="{y}" width="1" height="1"/>'
        for y, row in enumerate(code.matrix_iter(border=2))
        for x, dark in enumerate(row)
        if dark
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>{"".join(cells)}</svg>'
    )


def qr_payload(deck_id: str, version: str, page: int, pages: int, paper: str, large: bool, key: str) -> str:
    """`F1 <deck> <version><page>/<pages> <paper code><n|l> <key>`, e.g. `F1 mek-history B1/2 a4n 3f2a9c`:
    short, so that the code has few modules, each large enough for a blurred phone photo."""
    return f"{QR_PREFIX} {deck_id} {version}{page}/{pages} {PAPER_CODES[paper]}{'l' if large else 'n'} {key}"


def parse_qr(text: str) -> dict | None:
    """The fields of a sheet's QR payload, or None for any other QR code."""
    parts = text.split()
    if len(parts) != 5 or parts[0] != QR_PREFIX:
        return None
    found = re.fullmatch(r"([A-Z])(\d+)/(\d+)", parts[2])
    papers = {code: paper for paper, code in PAPER_CODES.items()}
    if found is None or parts[3][:-1] not in papers or parts[3][-1:] not in ("n", "l"):
        return None
    return {
        "deck": parts[1],
        "version": found.group(1),
        "page": int(found.group(2)),
        "pages": int(found.group(3)),
        "paper": papers[parts[3][:-1]],
        "large": parts[3].endswith("l"),
        "key": parts[4],
    }


def _plan_pages(paper: str, large: bool, rows: list[tuple[int, tuple[str, ...]]], with_id: bool) -> list[SheetPage]:
    """Pages of bubbles: the ID block under the header, questions in balanced columns beside it and below it."""
    m = LARGE if large else NORMAL
    width, height = PAPER_MM[paper]
    left, right = m.inset + m.marker + 4, width - m.inset - m.marker - 4
    bottom = height - m.inset - m.marker - 6
    id_top = m.inset + m.header
    label_height, box_side = m.text * 0.353 * 1.6, m.pitch_x - 1.2
    first_digit = id_top + label_height + box_side + 1.5 + m.pitch_y / 2
    widest = max((len(labels) for _, labels in rows), default=4)
    column_width = m.number_width + (widest - 1) * m.pitch_x + m.radius + m.gap
    # Regions of columns: (x of the first column, columns, y of the first row), then how many rows fit.
    starts: list[tuple[float, int, float]]
    if with_id:
        id_right = left + m.number_width + (ID_DIGITS - 1) * m.pitch_x + m.radius + m.gap
        below = first_digit + 10 * m.pitch_y + 2
        starts = [
            (id_right, int((right - id_right) // column_width), first_digit),
            (left, int((id_right - left) // column_width), below),
        ]
    else:
        starts = [(left, int((right - left) // column_width), id_top + m.pitch_y / 2)]
    regions = [(x, n, y, int((bottom - y) // m.pitch_y) + 1) for x, n, y in starts if n > 0 and y < bottom]
    pages: list[SheetPage] = []
    remaining = list(rows)
    while remaining or not pages:
        page = SheetPage(len(pages) + 1, top=regions[-1][2], id_label=id_top, id_boxes=id_top + label_height)
        if with_id:
            page.id_bubbles = [
                [(left + m.number_width + d * m.pitch_x, first_digit + digit * m.pitch_y) for digit in range(10)]
                for d in range(ID_DIGITS)
            ]
        for x0, columns, y0, tall in regions:
            chunk, remaining = remaining[: columns * tall], remaining[columns * tall :]
            if not chunk:
                continue
            per_column = math.ceil(len(chunk) / columns)  # balanced: every column as tall as the others, or one less
            for i, (number, labels) in enumerate(chunk):
                column, row = divmod(i, per_column)
                x, y = x0 + column * column_width, y0 + row * m.pitch_y
                centres = [(x + m.number_width + k * m.pitch_x, y) for k in range(len(labels))]
                page.questions.append({"number": number, "labels": list(labels), "centres": centres, "x": x, "y": y})
        pages.append(page)
    return pages


def sheet_map(quiz: Quiz, version: Version, layout: PrintLayout, paper: str) -> dict:
    """The JSON-ready map of one version's answer sheet in one layout: pages, positions (mm) and questions.

    Keys: format, deck, version, paper, large, size (mm), radius, markers ({id: centre}), qr (x, y, side),
    pages ([{page, id_bubbles, questions}]), questions ({number: {id, type, facts, stem, options, origins, key,
    points}}), written (the numbers marked by hand), key (the fingerprint the QR code carries)."""
    m = LARGE if layout.large else NORMAL
    rows = []
    questions: dict[str, dict] = {}
    written = []
    for placed in version.questions:
        q = placed.question
        entry: dict = {"id": q.id, "type": q.type, "facts": list(q.fact_ids), "points": layout.of(q), "stem": q.prompt}
        if not bubbled(q):
            written.append(placed.number)
            questions[str(placed.number)] = entry
            continue
        if q.options:
            labels = tuple("ABCDEFGH"[: len(q.options)])
            entry.update(options=placed.options, origins=list(placed.order), key=placed.correct_letter)
        else:
            labels = TRUE_FALSE
            entry.update(options=["True", "False"], origins=[], key="T" if q.truth else "F")
        rows.append((placed.number, labels))
        questions[str(placed.number)] = entry
    pages = _plan_pages(paper, layout.large, rows, bool(layout.id_label))
    width, height = PAPER_MM[paper]
    data = {
        "format": SHEET_FORMAT,
        "deck": quiz.deck_id,
        "version": version.letter,
        "paper": paper,
        "large": layout.large,
        "size": [width, height],
        "radius": m.radius,
        "markers": {str(k): list(v) for k, v in marker_centres(paper, layout.large).items()},
        "marker": m.marker,
        "qr": [width - m.inset - m.marker - 3 - m.qr, m.inset - 2, m.qr],
        "pages": [asdict(p) for p in pages] if rows else [],
        "questions": questions,
        "written": written,
    }
    data["key"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:6]
    return data


def sheet_context(data: dict, layout: PrintLayout) -> dict:
    """What the template reads to draw the scannable pages: metrics, markers, QR codes, pages."""
    m = LARGE if layout.large else NORMAL
    pages = data["pages"]
    return {
        "m": m,
        "markers": [
            (marker_svg(int(k)), x - m.marker / 2 - m.marker / 6, y - m.marker / 2 - m.marker / 6)
            for k, (x, y) in data["markers"].items()
        ],
        "marker_side": m.marker * 8 / 6,
        "qr": data["qr"],
        "qr_svgs": [
            qr_svg(
                qr_payload(
                    data["deck"], data["version"], p["page"], len(pages), data["paper"], data["large"], data["key"]
                )
            )
            for p in pages
        ],
        "pages": pages,
        "written": data["written"],
        "size": data["size"],
        "mm": lambda value: TypstRaw(f"{value:.2f}mm"),
        "pt": lambda value: TypstRaw(f"{value:.1f}pt"),
    }
