"""`benchmarks.random_draws` runs and prints its table (tiny sizes; no timings are asserted)."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from benchmarks import random_draws  # noqa: E402

KINDS = ["uniform float32", "normal float32", "truncated normal float32", "uniform float64", "normal float64",
         "truncated normal float64", "GlorotUniform(seed=1) kernel", "GlorotNormal(seed=1) kernel",
         "fit shuffle permutation"]


def test_measure_returns_one_row_per_kind():
    rows = random_draws.measure(size=100, permutation=37, repeats=2)
    assert [name for name, _, _ in rows] == KINDS
    assert [elements for _, elements, _ in rows] == [100] * 6 + [100, 100, 37]
    assert all(ms >= 0.0 for _, _, ms in rows)


def test_markdown_table_layout():
    text = random_draws.markdown_table([("normal float32", 1000000, 12.345)], repeats=5)
    assert text.splitlines() == ["| draw | elements | median of 5 (ms) |", "|---|---:|---:|",
                                 "| normal float32 | 1,000,000 | 12.3 |"]


def test_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "benchmarks.random_draws", "--size", "64", "--permutation", "10",
                           "--repeats", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("|")]
    assert lines[0] == "| draw | elements | median of 1 (ms) |"
    assert [line.split(" | ")[0].lstrip("| ") for line in lines[2:]] == KINDS
