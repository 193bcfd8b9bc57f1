"""The main job: the penguin example runs offline and reaches the accuracy the lesson expects."""

import importlib.util
import pathlib

import pytest

pytest.importorskip("palmerpenguins")

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "penguins.py"


def load_example():
    spec = importlib.util.spec_from_file_location("penguins_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_penguin_example_reaches_95_percent(tmp_path, capsys):
    example = load_example()
    accuracy = example.main(["--verbose", "0", "--plot", str(tmp_path / "curves.png")])
    out = capsys.readouterr().out
    assert accuracy >= 0.95
    assert "Total params: 83 (332.00 B)" in out
    assert "Confusion matrix" in out
    assert (tmp_path / "curves.png").stat().st_size > 0


def test_stratified_split_keeps_class_proportions():
    import numpy as np

    example = load_example()
    labels = np.array([0] * 50 + [1] * 30 + [2] * 20)
    train, test = example.stratified_split(labels, test_size=0.2, seed=0)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(100))
    assert np.bincount(labels[test]).tolist() == [10, 6, 4]
