"""Built-in templates: installed with factdeck, free of the shipped subject, overridden file by file."""

from __future__ import annotations

import re
import zipfile

from conftest import REPO

from factdeck.records.templates import BUILTIN, builtin_names, effective_files

# Words of the shipped subject (the MEK's history) that no built-in template may carry: a new project's
# outputs must never show them.
SUBJECT_WORDS = re.compile(
    r"\b(MEK|MKO|PMOI|NCRI|Mojahedin|Mujahedin|Khalq|Rajavi|Iran|Iranian|Iraq|Tehran|Ashraf|Albania|Saddam)\b",
    re.IGNORECASE,
)


def test_built_in_templates_carry_no_words_of_the_shipped_subject():
    names = builtin_names()
    assert {"anki/fields/front-qa.html", "quiz/worksheet.typ", "guide/guide.typ", "web/quiz.js"} <= set(names)
    for name in names:
        text = (BUILTIN / name).read_text(encoding="utf-8")
        found = SUBJECT_WORDS.findall(text)
        assert not found, f"{name} names {found}"


def test_the_shipped_project_uses_the_built_in_templates():
    assert not (REPO / "templates").exists()


def test_a_project_file_overrides_its_built_in_one_alone(project):
    project.replace("templates/anki/fields/front-qa.html", "{{", "OVERRIDDEN {{")
    files = dict(effective_files(project.root))
    assert files["anki/fields/front-qa.html"] == project.path("templates/anki/fields/front-qa.html")
    assert files["anki/fields/details.html"] == BUILTIN / "anki/fields/details.html"
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(project.path("build/guild-history/guild-history.apkg")) as apkg:
        database = apkg.read("collection.anki2")
    assert b"OVERRIDDEN" in database


def test_a_new_project_builds_without_templates(project):
    assert not project.path("templates").exists()
    result = project.run("build")
    assert result.exit_code == 0, result.output
    assert project.path("build/guild-history/worksheet-A.pdf").is_file()


def test_templates_copy_copies_for_editing_and_keeps_edits(project):
    result = project.run("templates", "copy", "quiz")
    assert result.exit_code == 0, result.output
    copied = sorted(p.relative_to(project.path("templates")).as_posix() for p in project.path("templates").rglob("*.*"))
    assert copied == builtin_names("quiz")
    assert project.read("templates/quiz/key.typ") == (BUILTIN / "quiz/key.typ").read_text(encoding="utf-8")
    project.write("templates/quiz/key.typ", "// mine\n")
    again = project.run("templates", "copy", "quiz/key.typ")
    assert again.exit_code == 0
    assert "kept templates/quiz/key.typ" in again.stderr
    assert project.read("templates/quiz/key.typ") == "// mine\n"
    forced = project.run("templates", "copy", "quiz/key.typ", "--force")
    assert forced.exit_code == 0 and project.read("templates/quiz/key.typ") != "// mine\n"


def test_templates_copy_refuses_an_unknown_name(project):
    result = project.run("templates", "copy", "quizz")
    assert result.exit_code == 2
    assert "no built-in template 'quizz'" in result.stderr


def test_templates_list_says_where_each_comes_from(project):
    project.write("templates/web/quiz.css", "body {}\n")
    lines = project.run("templates", "list").stdout.splitlines()
    assert "web/quiz.css  (templates/web/quiz.css)" in lines
    assert "web/quiz.js  (built-in)" in lines


def test_an_error_in_a_built_in_template_names_it_as_built_in():
    from factdeck.records.templates import display_name

    assert display_name("quiz/key.typ", BUILTIN / "quiz/key.typ") == "built-in template quiz/key.typ"
    assert display_name("quiz/key.typ", "/elsewhere/templates/quiz/key.typ") == "templates/quiz/key.typ"
