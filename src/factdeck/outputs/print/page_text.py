"""Where the text of each page of a PDF factdeck compiled ends: the lowest line, as pypdf reads it (and, for a PDF
in Typst's usual shape, read without pypdf: typst_pdf.py's `TypstPdf`).

The refit (pdf.py: `refitted`) asks of every worksheet and key how blank each page's text area is below its
last line of text. pypdf answers by extracting the whole text of every page (its visitor is told each piece
of text with the matrices in force), which in pure Python cost as much as compiling the document (a 100-question
worksheet and key: about 0.6 s each at 18 and 19 pages). Yet that answer needs little of the extraction: in
pypdf's visitor, a piece of text lies at `tm[5] * cm[3] + cm[5]` (its text and current transformation
matrices), and the lowest such y among pieces that are not blank is the page's last line.

Typst writes each run of text as its own text object, `q … cm … BT … Tf … Tm [...] TJ ET Q`: one text matrix,
set before any text is shown, under a transformation that only translates and flips. For such a page the
lowest line is found here by tokenizing the content stream once (a regular expression), working out each text
object's y from its matrices (the same products, in the same float arithmetic, as pypdf's), and decoding, from
the lowest up, only as many objects as it takes to meet one that shows a character that is not white space
(decoded with pypdf's own font maps, as its extraction decodes them). A page with anything else (moves of the
text position, a form XObject whose text pypdf would read too, a rotated or skewed matrix, a string the
tokenizer does not take whole, a font pypdf cannot map) is measured by pypdf's full extraction instead, so the
answer is pypdf's in every case; tests hold the two to the same values on every kind of printed document.
"""

from __future__ import annotations

import io
import re

# typing.TYPE_CHECKING without importing typing: the worker (typst_worker.py) imports this module, and typing
# was a tenth of its imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_SPACE = rb"[\x00\t\n\x0c\r ]"
_NUMBER = rb"[+-]?(?:\d+\.?\d*|\.\d+)"
# A literal string with at most one level of balanced parentheses inside (Typst leaves those unescaped); a
# deeper one is found by `_string_end`. Written as runs of plain bytes between the escapes and parentheses ("the
# unrolled loop"): each part begins with bytes no other one begins with, so there is only one way to match and a
# run is taken whole. Trying the bytes one by one in alternatives cost a fifth of measuring a page, and a third
# more on Typst's runs of escaped glyphs. Not possessive (`*+`): Python 3.11.2's engine, as Debian 12 ships it,
# matched the possessive form of `_ARRAY` on `[<]`, which is no array (fixed in later 3.11 releases).
_UNESCAPED = rb"[^()\\]*"
_NESTED = rb"\(" + _UNESCAPED + rb"(?:\\[\s\S]" + _UNESCAPED + rb")*\)"  # a balanced pair inside a string
_STRING1 = rb"\(" + _UNESCAPED + rb"(?:(?:\\[\s\S]|" + _NESTED + rb")" + _UNESCAPED + rb")*\)"
_HEXSTRING = rb"<[0-9A-Fa-f\x00\t\n\x0c\r ]*>"
# An array of strings and numbers (a TJ's), likewise.
_ARRAY = rb"\[[^\[\]()<>]*(?:(?:" + _STRING1 + rb"|" + _HEXSTRING + rb")[^\[\]()<>]*)*\]"
_S = _SPACE + rb"*"
_N = rb"(" + _NUMBER + rb")" + _SPACE + rb"+"  # one number, captured, and the space after it
# The two shapes Typst writes most, each as one token: a text object in its own graphics state (`q`, a matrix,
# colours, `BT`, a render mode, the font, the text matrix, one array or string shown, `ET`, `Q`), and a graphics
# state holding only a path (a bubble, a rule: no text, no nested state, nothing shown from elsewhere).
_TEXT_OBJECT = (
    rb"q" + _SPACE + rb"+" + _N * 6 + rb"cm" + _S
    + rb"(?:(?:(?:/[A-Za-z0-9_.]+|" + _NUMBER + rb"(?![0-9.]))" + _S + rb")*(?:cs|scn|CS|SCN|gs)" + _S + rb")*"
    + rb"BT" + _S + rb"(?:" + _NUMBER + _SPACE + rb"+Tr" + _S + rb")?"
    + rb"(/[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)" + _SPACE + rb"+" + _NUMBER + _SPACE + rb"+Tf" + _S
    + _N * 6 + rb"Tm" + _S
    + rb"(" + _ARRAY + rb"|" + _STRING1 + rb")" + _S + rb"T[Jj]" + _S
    + rb"ET" + _S + rb"Q"
)  # fmt: skip
_PATH_STATE = rb"q" + _SPACE + rb"[^BDEITQq()\[\]<>'\"%]*Q"
_MARKED = (
    rb"/[A-Za-z0-9_.]+" + _S + rb"(?:(?:<<(?:[^<>()\[\]]|" + _STRING1 + rb"|" + _HEXSTRING + rb")*>>|/[A-Za-z0-9_.]+)"
    + _S + rb"BDC|BMC)|EMC"
)  # fmt: skip
# One token of a content stream (PDF 32000-1, 7.2 and 7.8.2), taken as coarsely as the reading allows: the
# shapes above, a run of numbers (a matrix's six, a path's coordinates), a whole array (a TJ's strings and
# kerning), a whole dictionary, a string, a name, an operator; white space and comments are skipped with the
# token that follows them.
_TOKEN = re.compile(
    rb"(?:" + _SPACE + rb"+|%[^\r\n]*)*(?:"
    rb"(?P<text_object>" + _TEXT_OBJECT + rb")"
    rb"|(?P<path_state>" + _PATH_STATE + rb")"
    rb"|(?P<marked>" + _MARKED + rb")"
    rb"|(?P<numbers>(?:" + _NUMBER + rb"(?:" + _SPACE + rb"+|(?=[/\[\]()<>%])|\Z))+)"
    rb"|(?P<array>" + _ARRAY + rb")"
    rb"|(?P<dict><<(?:[^<>()\[\]]|" + _STRING1 + rb"|" + _HEXSTRING + rb")*>>)"
    rb"|(?P<string>" + _STRING1 + rb"|" + _HEXSTRING + rb")"
    rb"|(?P<bracket><<|>>|\[|\]|\{|\}|\()"
    rb"|(?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)"
    rb"|(?P<op>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)"
    rb"|\Z)"
)
_PIECE = re.compile(_STRING1 + rb"|" + _HEXSTRING)  # the strings of an array
_STRING_PARTS = re.compile(rb"\\[\s\S]|[()]")
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n|\r|\n)|([\s\S]))")
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_EOL = re.compile(rb"\r\n|\r")
# Operators that move the text position inside a text object, or show text from elsewhere: a page using one is
# measured by pypdf's own extraction.
_UNHANDLED = frozenset({b"Td", b"TD", b"T*", b"'", b'"', b"Do", b"BI", b"ID", b"EI", b"d0", b"d1"})
_IDENTITY = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


class _Unhandled(Exception):
    """The page holds something this reader does not follow as pypdf does."""


def _string_end(data: bytes, start: int) -> int:
    """Where the literal string starting at `start` (its opening parenthesis) ends, just after its closing one."""
    depth = 0
    for found in _STRING_PARTS.finditer(data, start):
        part = found.group()
        if part == b"(":
            depth += 1
        elif part == b")":
            depth -= 1
            if depth == 0:
                return found.end()
    raise _Unhandled("a string that does not end")


def _decoded(token: bytes) -> bytes:
    """A string token's bytes: a literal string's escapes resolved and line ends read as line feeds, or a hex
    string's digits."""
    if token.startswith(b"<"):
        digits = bytes(c for c in token[1:-1] if c not in b"\x00\t\n\x0c\r ")
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))

    def one(match: re.Match[bytes]) -> bytes:
        octal, newline, other = match.groups()
        if octal is not None:
            return bytes([int(octal, 8) & 0xFF])
        if newline is not None:
            return b""
        return _ESCAPED.get(other, other)

    return _ESCAPE.sub(one, _EOL.sub(b"\n", token[1:-1]))


def _strings(shown: list[bytes]) -> list[bytes]:
    """The strings a text object shows, decoded, from its Tj strings and TJ arrays (as they stand in the
    stream)."""
    out = []
    for token in shown:
        if token == b"[" or token == b"]":  # an array read item by item: its strings follow as tokens
            continue
        pieces = _PIECE.findall(token) if token.startswith(b"[") else [token]
        out += [_decoded(piece) for piece in pieces]
    return out


def matrix_product(m: list[float], n: list[float]) -> list[float]:
    """The PDF matrix product m × n of [a b c d e f] matrices (m applied first), as pypdf computes it
    (pypdf._text_extraction.mult), term by term in the same order, so the floats are the same."""
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _text_objects(data: bytes) -> list[tuple[float, str, list[bytes]]]:
    """Each text object of a content stream that shows text: (its y as pypdf's visitor is told it, its font's
    resource name, the string and array tokens it shows, undecoded). Raises `_Unhandled`."""
    found: list[tuple[float, str, list[bytes]]] = []
    cm = _IDENTITY
    saved: list[tuple[list[float], str]] = []
    font = ""
    numbers: list[bytes] = []  # the numbers since the last operator
    names: list[bytes] = []  # the names since the last operator
    shown: list[bytes] = []  # the strings and arrays since the last operator
    strings: list[bytes] | None = None  # the current text object's, None outside BT … ET
    # The text matrices' vertical offsets in force while the current text object shows text: pypdf tells its
    # visitor the matrix of the piece's start, which is one of them, so a single one gives every piece's y.
    heights: set[float] = set()
    array_depth = 0
    position, end = 0, len(data)
    match_token = _TOKEN.match
    while position < end:
        match = match_token(data, position)
        if match is None:
            raise _Unhandled("a token the tokenizer does not take")
        kind = match.lastgroup
        if kind is None:  # white space or a comment up to the end
            break
        token = match.group(kind)
        position = match.end()
        if kind == "text_object":
            groups = match.groups()  # the object's own matrix, its font, its text matrix, what it shows
            own = matrix_product([float(v) for v in groups[1:7]], cm)
            tm = [float(v) for v in groups[8:14]]
            if own[1] != 0 or own[2] != 0 or tm[1] != 0 or tm[2] != 0:
                raise _Unhandled("a rotated or skewed matrix")
            found.append((tm[5] * own[3] + own[5], groups[7].decode("latin-1"), [groups[14]]))
            continue
        if kind == "path_state" or kind == "marked" or kind == "dict":
            continue
        if kind == "op":
            if token == b"true" or token == b"false" or token == b"null":
                continue
            if array_depth:
                raise _Unhandled("an operator inside an array")
            if token == b"q":
                saved.append((cm, font))
            elif token == b"Q":
                if not saved:
                    raise _Unhandled("Q without q")
                cm, font = saved.pop()
            elif token == b"cm":
                if strings is not None or len(numbers) != 6 or names or shown:
                    raise _Unhandled("cm inside a text object, or not six numbers")
                cm = matrix_product([float(v) for v in numbers], cm)
                if cm[1] != 0 or cm[2] != 0:
                    raise _Unhandled("a rotated or skewed matrix")
            elif token == b"BT":
                strings, heights = [], set()
            elif token == b"ET":
                if strings:
                    if len(heights) != 1:
                        raise _Unhandled("text at two heights in one text object")
                    found.append((heights.pop() * cm[3] + cm[5], font, strings))
                strings = None
            elif token == b"Tf":
                if len(names) != 1 or len(numbers) != 1:
                    raise _Unhandled("Tf")
                font = names[0].decode("latin-1")
            elif token == b"Tm":
                if strings is None or len(numbers) != 6:
                    raise _Unhandled("Tm outside a text object")
                if strings and not heights:  # text shown at BT's identity matrix first
                    heights.add(0.0)
                tm = [float(v) for v in numbers]
                if tm[1] != 0 or tm[2] != 0:
                    raise _Unhandled("a rotated or skewed text matrix")
                heights.add(tm[5])
            elif token == b"Tj" or token == b"TJ":
                if strings is None:
                    raise _Unhandled("text outside a text object")
                if not heights:
                    heights.add(0.0)  # shown at BT's identity text matrix
                strings += shown
            elif token in _UNHANDLED:
                raise _Unhandled(token.decode("latin-1"))
            numbers, names, shown = [], [], []
        elif kind == "numbers":
            numbers += token.split()
        elif kind == "array" or kind == "string":
            shown.append(token)
        elif kind == "name":
            names.append(token)
        elif kind == "bracket":  # an array or dictionary the coarse tokens do not take whole: item by item
            if token == b"(":
                stop = _string_end(data, match.start(kind))
                shown.append(data[match.start(kind) : stop])
                position = stop
            elif token == b"[":
                array_depth += 1
                shown.append(b"[")
            elif token == b"]":
                array_depth -= 1
                shown.append(b"]")
    if strings is not None or array_depth:
        raise _Unhandled("a content stream that ends inside a text object or an array")
    return found


def _shows_text(shown: list[bytes], font: Any) -> bool:
    """Whether a text object's strings, decoded as pypdf decodes them in this font, hold a character that is
    not white space."""
    for raw in _strings(shown):
        if isinstance(font.encoding, str):
            try:
                text = raw.decode(font.encoding, "surrogatepass")
            except UnicodeDecodeError:
                text = raw.decode(font.encoding, "replace")
        else:
            text = "".join(font.encoding.get(x, chr(x)) for x in raw)
        if "".join(font.character_map.get(c, c) for c in text).strip():
            return True
    return False


class PageLines:
    """The pages of one PDF and where their text ends, read once."""

    def __init__(self, pdf: bytes) -> None:
        import pypdf  # only to measure pages: `check` imports pdf.py for its font names, and needs no PDF reader

        self._pdf = pdf
        self._lenient: list[Any] | None = None
        # Read strictly first: pypdf's lenient reading (its default) reads every object's header once more to
        # drop entries of a damaged cross-reference table (opening a 100-question worksheet and its key: 14 ms
        # leniently, 5 ms strictly), for a table Typst writes whole. A strict reading that succeeds reads what
        # the lenient one would: pypdf departs from it only where it would report a defect. Where it does
        # report one (a PDF factdeck did not make, or damaged), the lenient reading takes over.
        try:
            self.pages = list(pypdf.PdfReader(io.BytesIO(pdf), strict=True).pages)
        except Exception:  # noqa: BLE001 (any defect the strict reading reports: read as pypdf's default does)
            self.pages = self.lenient_pages()
        self._fonts: dict[Any, Any] = {}

    def lenient_pages(self) -> list[Any]:
        """The pages as pypdf's default (lenient) reading gives them, read once: where something about a page
        is unexpected, pypdf's own reading of it decides, as it always did."""
        if self._lenient is None:
            import pypdf

            self._lenient = list(pypdf.PdfReader(io.BytesIO(self._pdf)).pages)
        return self._lenient

    def __len__(self) -> int:
        return len(self.pages)

    def blank_share(
        self, n: int, margins: tuple[float, float], slow: Callable[[Any, tuple[float, float]], float]
    ) -> float:
        """Page n's blank share below its last line of text within its text area (`margins`: top and bottom,
        pt), as `slow(page, margins)` (pypdf's full extraction) gives it."""
        page = self.pages[n]
        top = float(page.mediabox.height) - margins[0]
        try:
            contents = page.get_contents()
            objects = _text_objects(contents.get_data()) if contents is not None else []
            resources: Any = page["/Resources"] if objects else {}  # a missing one: pypdf's own reading
            fonts = resources.get_object().get("/Font", {}) if objects else {}
            lowest = top
            for y, name, strings in sorted((o for o in objects if margins[1] < o[0] < top), key=lambda o: o[0]):
                if _shows_text(strings, self._font(fonts, name)):
                    lowest = y
                    break
        except Exception:  # noqa: BLE001 (anything unexpected: pypdf's own reading decides, as it always did)
            return self._slowly(n, margins, slow)
        return (lowest - margins[1]) / (top - margins[1])

    def _slowly(self, n: int, margins: tuple[float, float], slow: Callable[[Any, tuple[float, float]], float]) -> float:
        try:
            return slow(self.pages[n], margins)
        except Exception:  # noqa: BLE001 (a defect the strict reading reports: read as pypdf's default does)
            return slow(self.lenient_pages()[n], margins)

    def first_number(self, n: int, left: float) -> int | None:
        """`first_number` of page n, in pypdf's default (lenient) reading where the strict one reports a
        defect."""
        try:
            return first_number(self.pages[n], left)
        except Exception:  # noqa: BLE001 (pypdf's own reading decides, as it always did)
            return first_number(self.lenient_pages()[n], left)

    def _font(self, fonts: Any, name: str) -> Any:
        from pypdf.generic._font import Font

        reference = fonts.raw_get(name)  # the same font object on every page: mapped once
        key = (reference.idnum, reference.generation) if hasattr(reference, "idnum") else id(reference)
        if key not in self._fonts:
            font = Font.from_font_resource(reference.get_object())
            self._fonts[key] = font
        return self._fonts[key]


def blank_share(page: Any, margins: tuple[float, float]) -> float:
    """The share of a pypdf page's text area below its last line of text (pypdf extracts the whole text); the
    footer, below the text area, does not count. The reference `PageLines.blank_share` answers as, and falls
    back to."""
    top = float(page.mediabox.height) - margins[0]
    lowest = [top]

    def visit(text, cm, tm, font, size) -> None:
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and margins[1] < y < top:
            lowest[0] = min(lowest[0], y)

    page.extract_text(visitor_text=visit)
    return (lowest[0] - margins[1]) / (top - margins[1])


def first_number(page: Any, left: float) -> int | None:
    """The number of the first question on a pypdf page: the topmost 'N.' printed at the left margin `left`."""
    found: list[tuple[float, int]] = []

    def visit(text, cm, tm, font, size) -> None:
        word = text.strip()
        if word[:-1].isdigit() and word.endswith(".") and abs(tm[4] * cm[0] + cm[4] - left) < 3:
            found.append((tm[5] * cm[3] + cm[5], int(word[:-1])))

    page.extract_text(visitor_text=visit)
    return max(found)[1] if found else None


def measure(
    pdf: bytes, margins: tuple[float, float], most_blank: float, left: float, numbered: bool
) -> tuple[list[float], int | None]:
    """What the refit (pdf.py: `refitted`) reads of a document: the blank share of each page's text area
    (`margins`: top and bottom, pt) and, where `numbered`, the number of the first question (printed at
    `left`) on the page after the first page before the last that is more than `most_blank` blank (None if
    there is none). Typst's worker processes answer this with the PDF (typst_process.py). A PDF `TypstPdf` reads
    is measured without pypdf (the question after a near-empty page is still pypdf's to find); any other is read
    by pypdf (`PageLines`)."""
    # A PDF Typst wrote, read without pypdf (typst_pdf.py, which builds on the content-stream reading above; imported
    # here, as it imports this module); pypdf is imported only for anything else.
    from factdeck.outputs.print.typst_pdf import TypstPdf

    try:
        typst_pdf = TypstPdf(pdf)
        shares = [typst_pdf.blank_share(n, margins) for n in range(len(typst_pdf))]
        lines: PageLines | None = None
    except Exception:  # noqa: BLE001 (_Unhandled, or anything unexpected: pypdf's own reading decides)
        lines = PageLines(pdf)
        shares = [lines.blank_share(n, margins, blank_share) for n in range(len(lines))]
    middle = next((n for n, share in enumerate(shares[:-1]) if share > most_blank), None) if numbered else None
    if middle is None:
        return shares, None
    return shares, (lines or PageLines(pdf)).first_number(middle + 1, left)
