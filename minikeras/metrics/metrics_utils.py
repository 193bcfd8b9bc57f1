"""NumPy helpers shared by the metrics: rank matching, safe division, top-k and
the confusion-matrix accumulation behind TruePositives ... AUC.

Metrics are never differentiated, so everything here works on raw arrays
(`autodiff.value` unwraps Variables and recorded Tensors).
"""

from enum import Enum

import numpy as np

from minikeras import config
from minikeras.ops.autodiff import value

# Keras's stand-in for minus infinity: predictions outside the top k are set to
# it, and it is the default threshold when `top_k` is given.
NEG_INF = -1e10

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"
CONFUSION_KEYS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


class AUCCurve(Enum):
    """The curve whose area `AUC` computes."""

    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key):
        for curve in AUCCurve:
            if key in (curve.value, curve.value.lower()):
                return curve
        raise ValueError(f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PRGAIN"]')


class AUCSummationMethod(Enum):
    """How `AUC` sums the area between thresholds."""

    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        for method in AUCSummationMethod:
            if key in (method.value, method.value.capitalize()):
                return method
        raise ValueError(
            f'Invalid AUC summation method value: "{key}". '
            'Expected values are ["interpolation", "majoring", "minoring"]'
        )


def to_array(x, dtype=None):
    """`x` (array-like, Variable or Tensor) as a NumPy array, cast to `dtype` if given."""
    a = np.asarray(value(x))
    if dtype is not None and a.dtype != np.dtype(dtype):
        a = a.astype(dtype)
    return a


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rank reconciliation: when the ranks differ by one and the longer
    ends in a dimension of 1, squeeze it (or, for a rank-1 partner and
    `expand_rank_1`, expand the partner instead)."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = np.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = np.squeeze(x2, axis=-1)
    return x1, x2


def divide_no_nan(x1, x2):
    """`x1 / x2`, with 0 wherever `x2 == 0` (no warnings, dtype kept)."""
    x1, x2 = np.asarray(x1), np.asarray(x2)
    zero = x2 == 0
    out = np.true_divide(x1, np.where(zero, np.ones((), x2.dtype), x2))
    return np.where(zero, np.zeros((), out.dtype), out)


def in_top_k(targets, predictions, k):
    """Whether each target class is among the `k` largest predictions of its row.

    As `tf.math.in_top_k`: ties at the boundary count as inside (a target is in
    the top k when fewer than k classes score strictly higher), and a row with
    a non-finite score or an out-of-range target gives False.
    """
    predictions = np.asarray(predictions)
    targets = np.asarray(targets).astype(np.int64)
    num_classes = predictions.shape[-1]
    in_range = (targets >= 0) & (targets < num_classes)
    safe = np.where(in_range, targets, 0)
    target_score = np.take_along_axis(predictions, safe[:, None], axis=-1)
    higher = np.count_nonzero(predictions > target_score, axis=-1)
    finite = np.isfinite(predictions).all(axis=-1)
    return in_range & finite & (higher < k)


def filter_top_k(x, k):
    """Keep the `k` largest entries of the last axis; set the others to `NEG_INF`.

    Ties are resolved by position (the lower index wins), as `top_k` does.
    """
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, x, np.asarray(NEG_INF, dtype=x.dtype))


def to_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray):
        return x.tolist() if x.ndim else [x.item()]
    return [x]


def assert_thresholds_range(thresholds):
    if thresholds is not None:
        invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """The thresholds as a list, checked to lie in [0, 1] when the user gave them."""
    if thresholds is not None:
        assert_thresholds_range(to_list(thresholds))
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds):
    """True for 3 or more thresholds equal to `i / (n - 1)` (up to epsilon): these
    allow the bucketed O(n) update instead of comparing every threshold."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def update_confusion_matrix_variables(variables_to_update, y_true, y_pred, thresholds, top_k=None,
                                      class_id=None, sample_weight=None, multi_label=False,
                                      label_weights=None, thresholds_distributed_evenly=False):
    """Add this batch's (weighted) confusion counts at each threshold to the variables.

    A prediction is positive at threshold t when `y_pred > t`; a label is
    positive when non-zero.

    Args:
        variables_to_update: dict from `"tp"`, `"fp"`, `"tn"`, `"fn"` to Variables
            of shape `(num_thresholds,)` (or `(num_thresholds, num_labels)` with
            `multi_label`).
        y_true, y_pred: labels and scores in [0, 1].
        thresholds: the thresholds, a list or 1-D array.
        top_k: only the k highest scores of each row may count as positive.
        class_id: only this column counts.
        sample_weight: weights broadcastable to `y_pred`.
        multi_label: keep one count per label (last axis) instead of pooling.
        label_weights: per-label weights (pooled case only).
        thresholds_distributed_evenly: use the bucketed update.
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_matrix_variables` when `multi_label` is True."
        )
    if variables_to_update is None:
        return
    invalid = [key for key in variables_to_update if key not in CONFUSION_KEYS]
    if invalid or not variables_to_update:
        raise ValueError(
            f"Invalid keys: {invalid}. Valid variable key options are: {list(CONFUSION_KEYS)}"
        )
    dtype = np.dtype(next(iter(variables_to_update.values())).dtype)
    y_true = to_array(y_true, dtype)
    y_pred = to_array(y_pred, dtype)
    thresholds_with_epsilon = False
    if thresholds_distributed_evenly:
        # AUC adds -eps and 1+eps end points: then a score of exactly 0 still
        # passes the first threshold.
        thresholds_with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    thresholds = np.asarray(thresholds, dtype=dtype)

    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_pred.shape != y_true.shape:
        raise ValueError(
            f"`y_true` and `y_pred` must have the same shape. Received: y_true.shape={y_true.shape}, "
            f"y_pred.shape={y_pred.shape}"
        )
    if sample_weight is not None:
        sample_weight = to_array(sample_weight, dtype)[..., None]
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {y_pred.shape}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]

    weights = None
    if sample_weight is not None:
        weights = np.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None:
        lw = np.broadcast_to(to_array(label_weights, dtype)[None], y_pred.shape)
        weights = lw if weights is None else weights * lw

    if thresholds_distributed_evenly:
        counts = _bucketed_counts(y_true, y_pred, weights, len(thresholds), multi_label,
                                  thresholds_with_epsilon, dtype)
    else:
        counts = _thresholded_counts(y_true, y_pred, weights, thresholds, multi_label, dtype)
    tp, fp, total_true, total_false = counts
    if TRUE_POSITIVES in variables_to_update:
        variables_to_update[TRUE_POSITIVES].assign_add(tp)
    if FALSE_POSITIVES in variables_to_update:
        variables_to_update[FALSE_POSITIVES].assign_add(fp)
    if TRUE_NEGATIVES in variables_to_update:
        variables_to_update[TRUE_NEGATIVES].assign_add(total_false - fp)
    if FALSE_NEGATIVES in variables_to_update:
        variables_to_update[FALSE_NEGATIVES].assign_add(total_true - tp)


def _labels_and_weights(y_true, weights, multi_label, dtype):
    """Weighted positive and negative label masks, flattened unless multi-label."""
    positive = (y_true != 0).astype(dtype)
    if weights is None:
        true_w, false_w = positive, 1 - positive
    else:
        true_w, false_w = positive * weights, (1 - positive) * weights
    if not multi_label:
        true_w, false_w = true_w.reshape(-1), false_w.reshape(-1)
    return true_w, false_w


def _thresholded_counts(y_true, y_pred, weights, thresholds, multi_label, dtype):
    """Compare every score with every threshold: O(thresholds x scores)."""
    true_w, false_w = _labels_and_weights(y_true, weights, multi_label, dtype)
    if multi_label:
        preds = y_pred.reshape(y_pred.shape[0], -1)
        true_w = true_w.reshape(preds.shape)
        false_w = false_w.reshape(preds.shape)
        positive = (preds[None] > thresholds.reshape(-1, 1, 1)).astype(dtype)
        tp = np.einsum("tnl,nl->tl", positive, true_w)
        fp = np.einsum("tnl,nl->tl", positive, false_w)
        return tp, fp, true_w.sum(axis=0), false_w.sum(axis=0)
    positive = (y_pred.reshape(1, -1) > thresholds.reshape(-1, 1)).astype(dtype)
    return positive @ true_w, positive @ false_w, true_w.sum(), false_w.sum()


def _bucketed_counts(y_true, y_pred, weights, num_thresholds, multi_label, with_epsilon, dtype):
    """Evenly spaced thresholds `i / (n - 1)`: drop each score into its bucket,
    sum the weights per bucket and accumulate from the top. O(scores)."""
    true_w, false_w = _labels_and_weights(y_true, weights, multi_label, dtype)
    preds = np.clip(y_pred, 0.0, 1.0)
    # A score strictly above threshold i lands in bucket ceil(p * (n - 1)) - 1;
    # the computation stays in the metric's dtype so bucket edges match Keras.
    buckets = np.ceil(preds * np.asarray(num_thresholds - 1, dtype=preds.dtype)) - 1
    if with_epsilon:
        buckets = np.maximum(buckets, 0)
    buckets = buckets.astype(np.int64)
    if multi_label:
        buckets = buckets.reshape(buckets.shape[0], -1)
        true_w = true_w.reshape(buckets.shape)
        false_w = false_w.reshape(buckets.shape)
        num_labels = buckets.shape[1]
        # One run of bincount over (label, bucket) pairs.
        flat = buckets + num_thresholds * np.arange(num_labels)[None, :]
        keep = buckets >= 0
        size = num_thresholds * num_labels

        def per_bucket(w):
            sums = np.bincount(flat[keep], weights=w[keep], minlength=size)
            return sums.reshape(num_labels, num_thresholds)

        tp = np.cumsum(per_bucket(true_w)[:, ::-1], axis=1)[:, ::-1].T.astype(dtype)
        fp = np.cumsum(per_bucket(false_w)[:, ::-1], axis=1)[:, ::-1].T.astype(dtype)
        return tp, fp, true_w.sum(axis=0), false_w.sum(axis=0)
    buckets = buckets.reshape(-1)
    keep = buckets >= 0  # a score of exactly 0 is above no threshold
    idx = buckets[keep]

    def per_bucket(w):
        return np.bincount(idx, weights=w[keep], minlength=num_thresholds)[:num_thresholds]

    tp = np.cumsum(per_bucket(true_w)[::-1])[::-1].astype(dtype)
    fp = np.cumsum(per_bucket(false_w)[::-1])[::-1].astype(dtype)
    return tp, fp, true_w.sum(), false_w.sum()


def lazy_loss(name):
    """The loss function `minikeras.losses.<name>`, looked up on first call.

    Metric modules are imported before `minikeras.losses` may be; the
    function keeps the loss's name, so it serializes as Keras's does.
    """
    cache = []

    def fn(y_true, y_pred, **kwargs):
        if not cache:
            from minikeras import losses

            cache.append(getattr(losses, name))
        return cache[0](y_true, y_pred, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "minikeras.losses"
    fn.__doc__ = f"`minikeras.losses.{name}` (resolved when first called)."
    return fn


def keras_mask(x):
    """The Keras mask carried by `x` (e.g. from an Embedding with mask_zero), or None."""
    if x is None or type(x) is np.ndarray:  # plain arrays carry none: skip the lookup
        return None
    try:
        from minikeras.losses.loss import get_keras_mask
    except ImportError:  # pragma: no cover - losses not installed
        return getattr(x, "_keras_mask", None)
    return get_keras_mask(x)


def apply_mask(sample_weight, mask, dtype):
    """Fold a boolean mask into the sample weights (masked entries weigh 0)."""
    if mask is None:
        return sample_weight
    float_mask = to_array(mask).astype(bool).astype(dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = to_array(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask
