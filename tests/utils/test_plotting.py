"""plot_history draws one panel per metric with the validation twin."""

import pytest

from minikeras.utils.plotting import plot_history

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


class _History:
    history = {"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.7, 0.9], "val_loss": [1.1, 0.6, 0.4]}


def test_panels_and_lines(tmp_path):
    out = tmp_path / "curves.png"
    fig = plot_history(_History(), to_file=str(out), title="t")
    assert out.exists()
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_ylabel() == "loss" and len(loss_ax.get_lines()) == 2
    assert acc_ax.get_ylabel() == "accuracy" and len(acc_ax.get_lines()) == 1
    assert list(loss_ax.get_lines()[0].get_ydata()) == [1.0, 0.5, 0.25]


def test_dict_and_metric_selection():
    fig = plot_history({"loss": [1.0], "val_loss": [2.0], "mae": [3.0]}, metrics="mae")
    assert [a.get_ylabel() for a in fig.axes] == ["mae"]


@pytest.mark.parametrize("history, error, match", [
    ([1, 2], TypeError, "History"),
    ({}, ValueError, "empty"),
])
def test_bad_history(history, error, match):
    with pytest.raises(error, match=match):
        plot_history(history)


def test_unknown_metric():
    with pytest.raises(ValueError, match="Unknown metric"):
        plot_history({"loss": [1.0]}, metrics=["accuracy"])
