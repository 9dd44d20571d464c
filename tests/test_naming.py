"""One learner-facing name per source, and the glossary of names facts use (records/naming.py)."""

from __future__ import annotations

import yaml

from factdeck.engine.validation import load_and_validate
from factdeck.outputs.print.guide import guide_context
from factdeck.outputs.sessions.meetings import split_meetings
from factdeck.outputs.sessions.packs import meeting_plan
from factdeck.records.naming import glossary_for, mentions
from factdeck.reports.stats import compute_stats

SHORT = '  title: "The Guild Unmasked"\n'
NAMED = SHORT + '  short_name: "the pamphlet"\n  variants: ["the Rival Society pamphlet", "the broadsheet"]\n'

GLOSSARY = """\
- term: "Ada Ferrier"
  aliases: ["Ferrier"]
  description: "The guild's first master, according to the chronicle."
  citations:
    - source: chronicle
      locator: "chapter 1, para. 2"
      quote: "Ada Ferrier, its first master, took office in 1903"
"""


def _check(project, *extra: str):
    return project.run("check", "--archive", str(project.archive), *extra)


def test_fact_naming_a_source_it_does_not_cite_is_refused(project):
    project.replace("facts/sources.yaml", SHORT, NAMED)
    project.replace(
        "facts/guild.yaml",
        'statement: "The River Guild was founded in 1901 by ferry workers."',
        'statement: "The River Guild was founded in 1901 by ferry workers, the pamphlet agrees."',
    )
    result = _check(project)
    assert result.exit_code == 1
    line = project.read("facts/guild.yaml").splitlines().index("- id: guild-founded") + 1
    assert (
        f"facts/guild.yaml:{line}: fact 'guild-founded': its statement names 'the pamphlet' but the fact does not "
        "cite source 'pamphlet'" in result.output
    )


def test_short_name_of_a_cited_source_passes_and_a_variant_is_warned(project):
    project.replace("facts/sources.yaml", SHORT, NAMED)
    # flood-deaths cites the pamphlet and calls it "the Rival Society pamphlet", a variant.
    result = _check(project)
    assert result.exit_code == 0, result.output
    assert "calls source 'pamphlet' 'the Rival Society pamphlet': use its one name, 'the pamphlet'" in result.output
    assert _check(project, "--strict").exit_code == 1
    project.replace("facts/guild.yaml", 'claimed_by: "the Rival Society pamphlet"', 'claimed_by: "the pamphlet"')
    assert project.run("vet", "flood-deaths", "--reviewer", "fact-editor").exit_code == 0  # an edit is vetted again
    result = _check(project, "--strict")
    assert result.exit_code == 0, result.output


def test_variant_inside_the_short_name_is_not_a_variant(project):
    project.replace(
        "facts/sources.yaml",
        SHORT,
        SHORT + '  short_name: "the Rival Society pamphlet"\n  variants: ["Society pamphlet"]\n',
    )
    result = _check(project, "--strict")
    assert result.exit_code == 0, result.output


def test_names_match_whole_words_and_possessives_ignoring_case():
    assert mentions("Atalayar", "Atalayar's account")
    assert mentions("the encyclopedia article", "The encyclopedia article says")
    assert mentions("the GIDSS essay (Ebrahimi)", "as the GIDSS essay (Ebrahimi) says")
    assert not mentions("Cohen", "Cohens")
    assert not mentions("RAND", "grand")


def test_outputs_show_the_short_name_beside_the_title(project):
    project.replace("facts/sources.yaml", SHORT, NAMED)
    base = project_base(project)
    deck = base.decks[0]
    facts = [f for f in base.vetted if deck.select.matches(f)]
    meeting = split_meetings(facts, 1, deck, base.eras)[0]
    context = guide_context(base, deck, meeting, meeting_plan(base, deck, meeting))
    assert context["names"]["pamphlet"] == "the pamphlet"
    assert context["names"]["chronicle"] == "A Chronicle of the River Guild"  # no short name: the title


def project_base(project):
    return load_and_validate(project.root, project.archive)


def test_glossary_is_loaded_checked_and_not_read_as_facts(project):
    project.write("facts/glossary.yaml", GLOSSARY)
    result = _check(project, "--strict")
    assert result.exit_code == 0, result.output
    base = project_base(project)
    assert [e.term for e in base.glossary] == ["Ada Ferrier"]
    named = glossary_for(base.glossary, base.facts)
    assert [e.term for e in named] == ["Ada Ferrier"]
    assert glossary_for(base.glossary, [base.facts_by_id["guild-founded"]]) == []


def test_glossary_problems_name_file_and_line(project):
    broken = GLOSSARY.replace("took office in 1903", "took office in 1904") + GLOSSARY.replace(
        '"Ada Ferrier"\n', '"Ferrier"\n'
    )
    project.write("facts/glossary.yaml", broken)
    result = _check(project)
    assert result.exit_code == 1
    assert "facts/glossary.yaml:5: glossary entry 'Ada Ferrier': quote not found in source 'chronicle'" in result.output
    assert "facts/glossary.yaml:8: glossary: 'Ferrier' is already an entry's name (first at facts/glossary.yaml:1)" in (
        result.output
    )


def test_stats_balance_counts_facts_resting_only_on_critical_sources(project):
    base = project_base(project)
    stances = {s["id"]: s["stance"] for s in yaml.safe_load(project.read("facts/sources.yaml"))}
    facts = yaml.safe_load(project.read("facts/guild.yaml"))

    def sources(fact):
        cited = [c["source"] for c in fact["citations"]]
        cited += [c["source"] for v in (fact.get("dispute") or {}).get("versions", []) for c in v["citations"]]
        return {stances[s] for s in cited}

    expected = sum(sources(f) <= {"critical", "state-aligned"} for f in facts if f["status"] != "retracted")
    assert expected > 0  # the sample has such a fact, so the count is tested on something
    stats = compute_stats(base)
    assert stats.critical_only == expected
    result = project.run("stats")
    assert f"balance: {expected} of {stats.total} facts" in result.stdout


def test_answer_key_introduces_the_names_its_questions_use(project):
    from factdeck.outputs.print.worksheets import worksheet_sources
    from factdeck.quiz import make_quiz

    project.replace("facts/sources.yaml", SHORT, NAMED)
    guild = GLOSSARY.replace('"Ada Ferrier"\n  aliases: ["Ferrier"]', '"River Guild"').replace(
        "Ada Ferrier, its first master, took office in 1903", "The guild was founded in 1901 by ferry workers"
    )
    project.write("facts/glossary.yaml", guild)
    base = project_base(project)
    deck = base.decks[0]
    facts = [f for f in base.vetted if deck.select.matches(f)]
    quiz = make_quiz(base, deck, facts, deck.quiz)
    documents = worksheet_sources(base, deck, quiz, "a4")
    key = next(text for path, (_, text) in documents.items() if "/key-" in path)
    worksheet = next(text for path, (_, text) in documents.items() if "/worksheet-" in path)
    assert "Names in the questions" in key and "*River Guild*: The guild" in key
    assert "*the pamphlet*: _The Guild Unmasked_" in key
    assert "*the pamphlet*: _The Guild Unmasked_ (Rival Society editors, Rival Society" in worksheet
