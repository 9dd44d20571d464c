"""Scan inputs to page images: photos (JPEG, PNG, and HEIC where pillow-heif is installed) and PDFs.

Every file is checked before it is decoded: a file over MAX_FILE_BYTES, an image over MAX_PIXELS (a
decompression bomb: a small PNG that unpacks to gigabytes) or a PDF over MAX_PDF_PAGES is refused with a
one-line reason. PDF pages render at PDF_DPI (enough for 5 mm bubbles), scaled down when a page is so large
that it would exceed MAX_PIXELS. A phone photo is turned upright by its EXIF orientation.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_PIXELS = 60_000_000  # a 48-megapixel phone photo passes; a bomb does not
MAX_PDF_PAGES = 500
PDF_DPI = 150
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp", ".bmp"}


class ScanInputError(Exception):
    """One input file (or page) that cannot be read; the message is one line, without the file name."""


@dataclass(frozen=True)
class PageImage:
    """One page to read: its file, its page number within a PDF (1 for a photo), and its pixels (grey, uint8)."""

    path: Path
    page: int
    pixels: np.ndarray

    @property
    def label(self) -> str:
        return f"{self.path}" if self.path.suffix.lower() != ".pdf" else f"{self.path} page {self.page}"


def page_images(path: Path) -> Iterator[PageImage | tuple[Path, int, str]]:
    """Each page of `path` as a PageImage, or (path, page, reason) for a page that cannot be read; a file
    that cannot be opened at all gives one (path, 0, reason)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield (path, 0, f"cannot be read ({exc.strerror or exc})")
        return
    if size > MAX_FILE_BYTES:
        yield (path, 0, f"is {size // 2**20} MB, more than the {MAX_FILE_BYTES // 2**20} MB a scan may be")
        return
    if size == 0:
        yield (path, 0, "is empty")
        return
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        yield from _pdf_pages(path)
        return
    try:
        yield PageImage(path, 1, _image(path))
    except ScanInputError as exc:
        yield (path, 0, str(exc))


def _image(path: Path) -> np.ndarray:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if path.suffix.lower() in {".heic", ".heif"}:
        try:
            import pillow_heif  # type: ignore[import-not-found]

            pillow_heif.register_heif_opener()
        except ImportError:
            raise ScanInputError("is a HEIC photo: pip install pillow-heif, or export it as JPEG") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ScanInputError(f"is {width}x{height} pixels, more than a scan may be (a decompression bomb?)")
                upright = ImageOps.exif_transpose(image)
                grey = upright.convert("L")
                grey.load()
                return np.asarray(grey, dtype=np.uint8).copy()
    except ScanInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ScanInputError("is larger than a scan may be (a decompression bomb?)") from None
    except UnidentifiedImageError:
        raise ScanInputError("is not an image factdeck can read (JPEG, PNG or a PDF)") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ScanInputError(f"is damaged or truncated ({' '.join(str(exc).split())})") from None


def _pdf_pages(path: Path) -> Iterator[PageImage | tuple[Path, int, str]]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        yield (path, 0, f"is not a PDF that can be opened ({' '.join(str(exc).split())})")
        return
    try:
        count = len(document)
        if count > MAX_PDF_PAGES:
            yield (path, 0, f"has {count} pages, more than the {MAX_PDF_PAGES} one scan may have")
            return
        for index in range(count):
            try:
                page = document[index]
                width, height = page.get_size()  # points
                scale = PDF_DPI / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / max(width * height, 1.0)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                pixels = bitmap.to_numpy()
                if pixels.ndim == 3:
                    pixels = pixels[..., :3].mean(axis=2).astype(np.uint8)
                yield PageImage(path, index + 1, np.ascontiguousarray(pixels))
            except pdfium.PdfiumError as exc:
                yield (path, index + 1, f"cannot be rendered ({' '.join(str(exc).split())})")
    finally:
        document.close()
