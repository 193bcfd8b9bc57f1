"""Neural-network ops (activations, softmax, cross-entropies) with their VJPs.

Gradients at kinks follow TensorFlow: `relu'(0) = 0`, `relu6'` is 1 only on
the open interval (0, 6), and so on, so gradient checks against TensorFlow
agree exactly.
"""

import math

import numpy as np

from minikeras import config
from minikeras.ops import numpy as knp
from minikeras.ops.autodiff import Tensor, as_input, is_recording, record, value


class KerasArray(np.ndarray):
    """An array that remembers the logits it was computed from.

    TensorFlow Keras attaches `_keras_logits` to the output of `softmax` and
    `sigmoid`; the cross-entropies then compute from the logits instead of
    clipping probabilities. A user sees this whenever a model ending in
    softmax feeds a loss directly (`loss(y, model(x))`) or inside `fit`, so
    minikeras keeps the same link. Plain arrays (e.g. `predict` results) have no
    logits and are clipped, exactly as in Keras.
    """

    _keras_logits = None


def _with_logits(out, logits):
    """Attach `logits` to `out` (a Tensor slot, or an array view)."""
    if isinstance(out, Tensor):
        out._keras_logits = logits
        return out
    out = np.asarray(out).view(KerasArray)
    out._keras_logits = value(logits)
    return out


def _f(x):
    a = value(x)
    a = np.asarray(a)
    if a.dtype.kind in "biu":
        a = a.astype(config.floatx())
    return a


def _unary(x, forward, grad_from):
    """A unary elementwise op: `out = forward(a)`, VJP `g * grad_from(a, out)`."""
    x = as_input(x)
    a = _f(x)
    out = forward(a)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g * grad_from(a, out),))


# -- activations ------------------------------------------------------------------------------


def relu(x):
    """`max(x, 0)`. Derivative: 1 where `x > 0`, else 0."""
    return _unary(x, lambda a: np.maximum(a, 0), lambda a, out: (a > 0).astype(a.dtype))


def relu6(x):
    """`min(max(x, 0), 6)`. Derivative: 1 on (0, 6)."""
    return _unary(x, lambda a: np.clip(a, 0, 6), lambda a, out: ((a > 0) & (a < 6)).astype(a.dtype))


def _sigmoid(a):
    # exp(-|x|) never overflows: 1/(1+e) for x >= 0 and e/(1+e) for x < 0.
    e = np.exp(-np.abs(a))
    r = 1 / (1 + e)
    return np.where(a >= 0, r, e * r)


def sigmoid(x):
    """`1 / (1 + exp(-x))`. Derivative: `s (1 - s)`. Remembers its logits."""
    out = _unary(x, _sigmoid, lambda a, s: s * (1 - s))
    return _with_logits(out, x)


def softmax(x, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis`. Remembers its logits.

    VJP: `s * (g - sum(g * s))` — the softmax Jacobian `diag(s) - s sᵀ` applied to `g`.
    """
    x = as_input(x)
    a = _f(x)
    if axis is None:
        flat = a.reshape(-1)
        e = np.exp(flat - flat.max())
        out = (e / e.sum()).reshape(a.shape)
    else:
        e = np.exp(a - np.max(a, axis=axis, keepdims=True))
        out = e / np.sum(e, axis=axis, keepdims=True)
    if is_recording():
        def vjp(g, need):
            gs = g * out
            return (gs - out * np.sum(gs, axis=axis, keepdims=axis is not None),)

        out = record(out, (x,), vjp)
    return _with_logits(out, x)


def log_softmax(x, axis=-1):
    """`x - logsumexp(x)`. VJP: `g - softmax(x) * sum(g)`."""
    x = as_input(x)
    a = _f(x)
    shifted = a - np.max(a, axis=axis, keepdims=True)
    out = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g - np.exp(out) * np.sum(g, axis=axis, keepdims=True),))


def tanh(x):
    """Hyperbolic tangent. Derivative: `1 - tanh²`."""
    return knp.tanh(x)


def leaky_relu(x, negative_slope=0.2):
    """`x` if `x > 0` else `negative_slope * x`."""
    # TensorFlow keeps the slope as a float32 attribute, so in float64 the slope
    # is float32(0.2), not 0.2; using the same value keeps float64 runs identical.
    slope = float(np.float32(negative_slope))
    return _unary(
        x,
        lambda a: np.where(a > 0, a, a * np.asarray(slope, a.dtype)),
        lambda a, out: np.where(a > 0, 1, slope).astype(a.dtype),
    )


def elu(x, alpha=1.0):
    """`x` if `x > 0` else `alpha (exp(x) - 1)`. Derivative: 1, or `out + alpha`."""
    return _unary(
        x,
        lambda a: np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0))).astype(a.dtype),
        lambda a, out: np.where(a > 0, 1, out + alpha).astype(a.dtype),
    )


_SELU_ALPHA = 1.6732632423543772848170429916717  # Klambauer et al. 2017
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """`scale * elu(x, alpha)` with the self-normalising constants."""
    return _unary(
        x,
        lambda a: (_SELU_SCALE * np.where(a > 0, a, _SELU_ALPHA * np.expm1(np.minimum(a, 0)))).astype(a.dtype),
        # Like TensorFlow's SeluGrad, decided on the output: the slope at 0 is `scale`.
        lambda a, out: np.where(out < 0, out + _SELU_SCALE * _SELU_ALPHA, _SELU_SCALE).astype(a.dtype),
    )


def softplus(x):
    """`log(1 + exp(x))`, computed without overflow. Derivative: `sigmoid(x)`."""
    return _unary(x, lambda a: np.logaddexp(a, 0).astype(a.dtype), lambda a, out: _sigmoid(a))


def softsign(x):
    """`x / (1 + |x|)`. Derivative: `1 / (1 + |x|)²`."""
    return _unary(x, lambda a: a / (1 + np.abs(a)), lambda a, out: 1 / np.square(1 + np.abs(a)))


def silu(x):
    """`x * sigmoid(x)` (swish). Derivative: `s + x s (1 - s)`."""
    def grad(a, out):
        s = _sigmoid(a)
        return s * (1 + a * (1 - s))

    return _unary(x, lambda a: a * _sigmoid(a), grad)


swish = silu


def hard_sigmoid(x):
    """`relu6(x + 3) / 6`. Derivative: 1/6 on (-3, 3)."""
    return _unary(
        x,
        lambda a: np.clip(a + 3, 0, 6) / 6,
        lambda a, out: (((a > -3) & (a < 3)) / 6).astype(a.dtype),
    )


def hard_silu(x):
    """`x * hard_sigmoid(x)`. Derivative: `hard_sigmoid(x) + x/6` on (-3, 3)."""
    def grad(a, out):
        inside = (a > -3) & (a < 3)
        return (np.clip(a + 3, 0, 6) / 6 + np.where(inside, a / 6, 0)).astype(a.dtype)

    return _unary(x, lambda a: a * np.clip(a + 3, 0, 6) / 6, grad)


hard_swish = hard_silu

_erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu(x, approximate=True):
    """Gaussian error linear unit `x Φ(x)`.

    `approximate=True` uses `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`.
    """
    if approximate:
        c = math.sqrt(2 / math.pi)

        def fwd(a):
            t = np.tanh(c * (a + 0.044715 * a ** 3))
            return 0.5 * a * (1 + t)

        def grad(a, out):
            t = np.tanh(c * (a + 0.044715 * a ** 3))
            return 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * c * (1 + 3 * 0.044715 * a * a)

        return _unary(x, fwd, grad)

    def fwd_exact(a):
        return (0.5 * a * (1 + _erf(a / math.sqrt(2)))).astype(a.dtype)

    def grad_exact(a, out):
        cdf = 0.5 * (1 + _erf(a / math.sqrt(2)))
        pdf = np.exp(-0.5 * a.astype(np.float64) ** 2) / math.sqrt(2 * math.pi)
        return (cdf + a * pdf).astype(a.dtype)

    return _unary(x, fwd_exact, grad_exact)


def mish(x):
    """`x * tanh(softplus(x))`."""
    def grad(a, out):
        sp = np.logaddexp(a, 0)
        t = np.tanh(sp)
        return (t + a * (1 - t * t) * _sigmoid(a)).astype(a.dtype)

    return _unary(x, lambda a: (a * np.tanh(np.logaddexp(a, 0))).astype(a.dtype), grad)


def exponential(x):
    """`exp(x)`."""
    return knp.exp(x)


def linear(x):
    """The identity."""
    return x


# -- cross-entropies (the formulas of Keras's TensorFlow backend) ------------------------------------


def _logits_of(output, from_logits):
    """Use the remembered logits of a softmax/sigmoid output, as Keras does."""
    logits = getattr(output, "_keras_logits", None)
    if logits is not None:
        return logits, True
    return output, from_logits


def _check_same_shape(target, output):
    ts, os_ = np.shape(value(target)), np.shape(value(output))
    if len(ts) != len(os_):
        raise ValueError(
            "Arguments `target` and `output` must have the same rank (ndim). "
            f"Received: target.shape={ts}, output.shape={os_}"
        )
    if ts != os_:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={ts}, output.shape={os_}"
        )


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    """`-sum(y * log_softmax(z))` fused.

    VJP w.r.t. the logits: `softmax(z) - y`, the derivative when each target row
    sums to 1 (one-hot or smoothed labels). TensorFlow's kernel returns exactly
    this for any targets, so minikeras does too and multi-hot targets train the
    same on both. W.r.t. the labels: `-log_softmax(z)`.
    """
    labels, logits = as_input(labels), as_input(logits)
    y, z = _f(labels), _f(logits)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    log_sum = np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    log_probs = shifted - log_sum
    out = -np.sum(y * log_probs, axis=axis)
    if not is_recording():
        return out

    def vjp(g, need):
        g = np.expand_dims(g, axis)
        gz = g * (np.exp(log_probs) - y) if need[1] else None
        gy = -g * log_probs if need[0] else None
        return gy, gz

    return record(out, (labels, logits), vjp)


def sigmoid_cross_entropy_with_logits(labels, logits):
    """`max(z, 0) - z y + log(1 + exp(-|z|))`; VJP w.r.t. the logits: `sigmoid(z) - y`."""
    labels, logits = as_input(labels), as_input(logits)
    y, z = _f(labels), _f(logits)
    out = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    if not is_recording():
        return out
    return record(out, (labels, logits), lambda g, need: (
        -g * z if need[0] else None,
        g * (_sigmoid(z) - y) if need[1] else None,
    ))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy `-sum(y log p)` between one-hot (or soft) targets and predictions.

    Probabilities are first renormalised to sum to 1, then clipped to
    `[epsilon, 1 - epsilon]` (Keras's TensorFlow backend); logits, or the
    remembered logits of a softmax output, go through the fused, unclipped
    `softmax_cross_entropy_with_logits`.
    """
    _check_same_shape(target, output)
    output, from_logits = _logits_of(output, from_logits)
    if from_logits:
        return softmax_cross_entropy_with_logits(target, output, axis=axis)
    output = knp.divide(output, knp.sum(output, axis=axis, keepdims=True))
    eps = config.epsilon()
    output = knp.clip(output, eps, 1.0 - eps)
    return knp.negative(knp.sum(knp.multiply(target, knp.log(output)), axis=axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class targets: `-log p[target]`.

    Probabilities are clipped to `[epsilon, 1 - epsilon]` and logged (no
    renormalisation, as in Keras's TensorFlow backend).
    """
    out_shape = np.shape(value(output))
    if axis != -1 and axis != len(out_shape) - 1:
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    output, from_logits = _logits_of(output, from_logits)
    labels = np.asarray(value(target))
    if labels.dtype.kind == "f":
        labels = labels.astype(np.int64)
    if labels.ndim == len(out_shape) and labels.shape[-1:] == (1,):
        labels = labels[..., 0]
    if labels.shape != out_shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last "
            f"dimension: target.shape={np.shape(value(target))}, output.shape={out_shape}"
        )
    n_classes = out_shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"Received a label value of {labels.max() if labels.max() >= n_classes else labels.min()} "
            f"which is outside the valid range of [0, {n_classes}). Label values: {labels.reshape(-1)[:10]}"
        )
    if not from_logits:
        eps = config.epsilon()
        output = knp.log(knp.clip(output, eps, 1 - eps))
    one_hot_labels = np.eye(n_classes, dtype=np.asarray(value(output)).dtype)[labels]
    return softmax_cross_entropy_with_logits(one_hot_labels, output, axis=-1)


def binary_crossentropy(target, output, from_logits=False):
    """`-(y log p + (1 - y) log(1 - p))`, probabilities clipped to `[eps, 1 - eps]`.

    Logits (or a sigmoid output's remembered logits) use the stable
    `sigmoid_cross_entropy_with_logits`.
    """
    _check_same_shape(target, output)
    output, from_logits = _logits_of(output, from_logits)
    if from_logits:
        return sigmoid_cross_entropy_with_logits(target, output)
    eps = config.epsilon()
    output = knp.clip(output, eps, 1.0 - eps)
    bce = knp.multiply(target, knp.log(output))
    bce = knp.add(bce, knp.multiply(knp.subtract(1, target), knp.log(knp.subtract(1, output))))
    return knp.negative(bce)


def one_hot(x, num_classes, axis=-1, dtype=None):
    """One-hot encode integer `x` (out-of-range indices give all-zero rows, as Keras)."""
    idx = np.asarray(value(as_input(x))).astype(np.int64)
    dtype = config.standardize_dtype(dtype)
    eye = np.vstack([np.eye(num_classes, dtype=dtype), np.zeros((1, num_classes), dtype=dtype)])
    safe = np.where((idx >= 0) & (idx < num_classes), idx, num_classes)
    out = eye[safe]
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance over `axes`."""
    mean = knp.mean(x, axis=axes, keepdims=True)
    variance = knp.mean(knp.square(knp.subtract(x, mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean = knp.squeeze(mean, axis=axes)
        variance = knp.squeeze(variance, axis=axes)
    return mean, variance


# -- fused ops for the training hot path --------------------------------------------------------------
# Each one records a single tape node where the unfused composition records several, and performs the
# very same NumPy operations in the same order, so values and gradients are bitwise those of the
# composition (tests/ops/test_fused.py checks it).


def _plain_float_matrix(a):
    return type(a) is np.ndarray and a.ndim == 2 and a.dtype.kind == "f"


def dense_forward(a, w, b=None, relu=False):
    """The kernel of `dense` on plain arrays: `a @ w + b`, then `max(., 0)` when `relu`.

    Shared by the op below and the compiled train step of Dense stacks
    (`trainers/dense_stack.py`), so both compute the very same bits.
    """
    out = np.matmul(a, w)
    if b is not None:
        out += b
    if relu:
        np.maximum(out, 0, out=out)
    return out


def dense_backward(g, a, w, out, relu, need_x=True, need_w=True, need_b=True):
    """The VJP kernel of `dense_forward`: with `d = g * (out > 0)` for relu (`d = g` for linear),

        d a = d @ wᵀ,   d w = aᵀ @ d,   d b = sum(d, axis=0)

    Returns `(d a, d w, d b)`, `None` where not needed.
    """
    d = np.multiply(g, out > 0) if relu else g
    gx = np.matmul(d, w.T) if need_x else None
    gw = np.matmul(a.T, d) if need_w else None
    gb = np.add.reduce(d, axis=0) if need_b else None
    return gx, gw, gb


def dense(inputs, kernel, bias=None, activation=None):
    """`activation(inputs @ kernel + bias)` as one op: a Dense layer's forward pass.

    `activation` is None (linear) or `"relu"`. For 2-D float inputs with the
    kernel's dtype it records one node whose VJP, with `d = g * (out > 0)` for
    relu (`d = g` for linear), is

        d inputs = d @ kernelᵀ,   d kernel = inputsᵀ @ d,   d bias = sum(d, axis=0)

    which is what the VJPs of `matmul`, `add` and `relu` give in turn. Any
    other input (N-D, integer, mixed dtypes) goes through those unfused ops.
    """
    if activation not in (None, "relu"):
        raise ValueError(f"`activation` must be None or 'relu'. Received: activation={activation!r}")
    x, w = as_input(inputs), as_input(kernel)
    b = None if bias is None else as_input(bias)
    a, wv = value(x), value(w)
    bv = None if b is None else value(b)
    if not (_plain_float_matrix(a) and type(wv) is np.ndarray and wv.ndim == 2 and wv.dtype == a.dtype
            and (bv is None or (type(bv) is np.ndarray and bv.dtype == a.dtype and bv.ndim == 1))):
        out = knp.matmul(x, w)
        if b is not None:
            out = knp.add(out, b)
        return relu(out) if activation == "relu" else out
    relu_mask = activation == "relu"
    out = dense_forward(a, wv, bv, relu_mask)
    if not is_recording():
        return out

    def vjp(g, need):
        grads = dense_backward(g, a, wv, out, relu_mask, need[0], need[1], len(need) == 3 and need[2])
        return grads if len(need) == 3 else grads[:2]

    return record(out, (x, w) if b is None else (x, w, b), vjp)


def softmax_cross_entropy_mean_forward(y, z, probabilities=False):
    """The kernel of `softmax_cross_entropy_mean` on plain arrays: `(loss, log_softmax(z))`.

    `loss = sum_i CE_i / n` as a 0-d array (0 for an empty batch, the no-NaN
    division of Keras's reduction). With `probabilities=True` a third item is
    `softmax(z)`, from the same exponentials, bitwise what `softmax` returns.
    """
    # The ufuncs' reductions are what np.max/np.sum run, without their Python wrappers.
    shifted = z - np.maximum.reduce(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    s = np.add.reduce(e, axis=-1, keepdims=True)
    log_probs = shifted - np.log(s)
    per_row = -np.add.reduce(y * log_probs, axis=-1)
    rows = per_row.size
    total = np.add.reduce(per_row, axis=None)
    if rows:
        out = np.asarray(total / z.dtype.type(rows))
    else:
        out = np.zeros((), dtype=np.result_type(total, z.dtype))
    if probabilities:
        return out, log_probs, e / s
    return out, log_probs


def softmax_cross_entropy_mean_backward(g, y, log_probs, need_y=True, need_z=True):
    """The VJP kernel: `d z = (softmax(z) - y) * g / n`, `d y = -log_softmax(z) * g / n` (0 if `n == 0`)."""
    rows = log_probs.size // log_probs.shape[-1] if log_probs.ndim else 0
    scale = g / log_probs.dtype.type(rows) if rows else np.zeros_like(g)
    gy = -scale * log_probs if need_y else None
    gz = scale * (np.exp(log_probs) - y) if need_z else None
    return gy, gz


def softmax_cross_entropy_mean(labels, logits):
    """The mean over the batch of `softmax_cross_entropy_with_logits(labels, logits)`, as one op.

    This is categorical cross-entropy from logits under the default
    `"sum_over_batch_size"` reduction: `sum_i CE_i / n` with `n` the number of
    rows, computed exactly as the unfused loss (per-row values, `sum`, then the
    no-NaN division), for 2-D float arrays of equal shape and dtype. VJP
    w.r.t. the logits: `(softmax(z) - y) * g / n`.
    """
    labels, logits = as_input(labels), as_input(logits)
    y, z = value(labels), value(logits)
    if not (_plain_float_matrix(z) and type(y) is np.ndarray and y.shape == z.shape and y.dtype == z.dtype):
        per_row = softmax_cross_entropy_with_logits(labels, logits)
        n = np.asarray(np.prod(np.shape(value(per_row))), dtype=z.dtype)
        return knp.divide_no_nan(knp.sum(per_row), n)
    out, log_probs = softmax_cross_entropy_mean_forward(y, z)
    if not is_recording():
        return out
    return record(out, (labels, logits),
                  lambda g, need: softmax_cross_entropy_mean_backward(g, y, log_probs, need[0], need[1]))
