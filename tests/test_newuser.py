"""What a new user met on a clean clone: a changed namespace, a released deck emptied or deleted, facts edited
after vetting, dates as lists and outside their era, misspelled era ids, over-long texts (one test each)."""

from __future__ import annotations

import json
import re

from factdeck.records.identity import guid_of

PUBLISHED = "decks/published/guild-history.json"
NAMESPACE_FIX = (
    "every note's GUID derives from it, so every learner would get a second copy of every note and lose its review "
    "history in the new one; restore `namespace: river-guild`"
)


def test_a_changed_namespace_after_a_release_is_refused_by_check_build_and_release(project):
    assert project.run("release").exit_code == 0
    record = json.loads(project.read(PUBLISHED))
    assert record["namespace"] == "river-guild"
    project.write("factdeck.yaml", "# The sample project's own Anki namespace (docs/anki.md).\nnamespace: other\n")
    expected = (
        "factdeck.yaml:2: namespace 'other' is not the namespace the decks were released under, 'river-guild' "
        f"({PUBLISHED}): {NAMESPACE_FIX}\n"
    )
    for command in (("check",), ("build",), ("release",)):
        result = project.run(*command)
        assert result.exit_code == 1, command
        assert expected in result.stderr, command
    assert json.loads(project.read(PUBLISHED)) == record
    assert not project.path("build/guild-history").exists()


def _strip_namespace(project) -> dict:
    record = json.loads(project.read(PUBLISHED))
    del record["namespace"]
    project.write(PUBLISHED, json.dumps(record))
    return record


def test_a_record_from_before_namespaces_were_kept_is_checked_by_its_guids(project):
    """The shipped records keep no namespace: the legacy one their GUIDs were made from is found from them, and
    a release then records it and keeps every GUID."""
    project.write("factdeck.yaml", "namespace: factdeck\n")
    assert project.run("release").exit_code == 0
    record = _strip_namespace(project)
    assert project.run("check", "--strict").exit_code == 0
    project.write("factdeck.yaml", "namespace: other\n")
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "factdeck.yaml:1: namespace 'other' is not the namespace the decks were released under, 'factdeck' "
        f"({PUBLISHED}): {NAMESPACE_FIX.replace('river-guild', 'factdeck')}\n"
    )
    project.write("factdeck.yaml", "namespace: factdeck\n")
    assert project.run("release").exit_code == 0
    again = json.loads(project.read(PUBLISHED))
    assert again["namespace"] == "factdeck"
    assert {k: n["guid"] for k, n in again["notes"].items()} == {k: n["guid"] for k, n in record["notes"].items()}
    assert all(guid_of("factdeck", k) == n["guid"] for k, n in again["notes"].items())


def test_a_lost_factdeck_yaml_is_refused_when_the_release_was_made_under_another_namespace(project):
    assert project.run("release").exit_code == 0
    project.path("factdeck.yaml").unlink()  # the legacy namespace 'factdeck' now
    expected = (
        "factdeck.yaml: no namespace set (so 'factdeck') is not the namespace the decks were released under, "
        f"'river-guild' ({PUBLISHED}): {NAMESPACE_FIX} in factdeck.yaml\n"
    )
    assert expected in project.run("check").stderr
    _strip_namespace(project)  # a record that does not say which: the user is told where to find it
    result = project.run("build")
    assert result.exit_code == 1
    assert (
        "factdeck.yaml: no namespace set (so 'factdeck') is not the namespace the decks were released under "
        f"({PUBLISHED}): {NAMESPACE_FIX.split('; ')[0]}; restore the namespace the decks were released with "
        "(`git log -p factdeck.yaml` shows it)\n"
    ) in result.stderr


def test_a_released_deck_that_selects_nothing_is_an_error_and_its_package_stays(project):
    assert project.run("release").exit_code == 0
    assert project.run("build", "--format", "apkg").exit_code == 0
    package = project.path("build/guild-history/guild-history.apkg")
    before = package.read_bytes()
    project.replace("decks/all.yaml", "cards:", "select:\n  include:\n    tags: [orgins]\ncards:")
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 1
    assert (
        "decks/all.yaml:1: deck 'guild-history' was released (decks/published/guild-history.json) but its selection "
        "now matches no vetted fact: select.include.tags [orgins] matches none of the vetted facts; fix the selection (a released "
        "deck's package keeps carrying every note it published)\n"
    ) in result.stderr
    assert package.read_bytes() == before


def test_a_release_record_without_its_deck_is_reported_with_how_to_retire_it(project):
    assert project.run("release").exit_code == 0
    project.path("decks/all.yaml").rename(project.path("decks/all.yaml.old"))
    project.write("decks/other.yaml", project.read("decks/all.yaml.old").replace("id: guild-history", "id: other"))
    project.path("decks/all.yaml.old").unlink()
    expected = (
        f"{PUBLISHED}: warning: release record of deck 'guild-history', which no deck file defines any more: "
        "restore the deck file (`git checkout`), or to retire the deck, delete decks/published/guild-history.json "
        "(learners keep its cards; no later package updates them)\n"
    )
    result = project.run("check")
    assert result.exit_code == 0 and expected in result.stderr
    strict = project.run("check", "--strict")
    assert strict.exit_code == 1 and expected.replace("warning: ", "") in strict.stderr
    project.path(PUBLISHED).unlink()
    assert "release record" not in project.run("check").stderr


def _fact_ids_in_package(path, tmp_path) -> set[str]:
    from anki.collection import Collection, ImportAnkiPackageRequest

    col = Collection(str(tmp_path / "learner.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path)))
        # The fact id is the field before the four spare ones.
        return {col.get_note(n).fields[-5] for n in col.find_notes("-tag:factdeck::withdrawn")}
    finally:
        col.close()


def test_a_fact_edited_after_vetting_is_left_out_of_builds_and_refused_by_release(project, tmp_path):
    project.replace(
        "facts/guild.yaml", "founded in 1901 by ferry workers.", "founded in 1901 by river ferry workers.", vet=False
    )
    warning = (
        "facts/guild.yaml:1: warning: fact 'guild-founded': changed since it was vetted on 2026-11-22 by fact-editor, "
        "so no output includes it (as a fact under review): review it, then `factdeck vet guild-founded --reviewer "
        "ROLE` to include it again\n"
    )
    check = project.run("check")
    assert check.exit_code == 0 and warning in check.stderr
    assert "6 facts (4 vetted)" in check.stdout  # 5 before the edit
    build = project.run("build", "--format", "apkg")
    assert build.exit_code == 0 and build.stderr == warning + "0 errors, 1 warning\n"
    exported = json.loads(project.read("build/factdeck.json"))
    assert next(f for f in exported["facts"] if f["id"] == "guild-founded")["status"] == "review"
    in_anki = _fact_ids_in_package(project.path("build/guild-history/guild-history.apkg"), tmp_path)
    assert "guild-founded" not in in_anki and "first-master" in in_anki
    release = project.run("release")
    assert release.exit_code == 1
    assert (
        "facts/guild.yaml:1: fact 'guild-founded': changed since it was vetted on 2026-11-22 by fact-editor, and deck "
        "'guild-history' selects it: a release records only vetted content; review it, then `factdeck vet "
        "guild-founded --reviewer ROLE` and release again\n"
    ) in release.stderr
    assert not project.path(PUBLISHED).exists()
    review = project.run("review")
    assert "guild-founded" in review.stdout and "changed since it was vetted" in review.stdout
    assert project.run("vet", "guild-founded", "--reviewer", "fact-editor").exit_code == 0
    assert project.run("check", "--strict").exit_code == 0
    assert project.run("release").exit_code == 0


def test_a_fact_misspelling_an_unused_era_is_the_cause_at_its_own_line(project):
    """One fact naming an unknown era: the fact is wrong, not the era nobody uses yet; and a fact whose era is
    unknown has not moved to another subdeck since the release."""
    project.write(
        "facts/eras.yaml",
        project.read("facts/eras.yaml") + '- id: aftermath\n  title: "Aftermath"\n  start: 1990\n  end: present\n',
    )
    assert project.run("release").exit_code == 0
    project.replace("facts/guild.yaml", 'era: decline\n  date: "1927"', 'era: aftermth\n  date: "1927"')
    expected = (
        "facts/guild.yaml:61: fact 'flood-deaths': unknown era 'aftermth' (did you mean 'aftermath'? eras: founding, "
        "decline, aftermath)\n"
    )
    for strict in ((), ("--strict",)):
        result = project.run("check", *strict)
        assert result.exit_code == 1
        assert expected in result.stderr, strict
        assert "misspelling" not in result.stderr and "moved from era" not in result.stderr
        assert result.stderr.count("\n") == 3  # and the edit since vetting, then the counts


def test_under_strict_a_cause_keeps_the_errors_it_causes(project):
    project.replace("facts/sources.yaml", "- id: chronicle", "- id: chronicel")
    result = project.run("check", "--strict")
    assert result.exit_code == 1
    assert "if 'chronicel' is a misspelling of 'chronicle', correct it here (the errors it causes follow)\n" in (
        result.stderr
    )
    assert result.stderr.count("    which causes: ") == 6
    assert result.stderr.endswith("1 error, 0 warnings (and 6 caused by it, indented)\n")


def test_an_answer_too_long_for_the_printed_page_is_refused_naming_the_limit(project):
    project.replace("facts/guild.yaml", 'answer: "1901"', f'answer: "{"1901 " * 50_000}"')
    result = project.run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        "facts/guild.yaml:7: fact 'guild-founded': answer: 250000 characters, and at most 400 fit an answer or "
        "option on a printed page: shorten it (detail belongs in `notes` or another fact)\n1 error, 0 warnings\n"
    )


def test_a_statement_copied_from_its_archived_source_is_flagged_naming_the_source(project):
    project.replace(
        "facts/guild.yaml",
        'statement: "Ada Ferrier became the River Guild\'s first master in 1903."',
        'statement: "Ada Ferrier, its first master, took office in 1903 and served for twenty years."',
    )
    expected = (
        "facts/guild.yaml:18: {}fact 'first-master': its statement repeats 14 words of source 'chronicle' word for "
        'word ("Ada Ferrier its first master took …"), beyond what its citations quote: say it in the project\'s '
        "own words\n"
    )
    result = project.run("check", "--archive", str(project.archive))
    assert result.exit_code == 0 and expected.format("warning: ") in result.stderr
    strict = project.run("check", "--strict", "--archive", str(project.archive))
    assert strict.exit_code == 1 and expected.format("") in strict.stderr
    # The same words inside a quote of the source are the evidence, not a copy.
    project.replace(
        "facts/guild.yaml",
        'quote: "Ada Ferrier, its first master, took office in 1903"',
        'quote: "Ada Ferrier, its first master, took office in 1903 and served for twenty years"',
    )
    assert "repeats" not in project.run("check", "--archive", str(project.archive)).stderr


def test_ctrl_c_during_a_build_writes_nothing_and_exits_130(project, monkeypatch):
    from factdeck.outputs.write import OutputWriter

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(OutputWriter, "commit", interrupted)
    result = project.run("build", "--format", "apkg")
    assert result.exit_code == 130
    assert result.stderr == "interrupted; nothing was written\n"
    assert not [p for p in project.path("build").rglob("*") if p.is_file() and ".factdeck" not in p.parts]


def test_counts_take_the_singular_for_one(project):
    assert project.run("check").stdout.startswith("ok: 6 facts (5 vetted), 2 sources, 2 eras, 1 deck\n")


def test_cite_names_the_fix_for_an_archived_file_no_source_names(project):
    project.write("archive/letters.txt", "The guild wrote many letters about the ferry fares.\n")
    result = project.run("cite", "letters.txt", "ferry", "fares", "--archive", str(project.archive))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: 'letters.txt' is in the archive folder but no source in facts/sources.yaml names it: add a source "
        "to facts/sources.yaml with `archive: letters.txt` (and its id, title, publisher, kind and perspective), "
        "then cite it by its id\n"
    )


def test_cite_reports_a_bad_source_as_check_does(project):
    project.replace("facts/sources.yaml", "kind: academic", "kind: newspaper")
    check = project.run("check")
    cite = project.run("cite", "chronicle", "ferry", "workers", "--archive", str(project.archive))
    assert check.exit_code == cite.exit_code == 1
    wrong = [line for line in check.stderr.splitlines() if "newspaper" in line]
    assert len(wrong) == 1 and wrong[0].startswith("facts/sources.yaml:5: ")
    assert cite.stderr == wrong[0] + "\n1 error, 0 warnings\n"


def test_unknown_selection_keys_are_suggested_by_meaning_and_by_level(project):
    project.replace("decks/all.yaml", "cards:", "select:\n  tags: [origins]\ncards:")
    assert project.run("check").stderr == (
        "decks/all.yaml:5: deck 'guild-history': unknown key 'select.tags' ('tags' goes under 'include' or "
        "'exclude': include: {tags: …})\n1 error, 0 warnings\n"
    )
    project.replace("decks/all.yaml", "  tags: [origins]", "  include:\n    ids: [guild-founded]")
    assert project.run("check").stderr == (
        "decks/all.yaml:6: deck 'guild-history': unknown key 'select.include.ids' (did you mean 'facts'?)\n"
        "1 error, 0 warnings\n"
    )


def test_release_says_to_start_git_when_the_project_is_not_in_it(project):
    import subprocess

    advice = "commit decks/published/ with the facts it was made from: later builds reproduce its notes"
    result = project.run("release")
    assert result.stdout.splitlines()[-1] == (
        f"{advice} (the project is not in git yet: `git init`, then commit everything)"
    )
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    assert project.run("release").stdout.splitlines()[-1] == advice


def test_the_answer_key_explains_the_wrong_options_in_the_order_they_are_printed(project):
    from factdeck.build import load_and_validate
    from factdeck.outputs.print.worksheets import worksheet_sources
    from factdeck.quiz import make_quiz, with_overrides

    project.replace(
        "facts/guild.yaml",
        'distractors: ["Tomas Reed", "Mina Solberg", "Karim Jafari (کریم جعفری)"]',
        "distractors:\n"
        + "".join(
            f'    - {{text: "{name}", why: "Not {name}."}}\n' for name in ("Tomas Reed", "Mina Solberg", "Karim Jafari")
        ).rstrip("\n"),
    )
    assert project.run("vet", "first-master", "--reviewer", "fact-editor").exit_code == 0
    base = load_and_validate(project.root)
    deck = base.deck("guild-history")
    settings = with_overrides(deck.quiz, questions=1, versions=4, seed=3, types=["multiple-choice"])
    quiz = make_quiz(base, deck, [base.facts_by_id["first-master"]], settings)
    sources = worksheet_sources(base, deck, quiz, "a4", settings)
    orders = set()
    for version in quiz.versions:
        (placed,) = version.questions
        key = _unescaped(sources[f"guild-history/key-{version.letter}.pdf"][1])
        wrong = [o for o in placed.options if o != "Ada Ferrier"]
        positions = [key.index(f"is wrong: Not {name}") for name in wrong]
        assert positions == sorted(positions), version.letter
        orders.add(tuple(wrong))
    assert len(orders) > 1  # the versions print the options in different orders


def _source_analysis_worksheet(project) -> str:
    from factdeck.build import load_and_validate
    from factdeck.outputs.print.worksheets import worksheet_sources
    from factdeck.quiz import make_quiz, with_overrides

    base = load_and_validate(project.root)
    deck = base.deck("guild-history")
    settings = with_overrides(deck.quiz, questions=1, versions=1, seed=1, types=["source-analysis"])
    quiz = make_quiz(base, deck, [base.facts_by_id["flood-deaths"]], settings)
    return _unescaped(worksheet_sources(base, deck, quiz, "a4", settings)["guild-history/worksheet-A.pdf"][1])


def _unescaped(typst_source: str) -> str:
    """Typst source with its backslash escapes read (`\\(b\\)` as `(b)`), as the printed text has it."""
    return re.sub(r"\\(.)", r"\1", typst_source)


def test_a_source_analysis_question_on_one_source_asks_why_it_differs_from_itself(project):
    assert "(b) Why might the sources differ?" in _source_analysis_worksheet(project)
    project.replace(
        "facts/guild.yaml",
        "          - source: pamphlet\n            locator: \"section 'The Flood'\"\n"
        '            quote: "no fewer than forty members perished"',
        '          - source: chronicle\n            locator: "chapter 4, para. 1"\n'
        '            quote: "In the great flood of 1927"',
    )
    assert project.run("vet", "flood-deaths", "--reviewer", "fact-editor").exit_code == 0
    sheet = _source_analysis_worksheet(project)
    assert "(b) Why might this text differ from itself?" in sheet and "the sources differ" not in sheet


def test_a_matching_question_that_cannot_be_made_says_what_it_needs(project):
    result = project.run("quiz", "guild-history", "--count", "matching=1")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: decks/all.yaml:1: deck 'guild-history': no worksheet question can be made from its 5 vetted facts "
        "with question types matching (matching needs at least 4 undisputed person or organization facts, each "
        "naming the answer once in its statement or asked as 'Who …?', with different names)\n"
    )
