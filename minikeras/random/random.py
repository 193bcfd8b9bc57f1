"""`minikeras.random`: Keras's random functions, matching TensorFlow Keras bit for bit.

Each function turns its `seed` (None, an int or a `SeedGenerator`) into a
stateless seed pair exactly as Keras's TF backend does
(`seed_generator.tf_seed`) and calls the matching TF stateless op
reimplemented in `stateless.py` (keras `random/random.py`,
keras `backend/tensorflow/random.py`).
"""

import numpy as np

from minikeras import config
from minikeras.random import stateless
from minikeras.random.seed_generator import tf_seed

_FLOATS = ("float16", "float32", "float64")
_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def _dtype(dtype):
    return config.floatx() if dtype is None else config.standardize_dtype(dtype)


def _float_dtype(dtype, fn):
    name = _dtype(dtype)
    if name not in _FLOATS:
        raise ValueError(f"`keras.random.{fn}` requires a floating point `dtype`. Received: dtype={dtype} ")
    return name


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draw from a normal distribution: `stateless_normal(shape, seed) * stddev + mean`.

    Args:
        shape: the output shape.
        mean, stddev: the distribution's parameters (cast to `dtype` first).
        dtype: a float dtype; default `config.floatx()`.
        seed: None (the global generator), an int (the same numbers every
            call) or a `SeedGenerator` (new numbers every call).
    """
    dtype = _float_dtype(dtype, "normal")
    return stateless.stateless_normal(shape, tf_seed(seed), mean, stddev, dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draw from a uniform distribution on `[minval, maxval)`: `u * (maxval - minval) + minval`."""
    if dtype is not None and config.standardize_dtype(dtype) not in _FLOATS:
        raise ValueError(
            "`keras.random.uniform` requires a floating point `dtype`. " f"Received: dtype={dtype} "
        )
    dtype = _dtype(dtype)
    return stateless.stateless_uniform(shape, tf_seed(seed), _via_tf_cast(minval), _via_tf_cast(maxval), dtype)


def _via_tf_cast(v):
    """Keras's TF backend passes bounds through `tf.cast`, which first makes a Python float a float32 tensor."""
    return np.float32(v) if type(v) is float else v


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draw from a normal distribution truncated to `mean ± 2 * stddev` (values beyond are redrawn)."""
    dtype = _float_dtype(dtype, "truncated_normal")
    return stateless.stateless_truncated_normal(shape, tf_seed(seed), mean, stddev, dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Draw integers uniformly from `[minval, maxval)`: `minval + u % (maxval - minval)`.

    int32/int64 draw directly; other integer dtypes draw int64 and cast, as Keras does.
    """
    name = config.standardize_dtype(dtype) if dtype else "int32"
    if dtype and name not in _INTS:
        raise ValueError(f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype} ")
    inner = name if name in ("int32", "int64") else "int64"
    out = stateless.stateless_uniform_int(shape, tf_seed(seed), minval, maxval, inner)
    return out.astype(name, copy=False)


def shuffle(x, axis=0, seed=None):
    """Shuffle `x` along `axis`: the order sorts one uniform float32 draw per position."""
    from minikeras import ops
    from minikeras.ops.autodiff import value

    n = np.shape(value(x))[axis]
    keys = stateless.stateless_uniform((n,), tf_seed(seed), 0.0, 1.0, "float32")
    order = np.argsort(keys, kind="stable")
    if isinstance(x, np.ndarray):
        return np.take(x, order, axis=axis)
    return ops.take(x, order, axis=axis)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each value with probability `rate` and scale the rest by `1 / (1 - rate)`.

    The mask is `uniform(noise_shape) >= rate` (noise_shape entries that are
    None take the input's size); differentiable through `ops.multiply`.
    """
    from minikeras import ops
    from minikeras.ops.autodiff import value

    raw = np.asarray(value(inputs))
    if rate == 1.0:
        return ops.multiply(inputs, np.zeros((), dtype=raw.dtype))
    if rate == 0.0:
        return inputs
    if noise_shape is None:
        shape = raw.shape
    else:
        shape = tuple(raw.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
    dt = raw.dtype.type if raw.dtype.kind == "f" else np.float32
    keep = stateless.uniform_unit(shape, tf_seed(seed), np.dtype(dt).name) >= dt(rate)
    mask = np.where(keep, dt(1.0 / (1.0 - rate)), dt(0))
    if isinstance(inputs, np.ndarray):
        return raw * mask
    return ops.multiply(inputs, mask)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draw class indices from unnormalised log-probabilities, one row per batch entry.

    TF's `StatelessMultinomial` on one CPU shard: per row, the cumulative sum of
    `exp(logit - max)` in float64, then each sample is the index of the first
    cumulative value above `u * total`, with `u` a float64 uniform from two words
    of the stream, row after row.
    """
    from minikeras.ops.autodiff import value
    from minikeras.random import philox

    logits = np.asarray(value(logits))
    if logits.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. " f"Received: logits={logits}"
        )
    batch, num_classes = logits.shape
    key, counter = philox.key_counter_from_seed(tf_seed(seed))
    out = np.empty((batch, int(num_samples)), dtype=np.int64)
    finite = np.isfinite(logits)
    words = philox.uint32_stream(key, counter, 2 * batch * int(num_samples)).reshape(batch, -1)
    for b in range(batch):
        row = logits[b]
        top = row[finite[b]].max() if finite[b].any() else np.finfo(row.dtype).min
        cdf = np.cumsum(np.where(finite[b], np.exp(row.astype(np.float64) - float(top)), 0.0))
        u = stateless.unit_float64(words[b, 0::2], words[b, 1::2])
        out[b] = np.searchsorted(cdf, u * cdf[-1], side="right")
    return out.astype(config.standardize_dtype(dtype))
