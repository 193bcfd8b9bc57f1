"""Helpers for the drop-in tests: each runs `python -m minikeras run ...` in a fresh interpreter."""

import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Runner:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.env = dict(os.environ)
        # An empty HOME (to see what gets written there), no display, offline seaborn data.
        self.env.update(HOME=str(self.home), MINIKERAS_OFFLINE="1", MPLCONFIGDIR=str(tmp_path / "mplconfig"),
                        XDG_CACHE_HOME=str(self.home / ".cache"), TF_CPP_MIN_LOG_LEVEL="3")
        for name in ("SEABORN_DATA", "DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND", "MINIKERAS_DROPIN",
                     "MINIKERAS_KERAS2_IDIOMS", "PYTHONWARNINGS"):
            self.env.pop(name, None)

    def script(self, source, name="script.py", folder=None):
        folder = self.tmp_path if folder is None else folder
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(textwrap.dedent(source))
        return path

    def run(self, *args, cwd=None, env=None, command="run"):
        full_env = dict(self.env, **(env or {}))
        return subprocess.run([sys.executable, "-m", "minikeras", command, *map(str, args)],
                              cwd=str(cwd or self.tmp_path), env=full_env, capture_output=True, text=True,
                              timeout=1800)

    def python(self, code, env=None):
        """Plain `python -c code` with the same environment."""
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=str(self.tmp_path),
                              env=dict(self.env, **(env or {})), capture_output=True, text=True, timeout=600)

    def home_files(self):
        return sorted(str(p.relative_to(self.home)) for p in self.home.rglob("*"))


@pytest.fixture
def runner(tmp_path):
    return Runner(tmp_path)
