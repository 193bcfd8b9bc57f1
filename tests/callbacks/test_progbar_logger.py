"""`ProgbarLogger` driven through `CallbackList` as fit/evaluate/predict drive it."""

import itertools
import time

import pytest

from minikeras.callbacks import CallbackList, ProgbarLogger

B, R, G, W = "\x1b[1m", "\x1b[0m", "\x1b[32m", "\x1b[37m"


@pytest.fixture
def clock(monkeypatch):
    ticks = itertools.count()
    monkeypatch.setattr(time, "time", lambda: 100.0 + 0.002 * next(ticks))


class FakeModel:
    stop_training = False
    history = None


def fake_fit(cbs, epochs, steps, val=True):
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            cbs.on_train_batch_end(step, {"loss": 1.0 / (step + 1), "accuracy": 0.5})
        logs = {"loss": 0.25, "accuracy": 0.5}
        if val:
            cbs.on_test_begin()
            for step in range(2):
                cbs.on_test_batch_end(step, {"loss": 9.0})
            cbs.on_test_end({"loss": 0.75, "accuracy": 0.125})
            logs.update(val_loss=0.75, val_accuracy=0.125)
        cbs.on_epoch_end(epoch, logs)
    cbs.on_train_end(logs)


def test_verbose_2_fit_one_line_per_epoch_with_epoch_headers(clock, capsys):
    cbs = CallbackList(add_progbar=True, model=FakeModel(), verbose=2, epochs=2, steps=3)
    fake_fit(cbs, 2, 3)
    out = capsys.readouterr().out
    lines = out.split("\n")
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    for line in (lines[1], lines[3]):
        assert line.startswith("3/3 - 0s - ")
        # Keys arrive sorted (CallbackList), validation ones after.
        assert line.endswith("s/step - accuracy: 0.5000 - loss: 0.2500 - val_accuracy: 0.1250 - val_loss: 0.7500")
    assert lines[4:] == [""]


def test_single_epoch_has_no_header(clock, capsys):
    cbs = CallbackList(add_progbar=True, model=FakeModel(), verbose=2, epochs=1, steps=3)
    fake_fit(cbs, 1, 3, val=False)
    assert capsys.readouterr().out.startswith("3/3 - 0s - ")


@pytest.mark.parametrize("verbose", [1, "auto"])
def test_verbose_1_fit_draws_bar_and_finalizes_with_epoch_logs(clock, capsys, verbose):
    cbs = CallbackList(add_progbar=True, model=FakeModel(), verbose=verbose, epochs=1, steps=2)
    progbar = cbs._progbar
    assert progbar.verbose == 1
    fake_fit(cbs, 1, 2, val=True)
    out = capsys.readouterr().out
    assert out.endswith(f" - accuracy: 0.5000 - loss: 0.2500 - val_accuracy: 0.1250 - val_loss: 0.7500\n")
    assert f"{B}2/2{R} {G}{'━' * 20}{R}{W}{R} {B}0s{R}" in out
    assert "9.0000" not in out  # validation batches stay silent inside fit


def test_evaluate_bar(clock, capsys):
    cbs = CallbackList(add_progbar=True, model=FakeModel(), verbose=2, epochs=1, steps=2)
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 1.0})
    cbs.on_test_batch_end(1, {"loss": 0.5})
    cbs.on_test_end({"loss": 0.5, "mae": 0.0005})
    assert capsys.readouterr().out.endswith("s/step - loss: 0.5000 - mae: 5.0000e-04\n")


def test_predict_bar_has_no_metrics(clock, capsys):
    cbs = CallbackList(add_progbar=True, model=FakeModel(), verbose=2, epochs=1, steps=2)
    cbs.on_predict_begin()
    cbs.on_predict_batch_end(0, {"outputs": [[1.0, 2.0]]})
    cbs.on_predict_batch_end(1, {"outputs": [[1.0, 2.0]]})
    cbs.on_predict_end()
    out = capsys.readouterr().out
    assert out.startswith("2/2 - 0s - ") and out.endswith("s/step\n")


def test_unknown_steps_learned_from_first_epoch(clock, capsys):
    cbs = CallbackList(add_progbar=True, model=FakeModel(), verbose=2, epochs=2, steps=None)
    assert cbs._should_call_batch_hooks("train")
    fake_fit(cbs, 2, 4, val=False)
    lines = capsys.readouterr().out.split("\n")
    assert lines[1].startswith("4/4 - ") and lines[3].startswith("4/4 - ")
    assert cbs._progbar.target == 4


def test_set_params_requires_keys():
    with pytest.raises(KeyError):
        ProgbarLogger().set_params({"verbose": 1})


def test_defaults():
    p = ProgbarLogger()
    assert (p.seen, p.progbar, p.target, p.verbose, p.epochs) == (0, None, None, 1, 1)
