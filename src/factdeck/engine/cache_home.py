"""factdeck's folder in the user's cache folder, as platformdirs names it (`user_cache_dir("factdeck",
appauthor=False)`), read without importing platformdirs where its answer is plain.

Every command that keeps or reads a cache entry asks for it (engine/parse_cache.py, the output folders' locks in
outputs/write.py), and importing platformdirs was 5 ms of each (a ninth of a check with nothing changed). On
Linux outside Android it answers `$XDG_CACHE_HOME/factdeck` where that is an absolute path and
`~/.cache/factdeck` (the home folder `HOME` names) where it is unset or empty; those two are answered here the
way it answers them. Anywhere else (another system, Android, a relative `XDG_CACHE_HOME` or `HOME`, no `HOME`)
platformdirs is asked. tests/test_cache_home.py holds the answers to platformdirs' own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP = "factdeck"


def user_cache_home() -> Path:
    """factdeck's folder in the user's cache folder (which may not exist yet). Raises what platformdirs raises
    where it is asked (RuntimeError: no home folder can be found)."""
    plain = plain_cache_home(os.environ, sys.platform, hasattr(sys, "getandroidapilevel"))
    if plain is not None:
        return Path(plain)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def plain_cache_home(environ: Mapping[str, str], platform: str, android_python: bool) -> str | None:
    """platformdirs' `user_cache_dir("factdeck", appauthor=False)` where it is plain (Linux outside Android, an
    absolute `XDG_CACHE_HOME`, or none and an absolute `HOME`), else None. `android_python`: Python was built for
    Android (`sys.getandroidapilevel` exists)."""
    if platform != "linux" or android_python:
        return None
    if environ.get("ANDROID_DATA") == "/data" and environ.get("ANDROID_ROOT") == "/system":
        return None  # perhaps an Android app, which platformdirs tells apart by the app's own folders
    xdg = environ.get("XDG_CACHE_HOME", "")
    if xdg.startswith("/"):
        return os.path.join(xdg, APP)
    home = environ.get("HOME", "")
    if xdg or not home.startswith("/"):
        return None  # a relative XDG_CACHE_HOME or HOME: platformdirs' versions read them differently
    return os.path.join(home.rstrip("/") + "/.cache", APP)  # os.path.expanduser("~/.cache"), as platformdirs reads it
