"""The compiled Dense-stack step gives bitwise the numbers of the general (taped) step."""

import numpy as np
import pytest

import minikeras as mk
from minikeras import config
from minikeras.trainers import dense_stack


def _data(n=45, features=4, classes=3, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(dtype)
    y = np.eye(classes, dtype=dtype)[rng.integers(0, classes, n)]
    return x, y


def _model(kind="sequential", hidden=("relu",), output="softmax", use_bias=True, features=4, classes=3, seed=3):
    mk.utils.set_random_seed(seed)
    if kind == "sequential":
        model = mk.Sequential([mk.Input((features,))]
                              + [mk.layers.Dense(8, activation=a, use_bias=use_bias) for a in hidden]
                              + [mk.layers.Dense(classes, activation=output, use_bias=use_bias)])
    else:
        inputs = mk.Input((features,))
        h = inputs
        for a in hidden:
            h = mk.layers.Dense(8, activation=a, use_bias=use_bias)(h)
        model = mk.Model(inputs, mk.layers.Dense(classes, activation=output, use_bias=use_bias)(h))
    return model


def _train(build, optimizer, loss, compiled, monkeypatch, fit_kwargs=None, data=None, metrics=("accuracy",)):
    """Fit a fresh model; with `compiled=False` the Dense-stack step is never planned."""
    planned = []
    real_plan = dense_stack.plan

    def spy(model, trainable):
        step = real_plan(model, trainable) if compiled else None
        planned.append(step)
        return step

    with monkeypatch.context() as m:
        m.setattr(dense_stack, "plan", spy)
        model = build()
        model.compile(optimizer=optimizer(), loss=loss, metrics=list(metrics))
        x, y = data if data is not None else _data()
        kwargs = {"batch_size": 8, "epochs": 4, "verbose": 0, "shuffle": False, **(fit_kwargs or {})}
        history = model.fit(x, y, **kwargs)
    return model, history.history, planned


def _assert_same(build, optimizer, monkeypatch, loss="categorical_crossentropy", expect_compiled=True, **kw):
    fast, fast_hist, planned = _train(build, optimizer, loss, True, monkeypatch, **kw)
    slow, slow_hist, _ = _train(build, optimizer, loss, False, monkeypatch, **kw)
    assert (planned[0] is not None) == expect_compiled
    assert fast_hist.keys() == slow_hist.keys()
    for key in slow_hist:
        assert fast_hist[key] == slow_hist[key], key  # exact: the same arithmetic
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(fast.optimizer.variables, slow.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    return fast_hist


OPTIMIZERS = {
    "sgd": lambda: mk.optimizers.SGD(0.05),
    "nesterov": lambda: mk.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adam": lambda: mk.optimizers.Adam(0.01),
    "rmsprop": lambda: mk.optimizers.RMSprop(0.01),
    "adagrad": lambda: mk.optimizers.Adagrad(0.05),
    "adamw": lambda: mk.optimizers.AdamW(0.01),  # weight decay: the general step
    "schedule": lambda: mk.optimizers.Adam(mk.optimizers.schedules.ExponentialDecay(0.01, 3, 0.5)),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_lesson_network_matches_general_step(name, kind, monkeypatch):
    _assert_same(lambda: _model(kind), OPTIMIZERS[name], monkeypatch, expect_compiled=name != "adamw")


@pytest.mark.parametrize("hidden", [(), ("relu",), ("relu", "linear", "relu"), (None,)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_depths_and_biases(hidden, use_bias, monkeypatch):
    _assert_same(lambda: _model(hidden=hidden, use_bias=use_bias), OPTIMIZERS["adam"], monkeypatch)


def test_logits_output_with_from_logits(monkeypatch):
    loss = mk.losses.CategoricalCrossentropy(from_logits=True)
    _assert_same(lambda: _model(output=None), OPTIMIZERS["sgd"], monkeypatch, loss=loss)


@pytest.mark.parametrize("shape", ["flat", "column"])
@pytest.mark.parametrize("output", ["softmax", None])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_sparse_targets(shape, output, dtype, monkeypatch):
    x, onehot = _data()
    labels = onehot.argmax(axis=-1).astype(dtype)
    if shape == "column":
        labels = labels[:, None]
    loss = mk.losses.SparseCategoricalCrossentropy(from_logits=output is None)
    _assert_same(lambda: _model(output=output), OPTIMIZERS["adam"], monkeypatch, loss=loss, data=(x, labels))


def test_sparse_targets_with_other_metrics(monkeypatch):
    x, onehot = _data()
    _assert_same(lambda: _model(), OPTIMIZERS["sgd"], monkeypatch, loss="sparse_categorical_crossentropy",
                 data=(x, onehot.argmax(axis=-1)), metrics=("accuracy", "sparse_top_k_categorical_accuracy"))


def test_sparse_out_of_range_label_raises_the_loss_error(monkeypatch):
    x, onehot = _data()
    labels = onehot.argmax(axis=-1)
    labels[-1] = 7  # in the last batch: the compiled step hands the batch to the general step
    with pytest.raises(ValueError, match="outside the valid range"):
        _train(lambda: _model(), OPTIMIZERS["sgd"], "sparse_categorical_crossentropy", True, monkeypatch,
               data=(x, labels))


def test_validation_split_and_short_last_batch(monkeypatch):
    hist = _assert_same(lambda: _model(), OPTIMIZERS["adam"], monkeypatch,
                        fit_kwargs={"validation_split": 0.2, "shuffle": True})
    assert "val_loss" in hist and "val_accuracy" in hist


def test_float64(monkeypatch):
    config.set_floatx("float64")
    try:
        _assert_same(lambda: _model(), OPTIMIZERS["adam"], monkeypatch, data=_data(dtype="float64"))
    finally:
        config.set_floatx("float32")


def test_without_metrics(monkeypatch):
    _assert_same(lambda: _model(), OPTIMIZERS["sgd"], monkeypatch, metrics=())


@pytest.mark.parametrize("case", ["tanh", "regularizer", "constraint", "dropout", "sigmoid_mse", "probs_from_logits",
                                  "clipnorm", "label_smoothing", "frozen_layer"])
def test_other_models_take_the_general_step(case, monkeypatch):
    def build():
        mk.utils.set_random_seed(1)
        hidden = mk.layers.Dense(8, activation="relu")
        extra = []
        if case == "tanh":
            hidden = mk.layers.Dense(8, activation="tanh")
        elif case == "regularizer":
            hidden = mk.layers.Dense(8, activation="relu", kernel_regularizer="l2")
        elif case == "constraint":
            hidden = mk.layers.Dense(8, activation="relu", kernel_constraint="non_neg")
        elif case == "dropout":
            extra = [mk.layers.Dropout(0.5)]
        model = mk.Sequential([mk.Input((4,)), hidden] + extra + [mk.layers.Dense(3, activation="softmax")])
        if case == "frozen_layer":
            model.layers[0].trainable = False
        return model

    loss, optimizer = "categorical_crossentropy", OPTIMIZERS["adam"]
    if case == "sigmoid_mse":
        loss = "mse"
    elif case == "probs_from_logits":
        loss = mk.losses.CategoricalCrossentropy(from_logits=True)
    elif case == "label_smoothing":
        loss = mk.losses.CategoricalCrossentropy(label_smoothing=0.1)
    elif case == "clipnorm":
        optimizer = lambda: mk.optimizers.Adam(0.01, clipnorm=1.0)  # noqa: E731
    _, _, planned = _train(build, optimizer, loss, True, monkeypatch)
    assert planned == [None]


def test_sample_weight_batches_take_the_general_step(monkeypatch):
    x, y = _data()
    weights = np.linspace(0.5, 1.5, len(x)).astype("float32")
    results = []
    for compiled in (True, False):
        with monkeypatch.context() as m:
            if not compiled:
                m.setattr(dense_stack, "plan", lambda model, trainable: None)
            model = _model()
            model.compile(optimizer=mk.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
            results.append(model.fit(x, y, sample_weight=weights, batch_size=8, epochs=3, verbose=0,
                                     shuffle=False).history)
    assert results[0] == results[1]


def test_set_weights_from_a_callback_is_seen(monkeypatch):
    """A callback replacing the weights mid-fit: the compiled step reads them at every step."""
    x, y = _data()

    class Reset(mk.callbacks.Callback):
        def __init__(self, weights):
            super().__init__()
            self.weights = weights

        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                self.model.set_weights(self.weights)

    histories = []
    for compiled in (True, False):
        with monkeypatch.context() as m:
            if not compiled:
                m.setattr(dense_stack, "plan", lambda model, trainable: None)
            model = _model()
            start = [w.copy() for w in model.get_weights()]
            model.compile(optimizer="sgd", loss="categorical_crossentropy")
            histories.append(model.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False,
                                       callbacks=[Reset(start)]).history["loss"])
    assert histories[0] == histories[1]
    assert histories[0][2] != histories[0][1]


def test_other_metrics_go_through_the_metric_objects(monkeypatch):
    _assert_same(lambda: _model(), OPTIMIZERS["adam"], monkeypatch, metrics=("accuracy", "mse", "auc"))


@pytest.mark.parametrize("rebind", [False, True])
def test_optimizer_state_changed_by_a_callback(rebind, monkeypatch):
    """Slots written in place are seen by the flat update; slots whose arrays are replaced make it
    fall back to the per-variable update — the numbers stay those of the general step either way."""

    class Halve(mk.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                for v in self.model.optimizer.variables[1:]:
                    if rebind:
                        v._value = v._value * np.asarray(0.5, v._value.dtype)
                    else:
                        v.assign(v.numpy() * np.asarray(0.5, v.dtype))

    _assert_same(lambda: _model(), OPTIMIZERS["adam"], monkeypatch, fit_kwargs={"callbacks": [Halve()]})
    _assert_same(lambda: _model(), OPTIMIZERS["nesterov"], monkeypatch, fit_kwargs={"callbacks": [Halve()]})


def test_gradient_monitor_sees_every_step(monkeypatch):
    """A callback wrapping `optimizer.apply` turns the compiled step off: it must see the gradients."""
    from minikeras.callbacks.gradient_monitor import GradientMonitor

    x, y = _data()
    results = []
    for compiled in (True, False):
        with monkeypatch.context() as m:
            if not compiled:
                m.setattr(dense_stack, "plan", lambda model, trainable: None)
            model = _model()
            model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
            monitor = GradientMonitor()
            history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False, callbacks=[monitor])
            results.append((history.history, [list(v) for v in monitor.epoch_layer_norms.values()]))
    assert results[0] == results[1]
    assert len(results[0][1]) == 2 and all(len(norms) == 3 for norms in results[0][1])


def test_subclassed_optimizer_apply_is_respected(monkeypatch):
    calls = []

    class Counting(mk.optimizers.SGD):
        def apply(self, grads, trainable_variables=None):
            calls.append(1)
            return super().apply(grads, trainable_variables)

    x, y = _data()
    model = _model()
    model.compile(optimizer=Counting(0.1), loss="categorical_crossentropy")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert len(calls) == 2 * 6
