"""Regular expressions compiled where they are first used rather than when their module is imported.

A check after an edit imports modules whose patterns it never uses (the archived texts' block shapes, the problem
messages' folding, the right-to-left runs, the rules about other kinds of fact than the edited one): compiling them
at import was a few milliseconds of every such check (docs/performance.md, "Around a check").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any


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


# The methods of a compiled pattern that a LazyPattern answers with.
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern:
    """One module-level regular expression, `re.compile(source, flags)` made at the first use of a method rather
    than at import. Its methods are the compiled pattern's own (`search`, `match`, `fullmatch`, `finditer`,
    `findall`, `sub`, `subn`, `split`), kept on this object once compiled, so a later call costs what the
    pattern's own does. Raises `re.error` at that first use if `source` does not compile. Not a `re.Pattern`:
    hand `re` functions the compiled pattern, not this."""

    __slots__ = ("source", "flags", *_METHODS)

    source: str
    flags: int  # as given to re.compile (the compiled pattern's own `flags` adds re.UNICODE)
    search: Callable[..., re.Match[str] | None]
    match: Callable[..., re.Match[str] | None]
    fullmatch: Callable[..., re.Match[str] | None]
    finditer: Callable[..., Iterator[re.Match[str]]]
    findall: Callable[..., list[Any]]
    sub: Callable[..., str]
    subn: Callable[..., tuple[str, int]]
    split: Callable[..., list[Any]]

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        self.flags = flags

    def __getattr__(self, name: str) -> Any:
        # Python asks here only for an attribute not set yet: the first method asked for compiles the pattern and
        # sets every method, so no later call comes here.
        if name not in _METHODS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        compiled = re.compile(self.source, self.flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.source!r}, {self.flags!r})"
