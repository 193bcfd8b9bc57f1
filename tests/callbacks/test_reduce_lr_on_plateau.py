"""`ReduceLROnPlateau` with a fake model: patience, factor, cooldown, min_lr, min_delta, logs."""

import numpy as np
import pytest

from minikeras.callbacks import CallbackList, History, ReduceLROnPlateau


class FakeOptimizer:
    def __init__(self, lr=1.0, name="sgd"):
        self.learning_rate = lr
        self.iterations = 0
        self.name = name


class MultiOptimizer:
    def __init__(self, *optimizers):
        self.optimizers = list(optimizers)
        self.learning_rate = optimizers[0].learning_rate


class FakeModel:
    def __init__(self, optimizer=None):
        self.stop_training = False
        self.optimizer = optimizer or FakeOptimizer()
        self.history = None


def run(cb, values, monitor="val_loss", model=None):
    """Returns the learning rate after each epoch."""
    model = model or FakeModel()
    cb.set_model(model)
    cb.on_train_begin()
    lrs = []
    for epoch, v in enumerate(values):
        cb.on_epoch_end(epoch, {monitor: v})
        lrs.append(model.optimizer.learning_rate)
    return lrs


@pytest.mark.parametrize("patience, cooldown, expected", [
    (1, 0, [1, .5, .25, .125]),
    (2, 0, [1, 1, .5, .5]),
    (1, 1, [1, .5, .25, .125]),  # the cooldown epoch is counted down before the patience check
    (1, 2, [1, .5, .5, .25]),
    (0, 0, [1, .5, .25, .125]),
])
def test_patience_and_cooldown_on_a_flat_curve(patience, cooldown, expected):
    cb = ReduceLROnPlateau(factor=0.5, patience=patience, cooldown=cooldown)
    assert run(cb, [1, 1, 1, 1]) == expected


def test_improving_curve_keeps_lr():
    assert run(ReduceLROnPlateau(factor=0.5, patience=0), [4, 3, 2, 1]) == [1, 1, 1, 1]


def test_min_delta_decides_what_counts_as_better():
    # 1e-4 (the default) is more than the 5e-5 steps here: no improvement.
    assert run(ReduceLROnPlateau(factor=0.5, patience=1), [1, 1 - 5e-5, 1 - 1e-4 - 1e-4]) == [1, .5, .5]
    assert run(ReduceLROnPlateau(factor=0.5, patience=1, min_delta=0), [1, 1 - 5e-5, 1 - 1e-4]) == [1, 1, 1]


def test_max_mode_for_accuracy_like_metrics():
    cb = ReduceLROnPlateau(monitor="val_acc", mode="max", factor=0.5, patience=1)
    assert run(cb, [0.5, 0.4, 0.6, 0.6], monitor="val_acc") == [1, .5, .5, .25]


def test_min_lr_is_a_floor():
    cb = ReduceLROnPlateau(factor=0.1, patience=0, min_lr=0.05, min_delta=0)
    assert run(cb, [1, 1, 1, 1]) == [1, 0.1, 0.05, 0.05]


def test_float32_learning_rate_at_min_lr_is_not_reduced():
    model = FakeModel(FakeOptimizer(np.float32(0.05)))
    cb = ReduceLROnPlateau(factor=0.5, patience=0, min_lr=0.05)
    assert run(cb, [1, 1], model=model) == [np.float32(0.05)] * 2


@pytest.mark.parametrize("factor", [1.0, 1.5])
def test_factor_must_be_below_one(factor):
    with pytest.raises(ValueError, match=f"ReduceLROnPlateau does not support a factor >= 1.0. Received "
                                         f"factor={factor}"):
        ReduceLROnPlateau(factor=factor)


def test_extra_kwargs_are_accepted_and_ignored():
    cb = ReduceLROnPlateau(epsilon=1e-3)
    assert cb.min_delta == 1e-4


def test_learning_rate_is_added_to_the_logs_history_sees():
    model = FakeModel(FakeOptimizer(0.25))
    cbs = CallbackList([ReduceLROnPlateau(patience=0, factor=0.5)], add_history=True, model=model)
    cbs.on_train_begin()
    cbs.on_epoch_end(0, {"val_loss": 1.0})
    cbs.on_epoch_end(1, {"val_loss": 1.0})
    assert model.history.history["learning_rate"] == [0.25, 0.25]  # logged before the reduction
    assert model.optimizer.learning_rate == 0.125


def test_verbose_message(capsys):
    run(ReduceLROnPlateau(factor=0.5, patience=0, verbose=1), [1, 1])
    assert capsys.readouterr().out == "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.5.\n"


def test_multi_optimizer_each_reduced_and_logged(capsys):
    model = FakeModel(MultiOptimizer(FakeOptimizer(1.0, "adam"), FakeOptimizer(0.5, "sgd")))
    cb = ReduceLROnPlateau(factor=0.5, patience=0, verbose=1)
    cb.set_model(model)
    cb.on_train_begin()
    logs = {"val_loss": 1.0}
    cb.on_epoch_end(0, logs)
    assert logs["learning_rate_adam"] == 1.0 and logs["learning_rate_sgd"] == 0.5
    cb.on_epoch_end(1, {"val_loss": 1.0})
    assert [o.learning_rate for o in model.optimizer.optimizers] == [0.5, 0.25]
    assert capsys.readouterr().out == ("\nEpoch 2: ReduceLROnPlateau reducing adam learning rate to 0.5.\n"
                                       "\nEpoch 2: ReduceLROnPlateau reducing sgd learning rate to 0.25.\n")


def test_missing_monitor_warns():
    cb = ReduceLROnPlateau()
    cb.set_model(FakeModel())
    cb.on_train_begin()
    with pytest.warns(UserWarning) as rec:
        cb.on_epoch_end(0, {"loss": 1.0})
    assert str(rec[0].message) == ("Learning rate reduction is conditioned on metric `val_loss` which is not "
                                   "available. Available metrics are: loss,learning_rate.")


def test_reset_on_train_begin():
    cb = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=3)
    run(cb, [1, 1])
    assert cb.cooldown_counter == 3
    cb.on_train_begin()
    assert (cb.best, cb.wait, cb.cooldown_counter) == (None, 0, 0)


def test_defaults():
    cb = ReduceLROnPlateau()
    assert (cb.monitor, cb.factor, cb.patience, cb.verbose, cb.mode, cb.min_delta, cb.cooldown, cb.min_lr) == (
        "val_loss", 0.1, 10, 0, "auto", 1e-4, 0, 0.0)


