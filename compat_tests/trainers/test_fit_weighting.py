"""The arithmetic of `fit`/`evaluate` against TF Keras: class_weight, sample_weight, and the epoch mean.

- `class_weight` (one-hot, sparse and binary targets) and `sample_weight` (alone,
  together, with `validation_split` and `validation_data=(x, y, w)`), with plain
  and weighted metrics: History and the weights after training.
- The epoch loss is the running mean over batches weighted by batch size: with a
  short last batch (37 samples, batch 8) the per-batch logs seen by a callback and
  the epoch values must equal Keras's.
"""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

rng = np.random.default_rng(31)
N = 37
X = rng.normal(size=(N, 3)).astype("float32")
LABELS = (np.digitize(X[:, 0] + 0.3 * X[:, 1], [-0.4, 0.5])).astype("int64")  # 3 unbalanced classes
ONEHOT = np.eye(3, dtype="float32")[LABELS]
BINARY = (X[:, 2] > 0.2).astype("float32")[:, None]
SAMPLE_W = rng.choice([0.0, 0.5, 1.0, 2.0, 3.5], size=N).astype("float32")

TARGETS = {
    "categorical": (3, "softmax", "categorical_crossentropy", ONEHOT),
    "sparse": (3, "softmax", "sparse_categorical_crossentropy", LABELS),
    "binary": (1, "sigmoid", "binary_crossentropy", BINARY),
    "regression": (2, None, "mse", X[:, :2] * 2.0 - 1.0),
}


def _start_weights(keras, units):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(6), keras.layers.Dense(units)])
    return [np.asarray(w) for w in model.get_weights()]


def _model(lib, target, weights, weighted_metrics=False):
    units, activation, loss, _ = TARGETS[target]
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(6, activation="tanh"),
                            lib.layers.Dense(units, activation=activation)])
    model.set_weights(weights)
    metric = "mae" if target == "regression" else "accuracy"
    kwargs = {"weighted_metrics": [metric]} if weighted_metrics else {"metrics": [metric]}
    model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.05), loss=loss, **kwargs)
    return model


def _fit(lib, target, weights, fit_kwargs, weighted_metrics=False):
    model = _model(lib, target, weights, weighted_metrics)
    batches = []
    log_batches = lib.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(dict(logs)))
    history = model.fit(X, TARGETS[target][3], epochs=3, batch_size=8, shuffle=False, verbose=0,
                        callbacks=[log_batches], **fit_kwargs)
    return model, history.history, batches


def _compare_runs(keras, target, fit_kwargs_for, items, weighted_metrics=False):
    weights = _start_weights(keras, TARGETS[target][0])
    k_model, k_hist, k_batches = _fit(keras, target, weights, fit_kwargs_for(keras), weighted_metrics)
    mk_model, mk_hist, mk_batches = _fit(minikeras, target, weights, fit_kwargs_for(minikeras), weighted_metrics)
    assert list(mk_hist) == list(k_hist)
    for key in k_hist:
        assert_close(mk_hist[key], k_hist[key], **F32, err_msg=key, item=items)
    for mine, ref in zip(mk_model.get_weights(), k_model.get_weights()):
        assert_close(mine, ref, **F32, err_msg="weights after training", item=items)
    assert len(mk_batches) == len(k_batches)
    assert [sorted(b) for b in mk_batches] == [sorted(b) for b in k_batches]
    for key in k_batches[0]:
        assert_close([b[key] for b in mk_batches], [b[key] for b in k_batches], **F32,
                     err_msg=f"per-batch logs[{key!r}]", item=items + ["callbacks.LambdaCallback"])
    return mk_model, k_model


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_epoch_loss_is_batch_size_weighted_running_mean(keras, target):
    """37 samples in batches of 8: four full batches and one of 5 (per-batch logs are running means)."""
    _compare_runs(keras, target, lambda lib: {}, ["Model.fit", "callbacks.History"])


CLASS_WEIGHT = {0: 1.0, 1: 2.5, 2: 0.4}


@pytest.mark.parametrize("target", ["categorical", "sparse", "binary"])
def test_class_weight(keras, target):
    class_weight = {0: 0.3, 1: 1.7} if target == "binary" else CLASS_WEIGHT
    _compare_runs(keras, target, lambda lib: {"class_weight": class_weight}, ["Model.fit"])


@pytest.mark.parametrize("weighted_metrics", [False, True], ids=["metrics", "weighted_metrics"])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_sample_weight(keras, target, weighted_metrics):
    _compare_runs(keras, target, lambda lib: {"sample_weight": SAMPLE_W}, ["Model.fit"], weighted_metrics)


def test_class_weight_with_sample_weight_is_refused_like_keras(keras):
    weights = _start_weights(keras, 3)
    errors = []
    for lib in (keras, minikeras):
        with pytest.raises(ValueError) as err:
            _fit(lib, "sparse", weights, {"class_weight": CLASS_WEIGHT, "sample_weight": SAMPLE_W})
        errors.append(str(err.value))
    assert errors[1] == errors[0]


@pytest.mark.parametrize("weighted_metrics", [False, True], ids=["metrics", "weighted_metrics"])
def test_sample_weight_with_validation_split(keras, weighted_metrics):
    """The validation tail takes the tail of the sample weights too."""
    _compare_runs(keras, "sparse", lambda lib: {"sample_weight": SAMPLE_W, "validation_split": 0.3},
                  ["Model.fit"], weighted_metrics)


def test_validation_data_with_sample_weights(keras):
    x_val = rng.normal(size=(11, 3)).astype("float32")
    y_val = rng.integers(0, 3, size=11)
    w_val = rng.uniform(0.0, 2.0, size=11).astype("float32")
    _compare_runs(keras, "sparse", lambda lib: {"validation_data": (x_val, y_val, w_val)}, ["Model.fit"],
                  weighted_metrics=True)


@pytest.mark.parametrize("weighted_metrics", [False, True], ids=["metrics", "weighted_metrics"])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_evaluate_with_sample_weight(keras, target, weighted_metrics):
    weights = _start_weights(keras, TARGETS[target][0])
    y = TARGETS[target][3]
    k_model = _model(keras, target, weights, weighted_metrics)
    mk_model = _model(minikeras, target, weights, weighted_metrics)
    for batch_size in (8, 32, N):
        k = k_model.evaluate(X, y, sample_weight=SAMPLE_W, batch_size=batch_size, verbose=0, return_dict=True)
        mk = mk_model.evaluate(X, y, sample_weight=SAMPLE_W, batch_size=batch_size, verbose=0, return_dict=True)
        assert list(mk) == list(k)
        for key in k:
            assert_close(mk[key], k[key], **F32, err_msg=f"{key} (batch_size={batch_size})", item="Model.evaluate")
