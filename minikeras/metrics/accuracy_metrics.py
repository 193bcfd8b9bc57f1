"""Accuracy metrics: exact match, binary, categorical, sparse and top-k.

Each per-sample function returns 1.0 where the prediction is right and 0.0
where it is wrong (in `floatx`); the class is its running (weighted) mean.
"""

import numpy as np

from minikeras import config
from minikeras.metrics import reduction_metrics
from minikeras.ops.autodiff import value
from minikeras.metrics.metrics_utils import in_top_k, squeeze_or_expand_to_same_rank, to_array


def _as_floatx(matches):
    return matches.astype(config.floatx())


def _check_compatible(y_true, y_pred, fn_name):
    if y_true.shape != y_pred.shape:
        try:
            np.broadcast_shapes(y_true.shape, y_pred.shape)
        except ValueError:
            raise ValueError(
                f"`{fn_name}` expects `y_true` and `y_pred` of the same shape (or broadcastable). Received: "
                f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
            ) from None


def accuracy(y_true, y_pred):
    """1.0 where `y_true == y_pred` exactly, else 0.0."""
    y_pred = to_array(y_pred)
    y_true = to_array(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _check_compatible(y_true, y_pred, "accuracy")
    return _as_floatx(np.equal(y_true, y_pred))


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `(y_pred > threshold)` equals the label, else 0.0."""
    y_pred = to_array(y_pred)
    y_true = to_array(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _check_compatible(y_true, y_pred, "binary_accuracy")
    # The threshold is compared in the scores' precision, as a tensor would be.
    threshold = np.asarray(value(threshold), dtype=y_pred.dtype if y_pred.dtype.kind == "f" else None)
    y_pred = np.greater(y_pred, threshold).astype(y_true.dtype)
    return _as_floatx(np.equal(y_true, y_pred))


def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of `y_pred` is the arg-max of the one-hot `y_true`."""
    y_pred = to_array(y_pred)
    y_true = np.argmax(to_array(y_true), axis=-1).astype(y_pred.dtype)
    original_shape = y_true.shape
    reshape_matches = False
    if y_true.ndim == y_pred.ndim:
        y_true = np.squeeze(y_true, -1)
        reshape_matches = True
    predicted = np.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _as_floatx(np.equal(y_true, predicted))
    if reshape_matches:
        matches = matches.reshape(original_shape)
    return matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of `y_pred` is the integer label `y_true`."""
    y_pred = to_array(y_pred)
    y_true = to_array(y_true, y_pred.dtype)
    original_shape = y_true.shape
    reshape_matches = False
    # Labels of shape (batch, 1) are compared as (batch,).
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = np.squeeze(y_true, -1)
        reshape_matches = True
    predicted = np.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _as_floatx(np.equal(y_true, predicted))
    if reshape_matches:
        matches = matches.reshape(original_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = np.squeeze(matches, -1)
    return matches


def _flatten_for_top_k(y_true, y_pred):
    reshape_matches = y_true.ndim > 1
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if reshape_matches:
        y_true = y_true.reshape(-1)
    return y_true, y_pred, reshape_matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the `k` highest scores (ties count)."""
    y_pred = to_array(y_pred)
    y_true = np.argmax(to_array(y_true, y_pred.dtype), axis=-1)
    original_shape = y_true.shape
    y_true, y_pred, reshape_matches = _flatten_for_top_k(y_true, y_pred)
    matches = _as_floatx(in_top_k(y_true.astype(np.int32), y_pred, k))
    return matches.reshape(original_shape) if reshape_matches else matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the `k` highest scores (ties count).

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score and
    the label only has to appear among the first `k` of them.
    """
    y_pred = to_array(y_pred)
    y_true = to_array(y_true, y_pred.dtype if from_sorted_ids else np.int32)
    original_shape = y_true.shape
    y_true, y_pred, reshape_matches = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        matches = np.any(y_true[:, None] == y_pred[:, :k], axis=1)
    else:
        matches = in_top_k(y_true, y_pred, k)
    matches = _as_floatx(matches)
    return matches.reshape(original_shape) if reshape_matches else matches


class Accuracy(reduction_metrics.MeanMetricWrapper):
    """How often predictions equal labels exactly: the mean of `accuracy`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(reduction_metrics.MeanMetricWrapper):
    """How often `y_pred > threshold` matches the binary label.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        threshold: scores above it count as 1.
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(reduction_metrics.MeanMetricWrapper):
    """How often the arg-max of `y_pred` matches the one-hot label.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(reduction_metrics.MeanMetricWrapper):
    """How often the arg-max of `y_pred` matches the integer label.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(reduction_metrics.MeanMetricWrapper):
    """How often the one-hot label is among the `k` highest scores.

    Args:
        k: how many of the highest scores count.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(reduction_metrics.MeanMetricWrapper):
    """How often the integer label is among the `k` highest scores.

    Args:
        k: how many of the highest scores count.
        name: name of the metric instance.
        dtype: dtype of the result.
        from_sorted_ids: `y_pred` holds class ids sorted by decreasing score.
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
