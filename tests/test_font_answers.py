"""What Typst answered about each character kept for the font check (outputs/print/coverage.py's `undrawable`):
a kept answer is the one Typst gives, a check that brings no new character asks Typst nothing, and a font added
to the project's fonts/ is asked about again."""

from __future__ import annotations

import shutil
from importlib.util import find_spec
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdeck.outputs.print import coverage

SHIP = "\U0001f6a2"  # no bundled font has it
LATIN_O_O = "\ua74f"  # DejaVu Sans has it, no bundled font does
POOL = ("a", "é", "ک", "中", SHIP, LATIN_O_O, "\u2603", "\u26f5", "«", "\u00a0", "\u200c", "€")


def _dejavu_sans() -> Path:
    """DejaVu Sans as matplotlib ships it (matplotlib is a test dependency, with the scan extra)."""
    spec = find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"


def _asked_of_typst_counted(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    asked: list[set[str]] = []
    ask = coverage._asked_of_typst
    monkeypatch.setattr(
        coverage, "_asked_of_typst", lambda folders, chars: asked.append(set(chars)) or ask(folders, chars)
    )
    return asked


def _fresh(root: Path, chars: set[str], monkeypatch: pytest.MonkeyPatch) -> set[str]:
    with monkeypatch.context() as uncached:
        uncached.setenv("FACTDECK_NO_CACHE", "1")
        return coverage.undrawable(root, chars)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(asks=st.lists(st.sets(st.sampled_from(POOL)), min_size=1, max_size=4))
def test_a_kept_answer_is_typsts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asks: list[set[str]]) -> None:
    root = tmp_path / "proj"
    root.mkdir(exist_ok=True)
    monkeypatch.setenv("FACTDECK_CACHE_DIR", str(tmp_path / "cache"))
    for chars in asks:  # each answer from what the earlier ones kept
        assert coverage.undrawable(root, chars) == _fresh(root, chars, monkeypatch)


def test_only_new_characters_are_asked_of_typst(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _asked_of_typst_counted(monkeypatch)
    assert coverage.undrawable(tmp_path, {"a", "é", SHIP}) == {SHIP}
    assert coverage.undrawable(tmp_path, {"é", SHIP}) == {SHIP}
    assert coverage.undrawable(tmp_path, {"a"}) == set()
    assert coverage.undrawable(tmp_path, {"é", "中"}) == {"中"}
    # The fonts were loaded (and their families checked) once, with no character; then only 中 was new.
    assert asked == [{"é", SHIP}, {"中"}]


@pytest.mark.parametrize("keyed_by_folders", [False, True])
def test_a_font_added_to_fonts_is_asked_about_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keyed_by_folders: bool
) -> None:
    if keyed_by_folders:  # kept under the font folders' names alone, not their files: caught below
        monkeypatch.setattr(coverage, "_font_files", lambda folders: ())
    fonts = tmp_path / "fonts"
    fonts.mkdir()  # empty: the font folders are the same before and after the font is added
    assert coverage.undrawable(tmp_path, {LATIN_O_O, SHIP}) == {LATIN_O_O, SHIP}
    shutil.copy(_dejavu_sans(), fonts)
    assert _fresh(tmp_path, {LATIN_O_O, SHIP}, monkeypatch) == {SHIP}
    assert (coverage.undrawable(tmp_path, {LATIN_O_O, SHIP}) == {SHIP}) is not keyed_by_folders


def test_fonts_without_the_required_families_are_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from factdeck.exceptions import RenderError
    from factdeck.outputs.print import fonts

    monkeypatch.setattr(fonts, "REQUIRED_FAMILIES", ("No Such Family",))
    for _ in range(2):  # the second time too: nothing was kept by the first
        with pytest.raises(RenderError, match="No Such Family"):
            coverage.undrawable(tmp_path, {"a"})
