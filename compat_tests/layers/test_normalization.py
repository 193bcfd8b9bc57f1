"""Normalization (preprocessing) against TF Keras: adapt, given statistics, invert, gradients, config."""

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import assert_same_config
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

rng = np.random.default_rng(12)


def _compare_outputs_and_grads(tf, mk, k, x):
    with minikeras.GradientTape() as tape:
        xt = tape.watch(x)
        total = minikeras.ops.sum(minikeras.ops.square(mk(xt)))
    kx = tf.Variable(x)
    with tf.GradientTape() as k_tape:
        k_out = k(kx)
        k_total = tf.reduce_sum(tf.square(k_out))
    assert_close(np.asarray(mk(x)), k_out.numpy(), **F32, item="layers.Normalization")
    assert_close(np.asarray(tape.gradient(total, xt)), k_tape.gradient(k_total, kx).numpy(), **F32,
                 item="layers.Normalization", kind="gradient")


@pytest.mark.parametrize("axis,shape", [(-1, (20, 3)), (None, (10, 4)), ((1, 2), (6, 3, 2)), (1, (5, 3, 2)),
                                        (-2, (5, 3, 2))])
@pytest.mark.parametrize("data_dtype", ["float32", "float64"])
def test_adapt_array(tf, keras, axis, shape, data_dtype):
    data = rng.normal(3.0, 2.0, size=shape).astype(data_dtype)
    mk, k = minikeras.layers.Normalization(axis=axis), keras.layers.Normalization(axis=axis)
    mk.adapt(data)
    k.adapt(data)
    assert [w.name for w in mk.weights] == [w.name for w in k.weights]
    for a, b in zip(mk.get_weights(), k.get_weights()):
        assert_close(a, b, **F32, item="layers.Normalization")
        assert np.asarray(a).dtype == np.asarray(b).dtype
    _compare_outputs_and_grads(tf, mk, k, rng.normal(size=shape).astype("float32"))


def test_adapt_batches(tf, keras):
    data = rng.normal(2.0, 5.0, size=(40, 3)).astype("float32")
    batches = [data[:9], data[9:25], data[25:]]
    mk, k = minikeras.layers.Normalization(), keras.layers.Normalization()
    mk.adapt(batches)
    k.adapt(batches)
    for a, b in zip(mk.get_weights(), k.get_weights()):
        assert_close(a, b, **F32, item="layers.Normalization")


def test_adapt_integer_array(tf, keras):
    data = rng.integers(0, 10, size=(15, 2))
    mk, k = minikeras.layers.Normalization(), keras.layers.Normalization()
    mk.adapt(data)
    k.adapt(data)
    for a, b in zip(mk.get_weights(), k.get_weights()):
        assert_close(a, b, **F32, item="layers.Normalization")


@pytest.mark.parametrize("invert", [False, True])
@pytest.mark.parametrize("mean,variance", [([1.0, -2.0, 0.5], [4.0, 0.25, 0.0]), (2.0, 9.0)])
def test_given_statistics(tf, keras, mean, variance, invert):
    mk = minikeras.layers.Normalization(mean=mean, variance=variance, invert=invert)
    k = keras.layers.Normalization(mean=mean, variance=variance, invert=invert)
    _compare_outputs_and_grads(tf, mk, k, rng.normal(size=(4, 3)).astype("float32"))
    assert mk.weights == [] and k.weights == []
    assert mk.compute_output_shape((None, 3)) == tuple(k.compute_output_shape((None, 3)))


@pytest.mark.parametrize("kwargs", [{}, {"axis": None}, {"axis": (1, 2), "invert": True},
                                    {"mean": [1.0, 2.0], "variance": [3.0, 4.0]}])
def test_config_matches(keras, kwargs):
    assert_same_config(minikeras.layers.Normalization(**kwargs), keras.layers.Normalization(**kwargs))
