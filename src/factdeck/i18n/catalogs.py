"""Message catalogs: the shipped ones (`factdeck/locale/<lang>/LC_MESSAGES/factdeck.mo`, compiled from the
`.po` files beside them) and a project's own (`locale/<lang>/LC_MESSAGES/factdeck.po` in the project, read
as they are, so adding a language needs no compile step).

The workflow is GNU gettext's, through Babel (https://babel.pocoo.org/en/latest/cmdline.html):
`pybabel extract -F babel.cfg -o src/factdeck/locale/factdeck.pot .`, then `pybabel update` and
`pybabel compile` over `src/factdeck/locale` with `-D factdeck` (README, "Languages", has the commands).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.support import NullTranslations, Translations

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

# Babel's catalog reader and writer (babel.messages: difflib, email's header parser) are imported where a project's
# own `.po` file is read: the shipped catalogs are compiled (`.mo`), and every command reads one.

DOMAIN = "factdeck"
SOURCE_LANGUAGE = "en"
SHIPPED = Path(__file__).resolve().parents[1] / "locale"  # factdeck/locale, beside this package
TEMPLATE = SHIPPED / f"{DOMAIN}.pot"
PROJECT_FOLDER = "locale"  # a project's own catalogs, at its top


class CatalogError(ValueError):
    """A catalog that cannot be read; the message names the file (and line, where the reader gives one)."""


def catalog_path(folder: Path, language: str, suffix: str = ".po") -> Path:
    """Where a catalog of `language` lives under a locale folder (gettext's layout)."""
    return folder / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def shipped_languages() -> tuple[str, ...]:
    """The languages whose compiled catalog ships with factdeck, sorted (English among them)."""
    return tuple(sorted(p.name for p in SHIPPED.iterdir() if catalog_path(SHIPPED, p.name, ".mo").is_file()))


def project_languages(root: Path) -> tuple[str, ...]:
    """The languages a project adds or overrides with its own catalogs (`locale/<lang>/LC_MESSAGES/factdeck.po`)."""
    folder = root / PROJECT_FOLDER
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.name for p in folder.iterdir() if catalog_path(folder, p.name).is_file()))


def read_catalog(path: Path, display: str = "") -> Catalog:
    """A `.po` file as a Babel `Catalog`; raises `CatalogError` naming the file (and line) if it is malformed."""
    from babel.messages.pofile import PoFileError, read_po

    display = display or str(path)
    try:
        with path.open("rb") as handle:
            return read_po(handle, abort_invalid=True)
    except PoFileError as exc:
        raise CatalogError(f"{display}: {exc}") from exc
    except OSError as exc:
        raise CatalogError(f"{display}: cannot read file: {exc.strerror or 'unreadable'}") from exc


def _translations_of(catalog: Catalog) -> Translations:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@lru_cache(maxsize=16)
def shipped_translations(language: str) -> NullTranslations:
    """The shipped compiled catalog of `language` (English: the messages as written, no catalog needed).
    Cached: a catalog never changes while factdeck runs. Raises `CatalogError` if none ships."""
    if language == SOURCE_LANGUAGE:
        path = catalog_path(SHIPPED, language, ".mo")
        if not path.is_file():
            return NullTranslations()
    path = catalog_path(SHIPPED, language, ".mo")
    try:
        with path.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    except OSError as exc:
        raise CatalogError(f"no catalog for language '{language}' ships with factdeck") from exc


def project_translations(root: Path, language: str) -> Translations | None:
    """The project's own catalog of `language`, with the shipped one (if any) for messages it leaves out;
    None when the project has none. Raises `CatalogError` for a malformed file."""
    path = catalog_path(root / PROJECT_FOLDER, language)
    if not path.is_file():
        return None
    display = path.relative_to(root).as_posix()
    own = _translations_of(read_catalog(path, display))
    if language in shipped_languages():
        shipped = shipped_translations(language)
        if isinstance(shipped, Translations):
            own.add_fallback(shipped)
    return own


def untranslated(catalog: Catalog) -> list[str]:
    """The msgids of `catalog` without a translation (or only a fuzzy one), in catalog order: what a
    complete catalog has none of. Plural messages need every plural form."""
    missing = []
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
