"""factdeck's user cache folder read without platformdirs where its answer is plain (engine/cache_home.py), and
platformdirs' answer everywhere."""

from __future__ import annotations

import os
import subprocess
import sys

import platformdirs
import pytest

from factdeck.engine import cache_home
from factdeck.engine.cache_home import plain_cache_home, user_cache_home

ENVIRONMENTS = [
    {"XDG_CACHE_HOME": "/srv/cache", "HOME": "/home/ada"},
    {"XDG_CACHE_HOME": "/srv/cache/", "HOME": "/home/ada"},
    {"XDG_CACHE_HOME": "//srv//cache", "HOME": "relative"},
    {"HOME": "/home/ada"},
    {"HOME": "/home/ada/"},
    {"HOME": "/"},
    {"HOME": "//"},
    {"XDG_CACHE_HOME": "", "HOME": "/home/ada"},
    {"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/ada"},
    {"XDG_CACHE_HOME": "  ", "HOME": "/home/ada"},
    {"HOME": "relative"},
    {"HOME": ""},
    {},
    {"ANDROID_DATA": "/data", "ANDROID_ROOT": "/system", "HOME": "/home/ada"},
    {"ANDROID_DATA": "/data", "HOME": "/home/ada"},
]


def _platformdirs_answer() -> str | Exception:
    try:
        return platformdirs.user_cache_dir("factdeck", appauthor=False)
    except RuntimeError as exc:  # no home folder to be found
        return exc


@pytest.mark.skipif(sys.platform != "linux", reason="the plain answers are Linux's")
@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=repr)
def test_the_plain_answer_is_platformdirs_own(environment, monkeypatch):
    for name in ("XDG_CACHE_HOME", "HOME", "ANDROID_DATA", "ANDROID_ROOT", "SHELL", "PREFIX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    plain = plain_cache_home(os.environ, sys.platform, hasattr(sys, "getandroidapilevel"))
    expected = _platformdirs_answer()
    if plain is not None:
        assert plain == expected
    if not isinstance(expected, Exception):
        assert str(user_cache_home()) == str(type(user_cache_home())(expected))


@pytest.mark.parametrize(
    ("environment", "platform", "android", "plain"),
    [
        ({"XDG_CACHE_HOME": "/srv/cache", "HOME": "/home/ada"}, "linux", False, "/srv/cache/factdeck"),
        ({"HOME": "/home/ada/"}, "linux", False, "/home/ada/.cache/factdeck"),
        ({"XDG_CACHE_HOME": "cache", "HOME": "/home/ada"}, "linux", False, None),
        ({"HOME": "/home/ada"}, "darwin", False, None),
        ({"HOME": "/home/ada"}, "win32", False, None),
        ({"HOME": "/home/ada"}, "linux", True, None),
        ({"ANDROID_DATA": "/data", "ANDROID_ROOT": "/system", "HOME": "/home/ada"}, "linux", False, None),
    ],
)
def test_platformdirs_is_asked_wherever_the_answer_is_not_plain(environment, platform, android, plain):
    assert plain_cache_home(environment, platform, android) == plain


def test_platformdirs_answers_where_the_plain_answer_cannot(monkeypatch):
    asked = []
    monkeypatch.setattr(cache_home, "plain_cache_home", lambda *_: None)
    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda *a, **k: asked.append((a, k)) or "/elsewhere")
    assert str(user_cache_home()) == "/elsewhere" and asked == [(("factdeck",), {"appauthor": False})]


@pytest.mark.skipif(sys.platform != "linux", reason="the plain answers are Linux's")
def test_a_command_finds_its_cache_folder_without_importing_platformdirs(tmp_path):
    """Without FACTDECK_CACHE_DIR a check keeps its answers in the user's cache folder (here under a HOME of the
    test's own), and imports platformdirs for none of it (5 ms of a check with nothing changed)."""
    code = (
        "import sys\nfrom factdeck.engine.parse_cache import cache_folder\nfrom factdeck.outputs.write import lock_path\n"
        f"print(cache_folder('parse'), lock_path(__import__('pathlib').Path({str(tmp_path)!r})).parent.parent)\n"
        "print('platformdirs' in sys.modules)\n"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("FACTDECK_CACHE_DIR", "XDG_CACHE_HOME")}
    environment["HOME"] = str(tmp_path / "home")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment)
    folders, imported = run.stdout.split("\n")[:2]
    cache = tmp_path / "home" / ".cache" / "factdeck"
    assert folders == f"{cache / 'parse'} {cache}" and imported == "False"
