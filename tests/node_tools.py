"""npm packages the tests may run with Node.js when they are installed: strict readers of the formats the
exports write (csv-parse; gift-pegjs, the community GIFT grammar). The suite never fetches them: run
`npm install csv-parse gift-pegjs` in a folder and name it in FACTDECK_NPM (or put the packages on
NODE_PATH); without Node or a package, the test that needs it is skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def node_with(package: str) -> dict[str, str]:
    """The environment to run `node` with `package` importable; skips the calling test when it is not."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    env = dict(os.environ)
    folder = os.environ.get("FACTDECK_NPM")
    if folder:
        env["NODE_PATH"] = os.pathsep.join(filter(None, [str(Path(folder) / "node_modules"), env.get("NODE_PATH")]))
    probe = subprocess.run([node, "-e", f"require.resolve('{package}')"], env=env, capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"the npm package {package} is not installed (see tests/node_tools.py)")
    return env


def run_node(script: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`node -e script args…`, its output as text."""
    return subprocess.run(["node", "-e", script, *args], env=env, capture_output=True, text=True)
