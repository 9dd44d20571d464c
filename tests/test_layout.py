"""The package's shape, as the README's "Development" section describes it."""

from __future__ import annotations

from pathlib import Path

import factdeck

PACKAGE = Path(factdeck.__file__).resolve().parent
MAX_LINES = 500


def test_no_module_is_over_500_lines():
    long = {
        path.relative_to(PACKAGE).as_posix(): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules by role: {long}"


def test_no_module_keeps_state_in_a_class_or_module_switch():
    """What outlives one call belongs to a Session (engine/session.py), not to a flag flipped process-wide."""
    for name in ("enabled = False", "keep_recent = False", "_held:", "_KEPT = "):
        found = [p.name for p in PACKAGE.rglob("*.py") if name in p.read_text(encoding="utf-8")]
        assert not found, (name, found)
