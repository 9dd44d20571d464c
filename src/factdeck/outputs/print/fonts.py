"""The fonts every PDF is made with: the typst package's own and the folders `font_folders` names (the
project's `fonts/`, then the shipped ones), loaded once per set of font files, with the families the templates
need checked (pdf.py compiles with them; coverage.py asks them which characters they draw).

Apart from pdf.py and typst_process.py so that `factdeck check`, which only asks about characters, imports
neither the compiling code nor the subprocess module, nor typst until it loads the fonts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from factdeck.exceptions import RenderError

if TYPE_CHECKING:
    import typst

FONTS: Final = "fonts"
# The shipped copy: beside the package in a wheel, at the repository's top in a source checkout.
_PACKAGE = Path(__file__).resolve().parents[2]  # factdeck/, above outputs/print/
_SHIPPED = (_PACKAGE / FONTS, _PACKAGE.parents[1] / FONTS)

MAIN_FAMILY = "Libertinus Serif"  # bundled with the typst package
ARABIC_FAMILY = "Noto Naskh Arabic"  # shipped in fonts/
REQUIRED_FAMILIES = (MAIN_FAMILY, ARABIC_FAMILY)


def font_folders(root: Path) -> list[Path]:
    """The project's `fonts/` (which may add or override fonts), then the shipped fonts."""
    folders = [root / FONTS] if (root / FONTS).is_dir() else []
    shipped = next((f for f in _SHIPPED if f.is_dir()), None)
    if shipped is not None and shipped.resolve() not in {f.resolve() for f in folders}:
        folders.append(shipped)
    return folders


def _font_files(folders: tuple[str, ...]) -> tuple[tuple[str, int, int], ...]:
    """Each font file's path, modification time and size: part of the font cache's key, so a process that
    lives across builds (`factdeck watch`) loads the fonts again once a file in fonts/ changes."""
    files = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            try:
                info = path.stat()
            except OSError:
                continue
            files.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(files)


def _fonts(folders: tuple[str, ...]) -> typst.Fonts:
    return _load_fonts(folders, _font_files(folders))


@lru_cache(maxsize=4)
def _load_fonts(folders: tuple[str, ...], files: tuple[tuple[str, int, int], ...]) -> typst.Fonts:
    import typst

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=list(folders))
    missing = [family for family in REQUIRED_FAMILIES if family not in fonts.families()]
    if missing:
        where = ", ".join(folders) or f"no {FONTS}/ folder found"
        raise RenderError(
            f"{FONTS}/: font {', '.join(missing)} not found (looked in: {where}); "
            f"reinstall factdeck or copy NotoNaskhArabic-Regular.ttf and -Bold.ttf into {FONTS}/"
        )
    return fonts
