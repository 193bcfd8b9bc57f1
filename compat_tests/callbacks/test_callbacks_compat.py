"""Callbacks side by side with Keras's own, driven by the same logs through the same fake model."""

import io
import itertools
import time
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest

import minikeras


class FakeOptimizer:
    def __init__(self, lr):
        self.learning_rate = lr
        self.iterations = 0
        self.name = "sgd"


class FakeModel:
    def __init__(self, lr=0.01):
        self.stop_training = False
        self.history = None
        self.weights = [np.zeros(3)]
        self.optimizer = FakeOptimizer(lr)
        self.restored = None

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.restored = [w.copy() for w in weights]


def drive(cb_list, model, epoch_logs, batches=0):
    """A fit loop skeleton; returns a per-epoch trace, the printed text and the warnings."""
    trace = []
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, redirect_stdout(out):
        warnings.simplefilter("always")
        cb_list.on_train_begin()
        for epoch, logs in enumerate(epoch_logs):
            model.weights = [np.full(3, float(epoch))]
            cb_list.on_epoch_begin(epoch)
            for b in range(batches):
                cb_list.on_train_batch_begin(b)
                cb_list.on_train_batch_end(b, dict(logs))
                if model.stop_training:
                    break
            cb_list.on_epoch_end(epoch, dict(logs))
            trace.append((epoch, model.stop_training, model.optimizer.learning_rate))
            if model.stop_training:
                break
        cb_list.on_train_end(dict(logs))
    return trace, out.getvalue(), [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def both(keras, name, kwargs, epoch_logs, lr=0.01, batches=0):
    results = []
    for lib in (keras, minikeras):
        cb = getattr(lib.callbacks, name)(**kwargs)
        model = FakeModel(lr)
        cbs = lib.callbacks.CallbackList([cb], add_history=True, model=model)
        trace, text, warns = drive(cbs, model, epoch_logs, batches)
        state = {k: getattr(cb, k, None) for k in ("wait", "best", "stopped_epoch", "best_epoch",
                                                   "cooldown_counter")}
        restored = None if model.restored is None else model.restored[0].tolist()
        results.append((trace, text, warns, state, restored, model.history.history, model.history.epoch))
    return results


def curves(seed, n=14):
    rng = np.random.default_rng(seed)
    steps = rng.choice([-0.2, -0.1, 0.0, 0.0, 0.05, 0.1], size=n)
    return np.round(2.0 + np.cumsum(steps), 2).tolist()


ES_CONFIGS = [
    dict(monitor="loss"),
    dict(monitor="loss", patience=2),
    dict(monitor="loss", patience=3, min_delta=0.1),
    dict(monitor="val_loss", patience=1, baseline=1.8),
    dict(monitor="loss", patience=2, restore_best_weights=True, verbose=1),
    dict(monitor="loss", patience=1, start_from_epoch=3, restore_best_weights=True, verbose=1),
    dict(monitor="acc", mode="max", patience=2, verbose=1),
    dict(monitor="acc", mode="max", patience=1, min_delta=0.05, baseline=2.5, restore_best_weights=True),
    dict(monitor="loss", mode="min", patience=100, restore_best_weights=True, verbose=1),
    dict(monitor="missing", mode="min"),
]


@pytest.mark.parametrize("config", ES_CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_early_stopping_matches_keras(keras, config):
    for seed in range(8):  # seeds in a loop: each test pays the shared session reset once
        values = curves(seed)
        logs = [{"loss": v, "val_loss": v + 0.1, "acc": 4.0 - v} for v in values]
        k, m = both(keras, "EarlyStopping", config, logs)
        assert m == k, f"seed {seed}: {values}"


RLR_CONFIGS = [
    dict(monitor="loss", patience=1, factor=0.5),
    dict(monitor="loss", patience=0, factor=0.1, min_lr=1e-4, verbose=1),
    dict(monitor="loss", patience=1, factor=0.5, cooldown=2, verbose=1),
    dict(monitor="val_loss", patience=2, factor=0.2, min_delta=0.1),
    dict(monitor="acc", mode="max", patience=1, factor=0.5, cooldown=1),
    dict(monitor="nope", mode="min"),
]


@pytest.mark.parametrize("config", RLR_CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_reduce_lr_on_plateau_matches_keras(keras, config):
    for seed in range(8):
        values = curves(seed)
        logs = [{"loss": v, "val_loss": v + 0.1, "acc": 4.0 - v} for v in values]
        k, m = both(keras, "ReduceLROnPlateau", config, logs)
        assert m == k, f"seed {seed}: {values}"


@pytest.mark.parametrize("schedule", [
    lambda epoch, lr: lr * 0.9,
    lambda epoch, lr: lr if epoch < 2 else lr * float(np.exp(-0.1)),
    lambda epoch: 0.1 / (epoch + 1),
    lambda epoch, lr: np.float32(0.5),
])
@pytest.mark.parametrize("verbose", [0, 1])
def test_learning_rate_scheduler_matches_keras(keras, schedule, verbose):
    logs = [{"loss": 1.0}] * 4
    k, m = both(keras, "LearningRateScheduler", dict(schedule=schedule, verbose=verbose), logs)
    assert m == k


@pytest.mark.parametrize("raise_error", [False, True])
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_terminate_on_nan_matches_keras(keras, raise_error, bad):
    logs = [{"loss": 1.0}, {"loss": bad}, {"loss": 1.0}]
    outcomes = []
    for lib in (keras, minikeras):
        model = FakeModel()
        cbs = lib.callbacks.CallbackList([lib.callbacks.TerminateOnNaN(raise_error=raise_error)], model=model)
        try:
            trace, text, _ = drive(cbs, model, logs, batches=2)
            outcomes.append((trace, text))
        except RuntimeError as exc:
            outcomes.append(("raised", str(exc)))
    assert outcomes[1] == outcomes[0]


@pytest.mark.parametrize("append", [False, True])
@pytest.mark.parametrize("separator", [",", ";"])
@pytest.mark.parametrize("with_val", [False, True])
def test_csv_logger_file_matches_keras(keras, tmp_path, append, separator, with_val):
    contents = []
    for lib in (keras, minikeras):
        path = tmp_path / f"{lib.__name__}.csv"
        path.write_text("previous\n" if append else "")
        logs = [{"loss": 0.5, "accuracy": 0.25, "vec": np.array([1.5, 2.0]), "s": "x"},
                {"loss": 0.25, "accuracy": 0.5, "vec": np.array([1.0, 2.0]), "s": "y"}]
        if with_val:
            for d in logs:
                d["val_loss"] = 0.75
        cb = lib.callbacks.CSVLogger(str(path), separator=separator, append=append)
        for _ in range(2):  # twice: append or overwrite
            cb.on_train_begin()
            for epoch, d in enumerate(logs):
                cb.on_epoch_end(epoch, dict(d))
            cb.on_train_end()
        contents.append(path.read_bytes())
    assert contents[1] == contents[0]


def test_history_and_callback_list_log_order_match_keras(keras):
    logs = [{"val_loss": 1.0, "loss": np.float32(0.5), "accuracy": np.float64(0.25)}] * 2
    seen = []
    for lib in (keras, minikeras):
        record = []
        cb = lib.callbacks.LambdaCallback(on_epoch_end=lambda e, l, r=record: r.append(list(l.items())))
        model = FakeModel()
        drive(lib.callbacks.CallbackList([cb], add_history=True, model=model, verbose=1, epochs=2, steps=1),
              model, logs)
        seen.append((record, model.history.history, model.history.epoch, model.history.params))
    assert seen[1] == seen[0]


@pytest.fixture
def fixed_clock(monkeypatch):
    ticks = itertools.count()
    monkeypatch.setattr(time, "time", lambda: 1000.0 + 0.0137 * next(ticks))


@pytest.mark.parametrize("verbose", [1, 2, "auto"])
@pytest.mark.parametrize("epochs", [1, 3])
@pytest.mark.parametrize("steps", [None, 7])
def test_progbar_logger_output_matches_keras(keras, fixed_clock, verbose, epochs, steps):
    texts = []
    for lib in (keras, minikeras):
        # The logger is passed explicitly so Keras dispatches batch hooks synchronously (deterministic order).
        logger = lib.callbacks.ProgbarLogger()
        model = FakeModel()
        cbs = lib.callbacks.CallbackList([logger], model=model, verbose=verbose, epochs=epochs, steps=steps)
        out = io.StringIO()
        with redirect_stdout(out):
            cbs.on_train_begin()
            for epoch in range(epochs):
                cbs.on_epoch_begin(epoch)
                for b in range(7):
                    cbs.on_train_batch_begin(b)
                    cbs.on_train_batch_end(b, {"loss": 1.0 / (b + 1), "accuracy": 0.1 * b, "tiny": 1e-5})
                cbs.on_test_begin()
                cbs.on_test_batch_end(0, {"loss": 3.0})
                cbs.on_test_end({"loss": 3.0})
                cbs.on_epoch_end(epoch, {"loss": 0.3, "accuracy": 0.6, "tiny": -1e-5, "val_loss": 3.0})
            cbs.on_train_end()
            # evaluate and predict with fresh lists
            ev = lib.callbacks.CallbackList([lib.callbacks.ProgbarLogger()], model=model, verbose=verbose,
                                            epochs=1, steps=steps)
            ev.on_test_begin()
            for b in range(3):
                ev.on_test_batch_end(b, {"loss": 2.0 - b})
            ev.on_test_end({"loss": 1.0, "mae": 0.0004})
            pr = lib.callbacks.CallbackList([lib.callbacks.ProgbarLogger()], model=model, verbose=verbose,
                                            epochs=1, steps=steps)
            pr.on_predict_begin()
            for b in range(3):
                pr.on_predict_batch_end(b, {"outputs": np.ones((2, 2))})
            pr.on_predict_end()
        texts.append(out.getvalue())
    assert texts[1] == texts[0]
