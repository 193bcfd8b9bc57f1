"""Accuracy metrics against expectations computed independently in the test."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from minikeras import metrics

rng = np.random.default_rng(0)


def weighted_mean(values, weights=None):
    values = np.asarray(values, np.float64)
    if weights is None:
        return values.mean()
    weights = np.asarray(weights, np.float64)
    return (values * weights).sum() / weights.sum()


def test_accuracy_function_and_class():
    y_true = np.array([[1], [2], [3], [4]])
    y_pred = np.array([[0], [2], [3], [4]])
    assert_allclose(metrics.accuracy(y_true, y_pred), [[0], [1], [1], [1]])
    m = metrics.Accuracy()
    m.update_state(y_true, y_pred, sample_weight=[1, 1, 0, 0])
    assert_allclose(m.result(), 0.5)


def test_binary_accuracy_threshold_is_strict():
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
    y_pred = np.array([[0.5], [0.5], [0.51], [0.2]], np.float32)
    assert_allclose(metrics.binary_accuracy(y_true, y_pred), [[0], [1], [1], [1]])
    assert_allclose(metrics.binary_accuracy(y_true, y_pred, threshold=0.4), [[1], [0], [1], [1]])


@pytest.mark.parametrize("threshold", [0.5, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_accuracy_over_batches(threshold, weighted):
    m = metrics.BinaryAccuracy(threshold=threshold)
    hits, ws = [], []
    for n in (5, 7, 3):
        y_true = rng.integers(0, 2, (n, 3)).astype(np.float32)
        y_pred = rng.uniform(size=(n, 3)).astype(np.float32)
        w = rng.uniform(0, 2, n) if weighted else None
        m.update_state(y_true, y_pred, sample_weight=w)
        hits.append(((y_pred > threshold) == (y_true == 1)).mean(axis=1))
        ws.append(w if weighted else np.ones(n))
    assert_allclose(m.result(), weighted_mean(np.concatenate(hits), np.concatenate(ws)), rtol=1e-6)


@pytest.mark.parametrize("weighted", [False, True])
def test_categorical_and_sparse_accuracy_over_batches(weighted):
    cat, sparse = metrics.CategoricalAccuracy(), metrics.SparseCategoricalAccuracy()
    hits, ws = [], []
    for n in (4, 6):
        labels = rng.integers(0, 4, n)
        y_pred = rng.uniform(size=(n, 4)).astype(np.float32)
        w = rng.uniform(0, 2, n) if weighted else None
        cat.update_state(np.eye(4)[labels], y_pred, sample_weight=w)
        sparse.update_state(labels.reshape(n, 1), y_pred, sample_weight=w)
        hits.append(y_pred.argmax(axis=1) == labels)
        ws.append(w if weighted else np.ones(n))
    expected = weighted_mean(np.concatenate(hits), np.concatenate(ws))
    assert_allclose(cat.result(), expected, rtol=1e-6)
    assert_allclose(sparse.result(), expected, rtol=1e-6)


def test_sparse_categorical_accuracy_shapes():
    y_pred = np.array([[0.1, 0.9], [0.8, 0.2]])
    assert metrics.sparse_categorical_accuracy(np.array([1, 1]), y_pred).shape == (2,)
    assert metrics.sparse_categorical_accuracy(np.array([[1], [1]]), y_pred).shape == (2,)
    assert_allclose(metrics.sparse_categorical_accuracy(np.array([[1], [1]]), y_pred), [1, 0])


def test_top_k_counts_ties_at_the_boundary():
    # Class 2 ties with class 1 for second place: both are "in the top 2".
    y_pred = np.array([[0.5, 0.2, 0.2, 0.1]], np.float32)
    assert_allclose(metrics.sparse_top_k_categorical_accuracy(np.array([2]), y_pred, k=2), [1.0])
    assert_allclose(metrics.sparse_top_k_categorical_accuracy(np.array([3]), y_pred, k=3), [0.0])
    assert_allclose(metrics.top_k_categorical_accuracy(np.array([[0, 0, 1, 0]]), y_pred, k=1), [0.0])


def test_top_k_non_finite_row_is_a_miss():
    y_pred = np.array([[np.nan, 0.9, 0.1], [0.2, 0.7, 0.1]], np.float32)
    assert_allclose(metrics.sparse_top_k_categorical_accuracy(np.array([1, 1]), y_pred, k=1), [0.0, 1.0])


@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k_metrics_over_batches(k):
    dense, sparse = metrics.TopKCategoricalAccuracy(k=k), metrics.SparseTopKCategoricalAccuracy(k=k)
    hits, ws = [], []
    for n in (5, 4):
        labels = rng.integers(0, 5, n)
        y_pred = rng.uniform(size=(n, 5)).astype(np.float32)
        w = rng.uniform(0, 2, n)
        dense.update_state(np.eye(5)[labels], y_pred, sample_weight=w)
        sparse.update_state(labels, y_pred, sample_weight=w)
        rank = (y_pred > y_pred[np.arange(n), labels][:, None]).sum(axis=1)
        hits.append(rank < k)
        ws.append(w)
    expected = weighted_mean(np.concatenate(hits), np.concatenate(ws))
    assert_allclose(dense.result(), expected, rtol=1e-6)
    assert_allclose(sparse.result(), expected, rtol=1e-6)


def test_sparse_top_k_from_sorted_ids():
    ids = np.array([[3, 1, 0], [2, 0, 1]])
    got = metrics.sparse_top_k_categorical_accuracy(np.array([1, 1]), ids, k=2, from_sorted_ids=True)
    assert_allclose(got, [1.0, 0.0])


def test_sequence_accuracy_with_per_timestep_weights():
    labels = np.array([[0, 1, 2], [2, 2, 0]])
    y_pred = np.eye(3)[np.array([[0, 1, 1], [2, 0, 0]])]
    w = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(labels, y_pred, sample_weight=w)
    hits = (labels == y_pred.argmax(-1)).astype(float)
    expected = (hits * w).mean(axis=1).sum() / w.mean(axis=1).sum()
    assert_allclose(m.result(), expected, rtol=1e-6)


@pytest.mark.parametrize("cls,kwargs", [
    (metrics.Accuracy, {}), (metrics.BinaryAccuracy, {"threshold": 0.7}), (metrics.CategoricalAccuracy, {}),
    (metrics.SparseCategoricalAccuracy, {}), (metrics.TopKCategoricalAccuracy, {"k": 2}),
    (metrics.SparseTopKCategoricalAccuracy, {"k": 3, "from_sorted_ids": True}),
])
def test_config_round_trip_and_reset(cls, kwargs):
    m = cls(name="x", **kwargs)
    clone = cls.from_config(m.get_config())
    assert clone.get_config() == m.get_config()
    for key, value in kwargs.items():
        assert m.get_config()[key] == value
    m.update_state(np.array([[0.0, 1.0]]), np.array([[0.2, 0.8]]))
    m.reset_state()
    assert float(m.result()) == 0.0


@pytest.mark.parametrize("fn", [metrics.accuracy, metrics.binary_accuracy])
def test_mismatched_shapes_are_reported(fn):
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 3\), y_pred.shape=\(4, 2\)"):
        fn(np.zeros((4, 3)), np.zeros((4, 2)))
