"""Jinja2's compiled templates kept in factdeck's cache folder (outputs/render.py: `_bytecode_cache`): a
template read back compiled renders what a freshly compiled one renders, an edited template is compiled again,
and environments with other options never share an entry."""

from __future__ import annotations

from pathlib import Path

from factdeck.outputs.render import forget_environments, html_environment, render, typst_environment


def compiled_entries(cache: Path) -> list[Path]:
    return sorted((cache.parent / "templates").rglob("*.cache"))


def fresh_render(root: Path, name: str, **context) -> str:
    forget_environments()  # a new process: nothing compiled in memory
    return render(typst_environment(root), name, root, **context)


def test_a_template_read_back_compiled_renders_as_a_fresh_one(tmp_path, parse_cache_folder, monkeypatch):
    root = tmp_path / "proj"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "note.typ").write_text("{% for x in items %}{{ x }} #{% endfor %}\n", encoding="utf-8")
    context = {"items": ["a*b", "c_d", "#e"]}
    monkeypatch.setenv("FACTDECK_NO_CACHE", "1")
    uncached = fresh_render(root, "note.typ", **context)
    monkeypatch.delenv("FACTDECK_NO_CACHE")
    assert not compiled_entries(parse_cache_folder)
    first = fresh_render(root, "note.typ", **context)
    assert compiled_entries(parse_cache_folder)  # compiled once, kept
    again = fresh_render(root, "note.typ", **context)  # read back compiled
    assert uncached == first == again == "a\\*b #c\\_d #\\#e #"  # escaped for Typst


def test_an_edited_template_is_compiled_again(tmp_path, parse_cache_folder):
    root = tmp_path / "proj"
    (root / "templates").mkdir(parents=True)
    path = root / "templates" / "note.typ"
    path.write_text("before {{ x }}\n", encoding="utf-8")
    assert fresh_render(root, "note.typ", x=1) == "before 1\n"
    path.write_text("after {{ x }}\n", encoding="utf-8")
    assert fresh_render(root, "note.typ", x=1) == "after 1\n"


def test_environments_with_other_options_keep_their_own_entries(tmp_path, parse_cache_folder):
    root = tmp_path / "proj"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "both.html").write_text("{{ x }}\n", encoding="utf-8")
    forget_environments()
    assert render(html_environment(root), "both.html", root, x="<b>") == "&lt;b&gt;\n"  # escaped for HTML
    assert render(typst_environment(root), "both.html", root, x="<b>") == "\\<b\\>\n"  # for Typst
    folders = {p.parent for p in compiled_entries(parse_cache_folder)}
    assert len(folders) == 2
    forget_environments()
    assert render(html_environment(root), "both.html", root, x="<b>") == "&lt;b&gt;\n"  # read back: HTML's own


def test_a_template_the_project_adds_or_removes_is_seen_by_the_same_process(tmp_path):
    """A watch keeps one process: an override added after the environments were made must be the file loaded
    by the next build, and the built-in one again once the override is removed (Jinja2's own reload check
    looks only at the time of the file it loaded, which an added override does not change)."""
    from factdeck.outputs.anki.cards import anki_environment
    from factdeck.outputs.render import load_template

    root = tmp_path / "proj"
    root.mkdir()
    makers = {"html": html_environment, "typst": typst_environment, "anki": anki_environment}
    names = {"html": "web/quiz.html", "typst": "quiz/key.typ", "anki": "web/quiz.html"}

    def loaded(kind: str) -> Path:
        return Path(load_template(makers[kind](root), names[kind]).filename).resolve()

    for kind in makers:
        assert (root / "templates") not in loaded(kind).parents  # the built-in file
    for kind in makers:
        own = root / "templates" / names[kind]
        own.parent.mkdir(parents=True, exist_ok=True)
        own.write_text("{# the project's copy #}\n", encoding="utf-8")
    for kind in makers:
        assert loaded(kind) == (root / "templates" / names[kind]).resolve()
    for kind in makers:
        (root / "templates" / names[kind]).unlink(missing_ok=True)
    for kind in makers:
        assert (root / "templates") not in loaded(kind).parents
