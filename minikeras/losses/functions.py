"""The per-sample loss functions (`keras.losses.mean_squared_error`, ...).

Each takes `(y_true, y_pred, ...)` and returns one loss per sample, reducing
the last axis (or `axis`); it is written with `minikeras.ops`, so it is
differentiable with respect to `y_pred` inside a `GradientTape`. Targets are
cast to the predictions' dtype. Formulas and constants follow Keras 3 on its
TensorFlow backend (epsilon = `minikeras.config.epsilon()`).
"""

import warnings

import numpy as np

from minikeras import config, ops
from minikeras.losses.loss import (
    cast_like,
    check_broadcastable,
    convert_input,
    set_keras_mask,
    squeeze_or_expand_to_same_rank,
)
from minikeras.ops.autodiff import value


def _dtype(x):
    return value(x).dtype


def _const(v, dtype):
    return np.asarray(v, dtype=dtype)


def _prepare(y_true, y_pred, name, squeeze=True):
    """Convert (keeping y_pred's dtype), cast y_true to it, align ranks, check shapes."""
    y_pred = convert_input(y_pred, None, "y_pred", name)
    y_true = cast_like(y_true, _dtype(y_pred), "y_true", name)
    if squeeze:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(y_true, y_pred, "y_true", "y_pred", f"Loss '{name}'")
    return y_true, y_pred


def _check_axis(axis):
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")


# -- regression -------------------------------------------------------------------------------


def mean_squared_error(y_true, y_pred):
    """`loss = mean(square(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_error")
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """`loss = mean(abs(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred, "mean_absolute_error")
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`loss = 100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred, "mean_absolute_percentage_error")
    eps = _const(config.epsilon(), _dtype(y_pred))
    diff = ops.abs(ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), eps)))
    return ops.multiply(100.0, ops.mean(diff, axis=-1))


def mean_squared_logarithmic_error(y_true, y_pred):
    """`loss = mean(square(log(maximum(y_pred, eps) + 1) - log(maximum(y_true, eps) + 1)), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_logarithmic_error")
    # Keras converts the Python float epsilon to a float32 tensor, whatever floatx is.
    eps = _const(config.epsilon(), "float32")
    first = ops.log(ops.add(ops.maximum(y_pred, eps), 1.0))
    second = ops.log(ops.add(ops.maximum(y_true, eps), 1.0))
    return ops.mean(ops.square(ops.subtract(first, second)), axis=-1)


def l2_normalize(x, axis=-1):
    """`x * minimum(1 / sqrt(sum(x**2, axis)), 1 / epsilon)` (Keras's `ops.normalize`, order 2).

    Computed as `x / sqrt(maximum(sum(x**2), epsilon**2))`: the same value, and the
    same gradient as TensorFlow's (no gradient through the norm where it is
    clipped), without the `0 * inf` a zero vector would give.
    """
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    eps = config.epsilon()
    inv_norm = ops.power(ops.maximum(square_sum, _const(eps * eps, _dtype(square_sum))), -0.5)
    return ops.multiply(x, inv_norm)


def cosine_similarity(y_true, y_pred, axis=-1):
    """`loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=axis)`, between -1 and 1.

    A zero vector has similarity 0 with everything.
    """
    y_true, y_pred = _prepare(y_true, y_pred, "cosine_similarity")
    y_pred = l2_normalize(y_pred, axis=axis)
    y_true = l2_normalize(y_true, axis=axis)
    return ops.negative(ops.sum(ops.multiply(y_true, y_pred), axis=axis))


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: with `e = y_pred - y_true`,

    `loss = mean(0.5 e**2 if |e| <= delta else delta |e| - 0.5 delta**2, axis=-1)`.
    """
    y_true, y_pred = _prepare(y_true, y_pred, "huber")
    dtype = _dtype(y_pred)
    delta = _const(delta, dtype)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    half = _const(0.5, dtype)
    quadratic = ops.multiply(half, ops.square(error))
    linear = ops.subtract(ops.multiply(delta, abs_error), half * np.square(delta))
    return ops.mean(ops.where(value(abs_error) <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """`loss = mean(log(cosh(y_pred - y_true)), axis=-1)`, as `x + softplus(-2x) - log(2)` (no overflow)."""
    y_true, y_pred = _prepare(y_true, y_pred, "log_cosh")
    # Keras takes log(2) of a Python float, i.e. in float32 (whatever floatx is), then casts it.
    log2 = _const(np.log(np.float32(2.0)), _dtype(y_pred))
    x = ops.subtract(y_pred, y_true)
    return ops.mean(ops.subtract(ops.add(x, ops.softplus(ops.multiply(x, -2.0))), log2), axis=-1)


# -- hinge ------------------------------------------------------------------------------------


def convert_binary_labels_to_hinge(y_true):
    """Map 0/1 labels to -1/1 (`2 y - 1`) when every label is 0 or 1; leave others unchanged."""
    v = np.asarray(value(y_true))
    if np.all((v == 0) | (v == 1)):
        return ops.subtract(ops.multiply(2.0, y_true), 1.0)
    return y_true


def hinge(y_true, y_pred):
    """`loss = mean(maximum(1 - y_true * y_pred, 0), axis=-1)`, labels -1/1 (0/1 converted)."""
    y_true, y_pred = _prepare(y_true, y_pred, "hinge", squeeze=False)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ops.mean(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """`loss = mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`, labels -1/1 (0/1 converted)."""
    y_true, y_pred = _prepare(y_true, y_pred, "squared_hinge", squeeze=False)
    y_true = convert_binary_labels_to_hinge(y_true)
    margin = ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)
    return ops.mean(ops.square(margin), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`loss = maximum(neg - pos + 1, 0)`, `pos = sum(y_true * y_pred)`, `neg = max((1 - y_true) * y_pred)`."""
    y_true, y_pred = _prepare(y_true, y_pred, "categorical_hinge", squeeze=False)
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), _const(0.0, _dtype(y_pred)))


# -- probabilistic ----------------------------------------------------------------------------


def kl_divergence(y_true, y_pred):
    """`loss = sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to `[epsilon, 1]`."""
    y_true, y_pred = _prepare(y_true, y_pred, "kl_divergence", squeeze=False)
    eps = config.epsilon()
    y_true = ops.clip(y_true, eps, 1)
    y_pred = ops.clip(y_pred, eps, 1)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    """`loss = mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred, "poisson", squeeze=False)
    eps = _const(config.epsilon(), _dtype(y_pred))
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, eps)))), axis=-1)


def _warn_single_class(name, y_pred):
    shape = np.shape(value(y_pred))
    if shape and shape[-1] == 1:
        warnings.warn(
            f"In loss {name}, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. "
            f"Received: y_pred.shape={shape}. Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _smooth_categorical(y_true, label_smoothing, dtype):
    """`y (1 - ls) + ls / num_classes` (num_classes is the size of the last axis, as Keras)."""
    num_classes = _const(np.shape(value(y_true))[-1], dtype)
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / num_classes)


def _smooth_binary(y_true, label_smoothing):
    """`y (1 - ls) + 0.5 ls`: labels squeezed towards 0.5."""
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """`loss = -sum(y_true * log(p), axis=axis)`.

    `p` is `y_pred` renormalised along `axis` and clipped to `[eps, 1 - eps]`,
    or `softmax(y_pred)` computed from the logits when `from_logits=True` or
    `y_pred` is the output of a softmax (its remembered logits are used).
    `label_smoothing` ls turns `y_true` into `y_true (1 - ls) + ls / num_classes`.
    """
    _check_axis(axis)
    y_pred = convert_input(y_pred, None, "y_pred", "categorical_crossentropy")
    y_true = cast_like(y_true, _dtype(y_pred), "y_true", "categorical_crossentropy")
    _warn_single_class("categorical_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, _dtype(y_pred))
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """`loss = sum(alpha * (1 - p)**gamma * (-y_true * log(p)), axis=axis)`.

    `p` is `y_pred` (after a softmax if `from_logits`) renormalised along `axis`
    and clipped to `[eps, 1 - eps]`; `alpha` may be a scalar or one weight per class.
    """
    _check_axis(axis)
    name = "categorical_focal_crossentropy"
    y_pred = convert_input(y_pred, None, "y_pred", name)
    dtype = _dtype(y_pred)
    y_true = cast_like(y_true, dtype, "y_true", name)
    _warn_single_class(name, y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, dtype)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    eps = config.epsilon()
    output = ops.clip(output, eps, 1.0 - eps)
    cce = ops.multiply(ops.negative(y_true), ops.log(output))
    if not np.isscalar(alpha):
        alpha = _const(alpha, dtype)
    weighting = ops.multiply(ops.power(ops.subtract(1.0, output), gamma), alpha)
    return ops.sum(ops.multiply(weighting, cce), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """`loss = -log(p[y_true])` for integer class targets.

    `p` is `y_pred` clipped to `[eps, 1 - eps]` (or `softmax` of the logits).
    Targets equal to `ignore_class` get loss 0 and are masked out of the mean.
    """
    name = "sparse_categorical_crossentropy"
    y_pred = convert_input(y_pred, None, "y_pred", name)
    y_true = convert_input(y_true, None, "y_true", name)
    t_shape, p_shape = np.shape(value(y_true)), np.shape(value(y_pred))
    if len(t_shape) == len(p_shape) and t_shape and t_shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    valid = None
    if ignore_class is not None:
        class_axis = axis % len(p_shape)
        res_shape = tuple(d for i, d in enumerate(p_shape) if i != class_axis)
        valid = np.not_equal(value(y_true), _const(ignore_class, _dtype(y_pred)))
        y_true = np.where(valid, value(y_true), 0)
        y_pred = ops.where(np.expand_dims(valid, axis), y_pred, _const(0, _dtype(y_pred)))
    res = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if valid is not None:
        valid = valid.reshape(res_shape)
        res = ops.where(valid, res, _const(0.0, _dtype(res)))
        res = set_keras_mask(res, valid)
    return res


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """`loss = mean(-(y log p + (1 - y) log(1 - p)), axis=axis)`.

    `p` is clipped to `[eps, 1 - eps]`; logits (`from_logits=True` or the output
    of a sigmoid) use `max(z, 0) - z y + log(1 + exp(-|z|))`. `label_smoothing`
    ls turns `y` into `y (1 - ls) + 0.5 ls`.
    """
    y_pred = convert_input(y_pred, None, "y_pred", "binary_crossentropy")
    y_true = cast_like(y_true, _dtype(y_pred), "y_true", "binary_crossentropy")
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """`loss = mean(w * (1 - p_t)**gamma * bce, axis=axis)`, `p_t = y p + (1 - y)(1 - p)`.

    `bce` is the binary cross-entropy (from the logits when `from_logits`); the
    class weight is `w = y alpha + (1 - y)(1 - alpha)` with
    `apply_class_balancing`, else 1.
    """
    name = "binary_focal_crossentropy"
    y_pred = convert_input(y_pred, None, "y_pred", name)
    y_true = cast_like(y_true, _dtype(y_pred), "y_true", name)
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)  # remembers its logits: the bce below is computed from them
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = ops.add(ops.multiply(y_true, y_pred), ops.multiply(ops.subtract(1, y_true), ops.subtract(1, y_pred)))
    focal_bce = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        weight = ops.add(ops.multiply(y_true, alpha), ops.multiply(ops.subtract(1, y_true), 1 - alpha))
        focal_bce = ops.multiply(weight, focal_bce)
    return ops.mean(focal_bce, axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """`loss = (1 - p**q) / q` with `p = y_pred[y_true]` (integer targets), `0 < q < 1`."""
    y_pred = convert_input(y_pred, None, "y_pred", "categorical_generalized_cross_entropy")
    labels = convert_input(y_true, None, "y_true", "categorical_generalized_cross_entropy")
    num_classes = np.shape(value(y_pred))[-1]
    one_hot = ops.one_hot(np.asarray(value(labels)).astype(np.int64), num_classes, dtype=_dtype(y_pred))
    p = ops.sum(ops.multiply(y_pred, one_hot), axis=-1)
    return ops.divide(ops.subtract(1, ops.power(p, q)), q)


# -- segmentation and similarity -----------------------------------------------------------------


def dice(y_true, y_pred, axis=None):
    """`loss = 1 - 2 sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)`, summed over `axis`."""
    y_true, y_pred = _prepare(y_true, y_pred, "dice", squeeze=False)
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    denominator = ops.add(ops.add(ops.sum(y_true, axis=axis), ops.sum(y_pred, axis=axis)), config.epsilon())
    return ops.subtract(1, ops.divide(ops.multiply(2.0, intersection), denominator))


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """`loss = 1 - TP / (TP + alpha FP + beta FN + epsilon)`.

    `TP = sum(y_true y_pred)`, `FP = sum((1 - y_pred) y_true)`, `FN = sum(y_pred (1 - y_true))`
    over `axis` (Keras's naming of FP and FN).
    """
    y_true, y_pred = _prepare(y_true, y_pred, "tversky", squeeze=False)
    tp = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    fp = ops.sum(ops.multiply(ops.subtract(1, y_pred), y_true), axis=axis)
    fn = ops.sum(ops.multiply(y_pred, ops.subtract(1, y_true)), axis=axis)
    denominator = ops.add(ops.add(ops.add(tp, ops.multiply(fp, alpha)), ops.multiply(fn, beta)), config.epsilon())
    return ops.subtract(1, ops.divide(tp, denominator))


def _pos_neg_masks(query_labels, key_labels, remove_diagonal=True):
    q = query_labels.reshape(-1, 1) if query_labels.ndim == 1 else query_labels
    k = key_labels.reshape(-1, 1) if key_labels.ndim == 1 else key_labels
    positive = np.equal(q, k.T)
    negative = np.logical_not(positive)
    if remove_diagonal:
        positive = positive & ~np.eye(q.size, k.size, dtype=bool)
    return positive, negative


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) on L2-normalised embeddings, one value per query.

    With cosine distances `d = max(1 - y_pred @ ref_embeddings.T, 0)`:
    `loss = softplus(logsumexp_pos(-gamma a_p (margin - d)) + logsumexp_neg(gamma a_n (1 - margin - d)))`,
    `a_p = max(margin + d, 0)` over positives, `a_n = max(1 + margin - d, 0)` over negatives.
    Queries whose loss is 0 are masked out of the mean.
    """
    y_pred = convert_input(y_pred, None, "y_pred", "circle")
    labels = np.asarray(value(convert_input(y_true, None, "y_true", "circle"))).astype(np.int32)
    ref_embeddings = y_pred if ref_embeddings is None else convert_input(ref_embeddings, None, "ref_embeddings")
    ref = labels if ref_labels is None else np.asarray(value(ref_labels)).astype(np.int32)
    dtype = _dtype(y_pred)
    distances = ops.subtract(1, ops.matmul(y_pred, ops.transpose(ref_embeddings)))
    distances = ops.maximum(distances, 0.0)
    positive, negative = _pos_neg_masks(labels, ref, remove_diagonal)
    pos_weights = ops.maximum(ops.multiply(ops.add(margin, distances), positive.astype(dtype)), 0.0)
    neg_weights = ops.maximum(ops.multiply(ops.subtract(1 + margin, distances), negative.astype(dtype)), 0.0)
    pos_dists = ops.subtract(margin, distances)
    neg_dists = ops.subtract(1 - margin, distances)
    pos_w = ops.multiply(ops.multiply(-1 * gamma, pos_weights), pos_dists)
    neg_w = ops.multiply(ops.multiply(gamma, neg_weights), neg_dists)
    minus_inf = _const(-np.inf, dtype)
    p_loss = ops.logsumexp(ops.where(positive, pos_w, minus_inf), axis=1)
    n_loss = ops.logsumexp(ops.where(negative, neg_w, minus_inf), axis=1)
    loss = ops.softplus(ops.add(p_loss, n_loss))
    return set_keras_mask(loss, np.asarray(value(loss)) > 0)
