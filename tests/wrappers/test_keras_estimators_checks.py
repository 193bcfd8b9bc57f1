"""scikit-learn's estimator checks for the scikeras-style wrappers, with no expected failures.

scikeras marks `check_fit_idempotent` (and more) as expected failures. With
`random_state` set, a minikeras fit is bitwise repeatable, so every check runs
and must pass. As in test_sklearn_wrapper_checks.py the check models run in
float64: the order/subset invariance checks compare predictions at rtol=1e-7,
below float32 BLAS's row-position rounding. They train full-batch
(`batch_size=-1`): sample weights can equal repeated samples (checked by
`check_sample_weight_equivalence_on_dense_data`) only when every sample is in
the same batch, for any minibatch learner.
"""

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import minikeras as keras  # noqa: E402
from minikeras.wrappers import KerasClassifier, KerasRegressor  # noqa: E402


def mlp(meta, hidden=10, dtype="float64"):
    """An uncompiled MLP sized from the fitted metadata; the wrapper compiles it."""
    inputs = keras.Input(shape=(meta["n_features_in_"],), dtype=dtype)
    h = keras.layers.Dense(hidden, activation="relu", dtype=dtype)(inputs)
    if meta["target_type_"] in ("binary", "multiclass"):
        outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax", dtype=dtype)(h)
    else:
        outputs = keras.layers.Dense(meta["n_outputs_"], dtype=dtype)(h)
    return keras.Model(inputs, outputs)


ESTIMATORS = [
    KerasClassifier(mlp, model__hidden=20, loss="sparse_categorical_crossentropy", optimizer="adam",
                    optimizer__learning_rate=0.01, epochs=20, batch_size=-1, verbose=0, random_state=0),
    KerasClassifier(mlp, loss="categorical_crossentropy", optimizer="adam", epochs=20, batch_size=-1, verbose=0, random_state=0),
    KerasRegressor(mlp, loss="mse", optimizer="adam", epochs=5, batch_size=-1, verbose=0, random_state=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_keras_estimator_checks(estimator, check):
    check(estimator)
