"""`Mean`, `Sum` and `MeanMetricWrapper` against TF Keras, for every weight shape."""

import numpy as np
import pytest

from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

rng = np.random.default_rng(3)
V1 = rng.normal(size=(6,)).astype(np.float32)
V2 = rng.normal(size=(6, 4)).astype(np.float32)
V3 = rng.normal(size=(6, 4, 2)).astype(np.float32)
W1 = rng.uniform(0, 2, (6,)).astype(np.float32)

VALUE_CASES = [
    ("1d", V1, None),
    ("1d_w", V1, W1),
    ("1d_col_w", V1, W1.reshape(6, 1)),
    ("2d", V2, None),
    ("2d_w", V2, W1),
    ("2d_col_w", V2, W1.reshape(6, 1)),
    ("2d_elem_w", V2, rng.uniform(0, 2, (6, 4)).astype(np.float32)),
    ("3d_w", V3, W1),
    ("3d_2d_w", V3, rng.uniform(0, 2, (6, 4)).astype(np.float32)),
    ("scalar_w", V2, np.float32(2.5)),
    ("scalar_value", np.float32(3.0), None),
]


@pytest.mark.parametrize("cls", ["Mean", "Sum"])
@pytest.mark.parametrize("case,values,weights", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_reduction_matches_keras(keras, cls, case, values, weights):
    import minikeras

    theirs, ours = getattr(keras.metrics, cls)(), getattr(minikeras.metrics, cls)()
    for _ in range(3):
        theirs.update_state(values, sample_weight=weights)
        ours.update_state(values, sample_weight=weights)
    assert_close(ours.result(), theirs.result().numpy(), **F32, item=f"metrics.{cls}")
    for mine, ref in zip(ours.variables, theirs.variables):
        assert mine.name == ref.name
        assert_close(mine.numpy(), ref.numpy(), **F32, item=f"metrics.{cls}")


def test_mean_metric_wrapper_with_kwargs_matches_keras(keras):
    import minikeras

    y_true = rng.integers(0, 2, (6, 3)).astype(np.float32)
    y_pred = rng.uniform(size=(6, 3)).astype(np.float32)
    theirs = keras.metrics.MeanMetricWrapper(keras.metrics.binary_accuracy, threshold=0.3)
    ours = minikeras.metrics.MeanMetricWrapper(minikeras.metrics.binary_accuracy, threshold=0.3)
    theirs.update_state(y_true, y_pred, sample_weight=W1)
    ours.update_state(y_true, y_pred, sample_weight=W1)
    assert_close(ours.result(), theirs.result().numpy(), **F32,
                 item=["metrics.MeanMetricWrapper", "metrics.binary_accuracy"])
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("identifier", ["mse", "MAE", "bce", "accuracy", "binary_accuracy", "AUC",
                                        "sparse_top_k_categorical_accuracy", "f1_score", "log_cosh_error"])
def test_get_resolves_names_like_keras(keras, identifier):
    import minikeras

    theirs, ours = keras.metrics.get(identifier), minikeras.metrics.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.name == theirs.name
    assert ours.get_config() == {k: v for k, v in theirs.get_config().items()}


@pytest.mark.parametrize("name", ["acc", "binary_acc", "nonsense"])
def test_get_rejects_what_keras_rejects(keras, name):
    import minikeras

    with pytest.raises(ValueError):
        keras.metrics.get(name)
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        minikeras.metrics.get(name)


@pytest.mark.parametrize("name,kwargs", [
    ("Mean", {}), ("BinaryAccuracy", {"threshold": 0.3}), ("TopKCategoricalAccuracy", {"k": 3}),
    ("Precision", {"thresholds": [0.2, 0.6], "class_id": 1}), ("AUC", {"curve": "PR", "num_thresholds": 50}),
    ("F1Score", {"average": "macro", "threshold": 0.4}), ("FBetaScore", {"beta": 2.0}),
    ("R2Score", {"class_aggregation": None}), ("CategoricalCrossentropy", {"label_smoothing": 0.1}),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}),
])
def test_config_matches_keras(keras, name, kwargs):
    import minikeras

    assert getattr(minikeras.metrics, name)(**kwargs).get_config() == \
        getattr(keras.metrics, name)(**kwargs).get_config()
