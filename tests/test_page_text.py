"""The refit's fast reading of where a page's text ends (outputs/print/page_text.py) against pypdf's full text
extraction, which it stands in for: the same blank share, float for float, on every page of the shipped
worksheets, keys and meeting guides (normal and large print, English and Persian) and on Typst documents made
to stray from the usual shape (rotated, scaled and nested content, parentheses and backslashes in the text,
empty pages, an image)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from conftest import shipped_copy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from factdeck.outputs.print import page_text
from factdeck.outputs.print import typst_pdf as typst_pdf_module
from factdeck.outputs.print.layout import LARGE_MARGIN_BOTTOM, MARGIN_BOTTOM, MARGIN_TOP
from factdeck.outputs.print.page_text import PageLines, _text_objects, _Unhandled, blank_share, measure
from factdeck.outputs.print.pdf import compile_pdf, font_folders
from factdeck.outputs.print.typst_pdf import TypstPdf

MARGINS = [(MARGIN_TOP, MARGIN_BOTTOM), (MARGIN_TOP, LARGE_MARGIN_BOTTOM), (0.0, 0.0), (300.0, 300.0)]


def compare(pdf: bytes) -> int:
    """Assert the fast reading gives pypdf's blank share on every page for every margin; the number of pages
    the fast reading handed to pypdf."""
    slow_pages = []

    def slow(page, margins) -> float:
        slow_pages.append(page)
        return blank_share(page, margins)

    lines = PageLines(pdf)
    reference = list(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert len(lines) == len(reference)
    for margins in MARGINS:
        for n, page in enumerate(reference):
            assert lines.blank_share(n, margins, slow) == blank_share(page, margins), (n, margins)
    return len(slow_pages)


def compare_own(pdf: bytes) -> bool:
    """Assert the reading without pypdf (`TypstPdf`) gives pypdf's blank share on every page it reads, for every
    margin, and `measure` what pypdf's readings give; whether it read every page."""
    reference = list(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    whole = True
    try:
        own = TypstPdf(pdf)
    except _Unhandled:
        own, whole = None, False
    for margins in MARGINS:
        expected = [blank_share(page, margins) for page in reference]
        if own is not None:
            assert len(own) == len(reference)
            for n, share in enumerate(expected):
                try:
                    assert own.blank_share(n, margins) == share, (n, margins)
                except _Unhandled:
                    whole = False
        assert measure(pdf, margins, 0.85, 56.0, True)[0] == expected
    return whole


@pytest.fixture(scope="module")
def shipped_pdfs(tmp_path_factory) -> list[Path]:
    """The main deck's worksheets, keys and meeting packs in both sizes, and the Persian deck's worksheets."""
    project = shipped_copy(tmp_path_factory.mktemp("shipped") / "proj")
    root = project.root
    project.replace("decks/mek-history.yaml", "quiz:\n", "quiz:\n  large_print: true\n")
    for command in (("quiz", "mek-history", "-k", "1"), ("sessions", "mek-history", "-m", "2"), ("quiz", "mek-history-fa", "-k", "1")):  # fmt: skip
        result = project.run(*command, "--output", str(root / "out"))
        assert result.exit_code == 0, result.output
    return sorted((root / "out").rglob("*.pdf"))


def test_the_shipped_documents_read_as_pypdf_reads_them(shipped_pdfs):
    names = {p.name for p in shipped_pdfs}
    assert {"worksheet-A.pdf", "key-A-large-print.pdf", "guide.pdf"} <= names
    for path in shipped_pdfs:
        slow = compare(path.read_bytes())
        own = compare_own(path.read_bytes())
        if path.name.startswith(("worksheet", "key")):  # Typst's usual shape: never pypdf's long way, nor pypdf
            assert slow == 0 and own, path


def typst_pdf(tmp_path: Path, body: str) -> bytes:
    folders = tuple(str(f) for f in font_folders(tmp_path))
    head = '#set document(title: "t")\n#set page(margin: (top: 1.8cm, bottom: 2.2cm))\n'
    return compile_pdf(head + body, "t", folders)


@pytest.mark.parametrize(
    "body",
    [
        "Plain text (with (nested) parentheses) and a back\\\\slash.\n\n" * 40,
        "#rotate(90deg)[Turned text]\n\n#lorem(30)\n\n#scale(x: 150%)[Wide text]",
        "#box(inset: 1cm)[#box(inset: 1cm)[#move(dy: 2cm)[Deep inside]]]",
        "#text(fill: red)[Red] #text(stroke: blue)[Outlined] #highlight[Marked]",
        "#lorem(400)\n\n#pagebreak()\n\n#pagebreak()\n\nLast.",
        '#set text(lang: "fa", font: ("Libertinus Serif", "Noto Naskh Arabic"))\nمجاهدین خلق (سازمان) ' * 30,
        "Before the rules\n\n" + "#line(length: 100%)\n\n" * 40 + "After.",
        "#table(columns: 3, [a], [b], [c], [(d)], [e\\\\], [f])\n\n" * 20,
    ],
)
def test_typst_documents_of_other_shapes_read_as_pypdf_reads_them(tmp_path, body):
    compare(typst_pdf(tmp_path, body))
    compare_own(typst_pdf(tmp_path, body))


def test_the_own_reading_test_catches_a_wrong_font_map(tmp_path, monkeypatch):
    # A reading that took every character for white space would find every page blank: the comparison says so.
    pdf = typst_pdf(tmp_path, "#lorem(300)\n\n" * 3)
    assert compare_own(pdf)
    monkeypatch.setattr(typst_pdf_module, "_bfchar_map", lambda cmap: {chr(c): " " for c in range(0x10000)})
    with pytest.raises(AssertionError):
        compare_own(pdf)


def _as_ranges(font) -> None:
    """The font's ToUnicode map written with bfrange sections (one code each) instead of bfchar."""
    cmap = font["/ToUnicode"].get_object().get_data()
    cmap = re.sub(rb"(<[0-9A-Fa-f]+>) (<[0-9A-Fa-f]+>)\n", rb"\1 \1 \2\n", cmap).replace(b"bfchar", b"bfrange")
    font[pypdf.generic.NameObject("/ToUnicode")] = pypdf.generic.DecodedStreamObject()
    font["/ToUnicode"].set_data(cmap)


def _vertical(font) -> None:
    font[pypdf.generic.NameObject("/Encoding")] = pypdf.generic.NameObject("/Identity-V")


def _contents_in_an_array(page) -> None:
    page[pypdf.generic.NameObject("/Contents")] = pypdf.generic.ArrayObject([page.raw_get("/Contents")])


def rewritten(pdf: bytes, font_change=None, page_change=None) -> bytes:
    """`pdf` written again by pypdf, each font and page changed as given."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    for page in writer.pages:
        if page_change is not None:
            page_change(page)
        for font in page["/Resources"]["/Font"].values():
            if font_change is not None:
                font_change(font.get_object())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "change", [{"font_change": _as_ranges}, {"font_change": _vertical}, {"page_change": _contents_in_an_array}]
)
def test_what_the_own_reading_does_not_follow_is_pypdfs(tmp_path, change):
    plain = typst_pdf(tmp_path, "#lorem(300)\n\n" * 3)
    compare_own(rewritten(plain))  # pypdf's own writing: read (or not) as pypdf reads it
    pdf = rewritten(plain, **change)
    with pytest.raises(_Unhandled):
        own = TypstPdf(pdf)
        for n in range(len(own)):
            own.blank_share(n, (MARGIN_TOP, MARGIN_BOTTOM))
    assert not compare_own(pdf)  # and `measure` gives pypdf's answer


def edited(pdf: bytes, pattern: bytes, new: bytes) -> bytes:
    """`pdf` with the first match of `pattern` (before its cross-reference table) replaced by `new` (a template,
    as re.sub takes), and the table's offsets moved to match."""
    start = int(re.search(rb"startxref\s+(\d+)", pdf[-64:]).group(1))
    found = re.search(pattern, pdf)
    assert found is not None and found.end() <= start
    new, end = found.expand(new), found.end()
    delta = len(new) - len(found.group())
    body = pdf[: found.start()] + new + pdf[end:start]

    def moved(entry: re.Match[bytes]) -> bytes:
        offset = int(entry.group(1))
        return b"%010d" % (offset + delta if offset >= end else offset) + entry.group(2)

    table = re.sub(rb"(\d{10})( \d{5} n)", moved, pdf[start:])
    return body + re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (start + delta), table)


@pytest.mark.parametrize(
    ("pattern", "new"),
    [
        # A key given twice: pypdf keeps the first value (here the height of a shorter page).
        (rb"/Type/Page(?=[/>])", b"/Type/Page/MediaBox[0 0 595.2756 400]"),
        # A reference to a generation the table does not hold: pypdf finds no contents there.
        (rb"/Contents (\d+) 0 R", rb"/Contents \1 1 R"),
    ],
)
def test_what_pypdf_reads_otherwise_is_pypdfs(tmp_path, pattern, new):
    plain = typst_pdf(tmp_path, "#lorem(300)\n\n" * 3)
    assert compare_own(edited(plain, rb"/Type/Page(?=[/>])", b"/Type/Page/Rotate 0"))  # moved offsets: read
    pdf = edited(plain, pattern, new)
    with pytest.raises(_Unhandled):
        own = TypstPdf(pdf)
        for n in range(len(own)):
            own.blank_share(n, (MARGIN_TOP, MARGIN_BOTTOM))
    assert not compare_own(pdf)  # and `measure` gives pypdf's answer


@pytest.mark.parametrize(
    ("pattern", "new"), [(rb"/Kids\[[^\]]*\]", b"/Kids 5"), (rb"/Resources \d+ 0 R", b"/Resources[]")]
)
def test_a_value_of_another_type_is_left_to_pypdf(tmp_path, pattern, new):
    # Not a TypeError or AttributeError from reading it as the type Typst writes: `_Unhandled`, as documented.
    pdf = edited(typst_pdf(tmp_path, "#lorem(300)"), pattern, new)
    with pytest.raises(_Unhandled):
        own = TypstPdf(pdf)
        for n in range(len(own)):
            own.blank_share(n, (MARGIN_TOP, MARGIN_BOTTOM))


def test_a_typst_pdf_is_measured_without_importing_pypdf(tmp_path):
    # As the worker loads page_text.py (typst_worker.py's `_page_text`), in an isolated interpreter.
    path = tmp_path / "doc.pdf"
    path.write_bytes(typst_pdf(tmp_path, "#lorem(300)\n\n" * 3))
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(Path(page_text.__file__).parents[3])!r})\n"
        "from factdeck.outputs.print import page_text as module\n"
        f"shares, _ = module.measure(open({str(path)!r}, 'rb').read(), (51.0, 62.0), 0.85, 56.0, True)\n"
        "print(len(shares), 'pypdf' in sys.modules)\n"
    )
    made = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, check=True)
    assert made.stdout.split() == [str(len(PageLines(path.read_bytes()))), "False"]


@pytest.mark.parametrize(
    "stream",
    [
        b"BT /F1 12 Tf 10 20 Td (moved) Tj ET",  # a text move
        b"q 0 1 -1 0 0 0 cm BT /F1 12 Tf 1 0 0 1 0 0 Tm (turned) Tj ET Q",  # a rotation
        b"q /X0 Do Q",  # a form whose text pypdf would read too
        b"BT /F1 12 Tf (a) Tj 1 0 0 1 0 5 Tm (b) Tj ET",  # a text matrix set after text
        b"q BT /F1 12 Tf (open) Tj",  # a text object that does not end
        b"BT /F1 12 Tf ((deep (deeper)) Tj ET",  # a string that does not end
    ],
)
def test_what_the_fast_reading_does_not_follow_goes_the_long_way(stream):
    with pytest.raises(_Unhandled):
        _text_objects(stream)


def test_the_fast_reading_finds_each_text_object_where_pypdf_puts_it():
    stream = (
        b"q 1 0 0 -1 10 700 cm/c0 cs 0 scn\nBT 0 Tr/f1 11 Tf 1 0 0 -1 0 0 Tm[(a)7(b)]TJ\nET\nQ\n"
        b"/Span<</MCID 1/Lang(en)>>BDC q 2 0 0 2 0 0 cm q 1 0 0 -1 5 300 cm BT /f2 9 Tf 1 0 0 -1 0 4 Tm "
        b"((x) \\) y)Tj ET Q Q EMC"
    )
    found = _text_objects(stream)
    assert [(y, font) for y, font, _ in found] == [(700.0, "/f1"), (592.0, "/f2")]  # 2 * (300 - 4)


def test_a_typst_document_is_read_strictly_without_a_second_reading(tmp_path):
    pdf = typst_pdf(tmp_path, "#lorem(300)\n\n" * 6)
    lines = PageLines(pdf)
    margins = (MARGIN_TOP, MARGIN_BOTTOM)
    shares = [lines.blank_share(n, margins, blank_share) for n in range(len(lines))]
    assert len(shares) > 1 and lines.first_number(1, 56.0) is None  # unnumbered text
    assert lines._lenient is None  # the strict reading was enough: pypdf's default reading never ran
    assert shares == measure(pdf, margins, 0.85, 56.0, True)[0]
    assert compare(pdf) == 0


def damaged(pdf: bytes) -> bytes:
    """`pdf` with its startxref pointing three bytes past the table: pypdf's default reading repairs it, its
    strict reading refuses it."""
    found = re.search(rb"startxref\s+(\d+)", pdf)
    assert found is not None
    offset = str(int(found.group(1)) + 3).encode().rjust(len(found.group(1)))
    return pdf[: found.start(1)] + offset + pdf[found.end(1) :]


def test_a_damaged_cross_reference_table_reads_as_pypdf_reads_it(tmp_path):
    pdf = damaged(typst_pdf(tmp_path, "#lorem(300)\n\n" * 6 + "Last."))
    with pytest.raises(pypdf.errors.PdfReadError):
        pypdf.PdfReader(io.BytesIO(pdf), strict=True)  # a PDF the strict reading alone could not measure
    lines = PageLines(pdf)
    assert lines._lenient is not None and lines.pages is lines._lenient
    assert compare(pdf) == 0  # pypdf's default reading's answer, page for page
    reference = list(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    shares, _ = measure(pdf, (MARGIN_TOP, MARGIN_BOTTOM), 0.85, 56.0, True)
    assert shares == [blank_share(page, (MARGIN_TOP, MARGIN_BOTTOM)) for page in reference]


def test_a_page_the_strict_reading_cannot_follow_is_read_leniently(monkeypatch, tmp_path):
    pdf = typst_pdf(tmp_path, "#lorem(300)\n\n" * 6)
    lines = PageLines(pdf)
    reference = list(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    strict_pages = {id(page) for page in lines.pages}

    def slow(page, margins) -> float:
        if id(page) in strict_pages:
            raise pypdf.errors.PdfReadError("a defect only the strict reading reports")
        return blank_share(page, margins)

    # Every page made to go the long way (_text_objects refusing it), where the strict page fails: the lenient one
    # answers, as pypdf's default reading does.
    monkeypatch.setattr("factdeck.outputs.print.page_text._text_objects", lambda data: 1 / 0)
    margins = (MARGIN_TOP, MARGIN_BOTTOM)
    assert [lines.blank_share(n, margins, slow) for n in range(len(lines))] == [
        blank_share(page, margins) for page in reference
    ]
    assert lines._lenient is not None


# The patterns before they were unrolled into runs: they match one way only, so taking runs whole (and
# giving nothing back) must match exactly what they matched, and fail where they failed.
_PLAIN_STRING = rb"\((?:[^()\\]|\\[\s\S]|\((?:[^()\\]|\\[\s\S])*\))*\)"
_PLAIN_ARRAY = rb"\[(?:[^\[\]()<>]|" + _PLAIN_STRING + rb"|" + page_text._HEXSTRING + rb")*\]"


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(st.sampled_from([b"(", b")", b"\\", b"a", b" ", b"[", b"]", b"<", b">", b"0", b"\\(", b"\n"]), max_size=24)
)
@example([b"[", b"<", b"]"])  # no array: Python 3.11.2 matched the possessive form of the pattern on it
def test_strings_and_arrays_are_taken_as_the_plain_patterns_take_them(pieces):
    data = b"".join(pieces)
    for plain, fast in (
        (_PLAIN_STRING, page_text._STRING1),
        (_PLAIN_ARRAY, page_text._ARRAY),
    ):
        for start in range(len(data)):
            found, expected = re.match(fast, data[start:]), re.match(plain, data[start:])
            assert (found and found.span()) == (expected and expected.span())
