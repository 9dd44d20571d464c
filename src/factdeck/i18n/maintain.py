"""Keeping the shipped catalogs in step with the code: `python -m factdeck.i18n.maintain [extract|update|compile|all]`
from a checkout's top (where `babel.cfg` is).

Each step is Babel's own (`pybabel extract`, `update`, `compile`; https://babel.pocoo.org/en/latest/cmdline.html),
run with the project's options, plus one thing pybabel leaves to the translator: the English catalog's
translations are its message ids (English is the language the messages are written in).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from factdeck import __version__
from factdeck.i18n.catalogs import DOMAIN, SHIPPED, SOURCE_LANGUAGE, TEMPLATE, catalog_path

# src/factdeck/locale -> the checkout's top, for an editable install; else the folder it is run from (a checkout's
# top, as the module's help says), since an installed factdeck's locale/ lies in site-packages.
CHECKOUT = SHIPPED.parents[2] if (SHIPPED.parents[2] / "babel.cfg").is_file() else Path.cwd()
COPYRIGHT = "the factdeck project"
BUGS = "https://github.com/factdeck/factdeck/issues"


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(checkout: Path = CHECKOUT) -> None:
    """Every message of the code and templates into `factdeck.pot` (babel.cfg says which files, how)."""
    _pybabel(
        "extract",
        "-F",
        str(checkout / "babel.cfg"),
        "-k",
        "pgettext:1c,2",
        "-k",
        "script_gettext:2",  # outputs/web/messages.py: a message whose placeholders the page's script fills
        "-k",
        "script_ngettext:2,3",
        "-k",
        "typst_gettext",  # templates: a message with Typst code among its values (outputs/render.py)
        "-k",
        "typst_ngettext:1,2",
        "--sort-output",
        "--no-location",
        "--copyright-holder",
        COPYRIGHT,
        "--msgid-bugs-address",
        BUGS,
        "--project",
        "factdeck",
        "--version",
        __version__,
        "-o",
        str(TEMPLATE),
        str(checkout / "src" / "factdeck"),
    )


def update() -> None:
    """Merge `factdeck.pot` into every shipped `.po` (new messages empty, removed ones kept as obsolete), then
    make the English catalog's translations its ids."""
    _pybabel(
        "update", "-D", DOMAIN, "-i", str(TEMPLATE), "-d", str(SHIPPED), "--no-fuzzy-matching", "--ignore-obsolete"
    )
    english = catalog_path(SHIPPED, SOURCE_LANGUAGE)
    with english.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and not (all(message.string) if isinstance(message.string, tuple) else message.string):
            message.string = message.id
    with english.open("wb") as handle:
        write_po(handle, catalog, width=120, omit_header=False)


def compile() -> None:  # noqa: A001 (pybabel's own name for the step)
    """Every shipped `.po` compiled to its `.mo` (fuzzy translations left out, as gettext does)."""
    _pybabel("compile", "-D", DOMAIN, "-d", str(SHIPPED), "--statistics")


def main(argv: list[str]) -> int:
    steps: dict[str, list[Callable[[], None]]] = {
        "extract": [extract],
        "update": [update],
        "compile": [compile],
        "all": [extract, update, compile],
    }
    name = argv[0] if argv else "all"
    if name not in steps:
        print(f"usage: python -m factdeck.i18n.maintain [{'|'.join(steps)}]", file=sys.stderr)
        return 2
    for step in steps[name]:
        step()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
