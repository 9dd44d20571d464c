"""Regular expressions by name, each compiled where it is first used rather than when its module is imported.

A check after an edit imports modules whose patterns it never uses (the archived texts' block shapes, the problem
messages' folding, the right-to-left runs): compiling them at import was a few milliseconds of every such check
(docs/performance.md, "Around a check").
"""

from __future__ import annotations

import re


class LazyPatterns(dict[str, "re.Pattern[str]"]):
    """`patterns[name]`: the compiled pattern of the source given for `name`, compiled the first time it is asked
    for and kept (a dict: a pattern already compiled is found by the dict's own lookup, no call). Raises KeyError
    for a name it was not given, `re.error` for a source that does not compile."""

    def __init__(self, sources: dict[str, str]) -> None:
        super().__init__()
        self.sources = sources

    def __missing__(self, name: str) -> re.Pattern[str]:
        compiled = self[name] = re.compile(self.sources[name])
        return compiled
