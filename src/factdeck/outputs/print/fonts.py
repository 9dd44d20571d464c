"""The fonts every PDF is made with: the typst package's own and the folders `font_folders` names (the
project's `fonts/`, then the shipped ones), loaded once per set of font files, with the families the templates
need checked (pdf.py compiles with them; coverage.py asks them which characters they draw).

Apart from pdf.py so that `factdeck check`, which only asks about characters, imports neither the compiling
code nor typst until it loads the fonts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from factdeck.exceptions import RenderError
from factdeck.outputs.print.typst_process import FONTS

if TYPE_CHECKING:
    import typst

MAIN_FAMILY = "Libertinus Serif"  # bundled with the typst package
ARABIC_FAMILY = "Noto Naskh Arabic"  # shipped in fonts/
REQUIRED_FAMILIES = (MAIN_FAMILY, ARABIC_FAMILY)


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
