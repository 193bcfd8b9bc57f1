"""Philox and the stateless ops: known answers, layout properties, statistics."""

import numpy as np
import pytest

from minikeras.random import libm_float, philox, stateless


@pytest.mark.parametrize("counter,key,expected", [
    ([0, 0, 0, 0], (0, 0), [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([0xFFFFFFFF] * 4, (0xFFFFFFFF, 0xFFFFFFFF), [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], (0xA4093822, 0x299F31D0),
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
])
def test_philox_known_answers(counter, key, expected):
    """Random123's Philox4x32-10 test vectors."""
    out = philox.philox_rounds(np.array([counter], dtype=np.uint32), key)
    assert out.dtype == np.uint32
    assert out[0].tolist() == expected


def test_counters_carry_across_words():
    c = philox.counters_from((0xFFFFFFFF, 0xFFFFFFFF, 5, 0), 0, 3)
    assert c.tolist() == [[0xFFFFFFFF, 0xFFFFFFFF, 5, 0], [0, 0, 6, 0], [1, 0, 6, 0]]


def test_stream_is_blocks_in_order():
    key, counter = (3, 4), (7, 0, 1, 2)
    stream = philox.uint32_stream(key, counter, 10)
    b = philox.blocks(key, counter, 0, 3).reshape(-1)
    np.testing.assert_array_equal(stream, b[:10])
    np.testing.assert_array_equal(philox.blocks(key, counter, 2, 1)[0], b[8:12])


# Values printed by TensorFlow 2.21 (tf.random.stateless_*(shape, seed=(1, 2))).
TF_UNIFORM = [0.8440604209899902, 0.19204533100128174, 0.9962232112884521, 0.16038739681243896, 0.27199018001556396]
TF_NORMAL = [0.544110119342804, 0.20738030970096588, 0.0735643208026886, 0.04643455147743225, -1.301589846611023]
TF_TRUNC = [0.544110119342804, 0.20738030970096588, 0.0735643208026886, 0.04643455147743225, 0.16820591688156128]
TF_UNIFORM64 = [0.7524837538451801, 0.9697857725627486, 0.17592233912897481]
TF_NORMAL64 = [-0.1423118100189212, 0.7406072461585091, -1.469047669443883]


def test_known_tf_values():
    np.testing.assert_array_equal(stateless.stateless_uniform((5,), (1, 2)), np.float32(TF_UNIFORM))
    np.testing.assert_array_equal(stateless.stateless_normal((5,), (1, 2)), np.float32(TF_NORMAL))
    np.testing.assert_array_equal(stateless.stateless_truncated_normal((5,), (1, 2)), np.float32(TF_TRUNC))
    np.testing.assert_array_equal(stateless.stateless_uniform((3,), (1, 2), dtype="float64"), TF_UNIFORM64)
    np.testing.assert_array_equal(stateless.stateless_normal((3,), (1, 2), dtype="float64"), TF_NORMAL64)


@pytest.mark.parametrize("fn", [stateless.stateless_uniform, stateless.stateless_normal,
                                stateless.stateless_truncated_normal])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_prefix_property_and_determinism(fn, dtype):
    """Element i does not depend on the total size (TF's layout), and the same seed repeats."""
    big = fn((1000,), (9, 4), dtype=dtype)
    small = fn((37,), (9, 4), dtype=dtype)
    assert big.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(big[:37], small)
    np.testing.assert_array_equal(fn((1000,), (9, 4), dtype=dtype), big)
    assert not np.array_equal(fn((1000,), (9, 5), dtype=dtype), big)
    np.testing.assert_array_equal(fn((10, 100), (9, 4), dtype=dtype).reshape(-1), big)


def test_statistics():
    u = stateless.stateless_uniform((200000,), (1, 1), 2.0, 5.0)
    assert u.min() >= 2.0 and u.max() < 5.0
    assert abs(u.mean() - 3.5) < 0.01
    z = stateless.stateless_normal((200000,), (1, 1), 1.0, 2.0)
    assert abs(z.mean() - 1.0) < 0.02 and abs(z.std() - 2.0) < 0.02
    t = stateless.stateless_truncated_normal((200000,), (1, 1))
    assert np.abs(t).max() < 2.0
    assert abs(t.std() - 0.87962566) < 0.01  # the std of a normal truncated at 2 sigma


@pytest.mark.parametrize("dtype,lo,hi", [("int32", 0, 3), ("int32", -10, 10), ("int64", -2**40, 2**40)])
def test_uniform_int(dtype, lo, hi):
    x = stateless.stateless_uniform((5000,), (4, 2), lo, hi, dtype)
    assert x.dtype == np.dtype(dtype) and x.min() >= lo and x.max() < hi
    assert len(np.unique(x)) > min(hi - lo, 1000) * 0.5


def test_dropout_mask():
    x = np.ones((1000, 10), np.float32)
    out, keep = stateless.stateless_dropout(x, 0.3, (1, 2))
    assert set(np.unique(out).tolist()) <= {0.0, np.float32(1 / 0.7)}
    assert abs(keep.mean() - 0.7) < 0.02


def test_bad_inputs():
    with pytest.raises(ValueError, match="non-negative"):
        stateless.stateless_uniform((-1, 2), (0, 0))
    with pytest.raises(ValueError, match="float dtype"):
        stateless.uniform_unit((2,), (0, 0), "int8")
    with pytest.raises(ValueError, match="minval < maxval"):
        stateless.stateless_uniform_int((2,), (0, 0), 5, 5)


def test_libm_rounding_is_close_to_correct_rounding():
    x = stateless.unit_float32(philox.uint32_stream((1, 2), (0, 0, 0, 0), 10000)) + np.float32(1e-3)
    np.testing.assert_allclose(libm_float.logf(x), np.log(x.astype(np.float64)), rtol=2e-7, atol=1e-9)
    y = x * np.float32(6)
    s, c = libm_float.sincosf(y)
    assert s.dtype == c.dtype == np.float32
    np.testing.assert_allclose(s, np.sin(y.astype(np.float64)), atol=2e-7)
    np.testing.assert_allclose(c, np.cos(y.astype(np.float64)), atol=2e-7)
