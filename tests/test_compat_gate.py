"""The compat suite's gate: without TensorFlow it skips with a reason, under `CI=true` it fails.

TensorFlow is hidden from a child pytest by shadow packages that raise ImportError
(put first on PYTHONPATH), which is what a machine without it sees on `import
tensorflow`. The child runs one small compat module, so each check takes seconds.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ("tensorflow", "keras", "palmerpenguins")


@pytest.fixture
def without_tensorflow(tmp_path):
    for name in HIDDEN:
        package = tmp_path / name
        package.mkdir()
        (package / "__init__.py").write_text(f"raise ImportError('{name} is hidden by test_compat_gate')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_CURRENT_TEST", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)] + (
        [os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))
    return env


def _run(env, *paths):
    proc = subprocess.run([sys.executable, "-m", "pytest", *paths, "-q", "-rs", "-p", "no:cacheprovider"],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    return proc.returncode, proc.stdout


def test_shadow_really_hides_tensorflow(without_tensorflow):
    proc = subprocess.run([sys.executable, "-c", "import tensorflow"], env=without_tensorflow,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    assert proc.returncode != 0 and "hidden by test_compat_gate" in proc.stdout


def test_without_tensorflow_compat_tests_skip_with_reason(without_tensorflow):
    code, out = _run(without_tensorflow, "compat_tests/layers/test_identity.py")
    assert code == 0, out
    assert "skipped" in out and "passed" not in out and "failed" not in out, out
    assert "TensorFlow is not installed" in out, out


def test_module_needing_another_extra_skips_too(without_tensorflow):
    """test_training_curves.py imports palmerpenguins at import time: still a skip, not a collection error."""
    code, out = _run(without_tensorflow, "compat_tests/trainers/test_training_curves.py")
    assert code in (0, 5), out  # 5: pytest's "no tests collected" (the module itself was skipped)
    assert "error" not in out.lower() and "TensorFlow is not installed" in out, out


@pytest.mark.parametrize("ci", ["true", "1"])
def test_under_ci_missing_tensorflow_is_a_failure(without_tensorflow, ci):
    code, out = _run(dict(without_tensorflow, CI=ci), "compat_tests/layers/test_identity.py")
    assert code != 0, out
    assert "compat_tests need TensorFlow under CI" in out, out
