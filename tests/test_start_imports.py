"""What the commands import before and around their real work: each module below was imported by a command that
never used it, and each test fails if it comes back (measured in docs/performance.md, "Imports a check does not
use")."""

from __future__ import annotations

import subprocess
import sys

import genanki
import pytest
from conftest import imported_by, sample_project

from factdeck.outputs.anki import note_types
from factdeck.outputs.anki import package as anki
from factdeck.outputs.anki.cards import CARD, CLOZE
from factdeck.outputs.print import typst_worker
from factdeck.outputs.print.fonts import font_folders
from test_lazy_patterns import _MODULES

# A check compares each released deck with its record, making the edited facts' notes from the built-in fields:
# none of these writes, renders a template or reads a PDF.
NOT_FOR_A_CHECK = (
    "genanki",  # and chevron, PyYAML's full loader, cached_property
    "asyncio",  # genanki's cached_property
    "jinja2",
    "sqlite3",
    "zlib_ng",
    "factdeck.outputs.anki.apkg_file",
    "factdeck.outputs.anki.kept_collection",
    "factdeck.outputs.render",
    "factdeck.outputs.print.pdf",
    "babel.messages",  # Babel's .po reader: the project has no catalog of its own
    "typst",  # the font check takes what Typst answered for the same characters and fonts (coverage.py)
    "subprocess",  # the Typst workers' side (typst_process.py): font_folders lives in fonts.py
    "factdeck.outputs.print.typst_process",
    "factdeck.outputs.anki.fronts",  # a package's duplicate fronts: a check compares notes without them
    "html",  # fronts.py's entity table
    "difflib",  # the did-you-mean of a name no record has (records/messages.py, collect.py)
    "platformdirs",  # the user cache folder, read where it is plain (engine/cache_home.py)
    "factdeck.records.translated",  # the records of translation files: the project has none
)


def test_a_check_after_an_edit_makes_the_notes_it_compares_without_the_package_code(tmp_path, monkeypatch):
    monkeypatch.setattr(anki, "current_time", lambda: 1_700_000_000)
    project = sample_project(tmp_path / "proj", more_facts=True)
    assert project.run("release").exit_code == 0
    assert project.run("check").exit_code == 0  # the caches hold every file: the edit below is the one to compare
    project.replace("facts/guild.yaml", "founded in 1901 by ferry workers", "founded in 1901 by the ferry workers")
    used = ("factdeck.outputs.anki.cards", "factdeck.outputs.anki.builtin_fields")
    output, imported, errors = imported_by(["check", "--project", str(project.root)], NOT_FOR_A_CHECK + used)
    # It compared the decks with their records and found the edited fact's two notes (question, cloze) changed.
    assert "its package differs from its release record (2 notes changed)" in errors, errors
    assert any(line.startswith("ok:") for line in output), output
    assert imported == str(sorted(used))


def test_the_typst_worker_imports_only_what_it_serves_with(tmp_path):
    """The worker starts at every worksheet (two at a time): Python's start, typst, the fonts and page_text.py,
    and nothing of the building process's side (subprocess, pathlib, typing: a fifth of what it imported)."""
    folders = [str(f) for f in font_folders(tmp_path)]
    run = subprocess.run(
        [sys.executable, "-I", "-X", "importtime", typst_worker.__file__, *folders],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.rpartition("|")[2].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert {"typst", "factdeck.outputs.print.page_text"} <= imported  # it loaded what it compiles and measures with
    assert not imported & {"subprocess", "pathlib", "typing", "factdeck.outputs.print.typst_process"}


@pytest.mark.parametrize(("ours", "genankis"), [("FRONT_BACK_MODEL", "FRONT_BACK"), ("CLOZE_MODEL", "CLOZE")])
def test_the_note_types_kinds_are_genankis(ours, genankis):
    assert getattr(note_types, ours) == getattr(genanki.Model, genankis)


@pytest.mark.parametrize(("layout", "genankis"), [(CARD, genanki.Model.FRONT_BACK), (CLOZE, genanki.Model.CLOZE)])
def test_a_note_types_genanki_model_is_made_once_with_its_own_time(layout, genankis):
    model = note_types.NoteTypeModel(
        1607392319,
        "p: fact card",
        fields=[{"name": "Front", "id": 1}],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{Front}}", "id": 2}],
        css="",
        layout=layout,
        mod=1_600_000_000,
    )
    made = model.genanki()
    assert made is model.genanki() and isinstance(made, genanki.Model)
    assert (made.model_id, made.name, made.fields, made.templates, made.model_type) == (
        model.model_id,
        model.name,
        model.fields,
        model.templates,
        genankis,
    )
    assert made.to_json(1_800_000_000, 1)["mod"] == 1_600_000_000  # not the package's time


def test_the_program_and_its_command_are_imported_without_collector_passes(tmp_path):
    """Importing cli.py (with click) and the command's module makes objects that live as long as the process: the
    cyclic collector is paused while they are imported and they are then frozen out of its sight (entry.py,
    cli.py's `_imported`): no pass runs inside either import (a check of the sample project ran several)."""
    project = sample_project(tmp_path / "proj")
    code = (
        "import gc, sys\n"
        "inside = []\n"
        "def seen(phase, info):\n"
        "    if phase != 'start':\n"
        "        return\n"
        "    frame = sys._getframe(1)\n"
        "    while frame is not None:\n"
        "        name = frame.f_code.co_filename.replace('\\\\', '/')\n"
        "        if frame.f_code.co_name == '<module>' and name.endswith(('factdeck/cli.py', 'factdeck/cli_check.py')):\n"
        "            inside.append(name.rpartition('/')[2])\n"
        "        frame = frame.f_back\n"
        "gc.callbacks.append(seen)\n"
        "from factdeck import entry, process_end\n"
        "process_end.os._exit = lambda status: (print(sorted(set(inside))), sys.exit(status))\n"
        f"sys.argv = ['factdeck', 'check', '--project', {str(project.root)!r}]\n"
        "entry.main()\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout + run.stderr


# Modules whose LazyPatterns (text/patterns.py) serve the rules about kinds of fact, dates and numbers the edited fact
# may not have: a check after an edit imports each of them and compiles only the patterns its edited file's facts
# reach (the sample edit's: a statement naming a year, a plain date, a quote split at its ellipsis).
_LAZY_MODULES = _MODULES  # test_lazy_patterns.py's
_REACHED_BY_THE_SAMPLE_EDIT = ("date_giveaways _DATE", "dates _PLAIN", "quotes _ELLIPSIS")


def test_a_check_after_an_edit_compiles_no_pattern_it_never_matches(tmp_path, monkeypatch):
    """The patterns of right-to-left runs (text/bidi.py), of an archived text's block shapes (locators.py, read
    from the caches after an edit), of errors worded (messages.py) and the rules' LazyPatterns the edited file's
    facts do not reach are compiled where first used: a check after an edit that finds no error compiles none of
    them (compiling them was 4 ms of its imports, then the rules' about 9 ms more)."""
    import re

    if not isinstance(getattr(re, "_cache", None), dict):
        pytest.skip("this Python's re keeps no pattern cache to look into")
    monkeypatch.setattr(anki, "current_time", lambda: 1_700_000_000)
    project = sample_project(tmp_path / "proj", more_facts=True)
    assert project.run("release").exit_code == 0
    assert project.run("check").exit_code == 0  # the caches hold every file, the archived texts' blocks with them
    project.replace("facts/guild.yaml", "founded in 1901 by ferry workers", "founded in 1901 by the ferry workers")
    code = (
        "import re, sys\nfrom factdeck.cli import main\n"
        f"sys.argv = ['factdeck', 'check', '--project', {str(project.root)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "from factdeck.records import locators, messages\nfrom factdeck.text import bidi\n"
        "from factdeck.text.patterns import LazyPattern\n"
        "unused = {**{f'bidi {k}': v for k, v in bidi._SOURCES.items() if k != 'rtl'},\n"
        "          **{f'locators {k}': v for k, v in locators._SHAPES.sources.items()},\n"
        "          'messages quote': messages._TEXT_AFTER_QUOTE, 'messages typst': messages._TYPST_UNKNOWN,\n"
        f"          **{{f'{{name}} {{k}}': v.source for name in {_LAZY_MODULES!r}\n"
        "              for k, v in vars(sys.modules[name]).items() if isinstance(v, LazyPattern)\n"
        f"              if not f'{{name}} {{k}}'.endswith({_REACHED_BY_THE_SAMPLE_EDIT!r})}}}}\n"
        "compiled = {key[1] for key in re._cache}\n"
        "print(sorted(name for name, pattern in unused.items() if pattern in compiled))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "its package differs from its release record (2 notes changed)" in run.stderr, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout + run.stderr
