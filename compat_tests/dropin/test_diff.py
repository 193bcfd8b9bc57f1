"""`minikeras diff` against real TensorFlow Keras: agreement, disagreement, failures, --json, --align, --seeds."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

SEEDED = """
import numpy as np
import keras
keras.utils.set_random_seed(3)
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 4)).astype("float32")
y = keras.utils.to_categorical((x[:, 0] + x[:, 1] > 0).astype(int), 2)
inputs = keras.Input(shape=(4,))
hidden = keras.layers.Dense(8, activation="relu")(inputs)
outputs = keras.layers.Dense(2, activation="softmax")(hidden)
model = keras.Model(inputs, outputs)
model.summary()
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=EPOCHS, batch_size=16, verbose=0)
print(model.evaluate(x, y, verbose=0))
model.predict(x[:5], verbose=0)
"""


def _env(tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MINIKERAS_OFFLINE="1", MPLCONFIGDIR=str(tmp_path / "mpl"))
    env.pop("MPLBACKEND", None)
    return env


def _diff(tmp_path, source, *options, name="script.py"):
    script = tmp_path / name
    script.write_text(textwrap.dedent(source))
    return subprocess.run([sys.executable, "-m", "minikeras", "diff", *options, str(script)], cwd=str(tmp_path),
                          env=_env(tmp_path), capture_output=True, text=True, timeout=1800)


def _verdict(proc):
    lines = [line for line in proc.stdout.splitlines() if line.startswith("verdict:")]
    assert len(lines) == 1, proc.stdout + proc.stderr
    return lines[0]


def test_seeded_script_agrees(tmp_path):
    proc = _diff(tmp_path, SEEDED.replace("EPOCHS", "5"), "--json", "out.json", "--plot", "out.png")
    verdict = _verdict(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert verdict.startswith("verdict: agree — largest relative difference")
    assert "rtol 0.0001" in verdict
    # the epoch-by-epoch table, one row per epoch and metric
    for epoch in range(1, 6):
        assert any(line.split()[:2] == [str(epoch), "accuracy"] for line in proc.stdout.splitlines())
        assert any(line.split()[:2] == [str(epoch), "loss"] for line in proc.stdout.splitlines())
    assert (tmp_path / "out.png").stat().st_size > 0
    data = json.loads((tmp_path / "out.json").read_text())
    assert set(data) >= {"script", "args", "rtol", "tensorflow", "minikeras", "comparison"}
    for side in ("tensorflow", "minikeras"):
        kinds = [e["kind"] for e in data[side]["events"]]
        assert kinds == ["summary", "fit", "evaluate", "predict"]
        fit = data[side]["events"][1]
        assert sorted(fit["history"]) == ["accuracy", "loss"] and len(fit["history"]["loss"]) == 5
        assert fit["params"] == {"total": 58, "trainable": 58, "non_trainable": 0}
        assert data[side]["events"][3]["outputs"][0]["shape"] == [5, 2]
    assert data["comparison"]["agree"] is True
    assert data["comparison"]["verdict"] == verdict
    assert all(r["rel"] <= 1e-4 for r in data["comparison"]["rows"])


def test_different_script_differs(tmp_path):
    # The script trains with a different learning rate when it runs on minikeras.
    source = SEEDED.replace("EPOCHS", "3").replace(
        'optimizer="adam"',
        'optimizer=keras.optimizers.Adam(0.05 if getattr(keras, "__minikeras_dropin__", False) else 0.001)')
    proc = _diff(tmp_path, source)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _verdict(proc).startswith("verdict: differ")


def test_structural_mismatch_differs(tmp_path):
    source = SEEDED.replace("EPOCHS", "2") + (
        "\nif getattr(keras, '__minikeras_dropin__', False):\n    model.fit(x, y, epochs=1, verbose=0)\n")
    proc = _diff(tmp_path, source)
    assert proc.returncode == 1
    assert "fit: TensorFlow made 1 call(s), minikeras 2" in _verdict(proc)


@pytest.mark.parametrize("fails_on", ["tensorflow", "minikeras"])
def test_a_failing_side_exits_2_with_its_traceback(tmp_path, fails_on):
    check = "getattr(keras, '__minikeras_dropin__', False)"
    if fails_on == "tensorflow":
        check = "not " + check
    source = f"import keras\nif {check}:\n    raise RuntimeError('this side fails')\nprint('fine')\n"
    proc = _diff(tmp_path, source)
    assert proc.returncode == 2
    side = "TensorFlow" if fails_on == "tensorflow" else "minikeras"
    assert f"the script failed under {side}" in proc.stderr
    assert "Traceback (most recent call last)" in proc.stderr
    assert "RuntimeError: this side fails" in proc.stderr


def test_without_tensorflow_says_how_to_install(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("print(1)\n")
    code = ("import sys; sys.modules['tensorflow'] = None\n"
            "from minikeras.__main__ import main\n"
            f"sys.exit(main(['diff', {str(script)!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(tmp_path),
                          timeout=600)
    assert proc.returncode == 2
    assert "pip install 'minikeras[compat]'" in proc.stderr


UNSEEDED = SEEDED.replace("keras.utils.set_random_seed(3)\n", "")


def test_align_makes_an_unseeded_script_agree(tmp_path):
    proc = _diff(tmp_path, UNSEEDED.replace("EPOCHS", "4"), "--align")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _verdict(proc).startswith("verdict: agree")


def test_seeds_band(tmp_path):
    proc = _diff(tmp_path, UNSEEDED.replace("EPOCHS", "3"), "--seeds", "3", "--json", "band.json")
    verdict = _verdict(proc)
    assert "seed-to-seed band at" in verdict
    data = json.loads((tmp_path / "band.json").read_text())
    assert len(data["tensorflow_seeds"]) == 3
    rows = [r for r in data["comparison"]["rows"] if r["epoch"] is not None]
    assert rows and all({"low", "high", "inside"} <= set(r) for r in rows)
    assert proc.returncode == (0 if all(r["inside"] for r in rows) else 1)
