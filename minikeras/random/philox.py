"""Philox4x32-10 counter-based random bits, vectorised in NumPy.

This is the generator behind TensorFlow's stateless random ops and its
`RandomShuffle` kernel (TF `core/lib/random/philox_random.h`, Salmon et al.,
"Parallel random numbers: as easy as 1, 2, 3", SC 2011). A *block* is four
uint32 words computed from a 128-bit counter and a 64-bit key; consecutive
blocks come from consecutive counters, so any stretch of the stream can be
computed at once: one NumPy pass per round over all the counters.

Round (10 of them), with multipliers M0 = 0xD2511F53, M1 = 0xCD9E8D57:

    (hi0, lo0) = M0 * c0        (hi1, lo1) = M1 * c2     (64-bit products)
    c = [hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0]
    k0 += 0x9E3779B9; k1 += 0xBB67AE85                  (mod 2**32)

Seeds of the stateless ops are turned into (key, counter) by one extra
Philox block (TF `kernels/stateless_random_ops.cc`, `GenerateKey`):
see `key_counter_from_seed`.

Speed: the words are kept as *planes* (word w of every block in one
contiguous array), 32-bit values in uint64 so that a product never overflows,
and processed in cache-sized chunks with in-place ufuncs (five per round).
The callers that want all of word 0, then all of word 1... (Box-Muller pairs,
float64 halves) take the planes from `word_planes` directly; `blocks` and
`uint32_stream` interleave them into stream order.
"""

import numpy as np

_M = np.array([[0xD2511F53], [0xCD9E8D57]], dtype=np.uint64)  # multipliers of words 0 and 2
_W0 = 0x9E3779B9
_W1 = 0xBB67AE85
_MASK32 = 0xFFFFFFFF
_LOW32 = np.uint64(_MASK32)
_SHIFT = np.uint64(32)
# The key TF uses to scramble a stateless seed into a key and counter.
_SCRAMBLE_KEY = (0x3EC8F720, 0x02461E29)
# Blocks per pass: the three (2, chunk) uint64 work arrays then stay in a 1 MiB L2 cache.
CHUNK = 1 << 14


def _round_keys(key):
    """The ten round keys as (2, 1) uint64 columns, ready to XOR into the word-1/word-3 planes."""
    k0, k1 = int(key[0]) & _MASK32, int(key[1]) & _MASK32
    keys = []
    for _ in range(10):
        keys.append(np.array([[k0], [k1]], dtype=np.uint64))
        k0, k1 = (k0 + _W0) & _MASK32, (k1 + _W1) & _MASK32
    return keys


def _rounds(mul, other, prod, keys, out):
    """Ten rounds on `m` blocks held as planes; writes the result words to `out` (4, m) uint32.

    `mul` (2, m) uint64 holds words 0 and 2 (the multiplied ones), `other` (2, m)
    uint64 words 1 and 3; both are overwritten, `prod` is scratch space of the
    same shape. Each round is five whole-plane ufunc calls: the two products at
    once; their high halves, swapped, XOR the other words and the key become
    words 0 and 2; their low halves, swapped, words 1 and 3.
    """
    np.bitwise_xor(other, keys[0], out=other)
    for r in range(10):
        np.multiply(mul, _M, out=prod)
        np.right_shift(prod[::-1], _SHIFT, out=mul)
        np.bitwise_xor(mul, other, out=mul)
        np.bitwise_and(prod[::-1], _LOW32, out=other)
        if r < 9:
            np.bitwise_xor(other, keys[r + 1], out=other)
    out[0], out[1], out[2], out[3] = mul[0], other[0], mul[1], other[1]


def _counter_int(counter):
    return sum((int(w) & _MASK32) << (32 * i) for i, w in enumerate(counter))


def iter_word_planes(key, counter, start, count, chunk=None):
    """The blocks at counters `counter + start + j`, j < count, chunk by chunk.

    Yields `(s, planes)`: `planes` is a `(4, m)` uint32 array whose row w holds
    word w of blocks `s ... s + m - 1`. The same buffers are reused for every
    chunk, so use (or copy) each one before asking for the next. Working in
    chunks keeps the callers' temporaries small as well: cache-resident, and
    recycled by the allocator rather than faulted in afresh.
    """
    count, chunk = int(count), int(chunk or CHUNK)
    if count <= 0:
        return
    keys = _round_keys(key)
    size = min(chunk, count)
    mul, other, prod = (np.empty((2, size), np.uint64) for _ in range(3))
    steps = np.arange(size, dtype=np.uint64)
    out = np.empty((4, size), dtype=np.uint32)
    base = _counter_int(counter) + int(start)
    for s in range(0, count, chunk):
        m = min(chunk, count - s)
        first = (base + s) % (1 << 128)
        w = [(first >> (32 * i)) & _MASK32 for i in range(4)]
        if w[0] + m <= 2**32:
            # No carry out of word 0 (the usual case): only word 0 changes.
            np.add(steps[:m], np.uint64(w[0]), out=mul[0, :m])
            mul[1, :m], other[0, :m], other[1, :m] = w[2], w[1], w[3]
        else:
            c = counters_at(counter, steps[:m] + np.uint64(int(start) + s))
            mul[0, :m], mul[1, :m], other[0, :m], other[1, :m] = c[:, 0], c[:, 2], c[:, 1], c[:, 3]
        _rounds(mul[:, :m], other[:, :m], prod[:, :m], keys, out[:, :m])
        yield s, out[:, :m]


def iter_word_planes_at(key, counter, offsets, chunk=None):
    """Like `iter_word_planes`, for the blocks at counters `counter + offsets[j]` (offsets below 2**64)."""
    offsets = np.asarray(offsets, dtype=np.uint64).reshape(-1)
    chunk = int(chunk or CHUNK)
    keys = _round_keys(key)
    base = _counter_int(counter)
    lo64 = np.uint64(base & ((1 << 64) - 1))
    hi64 = np.uint64((base >> 64) & ((1 << 64) - 1))
    size = min(chunk, offsets.size)
    mul, other, prod = (np.empty((2, size), np.uint64) for _ in range(3))
    out = np.empty((4, size), dtype=np.uint32)
    for s in range(0, offsets.size, chunk):
        low = lo64 + offsets[s:s + chunk]  # wraps modulo 2**64 ...
        high = hi64 + (low < lo64).astype(np.uint64)  # ... and the wrap carries into the high half
        m = low.size
        np.bitwise_and(low, _LOW32, out=mul[0, :m])
        np.right_shift(low, _SHIFT, out=other[0, :m])
        np.bitwise_and(high, _LOW32, out=mul[1, :m])
        np.right_shift(high, _SHIFT, out=other[1, :m])
        _rounds(mul[:, :m], other[:, :m], prod[:, :m], keys, out[:, :m])
        yield s, out[:, :m]


def word_planes(key, counter, start, count):
    """The blocks at counters `counter + start + j`, j < count, as a `(4, count)` uint32 array of planes."""
    out = np.empty((4, max(int(count), 0)), dtype=np.uint32)
    for s, planes in iter_word_planes(key, counter, start, count):
        out[:, s:s + planes.shape[1]] = planes
    return out


def word_planes_at(key, counter, offsets):
    """The blocks at counters `counter + offsets[j]`, as `(4, m)` planes."""
    offsets = np.asarray(offsets, dtype=np.uint64).reshape(-1)
    out = np.empty((4, offsets.size), dtype=np.uint32)
    for s, planes in iter_word_planes_at(key, counter, offsets):
        out[:, s:s + planes.shape[1]] = planes
    return out


def philox_rounds(counters, key):
    """Ten Philox rounds on many counters with one key.

    Args:
        counters: uint32 array of shape `(n, 4)`, word 0 least significant.
        key: two Python ints (k0, k1), each < 2**32.

    Returns:
        uint32 array of shape `(n, 4)`: the random blocks.
    """
    counters = np.asarray(counters, dtype=np.uint32).reshape(-1, 4)
    n = counters.shape[0]
    out = np.empty((4, n), dtype=np.uint32)
    keys = _round_keys(key)
    for s in range(0, n, CHUNK):
        c = counters[s:s + CHUNK]
        mul, other, prod = (np.empty((2, c.shape[0]), np.uint64) for _ in range(3))
        mul[0], mul[1], other[0], other[1] = c[:, 0], c[:, 2], c[:, 1], c[:, 3]
        _rounds(mul, other, prod, keys, out[:, s:s + c.shape[0]])
    return np.ascontiguousarray(out.T)


def counters_at(counter, offsets):
    """The counters `counter + offset` for each offset (128-bit addition).

    Args:
        counter: four ints, word 0 least significant.
        offsets: non-negative ints below 2**64 (an array or anything `np.asarray` takes).

    Returns:
        uint32 array of shape `(len(offsets), 4)`.
    """
    base = _counter_int(counter)
    lo64 = np.uint64(base & ((1 << 64) - 1))
    hi64 = np.uint64((base >> 64) & ((1 << 64) - 1))
    offsets = np.asarray(offsets, dtype=np.uint64).reshape(-1)
    low = lo64 + offsets  # wraps modulo 2**64 ...
    high = hi64 + (low < lo64).astype(np.uint64)  # ... and the wrap carries into the high half
    out = np.empty((offsets.size, 4), dtype=np.uint32)
    out[:, 0] = low & _LOW32
    out[:, 1] = low >> _SHIFT
    out[:, 2] = high & _LOW32
    out[:, 3] = high >> _SHIFT
    return out


def counters_from(counter, start, count):
    """The `count` consecutive counters `counter + start + j`, shape `(count, 4)` uint32."""
    first = (int(counter[0]) & _MASK32) + int(start)
    if first + count <= 2**32:
        # No carry out of word 0 (the usual case): only word 0 changes.
        out = np.empty((count, 4), dtype=np.uint32)
        out[:, 0] = np.arange(first, first + count, dtype=np.uint32)
        out[:, 1:] = [int(w) & _MASK32 for w in counter[1:]]
        return out
    return counters_at(counter, np.arange(count, dtype=np.uint64) + np.uint64(start))


def blocks(key, counter, start, count):
    """`count` Philox blocks for counters `counter + start ...`, shape `(count, 4)` uint32."""
    if count <= 0:
        return np.empty((0, 4), dtype=np.uint32)
    return np.ascontiguousarray(word_planes(key, counter, start, count).T)


def uint32_stream(key, counter, count, start_block=0):
    """The first `count` uint32 words of the stream, in order (block by block, word 0 first)."""
    n_blocks = -(-int(count) // 4)
    return blocks(key, counter, start_block, n_blocks).reshape(-1)[:count]


def key_counter_from_seed(seed):
    """Key and counter of a stateless op seeded with `seed = (s0, s1)`.

    TF sign-extends each seed word to 64 bits, uses the four 32-bit halves
    `[lo(s0), hi(s0), lo(s1), hi(s1)]` as a counter, runs one Philox block
    with the fixed key (0x3EC8F720, 0x02461E29) and takes
    `key = (mix0, mix1)`, `counter = (0, 0, mix2, mix3)`.

    Args:
        seed: two ints (int32 values as TF receives them; larger ints are
            taken modulo 2**64).

    Returns:
        `(key, counter)`: a pair of ints and a 4-tuple of ints.
    """
    s0, s1 = (int(s) & ((1 << 64) - 1) for s in seed)
    counter = np.array([[s0 & _MASK32, s0 >> 32, s1 & _MASK32, s1 >> 32]], dtype=np.uint32)
    mix = philox_rounds(counter, _SCRAMBLE_KEY)[0]
    return (int(mix[0]), int(mix[1])), (0, 0, int(mix[2]), int(mix[3]))


def key_counter_from_op_seeds(seed, seed2):
    """Key and counter of TF's stateful ops (`RandomShuffle`...) seeded with `(seed, seed2)`.

    No scrambling here (TF `PhiloxRandom(seed, seed2)`): key = the two halves of
    `seed`, counter = (0, 0, lo(seed2), hi(seed2)).
    """
    s0, s1 = (int(s) & ((1 << 64) - 1) for s in (seed, seed2))
    return (s0 & _MASK32, s0 >> 32), (0, 0, s1 & _MASK32, s1 >> 32)
