"""scikit-learn's estimator checks for the Keras-style wrappers, with no expected failures.

Keras 3.15 marks eight checks as expected failures for `SKLearnClassifier`
(most because a fit is not reproducible). Here the model-building callable
seeds minikeras, so construction and `fit` (shuffling included) are bitwise
repeatable and every check must pass.

The check models run in float64 (a supported minikeras option): the
sample-order and subset invariance checks compare predictions with
rtol=1e-7, and float32 matrix products through OpenBLAS give a row a result
that depends (by ~1 ulp) on the row's position in the batch, whatever the
wrapper does. Bitwise reproducibility in float32 is tested in test_sklearn_wrapper.py.
"""

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import minikeras as keras  # noqa: E402
from minikeras.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402


def seeded_mlp(X, y, loss, out_activation="softmax", hidden=(10,), optimizer="adam", seed=0, dtype="float64"):
    """A small MLP sized from the data, built under a fixed seed (so fits are reproducible)."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(X.shape[1],), dtype=dtype)
    h = inputs
    for units in hidden:
        h = keras.layers.Dense(units, activation="relu", dtype=dtype)(h)
    n_outputs = y.shape[1] if y.ndim > 1 else 1
    outputs = keras.layers.Dense(n_outputs, activation=out_activation, dtype=dtype)(h)
    model = keras.Model(inputs, outputs)
    model.compile(loss=loss, optimizer=optimizer)
    return model


ESTIMATORS = [
    SKLearnClassifier(
        model=seeded_mlp,
        model_kwargs={"loss": "categorical_crossentropy", "hidden": (20, 20)},
        fit_kwargs={"epochs": 20, "verbose": 0},
    ),
    SKLearnRegressor(model=seeded_mlp, model_kwargs={"loss": "mse", "out_activation": None},
                     fit_kwargs={"verbose": 0}),
    SKLearnTransformer(model=seeded_mlp, model_kwargs={"loss": "mse", "out_activation": None},
                       fit_kwargs={"verbose": 0}),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
