"""The benchmark harness keeps working: a tiny `--quick` run writes its table (no timings are asserted).

Also checks that the bare-NumPy floor really is "the same math" as a minikeras `fit`: from the same
weights, without shuffling, both report the same epoch loss, for each optimizer the workloads use.
"""

import dataclasses
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import minikeras

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from benchmarks import competitors, workloads  # noqa: E402


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--competitors", "minikeras,numpy", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    return proc, out


def test_quick_run_succeeds_and_writes_the_table(quick_run):
    proc, out = quick_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = (out / "results.md").read_text()
    assert text.startswith("# minikeras benchmarks")
    for needle in ("- Date:", "- Machine:", "- Versions: numpy", "QUICK MODE", "## Targets",
                   "### import", "### lesson fit", "batch 32", "batch 256", "### large batch", "### predict on"):
        assert needle in text, needle
    for row in ("| minikeras |", "| bare NumPy (floor) |", "| np.matmul of the same shapes only (ceiling) |"):
        assert row in text, row


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="matplotlib not installed")
def test_quick_run_writes_the_chart(quick_run):
    proc, out = quick_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_target_is_evaluated(quick_run):
    _, out = quick_run
    targets = (out / "results.md").read_text().split("## Targets")[1]
    rows = [line for line in targets.splitlines() if line.startswith("| ") and not line.startswith("| target")]
    # import, lesson floor, 2 x MNIST floor, large-batch throughput, predict memory (others need TF/torch/sklearn)
    assert len(rows) >= 6
    assert all(line.rstrip().endswith(("| yes |", "| **NO** |", "| n/a |")) for line in rows)


def test_only_selects_one_workload(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--only", "lesson_fit", "--competitors", "numpy",
         "--output", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = (tmp_path / "results.md").read_text()
    assert "### lesson fit" in text and "### predict" not in text and "### import" not in text


def test_unknown_workload_is_rejected():
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--only", "nope"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "invalid choice" in proc.stderr


@pytest.mark.parametrize("optimizer,lr", [("adam", 0.001), ("sgd", 0.01)])
def test_numpy_floor_is_the_same_math_as_minikeras_fit(optimizer, lr):
    spec = workloads.NetSpec((6, 8, 5, 3), optimizer, lr, batch_size=16, epochs=3, accuracy=True, shuffle=False)
    x, y, _ = workloads.make_data(70, 6, 3)
    weights = workloads.make_weights(spec.sizes)
    floor_params = [w.copy() for w in weights]
    floor_loss = competitors.numpy_fit(spec, x, y, floor_params)
    model = competitors.Minikeras().model(spec, weights)
    opt = minikeras.optimizers.Adam(lr) if optimizer == "adam" else minikeras.optimizers.SGD(lr)
    model.compile(optimizer=opt, loss="categorical_crossentropy")
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"][-1], floor_loss, rtol=1e-5)
    for got, want in zip(model.get_weights(), floor_params):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_numpy_predict_matches_minikeras_predict():
    spec = dataclasses.replace(workloads.cases("predict", quick=True)[0].spec)
    x, _, _ = workloads.make_data(300, 4, 3)
    weights = workloads.make_weights(spec.sizes)
    want = competitors.Minikeras().model(spec, weights).predict(x, batch_size=64, verbose=0)
    np.testing.assert_allclose(competitors.numpy_predict(x, weights, 64), want, rtol=1e-5, atol=1e-7)
