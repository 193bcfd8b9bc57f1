"""Regression, probabilistic, hinge and correlation metrics against TF Keras."""

import pytest

CASES = [
    ("MeanSquaredError", {}, "regression", "per_sample"),
    ("MeanSquaredError", {}, "regression", "column"),
    ("MeanSquaredError", {}, "regression_col", "per_sample"),
    ("MeanAbsoluteError", {}, "regression", "per_sample"),
    ("MeanAbsoluteError", {}, "regression", None),
    ("MeanAbsolutePercentageError", {}, "regression", "per_sample"),
    ("MeanSquaredLogarithmicError", {}, "positive", "per_sample"),
    ("RootMeanSquaredError", {}, "regression", "per_sample"),
    ("RootMeanSquaredError", {}, "regression", "elementwise"),
    ("RootMeanSquaredError", {}, "regression_col", None),
    ("CosineSimilarity", {}, "regression", "per_sample"),
    ("CosineSimilarity", {"axis": 0}, "regression", None),
    ("LogCoshError", {}, "regression", "per_sample"),
    ("R2Score", {}, "regression", "per_sample"),
    ("R2Score", {}, "regression", None),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression", "per_sample"),
    ("R2Score", {"class_aggregation": None}, "regression", "column"),
    ("R2Score", {"num_regressors": 2}, "regression", "per_sample"),
    ("PearsonCorrelation", {}, "regression", "per_sample"),
    ("ConcordanceCorrelation", {}, "regression", "per_sample"),
    ("BinaryCrossentropy", {}, "binary", "per_sample"),
    ("BinaryCrossentropy", {}, "multilabel", "column"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits", "per_sample"),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "multilabel", "per_sample"),
    ("CategoricalCrossentropy", {}, "categorical", "per_sample"),
    ("CategoricalCrossentropy", {"from_logits": True}, "categorical_logits", "per_sample"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "categorical", None),
    ("SparseCategoricalCrossentropy", {}, "sparse", "per_sample"),
    ("SparseCategoricalCrossentropy", {}, "sparse_col", "column"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits", "per_sample"),
    ("KLDivergence", {}, "probabilities", "per_sample"),
    ("Poisson", {}, "positive", "per_sample"),
    ("Hinge", {}, "hinge", "per_sample"),
    ("Hinge", {}, "hinge01", None),
    ("SquaredHinge", {}, "hinge", "per_sample"),
    ("CategoricalHinge", {}, "categorical", "per_sample"),
]


@pytest.mark.parametrize("name,kwargs,kind,weights", CASES, ids=lambda v: str(v))
def test_mean_metric_matches_keras(compare_metric, name, kwargs, kind, weights):
    compare_metric(name, kwargs, kind, weights)


@pytest.mark.parametrize("name", ["MeanSquaredError", "BinaryCrossentropy", "MeanAbsoluteError"])
def test_weights_wider_than_values_fail_as_in_keras(keras, name):
    """Per-sample values (batch,) cannot take (batch, 3) weights: Keras fails, and so do we."""
    import numpy as np

    import minikeras

    y_true = np.zeros((4, 3), np.float32)
    y_pred = np.full((4, 3), 0.5, np.float32)
    w = np.ones((4, 3), np.float32)
    with pytest.raises(Exception):
        getattr(keras.metrics, name)().update_state(y_true, y_pred, sample_weight=w)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        getattr(minikeras.metrics, name)().update_state(y_true, y_pred, sample_weight=w)


@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("name", ["pearson_correlation", "concordance_correlation"])
def test_correlation_functions_match_keras(keras, name, axis):
    """The stateless correlation functions: per-row (axis=-1) or per-column (axis=0) values."""
    import numpy as np

    import minikeras
    from compat_tests.recording import assert_close
    from compat_tests.tolerances import F32

    rng = np.random.default_rng(4)
    y_true = rng.normal(size=(6, 5)).astype("float32")
    y_pred = (0.6 * y_true + rng.normal(size=(6, 5)) * 0.5 + 0.2).astype("float32")
    expected = np.asarray(getattr(keras.metrics, name)(y_true, y_pred, axis=axis))
    got = np.asarray(getattr(minikeras.metrics, name)(y_true, y_pred, axis=axis))
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert_close(got, expected, **F32, item=f"metrics.{name}")


def test_per_sample_functions_without_a_public_keras_name(keras):
    """`metrics.cosine_similarity` (Keras exports only its negative, `losses.cosine_similarity`) and
    `metrics.accuracy` (Keras keeps it inside `keras.src.metrics.accuracy_metrics`, behind `Accuracy`)."""
    import numpy as np

    import minikeras
    from compat_tests.recording import assert_close
    from compat_tests.tolerances import F32
    from keras.src.metrics import accuracy_metrics

    rng = np.random.default_rng(9)
    y_true = rng.normal(size=(6, 5)).astype("float32")
    y_pred = (0.5 * y_true + rng.normal(size=(6, 5))).astype("float32")
    y_true[0] = 0.0  # an all-zero row: the epsilon in the normalisation decides the value
    for axis in (-1, 0):
        expected = -np.asarray(keras.losses.cosine_similarity(y_true, y_pred, axis=axis))
        got = np.asarray(minikeras.metrics.cosine_similarity(y_true, y_pred, axis=axis))
        assert got.shape == expected.shape and got.dtype == expected.dtype
        assert_close(got, expected, **F32, item="metrics.cosine_similarity")
    labels = rng.integers(0, 3, size=(8, 2)).astype("float32")
    guesses = np.where(rng.uniform(size=(8, 2)) < 0.5, labels, (labels + 1) % 3).astype("float32")
    expected = np.asarray(accuracy_metrics.accuracy(labels, guesses))
    got = np.asarray(minikeras.metrics.accuracy(labels, guesses))
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert_close(got, expected, **F32, item="metrics.accuracy")
