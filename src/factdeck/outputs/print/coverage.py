"""Characters the PDFs cannot draw, found before a build needs them.

A PDF is made by Typst with the bundled fonts and the project's `fonts/` (system fonts are ignored, see
pdf.py), and PDF/UA-1 refuses text that no font can draw ("could not be displayed with font"). An emoji or a
Chinese character in one fact would then stop that deck's worksheets, keys and guides, so `check` (and a
build that makes PDFs) names the fact, the character and the remedy first.

Which characters a font set can draw is asked of Typst itself, with the same fonts and the same fallback the
templates use: a small document holding the characters, compiled to PDF/UA-1, names the first character no
font has; that one is set aside and the rest compiled again. A fact base in Latin and Persian script costs one
compilation of a few milliseconds.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factdeck.exceptions import Problem
from factdeck.outputs.print.fonts import ARABIC_FAMILY, MAIN_FAMILY, _font_files, _fonts, font_folders
from factdeck.outputs.print.typst_worker import PDF_STANDARDS
from factdeck.records.factbase import FactBase
from factdeck.records.schema import Fact, Record

if TYPE_CHECKING:
    import typst

    from factdeck.engine.parse_cache import ContentStore

# Fields that never reach a printed page: an editor's notes, who vetted it and when.
_UNPRINTED = frozenset(
    {"notes", "reviewer", "vetted", "status", "fingerprint", "id", "archive", "archive_sha256", "url"}
)
# Typst's warning of a text it could not show, and its way of escaping some characters (as Rust debug-prints a
# string): matched where Typst warns (re keeps them compiled), not compiled with the module, which every check imports.
_NOT_SHOWN = r'the text `"(.*?)"` could not be displayed'
_ESCAPED = r"\\u\{([0-9a-fA-F]+)\}"


@cache
def _hints() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Which fonts to suggest for a character (its pattern, the suggestion): compiled where first needed, since
    most checks find nothing to explain (the CJK ranges took 3 ms to compile, a third of this module's import)."""
    return (
        (
            re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]"),
            "e.g. Noto Serif CJK for Chinese, Japanese and Korean",
        ),
        (re.compile("[\u2600-\u27bf\U0001f000-\U0001faff]"), "e.g. Noto Emoji, a monochrome emoji font"),
    )


def undrawable(root: Path, chars: Iterable[str]) -> set[str]:
    """The characters of `chars` that no font of the project's PDFs has (the bundled fonts and `fonts/`).
    Raises `RenderError` if the required fonts themselves are missing (pdf.py).

    Whether a character can be drawn depends only on the font files, so what Typst answered for each character
    is kept in the cache folder (`…/factdeck/font-answers`) under the font files' names, sizes and times and the
    typst package's (`_font_store`): a check after an edit that brings no new character asks Typst nothing,
    and imports neither typst nor the fonts (11 to 1 ms CPU; docs/performance.md, "Around a check"). Only fonts
    that loaded with the required families are ever kept, so a kept answer also stands for that check."""
    asked = {c for c in chars if c.isprintable() and not c.isspace() and ord(c) > 0x7E}
    folders = tuple(str(f) for f in font_folders(root))
    store, name = _font_store(folders)
    kept = store.load(name) if store is not None else None
    answer: tuple[str, str] | None = kept if _is_answer(kept) else None
    drawable, missing = (set(answer[0]), set(answer[1])) if answer is not None else (set(), set())
    unknown = asked - drawable - missing
    if answer is None or unknown:
        found = _asked_of_typst(folders, unknown)
        missing |= found
        drawable |= unknown - found
        if store is not None:
            store.save(name, ("".join(sorted(drawable)), "".join(sorted(missing))))
            store.trim()
    return asked & missing


FONT_ANSWERS = "font-answers"  # the cache folder of which characters the fonts draw (`undrawable`)


def _font_store(folders: tuple[str, ...]) -> tuple[ContentStore | None, str]:
    """The store of kept font answers and the entry's name: the font folders, each font file's path, size and
    modification time (as the fonts' own cache, fonts.py) and the typst package's files (its embedded fonts and
    its rules on what is drawn), found without importing it. (None, "") without a cache folder."""
    from importlib.util import find_spec

    from factdeck.engine.incremental import code_fingerprint
    from factdeck.engine.parse_cache import ContentStore, cache_folder

    folder = cache_folder(FONT_ANSWERS)
    spec = find_spec("typst")
    if folder is None or spec is None or not spec.submodule_search_locations:
        return None, ""
    package = tuple(spec.submodule_search_locations)
    name = repr((folders, _font_files(folders), _font_files(package), PDF_STANDARDS, MAIN_FAMILY, ARABIC_FAMILY))
    return ContentStore(folder, code_fingerprint(), FONT_ANSWERS), name


def _is_answer(kept: Any) -> bool:
    return type(kept) is tuple and len(kept) == 2 and all(type(part) is str for part in kept)


def _asked_of_typst(folders: tuple[str, ...], chars: set[str]) -> set[str]:
    """The characters of `chars` that no font in `folders` draws, as Typst says compiling them (the fonts are loaded,
    and their families checked, even for no characters)."""
    import typst  # loaded with the fonts (fonts.py) in any case

    fonts = _fonts(folders)
    missing: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="factdeck-fonts-") as empty_root:
        compiler = typst.Compiler(root=empty_root, font_paths=fonts, ignore_system_fonts=True)
        pending = [sorted(chars)]
        while pending:
            part = pending.pop()
            if not part:
                continue
            said = _first_not_shown(compiler, part)
            if said is None:
                continue
            found = [c for c in said if c in part]
            if found:
                missing.update(found)
                pending.append([c for c in part if c not in found])
            elif len(part) == 1:
                missing.update(part)  # the message named it in a form not read back
            else:
                pending += [part[: len(part) // 2], part[len(part) // 2 :]]
    return missing


def _first_not_shown(compiler: typst.Compiler, chars: list[str]) -> str | None:
    """None if every character can be drawn, else the text Typst names as not drawable ("" if unreadable)."""
    import typst

    # One character per line, each as a Typst string of escapes: nothing in it can be read as markup.
    body = "\n".join(f'#"\\u{{{ord(c):x}}}" #linebreak()' for c in chars)
    source = (
        '#set document(title: "fonts")\n'
        f'#set text(font: ("{MAIN_FAMILY}", "{ARABIC_FAMILY}"))\n'  # as the templates set it
        f"{body}\n"
    )
    try:
        compiler.compile(input=source.encode("utf-8"), format="pdf", pdf_standards=PDF_STANDARDS)
    except typst.TypstError as exc:
        match = re.search(_NOT_SHOWN, exc.message)
        if match is None:
            return ""
        return re.sub(_ESCAPED, lambda m: chr(int(m.group(1), 16)), match.group(1))
    return None


_ASCII = tuple(map(chr, range(128)))


def _characters(text: str) -> set[str]:
    """The characters of `text`. For an ASCII text, each of the 128 is looked for with `in` (a scan in C that
    stops at the first match): `set(text)` makes a string object per character of a large fact file."""
    return {c for c in _ASCII if c in text} if text.isascii() else set(text)


def font_problems(base: FactBase) -> list[Problem]:
    """A warning per fact (source, era, deck, glossary entry) field holding a character the PDFs cannot
    draw, at the field's line, with the remedy; [] when everything can be drawn."""
    from factdeck.outputs.fact_files import file_groups
    from factdeck.records.by_file import files_of

    others: list[tuple[str, Record]] = [
        *((f"source '{s.id}'", s) for s in base.sources.values()),
        *((f"era '{e.id}'", e) for e in base.eras),
        *((f"deck '{d.id}'", d) for d in base.decks),
        *((f"glossary entry '{g.term}'", g) for g in (base.glossary or [])),
    ]
    texts: dict[str, str] = {}  # file -> its text, read once

    def text_of(file: str) -> str:
        if file not in texts:
            try:
                texts[file] = (base.root / file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                texts[file] = ""
        return texts[file]

    # The characters of the files the records came from: cheap, and a superset of what the records hold. The facts'
    # files are read in a loop in C, and each fact's label is made only when a character is missing: making 10,000
    # labels and reading each fact's file property was a third of this in a check.
    groups = file_groups(base)  # each fact file without reading an unchanged file's records, where grouped
    facts_files = {group.file for group in groups} if groups is not None else set(files_of(base.facts))
    files = facts_files | {r.file for _, r in others}
    chars = set().union(*_file_characters(base, sorted(file for file in files if file), text_of))
    missing = undrawable(base.root, chars)
    if not missing:
        return []
    records = [*((f"fact '{f.id}'", f) for f in base.facts), *others]
    problems = []
    for label, record in records:
        for key, value in _printed_strings(record.model_dump()):
            shown = sorted(set(value) & missing)
            if shown:
                line = _line_of(text_of(record.file), record.line, shown[0], key.rsplit(".", 1)[-1].split("[")[0])
                said = f"{label}: {key}: {_explain(shown, base, record)}"
                problems.append(Problem(record.file, line, said, "warning"))
    return problems


def _file_characters(base: FactBase, files: list[str], text_of: Callable[[str], str]) -> list[set[str]]:
    """`_characters` of the text of each of `files`; a fact file's kept in the cache folder (`…/factdeck/characters`,
    one entry a project) under its record-cache key (`FactBase.file_keys`, which stands for its name and text), so a
    check after an edit reads the edited file's text, not every fact file's (11 MB at 10,000 facts)."""
    from factdeck.engine.incremental import code_fingerprint
    from factdeck.engine.parse_cache import ContentStore, cache_folder
    from factdeck.engine.session import Session

    keys = base.file_keys
    session = base.session if isinstance(base.session, Session) else None
    store = ContentStore(cache_folder(CHARACTERS) if keys else None, code_fingerprint(), "", session)
    name = str(base.root)
    loaded = store.load(name)
    kept: dict[str, str] = loaded if type(loaded) is dict else {}
    found: list[set[str]] = []
    keeping: dict[str, str] = {}  # what is kept afterwards: the characters of each fact file with a key
    for file in files:
        key = keys.get(file)
        value = kept.get(key) if key is not None else None
        if type(value) is str:
            found.append(set(value))
        else:
            found.append(_characters(text_of(file)))
            value = "".join(sorted(found[-1]))
        if key is not None:
            keeping[key] = value
    if keeping != kept:
        store.save(name, keeping)
        store.trim()
    return found


CHARACTERS = "characters"  # the cache folder of each fact file's characters (`_file_characters`)


def _printed_strings(data: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in _UNPRINTED:
                yield from _printed_strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _printed_strings(value, f"{path}[{i}]")


def _line_of(text: str, start: int, char: str, key: str) -> int:
    """The first line at or after `start` (1-based) holding `char`, on the line of `key` if one such line is;
    `start` if none is."""
    lines = text.splitlines()
    found = [n for n in range(max(start, 1), len(lines) + 1) if char in lines[n - 1]]
    keyed = [n for n in found if lines[n - 1].lstrip(" -").startswith(f"{key}:")]
    return (keyed or found or [start])[0]


def _explain(chars: list[str], base: FactBase, record: Record) -> str:
    named = [f"'{c}' (U+{ord(c):04X}{' ' + unicodedata.name(c, '')})".replace(" )", ")") for c in chars]
    what = f"the character {named[0]} is" if len(named) == 1 else f"the characters {', '.join(named)} are"
    hints = list(dict.fromkeys(h for c in chars for pattern, h in _hints() if pattern.match(c)))
    hint = "; ".join(hints)
    decks = [d.id for d in base.decks if isinstance(record, Fact) and d.select.matches(record)]
    which = f"deck{'s' * (len(decks) != 1)} {', '.join(repr(d) for d in decks)}" if decks else "a deck"
    return (
        f"{what} in none of the fonts the PDFs use, so the worksheets, keys and guides of {which} that print it are not made (Anki packages and web "
        f"quizzes are): add a font that has it to fonts/{' (' + hint + ')' if hint else ''}, or write it another way"
    )
