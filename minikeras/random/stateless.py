"""TensorFlow's stateless random ops, bit for bit, in NumPy.

Every function takes a seed pair `(s0, s1)` as TF's `tf.random.stateless_*`
does (int32 values after Keras's `_cast_seed`), derives a Philox key and
counter from it (`philox.key_counter_from_seed`) and lays the random words
out exactly as TF's CPU kernels do (TF `core/kernels/random_op_cpu.h`,
`core/lib/random/random_distributions.h`):

* uniform float32: element i <- word i of the stream;
  `bitcast(0x3F800000 | (u & 0x7FFFFF)) - 1`, then `rnd * (max - min) + min`
  with each float32 operation rounded separately;
* uniform float64: element i <- words (2i, 2i+1): 20 bits of the first and
  all 32 of the second make the mantissa of a number in [1, 2), minus 1;
* uniform integers: `min + u % (max - min)` with one word (int32) or two
  (int64, low word first);
* normal: Box-Muller on pairs of uniforms (float32: one pair of words per two
  outputs; float64: two pairs of words per two outputs); `u1` is clamped to
  1e-7, `v1 = 2*pi*u2`, outputs `sin(v1)*r, cos(v1)*r` with `r = sqrt(-2 log u1)`;
* truncated normal: groups of 4 outputs (2 for float64), each reading the
  stream from its own offset of 256 words per output (`kReservedSamplesPerOutput`),
  taking Box-Muller values in order and keeping those with |z| < 2.
"""

import numpy as np

from minikeras.random import libm_float, philox

_RESERVED_WORDS_PER_OUTPUT = 256


def _shape(shape):
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(int(d) for d in shape)
    if any(d < 0 for d in shape):
        raise ValueError(f"`shape` must contain non-negative integers. Received: shape={shape}")
    return shape


def _size(shape):
    size = 1
    for d in shape:
        size *= d
    return size


def _words(seed, count):
    key, counter = philox.key_counter_from_seed(seed)
    return philox.uint32_stream(key, counter, count)


def unit_float32(words):
    """uint32 words -> float32 in [0, 1): 23 random mantissa bits of a number in [1, 2), minus 1."""
    words = np.asarray(words, dtype=np.uint32)
    return ((words & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1.0)


def unit_float64(high_words, low_words):
    """Pairs of uint32 words -> float64 in [0, 1) (20 bits of the first word, 32 of the second)."""
    mantissa = ((np.asarray(high_words, np.uint64) & np.uint64(0xFFFFF)) << np.uint64(32)) | np.asarray(
        low_words, np.uint64)
    return (mantissa | np.uint64(0x3FF0000000000000)).view(np.float64) - 1.0


def _float_dtype(dtype):
    name = np.dtype(dtype).name
    if name not in ("float16", "float32", "float64"):
        raise ValueError(f"Expected a float dtype (float16, float32 or float64). Received: dtype={dtype}")
    return name


def uniform_unit(shape, seed, dtype="float32"):
    """TF's raw `StatelessRandomUniformV2`: floats in [0, 1)."""
    shape, dtype = _shape(shape), _float_dtype(dtype)
    n = _size(shape)
    if dtype == "float64":
        w = _words(seed, 2 * n)
        return unit_float64(w[0::2], w[1::2]).reshape(shape)
    if dtype == "float16":
        # TF: 10 random mantissa bits of a half in [1, 2), minus 1.
        w = _words(seed, n).astype(np.uint16)
        return ((w & np.uint16(0x3FF)) | np.uint16(0x3C00)).view(np.float16).reshape(shape) - np.float16(1)
    return unit_float32(_words(seed, n)).reshape(shape)


def stateless_uniform(shape, seed, minval=0.0, maxval=1.0, dtype="float32"):
    """`tf.random.stateless_uniform`: floats in [minval, maxval) or integers in [minval, maxval).

    Floats: `rnd * (maxval - minval) + minval` in `dtype` arithmetic.
    Integers (`int32`/`int64`): `minval + u % (maxval - minval)`.
    """
    name = np.dtype(dtype).name
    if name in ("int32", "int64"):
        return stateless_uniform_int(shape, seed, minval, maxval, dtype=name)
    rnd = uniform_unit(shape, seed, name)
    dt = rnd.dtype.type
    lo, hi = dt(minval), dt(maxval)
    return rnd * (hi - lo) + lo


def stateless_uniform_int(shape, seed, minval, maxval, dtype="int32"):
    """Integers `minval + u % (maxval - minval)`, one word (int32) or two (int64, low first) each."""
    shape = _shape(shape)
    name = np.dtype(dtype).name
    if name not in ("int32", "int64"):
        raise ValueError(f"Expected dtype int32 or int64. Received: dtype={dtype}")
    minval, maxval = int(minval), int(maxval)
    if maxval <= minval:
        raise ValueError(f"Need minval < maxval, got {minval} >= {maxval}")
    n = _size(shape)
    if name == "int32":
        span = np.uint64((maxval - minval) & 0xFFFFFFFF)
        u = _words(seed, n).astype(np.uint64)
        out = (np.int64(minval) + (u % span).astype(np.int64)).astype(np.int32)
        return out.reshape(shape)
    w = _words(seed, 2 * n).astype(np.uint64)
    bits = w[0::2] | (w[1::2] << np.uint64(32))
    span = np.uint64((maxval - minval) & ((1 << 64) - 1))
    out = (bits % span).astype(np.int64) + np.int64(minval)
    return out.reshape(shape)


def _box_muller_float32(w0, w1):
    """Two float32 normals from two uint32 words (TF `BoxMullerFloat`, glibc logf/sincosf)."""
    u1 = np.maximum(unit_float32(w0), np.float32(1e-7))
    # TF: `2.0f * M_PI * u` is evaluated in double, then stored as float.
    v1 = ((2.0 * np.pi) * unit_float32(w1).astype(np.float64)).astype(np.float32)
    radius = np.sqrt(np.float32(-2.0) * libm_float.logf(u1))
    sin, cos = libm_float.sincosf(v1)
    return sin * radius, cos * radius


def _box_muller_float64(w0, w1, w2, w3):
    """Two float64 normals from four uint32 words (TF `BoxMullerDouble`)."""
    u1 = np.maximum(unit_float64(w0, w1), 1e-7)
    v1 = (2.0 * np.pi) * unit_float64(w2, w3)
    radius = np.sqrt(-2.0 * np.log(u1))
    return np.sin(v1) * radius, np.cos(v1) * radius


def normal_unit(shape, seed, dtype="float32"):
    """TF's raw `StatelessRandomNormalV2`: standard normals."""
    shape, dtype = _shape(shape), _float_dtype(dtype)
    n = _size(shape)
    if dtype == "float64":
        pairs = -(-n // 2)
        w = _words(seed, 4 * pairs).reshape(-1, 4)
        a, b = _box_muller_float64(w[:, 0], w[:, 1], w[:, 2], w[:, 3])
    else:
        pairs = -(-n // 2)
        # Whole blocks: a last odd output still consumes a full pair of words.
        w = _words(seed, 2 * pairs).reshape(-1, 2)
        a, b = _box_muller_float32(w[:, 0], w[:, 1])
    out = np.stack([a, b], axis=1).reshape(-1)[:n]
    return out.reshape(shape).astype(dtype, copy=False)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32"):
    """`tf.random.stateless_normal`: `rnd * stddev + mean` in `dtype` arithmetic."""
    rnd = normal_unit(shape, seed, dtype)
    dt = rnd.dtype.type
    return rnd * dt(stddev) + dt(mean)


def truncated_normal_unit(shape, seed, dtype="float32"):
    """TF's raw `StatelessTruncatedNormalV2`: standard normals redrawn until |z| < 2.

    Output group g (4 values; 2 for float64) reads the stream from block
    `g * 256 * group / 4`, turning words into Box-Muller pairs in order and
    keeping each value with |z| < 2 until the group is full. Groups are
    independent, so all of them advance together, one block per round.
    """
    shape, dtype = _shape(shape), _float_dtype(dtype)
    n = _size(shape)
    group = 2 if dtype == "float64" else 4
    n_groups = -(-n // group)
    key, counter = philox.key_counter_from_seed(seed)
    stride = group * _RESERVED_WORDS_PER_OUTPUT // 4  # blocks between group starts
    result = np.zeros((n_groups, group), dtype=np.float64 if dtype == "float64" else np.float32)
    filled = np.zeros(n_groups, dtype=np.int64)
    active = np.arange(n_groups, dtype=np.uint64)
    step = 0
    while active.size:
        offsets = active * np.uint64(stride) + np.uint64(step)
        w = philox.philox_rounds(philox.counters_at(counter, offsets), key)
        if dtype == "float64":
            a, b = _box_muller_float64(w[:, 0], w[:, 1], w[:, 2], w[:, 3])
            candidates = np.stack([a, b], axis=1)
        else:
            a0, b0 = _box_muller_float32(w[:, 0], w[:, 1])
            a1, b1 = _box_muller_float32(w[:, 2], w[:, 3])
            candidates = np.stack([a0, b0, a1, b1], axis=1)
        rows = active.astype(np.int64)
        keep = np.abs(candidates) < 2.0
        slot = filled[rows][:, None] + np.cumsum(keep, axis=1) - 1
        put = keep & (slot < group)
        r_idx = np.broadcast_to(rows[:, None], put.shape)[put]
        result[r_idx, slot[put]] = candidates[put]
        filled[rows] = np.minimum(filled[rows] + keep.sum(axis=1), group)
        active = active[filled[rows] < group]
        step += 1
    return result.reshape(-1)[:n].reshape(shape).astype(dtype, copy=False)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32"):
    """`tf.random.stateless_truncated_normal`: `rnd * stddev + mean` in `dtype` arithmetic."""
    rnd = truncated_normal_unit(shape, seed, dtype)
    dt = rnd.dtype.type
    return rnd * dt(stddev) + dt(mean)


def stateless_dropout(x, rate, seed, noise_shape=None):
    """`tf.nn.experimental.stateless_dropout`.

    `keep = uniform(noise_shape) >= rate`; the kept values are `x * f(1 / (1 - rate))`
    (the scale computed in double, then rounded to x's dtype), the others 0.
    Returns `(output, keep_mask_times_scale)` so callers can backpropagate.
    """
    x = np.asarray(x)
    dt = x.dtype.type if x.dtype.kind == "f" else np.float32
    shape = x.shape if noise_shape is None else tuple(noise_shape)
    u = uniform_unit(shape, seed, np.dtype(dt).name)
    keep = u >= dt(rate)
    scale = dt(1.0 / (1.0 - rate))
    return np.where(keep, x * scale, dt(0)), keep
