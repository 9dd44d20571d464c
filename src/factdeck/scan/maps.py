"""The sheet maps (answer-sheet-X.json) a build wrote, found by deck, version and layout. No OpenCV here:
`factdeck results` reads the maps without the scan extra."""

from __future__ import annotations

import json
from pathlib import Path

from factdeck.outputs.print.answer_sheet import PAPER_MM


class SheetError(Exception):
    """A page that is not a readable answer sheet; one line."""


class SheetMaps:
    """The sheet maps (answer-sheet-X.json) found under build folders, by (deck, version, layout)."""

    def __init__(self, folders: list[Path]):
        self.maps: dict[tuple[str, str, str], dict] = {}
        for folder in folders:
            for path in sorted(folder.rglob("answer-sheet-*.json")):
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    layout = f"{data['paper']}-{'l' if data['large'] else 'n'}"
                    self.maps[(data["deck"], data["version"], layout)] = data
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # not a sheet map; a damaged one is as good as absent

    def layouts(self) -> list[tuple[str, bool]]:
        return sorted({(d["paper"], d["large"]) for d in self.maps.values()}) or [
            (p, large) for p in PAPER_MM for large in (False, True)
        ]

    def find(self, qr: dict) -> dict:
        layout = f"{qr['paper']}-{'l' if qr['large'] else 'n'}"
        data = self.maps.get((qr["deck"], qr["version"], layout))
        if data is None:
            decks = sorted({d for d, _, _ in self.maps})
            known = f" (known: {', '.join(decks)})" if decks else ""
            raise SheetError(
                f"a sheet of deck '{qr['deck']}' version {qr['version']} ({layout}), whose sheet map is not in "
                f"the build folder{known}: build that deck's answer sheets (factdeck quiz {qr['deck']} --answer-sheet)"
            )
        if data["key"] != qr["key"]:
            raise SheetError(
                f"a sheet of deck '{qr['deck']}' version {qr['version']} printed from a build that no longer exists "
                f"(key {qr['key']}, now {data['key']}): rebuild the answer sheets from the facts as they were "
                "when it was printed (git checkout), then scan again"
            )
        return data
