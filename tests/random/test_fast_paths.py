"""The vectorised fast paths agree with their slow, obvious definitions.

* Philox word planes (chunked, in place) against a plain one-block-at-a-time Philox in Python ints;
* the glibc `logf`/`sincosf` model against the C library itself;
* the vectorised Fisher-Yates against the sequential swaps;
* chunk boundaries of the stateless draws (prefix property across the chunk size).
"""

import numpy as np
import pytest

from minikeras.random import fit_shuffle, glibc_float, libm_float, philox, stateless


def philox_block(counter, key):
    """One Philox4x32-10 block, straight from its definition, in Python ints."""
    c, (k0, k1) = list(counter), key
    for _ in range(10):
        p0, p1 = 0xD2511F53 * c[0], 0xCD9E8D57 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k0, p1 & 0xFFFFFFFF, (p0 >> 32) ^ c[3] ^ k1, p0 & 0xFFFFFFFF]
        k0, k1 = (k0 + 0x9E3779B9) & 0xFFFFFFFF, (k1 + 0xBB67AE85) & 0xFFFFFFFF
    return c


def add128(counter, offset):
    total = sum(w << (32 * i) for i, w in enumerate(counter)) + offset
    return [(total >> (32 * i)) & 0xFFFFFFFF for i in range(4)]


@pytest.mark.parametrize("counter,start", [((0, 0, 5, 6), 0), ((2**32 - 3, 7, 1, 2), 0),
                                           ((2**32 - 3, 2**32 - 1, 2**32 - 1, 9), 1), ((0, 0, 0, 0), 2**40)])
def test_word_planes_match_the_definition(counter, start, monkeypatch):
    monkeypatch.setattr(philox, "CHUNK", 4)  # several chunks, one of them partial
    key = (0x12345678, 0x9ABCDEF0)
    planes = philox.word_planes(key, counter, start, 11)
    want = np.array([philox_block(add128(counter, start + j), key) for j in range(11)], dtype=np.uint32)
    np.testing.assert_array_equal(planes.T, want)
    offsets = np.array([0, 3, 2**33, 7, 2**64 - 1], dtype=np.uint64)
    at = philox.word_planes_at(key, counter, offsets)
    want_at = np.array([philox_block(add128(counter, int(o)), key) for o in offsets], dtype=np.uint32)
    np.testing.assert_array_equal(at.T, want_at)


def test_iter_word_planes_covers_the_range_in_chunks():
    key, counter = (1, 2), (0, 0, 3, 4)
    parts = [(s, w.copy()) for s, w in philox.iter_word_planes(key, counter, 5, 10, chunk=4)]
    assert [s for s, _ in parts] == [0, 4, 8]
    np.testing.assert_array_equal(np.concatenate([w for _, w in parts], axis=1), philox.word_planes(key, counter, 5, 10))
    assert list(philox.iter_word_planes(key, counter, 0, 0)) == []


def _box_muller_inputs(count, seed):
    m = np.random.default_rng(seed).integers(0, 1 << 23, count).astype(np.float64) * 2.0**-23
    return m


@pytest.mark.skipif(libm_float._libm() is None, reason="no loadable C math library")
def test_logf_model_matches_the_c_library():
    lib = libm_float._libm()
    x = np.maximum(_box_muller_inputs(20000, 1), 1e-7).astype(np.float32)
    x = np.concatenate([x, np.float32([1e-7, 2.0**-23, 0.5, 1.0, 3.0, 1e30, 2.0**-126])])
    want = libm_float._c_logf(lib, x)
    np.testing.assert_array_equal(libm_float.logf(x).view(np.uint32), want.view(np.uint32))
    assert libm_float._model_agrees("logf", lib)
    # The model alone (no C library for flagged values) already agrees on these inputs.
    raw = glibc_float.logf_double(x).astype(np.float32)
    assert np.mean(raw.view(np.uint32) == want.view(np.uint32)) > 0.999


@pytest.mark.skipif(libm_float._libm() is None, reason="no loadable C math library")
def test_sincosf_model_matches_the_c_library():
    lib = libm_float._libm()
    x = ((2.0 * np.pi) * _box_muller_inputs(20000, 2)).astype(np.float32)
    near_quadrants = (np.array([k * np.pi / 2 for k in range(-4, 5)], np.float32).view(np.int32)[:, None]
                      + np.arange(-40, 41, dtype=np.int32)).reshape(-1).view(np.float32)
    x = np.concatenate([x, near_quadrants, np.float32([0.0, -0.0, 1e-6, -3.0, 100.0, 119.9, 500.0, 1e20])])
    want_s, want_c = libm_float._c_sincosf(lib, x)
    got_s, got_c = libm_float.sincosf(x)
    np.testing.assert_array_equal(got_s.view(np.uint32), want_s.view(np.uint32))
    np.testing.assert_array_equal(got_c.view(np.uint32), want_c.view(np.uint32))
    assert libm_float._model_agrees("sincosf", lib)


def test_midpoint_flag():
    y = np.array([1.0, 1.0 + 2.0**-24, 1.0 + 2.0**-24 + 2.0**-40, 1.0 + 2.0**-24 + 2.0**-30, 1.0 + 2.0**-25])
    np.testing.assert_array_equal(libm_float._near_half(y), [False, True, True, False, False])


def sequential_fisher_yates(targets):
    perm = list(range(len(targets) + 1))
    for j, t in enumerate(targets.tolist()):
        perm[j], perm[t] = perm[t], perm[j]
    return np.array(perm)


@pytest.mark.parametrize("kind", ["random", "identity", "near", "last"])
@pytest.mark.parametrize("n", [2, 3, 5, 17, 1000])
def test_vectorised_fisher_yates_is_the_sequential_one(kind, n):
    rng = np.random.default_rng(n)
    j = np.arange(n - 1)
    targets = {"random": j + rng.integers(0, 2**32, n - 1) % (n - j), "identity": j,
               "near": np.minimum(j + rng.integers(0, 3, n - 1), n - 1), "last": np.full(n - 1, n - 1)}[kind]
    np.testing.assert_array_equal(fit_shuffle.fisher_yates(targets), sequential_fisher_yates(targets))


@pytest.mark.parametrize("seed", [0, 1, 2**31 + 5])
def test_shuffle_permutation_is_the_sequential_one(seed):
    n = 5003
    key, counter = philox.key_counter_from_op_seeds(*fit_shuffle.op_seeds(seed))
    words = philox.uint32_stream(key, counter, n - 1).astype(np.int64)
    j = np.arange(n - 1)
    np.testing.assert_array_equal(fit_shuffle.shuffle_permutation(n, fit_shuffle.op_seeds(seed)),
                                  sequential_fisher_yates(j + words % (n - j)))


@pytest.mark.parametrize("fn", [stateless.stateless_uniform, stateless.stateless_normal,
                                stateless.stateless_truncated_normal])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_draws_do_not_depend_on_the_chunk_size(fn, dtype, monkeypatch):
    whole = fn((1001,), (3, 4), dtype=dtype)
    monkeypatch.setattr(philox, "CHUNK", 7)
    np.testing.assert_array_equal(fn((1001,), (3, 4), dtype=dtype), whole)


@pytest.mark.parametrize("fn", [stateless.stateless_uniform, stateless.stateless_normal,
                                stateless.stateless_truncated_normal])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_empty_draws(fn, dtype):
    out = fn((0, 3), (1, 2), dtype=dtype)
    assert out.shape == (0, 3) and out.dtype == np.dtype(dtype)
