"""Shared data and model builders for the wrapper tests."""

import numpy as np
import pytest

import minikeras as keras


def seeded_mlp(X, y, loss="categorical_crossentropy", hidden=8, out_activation="softmax", seed=0):
    """Keras-style model callable: compiled, sized from (X, y), seeded so fits repeat bitwise."""
    keras.utils.set_random_seed(seed)
    n_outputs = y.shape[1] if y.ndim > 1 else 1
    model = keras.Sequential([
        keras.Input((X.shape[1],)),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(n_outputs, activation=out_activation),
    ])
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(0.01))
    return model


def meta_mlp(meta, hidden=8, out_units=None, out_activation="softmax"):
    """scikeras-style build function: uncompiled, sized from the fitted metadata."""
    if out_units is None:
        out_units = meta["n_classes_"] if "n_classes_" in meta else meta["n_outputs_"]
    return keras.Sequential([
        keras.Input((meta["n_features_in_"],)),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(out_units, activation=out_activation),
    ])


@pytest.fixture
def blobs():
    """Three well-separated classes in 4-D, float32, integer labels 0..2."""
    rng = np.random.RandomState(0)
    centers = np.array([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0]], dtype="float32")
    y = rng.randint(0, 3, 90)
    X = (centers[y] + 0.3 * rng.randn(90, 4)).astype("float32")
    return X, y


@pytest.fixture
def regression():
    rng = np.random.RandomState(1)
    X = rng.randn(60, 3).astype("float32")
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.randn(60)
    return X, y
