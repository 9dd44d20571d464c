"""Property tests: whatever text or records arrive, the loader and validator raise nothing but
factdeck's own errors, and every problem they report names a file and, where the file parsed, a line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdeck.engine.session import Session
from factdeck.exceptions import FactdeckError, InputError, ValidationFailed
from factdeck.records.load import load_document, load_project
from factdeck.records.validate import validate_project
from factdeck.records.yaml_parse import _composed, _fast_parse, _Unusual

# Modest counts keep the suite fast: the loader takes ~10 ms an example, a whole project's validation ~60 ms.
LOADER = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALIDATOR = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FILE = "facts/generated.yaml"
# A whole-file fault has no line: emptiness, size, a file that cannot be read, another encoding (UTF-16 or UTF-32).
LINELESS = ("file is empty", "file is too large", "cannot read file", "file is UTF-")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        ["1965", "1965-13-40", "present", "vetted", "chronicle", "::", "../x", "<script>", "~", "&a", "*a"]
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)


@st.composite
def mutated_yaml(draw) -> bytes:
    """A YAML document, then a few bytes changed, inserted or deleted."""
    data = bytearray(yaml.safe_dump(draw(documents), allow_unicode=True).encode("utf-8"))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "replace", "delete"]))
        byte = draw(
            st.sampled_from(list(b"\t\n :-[]{}&*!|>'\"#%@`\x00\xef\xbb\xbf\xff\xc3") + [draw(st.integers(0, 255))])
        )
        if action == "insert" or not data:
            data[at:at] = bytes([byte])
        elif action == "replace":
            data[min(at, len(data) - 1)] = byte
        else:
            del data[min(at, len(data) - 1)]
    return bytes(data)


def check_problem(problem, parsed: bool) -> None:
    assert problem.path
    assert problem.line >= 0
    if parsed or not problem.message.startswith(LINELESS):
        assert problem.line >= 1, problem


@LOADER
@given(text=mutated_yaml())
def test_loader_raises_only_input_errors_with_a_location(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("load") / "generated.yaml"
    path.write_bytes(text)
    try:
        document = load_document(path, FILE)
    except InputError as exc:
        assert exc.problem.path == FILE
        check_problem(exc.problem, parsed=False)
        assert "\n" not in str(exc)  # one line
    else:
        assert all(line >= 1 for line in document.lines.values())


@st.composite
def styled_yaml(draw) -> str:
    """A YAML text in any of the styles editors write: block or flow, quoted or plain, some anchors."""
    data = draw(documents)
    text = yaml.safe_dump(
        data,
        allow_unicode=True,
        default_flow_style=draw(st.sampled_from([False, True, None])),
        default_style=draw(st.sampled_from([None, '"', "'", "|"])),
        sort_keys=False,
    )
    if draw(st.booleans()):
        text = text.replace(": ", ": &a ", 1) if draw(st.booleans()) else text + "extra: *a\n"
    return text


@LOADER
@given(text=styled_yaml() | mutated_yaml().map(lambda b: b.decode("utf-8", "replace")))
def test_fast_parse_agrees_with_the_full_composer(text):
    # The fast path either gives exactly the full path's data and lines, or leaves the text to it.
    try:
        fast = _fast_parse(text)
    except _Unusual:
        return
    full = _composed(text, FILE)
    assert repr(fast) == repr(full)  # repr: True == 1 and nan != nan would mislead ==


# --- records shaped like facts, with values of any type ----------------------------------

FIELDS = [
    "id",
    "kind",
    "era",
    "date",
    "tags",
    "question",
    "answer",
    "statement",
    "attribution",
    "citations",
    "dispute",
    "status",
    "vetted",
    "reviewer",
    "notes",
]
plausible = {
    "id": st.sampled_from(["gen-fact", "guild-founded", "Bad Id", ""]),
    "kind": st.sampled_from(["date", "person", "characterization", "nonsense"]),
    "era": st.sampled_from(["founding", "decline", "nowhere"]),
    "date": st.sampled_from(["1901", "1927-02-30", "1901/1900", "1910~", 1905]),
    "status": st.sampled_from(["vetted", "draft", "retracted"]),
    "vetted": st.sampled_from(["2026-11-22", "2026-02-30"]),
    "citations": st.lists(
        st.fixed_dictionaries(
            {
                "source": st.sampled_from(["chronicle", "pamphlet", "nowhere"]),
                "locator": st.text(max_size=5),
                "quote": st.sampled_from(["twelve members drowned", "never said", ""]),
            }
        ),
        max_size=2,
    ),
    "dispute": st.fixed_dictionaries(
        {
            "summary": st.text(max_size=5),
            "versions": st.lists(
                st.dictionaries(
                    st.sampled_from(["id", "claim", "answer", "claimed_by", "citations"]), documents, max_size=5
                ),
                max_size=3,
            ),
        }
    ),
}


@st.composite
def fact_records(draw) -> list:
    records = []
    for _ in range(draw(st.integers(1, 3))):
        record = {}
        for field in draw(st.lists(st.sampled_from(FIELDS), unique=True, min_size=len(FIELDS) - 3)):
            strategy = plausible.get(field)
            record[field] = draw(
                strategy | documents if strategy is not None else st.text(min_size=1, max_size=15) | documents
            )
        if draw(st.booleans()):
            record[draw(st.text(min_size=1, max_size=8))] = draw(documents)  # an unknown key
        records.append(record)
    return draw(st.sampled_from([records, records[0], records[0].get("id")]))


@pytest.fixture(scope="module")
def sample_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("properties") / "proj"
    shutil.copytree(SAMPLE, root)
    return root


@VALIDATOR
@given(records=fact_records())
def test_validator_raises_only_factdeck_errors_with_locations(sample_root, records):
    (sample_root / FILE).write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    try:
        validate_project(load_project(sample_root), Session.one_off(), archive=sample_root / "archive")
    except ValidationFailed as exc:
        assert exc.problems
        for problem in exc.problems:
            # Every file of the project parses here, so every problem has a line.
            check_problem(problem, parsed=True)
            assert "\n" not in str(problem)
    except FactdeckError as exc:  # any other of factdeck's own errors is allowed, never a crash
        assert str(exc)
