"""Numeric helpers shared by the optimizers: Keras's casts, in-place views, initial slot values, clipping."""

import numpy as np

from minikeras.ops.autodiff import value as _value

base_optimizer_keyword_args = """name: the name of the optimizer (auto: `adam`, `adam_1`...).
        weight_decay: if set, every step first decays each variable:
            `w <- w - w * weight_decay * learning_rate`.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the weights.
        ema_momentum: the EMA's momentum (`ema = m * ema + (1 - m) * w`).
        ema_overwrite_frequency: every this many steps, overwrite the weights
            with their average (None: only in `finalize_variable_values`).
        loss_scale_factor: gradients are divided by it before use (the loss is
            multiplied by it in `scale_loss`).
        gradient_accumulation_steps: update only every this many calls, with
            the mean of the gradients accumulated since the last update."""


def as_array(g):
    g = _value(g)
    return g if type(g) is np.ndarray else np.asarray(g)


def nd_view(a):
    """`a`, or a 1-element view of a 0-d array: ufuncs then return arrays, so `out=` works in place."""
    return a if a.ndim else a.reshape(1)


def keras_cast(x, f):
    """Keras's `ops.cast(x, dtype)` of a Python float, as scalar type `f`.

    TensorFlow first makes a float32 tensor of a Python float, so a float64
    variable sees the float32-rounded constant (e.g. momentum 0.9 becomes
    0.89999997615814...). Constants Keras passes to arithmetic ops directly
    stay exact; each optimizer uses this helper exactly where Keras casts.
    """
    if type(x) is float:  # NumPy scalars keep their own dtype in TensorFlow
        return f(np.float32(x))
    return f(x)


def initial_array(initializer, shape, dtype):
    """The starting value of an optimizer variable."""
    shape = tuple(shape)
    if isinstance(initializer, str):
        if initializer == "zeros":
            return np.zeros(shape, dtype=dtype)
        if initializer == "ones":
            return np.ones(shape, dtype=dtype)
        from minikeras import initializers

        initializer = initializers.get(initializer)
    if callable(initializer):
        return np.asarray(_value(initializer(shape, dtype=dtype.name)), dtype=dtype)
    # A number acts as `Constant(number)`, which Keras builds with `ops.cast`.
    return np.full(shape, keras_cast(_value(initializer), dtype.type), dtype=dtype)


def clip_by_norm(g, clipnorm):
    """`g * clipnorm / max(||g||, clipnorm)`, computed this way even when no clipping is needed (as TensorFlow)."""
    f = g.dtype.type
    clip = f(clipnorm)
    l2sum = f(np.vdot(g, g))
    l2norm = np.sqrt(l2sum) if l2sum > 0 else l2sum
    out = np.multiply(g, clip)
    out /= np.maximum(l2norm, clip)
    return out


def global_norm(value_list):
    """`sqrt(sum of squares of every element of every array)` (None entries skipped)."""
    squares = [np.vdot(v, v) for v in value_list if v is not None]
    total = np.sum(np.stack(squares))
    return np.sqrt(total)


def clip_by_global_norm(value_list, clip_norm):
    """Scale all arrays by `clip_norm / max(global_norm, clip_norm)`; a non-finite norm gives NaN."""
    norm = global_norm(value_list)
    f = norm.dtype.type
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = f(clip_norm) * np.minimum(f(1.0) / norm, f(1.0 / clip_norm))
        scale = scale + (norm - norm)  # NaN when the norm is inf or NaN, as in Keras
    return [v if v is None else v * scale.astype(v.dtype) for v in value_list]
