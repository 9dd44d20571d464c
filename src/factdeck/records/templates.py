"""Where a project's templates come from: its own `templates/` folder over the built-in ones, file by file.

factdeck installs a full set of templates with the package (`factdeck/templates/`: Anki fields and note
types, worksheets and keys, discussion guides, the web quiz). A project needs none of its own; a file it puts
at the same relative path under its `templates/` folder replaces the built-in one (`factdeck templates copy`
copies built-ins there for editing). Every stage that reads a template (Jinja2 loaders, the Anki note types,
build keys) asks this module, so they all see the same effective files.
"""

from __future__ import annotations

import os
from pathlib import Path

from factdeck.exceptions import UsageError

TEMPLATES = "templates"
BUILTIN = Path(__file__).resolve().parents[1] / TEMPLATES  # factdeck/templates, beside records/


def search_path(root: Path) -> list[Path]:
    """The folders templates are looked up in, first match wins: the project's `templates/` (if it has one),
    then the built-in folder."""
    own = root / TEMPLATES
    return [own, BUILTIN] if own.is_dir() else [BUILTIN]


def own_names(root: Path) -> tuple[str, ...]:
    """Relative names ('/'-separated, sorted) of the project's own template files under `root/templates`;
    () when it has none. What a cached Jinja2 environment is kept under: a file the project adds or removes
    changes which file a name loads, which Jinja2's own reload check (the loaded file's time) cannot see."""
    return tuple(_files(root / TEMPLATES))


def template_path(root: Path, name: str) -> Path:
    """The file that template `name` (a path relative to a templates folder, '/'-separated) comes from: the
    project's copy if there is one, else the built-in one (which may not exist either: the caller reports it)."""
    own = root / TEMPLATES / name
    return own if own.exists() else BUILTIN / name


def display_name(name: str, filename: str | Path | None) -> str:
    """How messages name template `name` read from `filename`: `templates/NAME` for a project's own file (or
    when the file is not known), `built-in template NAME` for the one installed with factdeck (a project fixes
    it by copying it into its `templates/`: `factdeck templates copy NAME`)."""
    if filename is not None and BUILTIN in Path(filename).resolve().parents:
        return f"built-in template {name}"
    return f"{TEMPLATES}/{name}"


def _files(folder: Path) -> list[str]:
    """The '/'-separated names of every entry below `folder` that is not a folder (nor a link to one), sorted."""
    if not folder.is_dir():
        return []
    # os.walk, not rglob: a build with nothing to do lists the built-in templates, and rglob's pattern alone
    # (compiled on first use) cost more than the listing.
    names = []
    for directory, _, files in os.walk(folder):
        prefix = os.path.relpath(directory, folder).replace(os.sep, "/")
        names += [name if prefix == "." else f"{prefix}/{name}" for name in files]
    return sorted(names)


def builtin_names(under: str = "") -> list[str]:
    """Relative names of the built-in templates (below `under`, a subfolder such as `quiz`, if given)."""
    return [n for n in _files(BUILTIN) if not under or n.startswith(under.rstrip("/") + "/")]


def effective_files(root: Path, under: str = "") -> list[tuple[str, Path]]:
    """(relative name, file read) of every template a build of the project at `root` sees below `under`:
    each built-in one, or the project's file of that name, and any further files the project adds."""
    names = set(builtin_names(under))
    own = root / TEMPLATES
    names.update(n for n in _files(own) if not under or n.startswith(under.rstrip("/") + "/"))
    return [(name, template_path(root, name)) for name in sorted(names)]


def copy_templates(root: Path, names: list[str], overwrite: bool = False) -> tuple[list[str], list[str]]:
    """Copy built-in templates into the project's `templates/` for editing: every one if `names` is empty;
    a name may be a file (`quiz/worksheet.typ`) or a folder (`quiz`). Returns (copied, kept): files already in
    the project are kept unless `overwrite`. Raises `UsageError` for a name that is no built-in template."""
    known = builtin_names()
    chosen: list[str] = []
    for name in names or [""]:
        name = name.strip("/")
        matches = [n for n in known if not name or n == name or n.startswith(name + "/")]
        if not matches:
            folders = sorted({n.split("/")[0] for n in known})
            raise UsageError(
                f"no built-in template '{name}' (folders: {', '.join(folders)}; or a file such as {known[0]})"
            )
        chosen.extend(m for m in matches if m not in chosen)
    copied, kept = [], []
    for name in chosen:
        target = root / TEMPLATES / name
        if target.exists() and not overwrite:
            kept.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        import shutil  # here: a build reads this module and copies nothing

        shutil.copyfile(BUILTIN / name, target)
        copied.append(name)
    return copied, kept
