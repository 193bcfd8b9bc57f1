"""Accuracy metrics against TF Keras: three weighted batches, same inputs, same numbers."""

import pytest

from compat_tests.recording import assert_close

CASES = [
    ("Accuracy", {}, "classes", "per_sample"),
    ("Accuracy", {}, "classes", None),
    ("BinaryAccuracy", {}, "binary", "per_sample"),
    ("BinaryAccuracy", {}, "binary_flat", "per_sample"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary", "column"),
    ("BinaryAccuracy", {}, "multilabel", "per_sample"),
    ("BinaryAccuracy", {"threshold": 0.25}, "multilabel", "elementwise"),
    ("BinaryAccuracy", {}, "multilabel", None),
    ("CategoricalAccuracy", {}, "categorical", "per_sample"),
    ("CategoricalAccuracy", {}, "categorical", None),
    ("CategoricalAccuracy", {}, "sequence", "per_sample"),
    ("SparseCategoricalAccuracy", {}, "sparse", "per_sample"),
    ("SparseCategoricalAccuracy", {}, "sparse_col", "column"),
    ("SparseCategoricalAccuracy", {}, "sequence_sparse", "per_sample"),
    ("SparseCategoricalAccuracy", {}, "sparse", None),
    ("TopKCategoricalAccuracy", {"k": 1}, "categorical", "per_sample"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical", "per_sample"),
    ("TopKCategoricalAccuracy", {"k": 3}, "ties", "per_sample"),
    ("TopKCategoricalAccuracy", {}, "categorical", None),
    ("SparseTopKCategoricalAccuracy", {"k": 1}, "sparse", "per_sample"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_col", "per_sample"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_ties", "per_sample"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse", None),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}, "sorted_ids", "per_sample"),
]


@pytest.mark.parametrize("name,kwargs,kind,weights", CASES, ids=lambda v: str(v))
def test_accuracy_metric_matches_keras(compare_metric, name, kwargs, kind, weights):
    compare_metric(name, kwargs, kind, weights)


@pytest.mark.parametrize("fn_name,kind,kwargs", [
    ("binary_accuracy", "binary", {}),
    ("binary_accuracy", "multilabel", {"threshold": 0.3}),
    ("categorical_accuracy", "categorical", {}),
    ("sparse_categorical_accuracy", "sparse_col", {}),
    ("top_k_categorical_accuracy", "ties", {"k": 2}),
    ("sparse_top_k_categorical_accuracy", "sparse_ties", {"k": 2}),
])
def test_accuracy_functions_match_keras(keras, fn_name, kind, kwargs):
    import numpy as np

    import minikeras
    from compat_tests.metrics.conftest import batches

    for y_true, y_pred, _ in batches(kind, None):
        expected = np.asarray(getattr(keras.metrics, fn_name)(y_true, y_pred, **kwargs))
        got = getattr(minikeras.metrics, fn_name)(y_true, y_pred, **kwargs)
        assert got.shape == expected.shape and got.dtype == expected.dtype
        assert_close(got, expected, item=f"metrics.{fn_name}")
