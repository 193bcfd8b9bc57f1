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
"""

import numpy as np

_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = 0x9E3779B9
_W1 = 0xBB67AE85
_MASK32 = 0xFFFFFFFF
_SHIFT = np.uint64(32)
# The key TF uses to scramble a stateless seed into a key and counter.
_SCRAMBLE_KEY = (0x3EC8F720, 0x02461E29)


def philox_rounds(counters, key):
    """Ten Philox rounds on many counters with one key.

    Args:
        counters: uint32 array of shape `(n, 4)`, word 0 least significant.
        key: two Python ints (k0, k1), each < 2**32.

    Returns:
        uint32 array of shape `(n, 4)`: the random blocks.
    """
    n = counters.shape[0]
    c0, c1, c2, c3 = (np.array(counters[:, i], dtype=np.uint32) for i in range(4))
    k0, k1 = int(key[0]) & _MASK32, int(key[1]) & _MASK32
    # Each 64-bit product is written into a buffer that is also seen as pairs of
    # uint32 words, so its high and low halves need no shift or mask.
    p0, p1 = np.empty(n, np.uint64), np.empty(n, np.uint64)
    halves0, halves1 = p0.view(np.uint32).reshape(n, 2), p1.view(np.uint32).reshape(n, 2)
    lo, hi = (0, 1) if np.little_endian else (1, 0)
    for _ in range(10):
        np.multiply(c0, _M0, out=p0, casting="unsafe")
        np.multiply(c2, _M1, out=p1, casting="unsafe")
        c0, c2 = halves1[:, hi] ^ c1 ^ np.uint32(k0), halves0[:, hi] ^ c3 ^ np.uint32(k1)
        c1, c3 = halves1[:, lo].copy(), halves0[:, lo].copy()
        k0 = (k0 + _W0) & _MASK32
        k1 = (k1 + _W1) & _MASK32
    out = np.empty((n, 4), dtype=np.uint32)
    out[:, 0], out[:, 1], out[:, 2], out[:, 3] = c0, c1, c2, c3
    return out


def counters_at(counter, offsets):
    """The counters `counter + offset` for each offset (128-bit addition).

    Args:
        counter: four ints, word 0 least significant.
        offsets: non-negative ints below 2**64 (an array or anything `np.asarray` takes).

    Returns:
        uint32 array of shape `(len(offsets), 4)`.
    """
    base = sum((int(w) & _MASK32) << (32 * i) for i, w in enumerate(counter))
    lo64 = np.uint64(base & ((1 << 64) - 1))
    hi64 = np.uint64((base >> 64) & ((1 << 64) - 1))
    offsets = np.asarray(offsets, dtype=np.uint64).reshape(-1)
    low = lo64 + offsets  # wraps modulo 2**64 ...
    high = hi64 + (low < lo64).astype(np.uint64)  # ... and the wrap carries into the high half
    out = np.empty((offsets.size, 4), dtype=np.uint32)
    mask = np.uint64(_MASK32)
    out[:, 0] = low & mask
    out[:, 1] = low >> _SHIFT
    out[:, 2] = high & mask
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
    return philox_rounds(counters_from(counter, start, count), key)


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
