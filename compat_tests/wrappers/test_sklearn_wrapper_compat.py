"""minikeras's SKLearnClassifier / SKLearnRegressor against keras.wrappers on the same data and weights.

Both sides build the same architecture, get the same initial weights, and fit
a few epochs without shuffling; predictions, decoded labels and the training
curves must agree within tolerances.CURVE.
"""

import numpy as np
import pytest

pytest.importorskip("sklearn")

import minikeras  # noqa: E402
from compat_tests.tolerances import CURVE  # noqa: E402

EPOCHS = 5


def make_data(kind):
    rng = np.random.RandomState(0)
    X = rng.randn(64, 4).astype("float32")
    if kind == "classifier":
        y = np.array(["a", "b", "c"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
    else:
        y = (X @ np.array([1.0, -1.0, 0.5, 2.0])).astype("float32")
    return X, y


def initial_weights(n_out):
    rng = np.random.RandomState(42)
    return [rng.uniform(-0.5, 0.5, (4, 8)).astype("float32"), rng.uniform(-0.1, 0.1, 8).astype("float32"),
            rng.uniform(-0.5, 0.5, (8, n_out)).astype("float32"), rng.uniform(-0.1, 0.1, n_out).astype("float32")]


def builder(lib, kind):
    def build(X, y):
        n_out = y.shape[1]
        model = lib.Sequential([
            lib.Input((X.shape[1],)),
            lib.layers.Dense(8, activation="relu"),
            lib.layers.Dense(n_out, activation="softmax" if kind == "classifier" else None),
        ])
        model.set_weights(initial_weights(n_out))
        model.compile(loss="categorical_crossentropy" if kind == "classifier" else "mse",
                      optimizer=lib.optimizers.Adam(0.01))
        return model

    return build


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_same_numbers_as_keras_wrappers(keras, kind):
    from minikeras.wrappers import SKLearnClassifier, SKLearnRegressor

    X, y = make_data(kind)
    fit_kwargs = {"epochs": EPOCHS, "batch_size": 16, "shuffle": False, "verbose": 0}
    ours_cls = SKLearnClassifier if kind == "classifier" else SKLearnRegressor
    theirs_cls = keras.wrappers.SKLearnClassifier if kind == "classifier" else keras.wrappers.SKLearnRegressor
    ours = ours_cls(builder(minikeras, kind), fit_kwargs=fit_kwargs).fit(X, y)
    theirs = theirs_cls(builder(keras, kind), fit_kwargs=dict(fit_kwargs)).fit(X, y)

    np.testing.assert_allclose(ours.history_.history["loss"], theirs.history_.history["loss"], **CURVE)
    np.testing.assert_allclose(ours.model_.predict(X, verbose=0), theirs.model_.predict(X, verbose=0), **CURVE)
    if kind == "classifier":
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)
        # Multiclass decision_function is the raw output on both sides.
        np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), **CURVE)
    else:
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), **CURVE)
        np.testing.assert_allclose(ours.score(X, y), theirs.score(X, y), **CURVE)
