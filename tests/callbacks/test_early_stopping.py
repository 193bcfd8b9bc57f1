"""`EarlyStopping` with a fake model: patience, min_delta, baseline, restoring, warm-up, modes."""

import warnings

import numpy as np
import pytest

from minikeras.callbacks import EarlyStopping
from minikeras.utils import io_utils


class FakeModel:
    def __init__(self, metrics=()):
        self.stop_training = False
        self.weights = [np.zeros(2)]
        self.metrics = list(metrics)
        self.restored = None

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.restored = [w.copy() for w in weights]
        self.weights = [w.copy() for w in weights]


class FakeMetric:
    def __init__(self, name, direction):
        self.name = name
        self._direction = direction


class CompileMetrics:  # duck-typed container, named like the trainer's
    def __init__(self, metrics):
        self.metrics = metrics


def run(cb, values, key="loss", model=None):
    """Train-loop skeleton: epoch e has weights [e, e]; returns the epochs that ran."""
    model = model or FakeModel()
    cb.set_model(model)
    cb.on_train_begin()
    ran = []
    for epoch, v in enumerate(values):
        model.weights = [np.full(2, float(epoch))]
        ran.append(epoch)
        cb.on_epoch_end(epoch, {key: v} if v is not None else {"other": 1.0})
        if model.stop_training:
            break
    cb.on_train_end()
    return ran, model


@pytest.mark.parametrize("patience, values, last_epoch", [
    (0, [3, 2, 2.5, 2.4, 1], 2),
    (1, [3, 2, 2.5, 2.4, 1], 2),  # patience 0 and 1 both stop at the first bad epoch
    (2, [3, 2, 2.5, 2.4, 2.3, 1], 3),
    (2, [3, 2, 2.5, 1.0, 2.4, 2.3], 5),
    (0, [5, 4, 3, 2, 1], 4),  # always improving: never stops
])
def test_patience(patience, values, last_epoch):
    cb = EarlyStopping(monitor="loss", patience=patience)
    ran, model = run(cb, values)
    assert ran[-1] == last_epoch
    stopped = last_epoch < len(values) - 1 or model.stop_training
    assert cb.stopped_epoch == (last_epoch if stopped else 0)


@pytest.mark.parametrize("min_delta, patience, values, last_epoch", [
    (0.5, 1, [3, 2.6, 2.2, 1.0], 1),  # 2.6 is only 0.4 better
    (0.5, 2, [3, 2.6, 2.2, 1.0], 3),  # 2.2 is 0.8 better than 3: wait resets
    (-0.5, 1, [3, 2.6, 2.2], 1),  # the sign of min_delta is ignored
    (0.0, 0, [3, 2.6, 2.2], 2),
])
def test_min_delta(min_delta, patience, values, last_epoch):
    ran, _ = run(EarlyStopping(monitor="loss", min_delta=min_delta, patience=patience), values)
    assert ran[-1] == last_epoch


def test_min_delta_max_mode():
    ran, _ = run(EarlyStopping(monitor="acc", mode="max", min_delta=0.1, patience=0), [0.5, 0.65, 0.7], key="acc")
    assert ran == [0, 1, 2]
    ran, _ = run(EarlyStopping(monitor="acc", mode="max", min_delta=0.1, patience=0), [0.5, 0.55], key="acc")
    assert ran == [0, 1]


def test_baseline_counts_epochs_that_do_not_beat_it():
    # Without a baseline, patience 2 on a flat curve stops at epoch 2; the baseline (never beaten)
    # keeps the first epoch's count, so it stops one epoch sooner.
    ran, _ = run(EarlyStopping(monitor="loss", patience=2), [3, 3, 3, 3])
    assert ran[-1] == 2
    ran, _ = run(EarlyStopping(monitor="loss", patience=2, baseline=1.0), [3, 3, 3, 3])
    assert ran[-1] == 1


def test_baseline_beaten_resets_wait():
    cb = EarlyStopping(monitor="loss", patience=1, baseline=2.0)
    ran, _ = run(cb, [3, 1.5, 1.6, 1.7])
    assert ran[-1] == 2 and cb.best == 1.5


def test_restore_best_weights_after_early_stop(capsys):
    cb = EarlyStopping(monitor="loss", patience=1, restore_best_weights=True, verbose=1)
    ran, model = run(cb, [3, 1, 2, 2.5])
    assert ran == [0, 1, 2]
    np.testing.assert_array_equal(model.restored[0], [1.0, 1.0])
    assert cb.best_epoch == 1
    assert capsys.readouterr().out == (
        "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n")


def test_restore_best_weights_also_when_training_runs_to_the_end(capsys):
    cb = EarlyStopping(monitor="loss", patience=5, restore_best_weights=True, verbose=1)
    ran, model = run(cb, [3, 1, 2, 2.5])
    assert ran == [0, 1, 2, 3]
    np.testing.assert_array_equal(model.restored[0], [1.0, 1.0])
    assert capsys.readouterr().out == "Restoring model weights from the end of the best epoch: 2.\n"


def test_no_restore_without_flag_and_silent_by_default(capsys):
    cb = EarlyStopping(monitor="loss", patience=0)
    _, model = run(cb, [3, 4])
    assert model.restored is None
    assert capsys.readouterr().out == ""


def test_start_from_epoch_skips_warm_up():
    cb = EarlyStopping(monitor="loss", patience=0, start_from_epoch=2, restore_best_weights=True)
    ran, model = run(cb, [1, 2, 3, 4, 5])
    assert ran == [0, 1, 2, 3]
    assert cb.best == 3 and cb.best_epoch == 2
    np.testing.assert_array_equal(model.restored[0], [2.0, 2.0])


@pytest.mark.parametrize("monitor, values, last", [
    ("val_loss", [3, 2, 2.5], 2),
    ("loss", [3, 2, 2.5], 2),
    ("val_accuracy", [0.3, 0.5, 0.4], 2),
    ("accuracy", [0.3, 0.5, 0.6], 2),
    ("val_mae", [3, 2, 2.5], 2),
])
def test_auto_mode_from_name_and_metric_direction(monitor, values, last):
    model = FakeModel([object(), CompileMetrics([FakeMetric("accuracy", "up"), FakeMetric("mae", "down")])])
    cb = EarlyStopping(monitor=monitor, patience=0)
    ran, _ = run(cb, values, key=monitor, model=model)
    assert ran[-1] == last
    assert cb.monitor_op is (np.greater if "accuracy" in monitor else np.less)


def test_auto_mode_unknown_metric_raises():
    cb = EarlyStopping(monitor="val_f00")
    with pytest.raises(ValueError, match="monitor=val_f00, but Keras isn't able to automatically determine"):
        run(cb, [1.0], key="val_f00")


@pytest.mark.parametrize("mode, op", [("min", np.less), ("max", np.greater)])
def test_explicit_mode(mode, op):
    cb = EarlyStopping(monitor="anything", mode=mode)
    run(cb, [1.0], key="anything")
    assert cb.monitor_op is op
    assert cb.min_delta == (-0.0 if mode == "min" else 0.0)


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="EarlyStopping mode 'sideways' is unknown, fallback to auto mode."):
        cb = EarlyStopping(mode="sideways")
    assert cb.mode == "auto"


def test_missing_monitor_warns_with_available_keys_and_does_not_stop():
    cb = EarlyStopping(monitor="val_loss", patience=0)
    cb.set_model(FakeModel())
    cb.on_train_begin()
    with pytest.warns(UserWarning) as rec:
        cb.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.5})
    assert str(rec[0].message) == ("Early stopping conditioned on metric `val_loss` which is not available. "
                                   "Available metrics are: loss,accuracy")
    assert cb.get_monitor_value({"val_loss": 2.0}) == 2.0
    assert cb.model.stop_training is False


def test_comparisons_happen_in_float32_like_keras():
    # 1 - 1e-9 equals 1.0 in float32, so it is not an improvement.
    ran, _ = run(EarlyStopping(monitor="loss", patience=0), [1.0, 1.0 - 1e-9])
    assert ran == [0, 1]
    ran, _ = run(EarlyStopping(monitor="loss", patience=0), [1.0, 1.0 - 1e-6, 2.0])
    assert ran == [0, 1, 2]


def test_state_resets_on_train_begin_so_instances_are_reusable():
    cb = EarlyStopping(monitor="loss", patience=0, restore_best_weights=True)
    run(cb, [1, 2])
    assert cb.stopped_epoch == 1
    ran, model = run(cb, [5, 4, 3])
    assert ran == [0, 1, 2] and cb.stopped_epoch == 0 and cb.best == 3 and cb.wait == 0
    np.testing.assert_array_equal(model.restored[0], [2.0, 2.0])


def test_messages_go_through_print_msg(monkeypatch):
    seen = []
    monkeypatch.setattr(io_utils, "print_msg", lambda msg, line_break=True: seen.append(msg))
    run(EarlyStopping(monitor="loss", patience=0, verbose=1), [1, 2])
    assert seen == ["Epoch 2: early stopping"]


def test_defaults():
    cb = EarlyStopping()
    assert (cb.monitor, cb.min_delta, cb.patience, cb.verbose, cb.mode, cb.baseline, cb.restore_best_weights,
            cb.start_from_epoch) == ("val_loss", 0, 0, 0, "auto", None, False, 0)


def test_missing_value_every_epoch_never_stops():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ran, model = run(EarlyStopping(monitor="loss"), [None, None, None])
    assert ran == [0, 1, 2] and not model.stop_training
