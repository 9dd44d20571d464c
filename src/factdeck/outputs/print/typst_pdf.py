"""Typst's own PDFs read without pypdf, as far as the blank share of each page needs (page_text.py's `measure`).

pypdf takes a tenth of a second to import (in every Typst worker, whose CPU time a one-core run pays) and reads
every object of the file it opens. What a page's blank share needs of a PDF Typst wrote is little and always
written the same way: one cross-reference table, each page with its own media box, resources and one content
stream (FlateDecode), and Type0 fonts in Identity-H with a ToUnicode map of single codes (bfchar). `TypstPdf`
reads exactly that, and refuses (`_Unhandled`) anything else, which pypdf then reads as before (`measure`).
Typst's introspection (a query of metadata placed in the document) cannot stand in for this reading: it tells
where Typst laid elements out, not where the PDF prints each line of text, and the refit's choices are defined
on the latter, float for float (the tests hold both readings to pypdf's).
"""

from __future__ import annotations

import re
import zlib

from factdeck.outputs.print.page_text import _HEXSTRING, _STRING1, _shows_text, _text_objects, _Unhandled

TYPE_CHECKING = False  # typing.TYPE_CHECKING: the worker (typst_worker.py) imports this module, and no typing
if TYPE_CHECKING:
    from typing import Any

_WS = rb"[\x00\t\n\x0c\r ]"
_DELIMITED = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"
# One value's first token: a dictionary or array bracket, a name, a reference, a number, a string, a keyword.
_PDF_TOKEN = re.compile(
    _WS + rb"*(?:"
    rb"(?P<open><<|\[)|(?P<close>>>|\])"
    rb"|/(?P<name>[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*)" + _DELIMITED
    + rb"|(?P<ref>\d+)" + _WS + rb"+(?P<generation>\d+)" + _WS + rb"+R" + _DELIMITED
    + rb"|(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))" + _DELIMITED
    + rb"|(?P<string>" + _STRING1 + rb"|" + _HEXSTRING + rb")"
    rb"|(?P<keyword>true|false|null)" + _DELIMITED
    + rb")"
)  # fmt: skip
_OBJECT_HEAD = re.compile(rb"(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+obj" + _DELIMITED)
_STREAM_HEAD = re.compile(_WS + rb"*stream(?:\r\n|\n)")
_STREAM_END = re.compile(rb"(?:\r\n|\n|\r)?endstream" + _DELIMITED)
_XREF_HEAD = re.compile(rb"xref" + _WS + rb"*(\d+)" + _WS + rb"+(\d+)" + _WS + rb"*(?:\r\n|\n|\r)")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_TRAILER = re.compile(rb"trailer" + _WS + rb"*")
_STARTXREF = re.compile(rb"startxref" + _WS + rb"+(\d+)" + _WS + rb"+%%EOF" + _WS + rb"*\Z")
_BFCHAR = re.compile(rb"(\d+) beginbfchar\n((?:<[0-9A-Fa-f]{4}> <(?:[0-9A-Fa-f]{4})+>\n)*)endbfchar")
_BFCHAR_LINE = re.compile(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>\n")


class _Ref(tuple):
    """An indirect reference (object number, generation)."""


class _Name(str):
    """A PDF name, without its slash (a string is bytes)."""


class _Stream(dict):
    """A stream's dictionary, with its decoded data as `data`."""

    data: bytes = b""


class TypstFont:
    """What `_shows_text` reads of a font, as pypdf's `Font` gives it for a Type0 font in Identity-H: its encoding
    (UTF-16BE) and its ToUnicode map, {a code as UTF-16BE decodes it: the text it stands for}."""

    encoding = "utf-16-be"

    def __init__(self, character_map: dict[str, str]) -> None:
        self.character_map = character_map


class TypstPdf:
    """A PDF Typst wrote, read as far as the pages' blank shares need (see above). Raises `_Unhandled` for
    anything it does not read as pypdf would."""

    def __init__(self, pdf: bytes) -> None:
        self._pdf = pdf
        self._objects: dict[int, Any] = {}
        self._fonts: dict[int, TypstFont] = {}
        tail = _STARTXREF.search(pdf, max(0, len(pdf) - 64))
        if tail is None:
            raise _Unhandled("no startxref at the end")
        head = _XREF_HEAD.match(pdf, int(tail.group(1)))
        if head is None or head.group(1) != b"0":
            raise _Unhandled("not one cross-reference table from object 0")
        # Entries are 20 bytes each: an object's entry is read where the object is first needed (a few hundred of
        # the file's thousands of objects).
        self._table, self._count = head.end(), int(head.group(2))
        trailer = _TRAILER.match(pdf, self._table + 20 * self._count)
        if trailer is None:
            raise _Unhandled("no trailer")
        self._trailer, _ = self._value(trailer.end())
        if not isinstance(self._trailer, dict) or {"Prev", "XRefStm", "Encrypt"} & self._trailer.keys():
            raise _Unhandled("a trailer this reader does not follow")
        root = self._get(self._trailer.get("Root"))
        if not isinstance(root, dict):
            raise _Unhandled("a catalog")
        self.pages: list[dict] = []
        self._add_pages(self._get(root.get("Pages")), 0)

    def _add_pages(self, node: Any, depth: int) -> None:
        if not isinstance(node, dict) or depth > 32:
            raise _Unhandled("a page tree node")
        if node.get("Type") == "Pages":
            kids = self._get(node.get("Kids"))
            if not isinstance(kids, list):
                raise _Unhandled("a page tree node's kids")
            for kid in kids:
                self._add_pages(self._get(kid), depth + 1)
        elif node.get("Type") == "Page" and {"MediaBox", "Resources"} <= node.keys():
            self.pages.append(node)  # attributes of its own: none inherited from the tree
        else:
            raise _Unhandled("a page without its own media box and resources")

    def _get(self, value: Any) -> Any:
        """`value`, or the object it refers to."""
        if type(value) is not _Ref:
            return value
        number, generation = value
        if generation != 0:  # the table places generation 0 only: pypdf looks for the other and finds nothing
            raise _Unhandled("a reference to another generation")
        if number not in self._objects:
            self._objects[number] = None  # a reference to itself reads as nothing, not forever
            self._objects[number] = self._object(number)
        return self._objects[number]

    def _object(self, number: int) -> Any:
        entry = _XREF_ENTRY.match(self._pdf, self._table + 20 * number) if 0 <= number < self._count else None
        if entry is None or entry.end() != self._table + 20 * (number + 1) or entry.group(3) != b"n":
            raise _Unhandled("an object the table does not place")
        if entry.group(2) != b"00000":
            raise _Unhandled("an object of another generation")
        head = _OBJECT_HEAD.match(self._pdf, int(entry.group(1)))
        if head is None or int(head.group(1)) != number:
            raise _Unhandled("an object not where the table puts it")
        value, position = self._value(head.end())
        stream = _STREAM_HEAD.match(self._pdf, position)
        if stream is None:
            return value
        length = self._get(value.get("Length")) if isinstance(value, dict) else None
        if type(length) is not int or "DecodeParms" in value:
            raise _Unhandled("a stream this reader does not follow")
        end = stream.end() + length
        if _STREAM_END.match(self._pdf, end) is None:
            raise _Unhandled("a stream's length")
        data = self._pdf[stream.end() : end]
        made = _Stream(value)
        filters = value.get("Filter")
        if filters in ("FlateDecode", ["FlateDecode"]):
            try:
                data = zlib.decompress(data)
            except zlib.error as exc:
                raise _Unhandled("a damaged stream") from exc
        elif filters is not None:
            raise _Unhandled("a filter other than FlateDecode")
        made.data = data
        return made

    def _value(self, position: int) -> tuple[Any, int]:
        """The value starting at `position`, and where it ends."""
        match = _PDF_TOKEN.match(self._pdf, position)
        if match is None:
            raise _Unhandled("a value")
        kind, position = match.lastgroup, match.end()
        if kind == "open":
            if match.group("open") == b"[":
                items = []
                while (close := _PDF_TOKEN.match(self._pdf, position)) is not None and close.group("close") != b"]":
                    item, position = self._value(position)
                    items.append(item)
                if close is None:
                    raise _Unhandled("an array that does not end")
                return items, close.end()
            entries: dict[str, Any] = {}
            while (key := _PDF_TOKEN.match(self._pdf, position)) is not None and key.lastgroup == "name":
                name = key.group("name").decode("latin-1")
                if name in entries:  # pypdf keeps the first value (strictly read, refuses the file)
                    raise _Unhandled("a key given twice")
                entries[name], position = self._value(key.end())
            if key is None or key.group("close") != b">>":
                raise _Unhandled("a dictionary that does not end")
            return entries, key.end()
        if kind == "name":
            return _Name(match.group("name").decode("latin-1")), position
        if kind == "generation":  # the reference's last group
            return _Ref((int(match.group("ref")), int(match.group("generation")))), position
        if kind == "number":
            text = match.group("number")
            return (float(text) if b"." in text else int(text)), position
        if kind == "string":
            return match.group("string"), position
        if kind == "keyword":
            return {b"true": True, b"false": False, b"null": None}[match.group("keyword")], position
        raise _Unhandled("a value")

    def __len__(self) -> int:
        return len(self.pages)

    def blank_share(self, n: int, margins: tuple[float, float]) -> float:
        """`PageLines.blank_share` of page n, where its fast reading follows the page (else `_Unhandled`)."""
        page = self.pages[n]
        box = self._get(page["MediaBox"])
        if not isinstance(box, list) or len(box) != 4 or not all(type(v) in (int, float) for v in box):
            raise _Unhandled("a media box")
        top = float(box[3] - box[1]) - margins[0]
        contents = self._get(page.get("Contents"))
        if contents is None:
            objects = []
        elif isinstance(contents, _Stream):
            objects = _text_objects(contents.data)
        else:
            raise _Unhandled("contents in several streams")
        resources = self._get(page["Resources"]) if objects else {}
        if not isinstance(resources, dict):
            raise _Unhandled("a page's resources")
        fonts = self._get(resources.get("Font"))
        lowest = top
        for y, name, strings in sorted((o for o in objects if margins[1] < o[0] < top), key=lambda o: o[0]):
            if _shows_text(strings, self._font(fonts, name)):
                lowest = y
                break
        return (lowest - margins[1]) / (top - margins[1])

    def _font(self, fonts: Any, name: str) -> TypstFont:
        reference = fonts.get(name[1:]) if isinstance(fonts, dict) else None
        if type(reference) is not _Ref:
            raise _Unhandled("a font not given by reference")
        if reference[0] not in self._fonts:
            font = self._get(reference)
            if not (
                isinstance(font, dict)
                and font.get("Subtype") == "Type0"
                and font.get("Encoding") == "Identity-H"
                and isinstance(to_unicode := self._get(font.get("ToUnicode")), _Stream)
            ):
                raise _Unhandled("a font other than Type0 in Identity-H with a ToUnicode map")
            self._fonts[reference[0]] = TypstFont(_bfchar_map(to_unicode.data))
        return self._fonts[reference[0]]


def _bfchar_map(cmap: bytes) -> dict[str, str]:
    """A ToUnicode map of two-byte codes, each to the UTF-16BE text it stands for (Typst's bfchar sections), as
    pypdf maps it; `_Unhandled` for a map with anything else (ranges, other code lengths, other line ends)."""
    sections = _BFCHAR.findall(cmap)
    if b"bfrange" in cmap or cmap.count(b"beginbfchar") != len(sections) or b"\r" in cmap:
        raise _Unhandled("a ToUnicode map with more than bfchar sections")
    mapped: dict[str, str] = {}
    for count, lines in sections:
        entries = _BFCHAR_LINE.findall(lines)
        if len(entries) != int(count) or any(len(to) % 4 for _, to in entries):
            raise _Unhandled("a bfchar section")
        for code, to in entries:
            mapped[bytes.fromhex(code.decode()).decode("utf-16-be", "surrogatepass")] = bytes.fromhex(
                to.decode()
            ).decode("utf-16-be", "surrogatepass")
    return mapped
