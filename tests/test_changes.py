"""`factdeck changes`: what a group's re-import will bring."""

from __future__ import annotations

import subprocess


def git(project, *args):
    subprocess.run(
        ["git", "-C", str(project.root), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid",
            "PATH": "/usr/bin:/bin",
        },
    )


# What a learner whose collection is from before the spare fields sees, and the one import that fixes it.
OLD_COLLECTION = (
    "in Anki, a collection from before the spare fields shows 'factdeck: fact card+' and 'conflicting' "
    "notes: import once with 'Merge note types' and 'Update notes: Always' (docs/anki.md)"
)


def edit_everything(project):
    project.replace("facts/guild.yaml", 'answer: "Millford"', 'answer: "Millford town"')
    text = project.read("facts/guild.yaml")
    # Retract the cartel fact; vet the draft one; notes alone are not a change.
    head, tail = text.split("- id: guild-called-cartel", 1)
    tail = tail.replace("  status: vetted", "  status: retracted", 1)
    text = head + "- id: guild-called-cartel" + tail
    text = text.replace("  status: draft", "  status: vetted\n  vetted: 2026-11-23", 1)
    text = text.replace("- id: guild-founded\n", "- id: guild-founded\n  notes: an editor's note\n", 1)
    project.write("facts/guild.yaml", text)
    # An edited fact reaches the outputs once it is vetted again (until then it is held back as under review).
    assert project.run("vet", "guild-hall", "--reviewer", "fact-editor").exit_code == 0


def test_changes_since_git_revision(project):
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "start")
    edit_everything(project)
    result = project.run("changes", "--since", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "~ guild-hall: answer",
        "- guild-called-cartel: retracted",
        "+ guild-dissolved: What happened to the River Guild around 1935?",
        "since HEAD: 1 added, 1 changed, 1 withdrawn",
        "in Anki, every withdrawn note: tag:factdeck::withdrawn",
        'in Anki, the notes of the facts withdrawn here: "FactId:guild-called-cartel"',
        "in Anki, changed notes you marked, edited or that became leeches since your last import may keep their "
        'old text: ("FactId:guild-hall") (tag:marked OR tag:leech), and any of them you edited; if one lacks the '
        "correction, import the corrections package (else the package) once with 'Update notes: Always' "
        "(docs/anki.md)",
    ]


def test_changes_since_last_build(project):
    assert project.run("build", "--format", "apkg").exit_code == 0
    assert project.run("changes").stdout.splitlines() == [
        "since the last build: 0 added, 0 changed, 0 withdrawn",
        "in Anki, every withdrawn note: tag:factdeck::withdrawn",
    ]
    edit_everything(project)
    assert "since the last build: 1 added, 1 changed, 1 withdrawn" in project.run("changes").stdout.splitlines()


def test_the_advice_for_collections_from_before_the_spare_fields_is_for_the_shipped_namespace_only(project):
    """Only the shipped namespace's note types were published before they had spare fields."""
    assert project.run("build", "--format", "apkg").exit_code == 0
    assert OLD_COLLECTION.replace("factdeck: fact card", "river-guild: fact card") not in project.run("changes").stdout
    project.write("factdeck.yaml", "namespace: factdeck\n")
    assert project.run("changes").stdout.splitlines()[-1] == OLD_COLLECTION


def test_changes_since_the_last_build_also_says_how_the_decks_differ_from_their_release_records(project):
    assert project.run("release").exit_code == 0
    project.replace("facts/guild.yaml", "founded in 1901 by ferry workers.", "founded in 1901 by river ferry workers.")
    assert project.run("vet", "guild-founded", "--reviewer", "fact-editor").exit_code == 0
    assert project.run("build", "--format", "apkg").exit_code == 0
    assert project.run("changes").stdout.splitlines()[:2] == [
        "since the last build: 0 added, 0 changed, 0 withdrawn",
        "against the release record decks/published/guild-history.json: 2 notes changed",
    ]


def test_deleted_fact_is_withdrawn(project):
    assert project.run("build", "--format", "apkg").exit_code == 0
    text = project.read("facts/guild.yaml")
    start = text.index("- id: guild-hall")
    end = text.index("- id: flood-deaths")
    project.write("facts/guild.yaml", text[:start] + text[end:])
    assert "- guild-hall: deleted" in project.run("changes").stdout


def test_no_previous_build(project):
    result = project.run("changes")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "no previous build to compare with" in result.stderr


def test_unknown_revision(project):
    git(project, "init", "-q")
    result = project.run("changes", "--since", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot read facts/ at revision 'nope':")
