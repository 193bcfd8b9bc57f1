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


def _chunks(seed, n_blocks):
    """`(s, planes)` for the stream's first `n_blocks` blocks (see `philox.iter_word_planes`)."""
    key, counter = philox.key_counter_from_seed(seed)
    return philox.iter_word_planes(key, counter, 0, n_blocks)


_MANTISSA32, _ONE32 = np.uint32(0x7FFFFF), np.uint32(0x3F800000)
_MANTISSA64_HIGH, _ONE64_HIGH = np.uint32(0xFFFFF), np.uint32(0x3FF00000)
_LO, _HI = (0, 1) if np.little_endian else (1, 0)  # uint32 halves of a float64


def unit_float32(words):
    """uint32 words -> float32 in [0, 1): 23 random mantissa bits of a number in [1, 2), minus 1."""
    words = np.asarray(words, dtype=np.uint32)
    out = (words & _MANTISSA32) | _ONE32
    out = out.view(np.float32)
    out -= np.float32(1.0)
    return out


def unit_float64(high_words, low_words):
    """Pairs of uint32 words -> float64 in [0, 1) (20 bits of the first word, 32 of the second)."""
    high_words, low_words = np.broadcast_arrays(np.asarray(high_words, np.uint32), np.asarray(low_words, np.uint32))
    out = np.empty(high_words.shape, np.float64)
    halves = out.view(np.uint32).reshape(out.shape + (2,))
    np.bitwise_and(high_words, _MANTISSA64_HIGH, out=halves[..., _HI])
    halves[..., _HI] |= _ONE64_HIGH
    halves[..., _LO] = low_words
    out -= 1.0
    return out


def _float_dtype(dtype):
    name = np.dtype(dtype).name
    if name not in ("float16", "float32", "float64"):
        raise ValueError(f"Expected a float dtype (float16, float32 or float64). Received: dtype={dtype}")
    return name


def _finish(blocks, n, shape):
    """The first `n` values of a `(n_blocks, k)` array in stream order, shaped `shape`."""
    return blocks.reshape(-1)[:n].reshape(shape)


def uniform_unit(shape, seed, dtype="float32"):
    """TF's raw `StatelessRandomUniformV2`: floats in [0, 1)."""
    shape, dtype = _shape(shape), _float_dtype(dtype)
    n = _size(shape)
    if dtype == "float16":
        # TF: 10 random mantissa bits of a half in [1, 2), minus 1.
        w = _words(seed, n).astype(np.uint16)
        return ((w & np.uint16(0x3FF)) | np.uint16(0x3C00)).view(np.float16).reshape(shape) - np.float16(1)
    if dtype == "float64":
        # Element 2b <- words (0, 1) of block b, element 2b + 1 <- words (2, 3).
        blocks = np.empty((-(-n // 2), 2), np.float64)
        for s, w in _chunks(seed, blocks.shape[0]):
            blocks[s:s + w.shape[1]] = unit_float64(w[0::2], w[1::2]).T
        return _finish(blocks, n, shape)
    blocks = np.empty((-(-n // 4), 4), np.float32)
    for s, w in _chunks(seed, blocks.shape[0]):
        blocks[s:s + w.shape[1]] = unit_float32(w).T
    return _finish(blocks, n, shape)


def _affine(values, scale, shift):
    """`values * scale + shift` in place, each operation rounded in the values' dtype (as TF computes it)."""
    dt = values.dtype.type
    values *= dt(scale)
    values += dt(shift)
    return values


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
    return _affine(rnd, hi - lo, lo)


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


def _box_muller_float32(w0, w1, out_sin=None, out_cos=None):
    """Two float32 normals from two uint32 words (TF `BoxMullerFloat`, glibc logf/sincosf)."""
    u1 = unit_float32(w0)
    np.maximum(u1, np.float32(1e-7), out=u1)
    # TF: `2.0f * M_PI * u` is evaluated in double, then stored as float.
    v1 = ((2.0 * np.pi) * unit_float32(w1).astype(np.float64)).astype(np.float32)
    radius = libm_float.logf(u1)
    radius *= np.float32(-2.0)
    np.sqrt(radius, out=radius)
    sin, cos = libm_float.sincosf(v1)
    return np.multiply(sin, radius, out=out_sin), np.multiply(cos, radius, out=out_cos)


def _box_muller_float64(w0, w1, w2, w3, out_sin=None, out_cos=None):
    """Two float64 normals from four uint32 words (TF `BoxMullerDouble`)."""
    u1 = unit_float64(w0, w1)
    np.maximum(u1, 1e-7, out=u1)
    v1 = unit_float64(w2, w3)
    v1 *= 2.0 * np.pi
    radius = np.log(u1)
    radius *= -2.0
    np.sqrt(radius, out=radius)
    return np.multiply(np.sin(v1), radius, out=out_sin), np.multiply(np.cos(v1), radius, out=out_cos)


def _normals_of_planes(w, dtype, out=None):
    """The normals of blocks given as `(4, m)` word planes, into `out` (`(k, m)`, row j = output j of each block).

    float32: two Box-Muller pairs per block, words (0, 1) and (2, 3), giving
    `[sin_a, cos_a, sin_b, cos_b]`; float64: one pair from all four words,
    `[sin, cos]`.
    """
    if dtype == "float64":
        out = np.empty((2, w.shape[1]), np.float64) if out is None else out
        _box_muller_float64(w[0], w[1], w[2], w[3], out[0], out[1])
    else:
        out = np.empty((4, w.shape[1]), np.float32) if out is None else out
        _box_muller_float32(w[0::2], w[1::2], out[0::2], out[1::2])
    return out


def normal_unit(shape, seed, dtype="float32"):
    """TF's raw `StatelessRandomNormalV2`: standard normals."""
    shape, dtype = _shape(shape), _float_dtype(dtype)
    n = _size(shape)
    per_block = 2 if dtype == "float64" else 4
    # Whole blocks: a last odd output still consumes a full pair of words.
    blocks = np.empty((-(-n // per_block), per_block), np.float64 if dtype == "float64" else np.float32)
    for s, w in _chunks(seed, blocks.shape[0]):
        _normals_of_planes(w, dtype, blocks[s:s + w.shape[1]].T)
    return _finish(blocks, n, shape).astype(dtype, copy=False)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32"):
    """`tf.random.stateless_normal`: `rnd * stddev + mean` in `dtype` arithmetic."""
    rnd = normal_unit(shape, seed, dtype)
    return _affine(rnd, stddev, mean)


def _kept_first_tables(k):
    """For each pattern of k keep-bits (bit j = candidate j kept): the candidates in output order
    (kept ones first, in order, then the others) and how many are kept."""
    order = np.empty((1 << k, k), np.intp)
    kept = np.empty(1 << k, np.int64)
    for pattern in range(1 << k):
        keep = [j for j in range(k) if pattern >> j & 1]
        order[pattern] = keep + [j for j in range(k) if not pattern >> j & 1]
        kept[pattern] = len(keep)
    return order, kept


_KEPT_FIRST = {k: _kept_first_tables(k) for k in (2, 4)}


def _kept_first(candidates):
    """`(ordered, kept)`: each column's candidates with |z| < 2 first, in order, as rows `(m, k)`; their count.

    Branch-free: the column's keep-bits index a small table of orders (random
    masks would make NumPy's boolean indexing slow).
    """
    k, m = candidates.shape
    keep = np.abs(candidates) < 2.0
    pattern = keep[0].astype(np.intp)
    for j in range(1, k):
        pattern += keep[j].astype(np.intp) << j
    order, kept = _KEPT_FIRST[k]
    flat = order[pattern]
    flat *= m
    flat += np.arange(m)[:, None]
    return np.take(candidates.reshape(-1), flat), kept[pattern]


def _place(result, filled, rows, candidates):
    """Append each group's candidates with |z| < 2, in order, until the group is full.

    `rows` are the groups (indices into `result`/`filled`), `candidates` their
    `(group, len(rows))` new values (a block gives as many candidates as a
    group holds). Returns the rows still not full.
    """
    group = result.shape[1]
    ordered, kept = _kept_first(candidates)
    have = filled[rows]
    for j in range(group):
        ok = np.flatnonzero((j < kept) & (have + j < group))
        result[rows[ok], have[ok] + j] = ordered[ok, j]
    filled[rows] = np.minimum(have + kept, group)
    return rows[filled[rows] < group]


def truncated_normal_unit(shape, seed, dtype="float32"):
    """TF's raw `StatelessTruncatedNormalV2`: standard normals redrawn until |z| < 2.

    Output group g (4 values; 2 for float64) reads the stream from block
    `g * 256 * group / 4`, turning words into Box-Muller pairs in order and
    keeping each value with |z| < 2 until the group is full. Groups are
    independent: the first block of every group is computed at once (a block
    gives one candidate per slot, so most groups are full after it), then the
    unfinished ones advance together, one block per round.
    """
    shape, dtype = _shape(shape), _float_dtype(dtype)
    n = _size(shape)
    group = 2 if dtype == "float64" else 4
    n_groups = -(-n // group)
    key, counter = philox.key_counter_from_seed(seed)
    stride = group * _RESERVED_WORDS_PER_OUTPUT // 4  # blocks between group starts
    result = np.empty((n_groups, group), dtype=np.float64 if dtype == "float64" else np.float32)
    filled = np.empty(n_groups, dtype=np.int64)
    starts = np.arange(n_groups, dtype=np.uint64) * np.uint64(stride)
    pending = []
    for s, w in philox.iter_word_planes_at(key, counter, starts):
        m = w.shape[1]
        # First block: a group whose candidates are all kept is done; the others start again
        # from their candidates (their provisional values are overwritten).
        cand = _normals_of_planes(w, dtype, result[s:s + m].T)
        inside = np.abs(cand) < 2.0
        full = inside[0]
        for j in range(1, group):
            full &= inside[j]
        rest = np.flatnonzero(~full)
        filled[s:s + m] = group
        if rest.size:
            filled[rest + s] = 0
            pending.append(_place(result, filled, rest + s, cand[:, rest]))
    active = np.concatenate(pending) if pending else np.empty(0, np.int64)
    step = 1
    while active.size:
        offsets = starts[active] + np.uint64(step)
        cand = _normals_of_planes(philox.word_planes_at(key, counter, offsets), dtype)
        active = _place(result, filled, active, cand)
        step += 1
    return _finish(result, n, shape).astype(dtype, copy=False)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32"):
    """`tf.random.stateless_truncated_normal`: `rnd * stddev + mean` in `dtype` arithmetic."""
    rnd = truncated_normal_unit(shape, seed, dtype)
    return _affine(rnd, stddev, mean)


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
