"""`metrics=['accuracy']` (and 'acc') resolves like Keras for each loss and output shape.

Keras picks binary, categorical or sparse-categorical accuracy from the loss and
the output/target shapes; a wrong pick gives plausible but different numbers. For
each case: the same model, weights and data on both sides -> the same History keys
(in order) and the same values per epoch, and the same `evaluate` results.
"""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

rng = np.random.default_rng(8)
N = 40
X = rng.normal(size=(N, 4)).astype("float32")
LABELS = (X[:, 0] + X[:, 1] * 0.5 > 0).astype("int64") + (X[:, 2] > 0.8)  # 3 classes
BINARY = (X[:, 0] - X[:, 3] > 0).astype("float32")

# name -> (units, activation, loss builder, targets, accuracy function it must resolve to)
CASES = {
    "binary-sigmoid-(n,1)": (1, "sigmoid", lambda lib: "binary_crossentropy", BINARY[:, None], "binary_accuracy"),
    "binary-sigmoid-(n,)": (1, "sigmoid", lambda lib: "binary_crossentropy", BINARY, "binary_accuracy"),
    "binary-logits-loss-object": (1, None, lambda lib: lib.losses.BinaryCrossentropy(from_logits=True),
                                  BINARY[:, None], "binary_accuracy"),
    "binary-mse": (1, "sigmoid", lambda lib: "mse", BINARY[:, None], "binary_accuracy"),
    "categorical-onehot": (3, "softmax", lambda lib: "categorical_crossentropy",
                           np.eye(3, dtype="float32")[LABELS], "categorical_accuracy"),
    "categorical-loss-object": (3, "softmax", lambda lib: lib.losses.CategoricalCrossentropy(),
                                np.eye(3, dtype="float32")[LABELS], "categorical_accuracy"),
    "categorical-mse-onehot": (3, "softmax", lambda lib: "mse", np.eye(3, dtype="float32")[LABELS],
                               "categorical_accuracy"),
    "sparse-(n,)": (3, "softmax", lambda lib: "sparse_categorical_crossentropy", LABELS, "sparse_categorical_accuracy"),
    "sparse-(n,1)": (3, "softmax", lambda lib: "sparse_categorical_crossentropy", LABELS[:, None],
                     "sparse_categorical_accuracy"),
    "sparse-float-labels": (3, "softmax", lambda lib: "sparse_categorical_crossentropy", LABELS.astype("float32"),
                            "sparse_categorical_accuracy"),
    "sparse-logits-loss-object": (3, None, lambda lib: lib.losses.SparseCategoricalCrossentropy(from_logits=True),
                                  LABELS, "sparse_categorical_accuracy"),
}


def _run(lib, case, weights, metric):
    units, activation, loss, y, _ = CASES[case]
    model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(5, activation="relu"),
                            lib.layers.Dense(units, activation=activation)])
    model.set_weights(weights)
    model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.1), loss=loss(lib), metrics=[metric])
    history = model.fit(X, y, epochs=3, batch_size=8, shuffle=False, validation_split=0.25, verbose=0)
    return history.history, model.evaluate(X, y, verbose=0, return_dict=True)


@pytest.mark.parametrize("metric", ["accuracy", "acc"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_accuracy_resolution_matches_keras(keras, case, metric):
    units = CASES[case][0]
    weights = [np.asarray(w) for w in keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(5), keras.layers.Dense(units)]).get_weights()]
    k_hist, k_eval = _run(keras, case, weights, metric)
    mk_hist, mk_eval = _run(minikeras, case, weights, metric)
    assert list(mk_hist) == list(k_hist)
    assert list(mk_eval) == list(k_eval)
    items = ["Model.fit", "callbacks.History", f"metrics.{CASES[case][4]}"]
    for key in k_hist:
        assert_close(mk_hist[key], k_hist[key], **F32, err_msg=key, item=items)
    for key in k_eval:
        assert_close(mk_eval[key], k_eval[key], **F32, err_msg=key,
                     item=["Model.evaluate", f"metrics.{CASES[case][4]}"])


def test_accuracy_resolution_is_not_trivially_equal():
    """Guard: on these data the three accuracies differ, so a wrong resolution shows up in the values."""
    y_pred = np.random.default_rng(0).uniform(size=(N, 3)).astype("float32")
    onehot = np.eye(3, dtype="float32")[LABELS]
    categorical = np.mean(minikeras.metrics.categorical_accuracy(onehot, y_pred))
    binary = np.mean(minikeras.metrics.binary_accuracy(onehot, y_pred))
    assert not np.isclose(categorical, binary)


@pytest.mark.parametrize("metrics", [["accuracy", "sparse_categorical_crossentropy"],
                                     ["sparse_top_k_categorical_accuracy", "acc"], [["accuracy"], ["mae"]]])
def test_history_keys_with_several_metrics(keras, metrics):
    """Key order with several metrics, and with per-output lists on a two-output model."""
    if isinstance(metrics[0], list):
        def build(lib):
            inp = lib.Input((4,))
            h = lib.layers.Dense(5, activation="relu")(inp)
            model = lib.Model(inp, [lib.layers.Dense(3, activation="softmax", name="cls")(h),
                                    lib.layers.Dense(1, name="reg")(h)])
            model.compile(optimizer="sgd", loss=["sparse_categorical_crossentropy", "mse"], metrics=metrics)
            return model
        y = [LABELS, X[:, :1]]
    else:
        def build(lib):
            model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(3, activation="softmax")])
            model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=metrics)
            return model
        y = LABELS
    k_model = build(keras)
    mk_model = build(minikeras)
    mk_model.set_weights(k_model.get_weights())
    k_hist = k_model.fit(X, y, epochs=2, batch_size=16, shuffle=False, validation_split=0.25, verbose=0).history
    mk_hist = mk_model.fit(X, y, epochs=2, batch_size=16, shuffle=False, validation_split=0.25, verbose=0).history
    assert list(mk_hist) == list(k_hist)
    for key in k_hist:
        assert_close(mk_hist[key], k_hist[key], **F32, err_msg=key, item=["Model.fit", "callbacks.History"])
