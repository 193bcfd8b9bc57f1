"""Shared data and the side-by-side runner for the metric comparisons with TF Keras.

`compare_metric(name, kwargs, data, weights)` builds `keras.metrics.<name>(**kwargs)`
and `minikeras.metrics.<name>(**kwargs)`, feeds both the same three batches
(unequal sizes, with sample weights), and checks that results and state
variables agree; then resets both and checks one more batch.
"""

import numpy as np
import pytest

from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

BATCH_SIZES = (7, 8, 5)
NUM_CLASSES = 5


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def make_batch(kind, n, rng):
    """`(y_true, y_pred)` float32 arrays (integer labels where Keras expects them) of a kind."""
    f32 = np.float32
    if kind in ("binary", "binary_flat", "binary_logits"):
        shape = (n, 1) if kind != "binary_flat" else (n,)
        y_true = rng.integers(0, 2, shape).astype(f32)
        if kind == "binary_logits":
            return y_true, (rng.normal(size=shape) * 3).astype(f32)
        y_pred = rng.uniform(size=shape).astype(f32)
        # Scores exactly on the grid and at the ends test the "strictly greater" rule.
        y_pred.reshape(-1)[:4] = [0.5, 0.0, 1.0, 0.25]
        return y_true, y_pred
    if kind in ("multilabel", "multilabel_logits"):
        y_true = rng.integers(0, 2, (n, 4)).astype(f32)
        if kind == "multilabel_logits":
            return y_true, (rng.normal(size=(n, 4)) * 3).astype(f32)
        y_pred = rng.uniform(size=(n, 4)).astype(f32)
        y_pred[0] = [0.5, 0.0, 1.0, 0.75]
        return y_true, y_pred
    if kind in ("categorical", "categorical_logits", "sparse", "sparse_col", "sparse_logits", "ties",
                "sparse_ties"):
        labels = rng.integers(0, NUM_CLASSES, n)
        logits = (rng.normal(size=(n, NUM_CLASSES)) * 2).astype(f32)
        y_pred = logits if kind.endswith("logits") else _softmax(logits).astype(f32)
        if kind.endswith("ties"):
            # Scores rounded to one decimal: ties straddle the top-k boundary.
            y_pred = np.round(y_pred * 10).astype(f32) / f32(10)
        if kind.startswith("sparse"):
            y_true = labels.astype(f32) if kind != "sparse_col" else labels.reshape(n, 1).astype(f32)
        else:
            y_true = np.eye(NUM_CLASSES, dtype=f32)[labels]
        return y_true, y_pred
    if kind in ("sequence", "sequence_sparse"):
        labels = rng.integers(0, NUM_CLASSES, (n, 3))
        y_pred = _softmax(rng.normal(size=(n, 3, NUM_CLASSES))).astype(f32)
        y_true = labels.astype(f32) if kind == "sequence_sparse" else np.eye(NUM_CLASSES, dtype=f32)[labels]
        return y_true, y_pred
    if kind == "classes":
        y_true = rng.integers(0, 3, (n, 1)).astype(f32)
        y_pred = rng.integers(0, 3, (n, 1)).astype(f32)
        return y_true, y_pred
    if kind == "regression":
        return rng.normal(size=(n, 3)).astype(f32), rng.normal(size=(n, 3)).astype(f32)
    if kind == "regression_col":
        return rng.normal(size=(n, 1)).astype(f32), rng.normal(size=(n,)).astype(f32)
    if kind == "positive":
        return (rng.uniform(0.1, 3.0, (n, 3)).astype(f32), rng.uniform(0.1, 3.0, (n, 3)).astype(f32))
    if kind == "probabilities":
        return (_softmax(rng.normal(size=(n, 4))).astype(f32), _softmax(rng.normal(size=(n, 4))).astype(f32))
    if kind == "hinge":
        y_true = (rng.integers(0, 2, (n, 3)) * 2 - 1).astype(f32)
        return y_true, rng.normal(size=(n, 3)).astype(f32)
    if kind == "hinge01":
        return rng.integers(0, 2, (n, 3)).astype(f32), rng.normal(size=(n, 3)).astype(f32)
    if kind == "sorted_ids":
        labels = rng.integers(0, NUM_CLASSES, n).astype(f32)
        ids = np.argsort(-rng.uniform(size=(n, NUM_CLASSES)), axis=-1).astype(f32)
        return labels, ids
    raise ValueError(kind)


def _quarters(rng, shape):
    # Multiples of 1/4 up to 2: weighted counts are then exact in float32 on both
    # sides, so differences like `FN = total - TP` compare meaningfully.
    return (rng.integers(0, 9, shape) / 4).astype(np.float32)


def make_weights(weights, y_true, n, rng):
    if weights is None:
        return None
    w = _quarters(rng, n)
    w[0] = 0.0  # a zero weight must drop its sample
    if weights == "per_sample":
        return w
    if weights == "column":
        return w.reshape(n, 1)
    if weights == "elementwise":
        return _quarters(rng, y_true.shape)
    raise ValueError(weights)


def batches(kind, weights, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for n in BATCH_SIZES:
        y_true, y_pred = make_batch(kind, n, rng)
        out.append((y_true, y_pred, make_weights(weights, y_true, n, rng)))
    return out


def _numpy(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


@pytest.fixture
def compare_metric(keras):
    import minikeras

    def run(name, kwargs, kind, weights="per_sample", seed=0, tolerance=F32):
        theirs = getattr(keras.metrics, name)(**kwargs)
        ours = getattr(minikeras.metrics, name)(**kwargs)
        data = batches(kind, weights, seed)
        for y_true, y_pred, w in data:
            theirs.update_state(y_true, y_pred, sample_weight=w)
            ours.update_state(y_true, y_pred, sample_weight=w)
        expected = _numpy(theirs.result())
        got = np.asarray(ours.result())
        assert got.shape == expected.shape
        assert_close(got, expected, **tolerance, item=f"metrics.{name}")
        assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
        for mine, ref in zip(ours.variables, theirs.variables):
            assert_close(np.asarray(mine.numpy()), ref.numpy(), err_msg=mine.name, **tolerance, item=f"metrics.{name}")
        # After a reset only the last batch counts.
        theirs.reset_state()
        ours.reset_state()
        y_true, y_pred, w = data[-1]
        theirs.update_state(y_true, y_pred, sample_weight=w)
        ours.update_state(y_true, y_pred, sample_weight=w)
        assert_close(np.asarray(ours.result()), _numpy(theirs.result()), **tolerance, item=f"metrics.{name}")
        return got

    return run
