"""examples/sklearn_pipeline.py runs (a small grid, few epochs) so it cannot rot."""

import importlib.util
import pathlib

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("palmerpenguins")

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "sklearn_pipeline.py"


def load_example():
    spec = importlib.util.spec_from_file_location("sklearn_pipeline_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_runs_reduced_search(capsys):
    example = load_example()
    search, accuracy = example.main(["--epochs", "15", "--hidden", "2", "8", "--learning-rate", "0.001", "0.05",
                                     "--cv", "2"])
    out = capsys.readouterr().out
    assert search.best_params_["net__optimizer__learning_rate"] == 0.05  # 0.001 barely moves in 15 epochs
    assert f"Best parameters: {{'model__hidden': {search.best_params_['net__model__hidden']}, " in out
    assert f"Test accuracy: {accuracy:.4f}" in out
    assert accuracy > 0.9
    assert len(search.cv_results_["params"]) == 4
