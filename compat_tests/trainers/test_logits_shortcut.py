"""The softmax/sigmoid-logits subtlety, pinned: what a Keras user sees from fit, evaluate and a direct loss call.

A model ending in softmax (or sigmoid) followed by a cross-entropy: Keras computes
the loss from the activation's logits where it can, and clips probabilities to
[epsilon, 1 - epsilon] where it cannot (a plain array, e.g. `predict`'s output).
With weights that saturate the outputs to exactly 0/1 in float32 the two differ a
lot (a logit gap of 200 costs 200, a clipped probability costs -log(1e-7) ~ 16.1).
Each path is compared with TF Keras on its own:

1. `fit` (one full batch: the epoch loss is the loss at the starting weights), and
   the weights after that step (the gradient of the saturated loss);
2. `evaluate`;
3. a direct call `loss(y, model(x))` (an activation output) and
   `loss(y, model.predict(x))` (a plain array: clipped).
"""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5], [0.3, -2.0], [0.0, 0.0]], dtype="float32")
LABELS = np.array([2, 1, 0, 0, 2, 1])

# kernel (2, units), bias (units,): logit gaps of ~100-200 saturate float32 softmax/sigmoid to exact 0/1.
SOFTMAX_WEIGHTS = [np.array([[100.0, 0.0, -100.0], [0.0, 150.0, 0.0]], dtype="float32"),
                   np.array([0.0, 0.0, 1.0], dtype="float32")]
SIGMOID_WEIGHTS = [np.array([[120.0], [-90.0]], dtype="float32"), np.array([0.5], dtype="float32")]

CASES = {
    "softmax-categorical_crossentropy": ("softmax", "categorical_crossentropy", np.eye(3, dtype="float32")[LABELS]),
    "softmax-sparse_categorical_crossentropy": ("softmax", "sparse_categorical_crossentropy", LABELS),
    "sigmoid-binary_crossentropy": ("sigmoid", "binary_crossentropy", (LABELS == 1).astype("float32")[:, None]),
    # A moderate case (nothing saturates): all paths agree with each other as well.
    "softmax-categorical_crossentropy-moderate": ("softmax", "categorical_crossentropy",
                                                  np.eye(3, dtype="float32")[LABELS]),
}


def _model(lib, case):
    activation, loss, _ = CASES[case]
    units = 1 if activation == "sigmoid" else 3
    model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(units, activation=activation)])
    weights = SIGMOID_WEIGHTS if activation == "sigmoid" else SOFTMAX_WEIGHTS
    if case.endswith("moderate"):
        weights = [w / 100 for w in weights]
    model.set_weights(weights)
    model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.01), loss=loss)
    return model


def _items(case, path):
    activation, loss, _ = CASES[case]
    return [path, f"losses.{loss}", f"activations.{activation}", "layers.Dense"]


def _paths(lib, case):
    """{path: value} for the four ways a user gets the loss, on a fresh model each time."""
    _, loss, y = CASES[case]
    loss_fn = getattr(lib.losses, loss)
    out = {}
    model = _model(lib, case)
    out["direct: loss(y, model(x))"] = np.mean(np.asarray(loss_fn(y, model(X))))
    out["direct: loss(y, model.predict(x))"] = np.mean(np.asarray(loss_fn(y, model.predict(X, verbose=0))))
    out["evaluate"] = model.evaluate(X, y, verbose=0)
    history = model.fit(X, y, epochs=1, batch_size=len(X), shuffle=False, verbose=0)
    out["fit: epoch loss"] = history.history["loss"][0]
    out["fit: weights after one step"] = np.concatenate([np.ravel(w) for w in model.get_weights()])
    return out


PATH_ITEMS = {"direct: loss(y, model(x))": "Model.__call__", "direct: loss(y, model.predict(x))": "Model.predict",
              "evaluate": "Model.evaluate", "fit: epoch loss": "Model.fit", "fit: weights after one step": "Model.fit"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_path_matches_keras(keras, case):
    theirs = _paths(keras, case)
    ours = _paths(minikeras, case)
    for path, expected in theirs.items():
        item = [i for i in _items(case, PATH_ITEMS[path]) if i != "Model.__call__"]
        assert_close(ours[path], expected, **F32, err_msg=path, item=item)


def test_saturated_paths_really_differ_in_keras(keras):
    """Guard: the case pins distinct numbers (logits inside fit/evaluate, clipping on a plain array)."""
    theirs = _paths(keras, "softmax-categorical_crossentropy")
    assert theirs["fit: epoch loss"] == pytest.approx(theirs["evaluate"], rel=1e-6)
    assert not np.isclose(theirs["evaluate"], theirs["direct: loss(y, model.predict(x))"], rtol=1e-3)
