"""Dropout against TF Keras: identical masks under the same seeds, inference identity, config, errors."""

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import assert_same_config
from compat_tests.recording import assert_close, assert_equal
from compat_tests.tolerances import F32

rng = np.random.default_rng(14)


@pytest.mark.parametrize("rate,noise_shape,shape", [(0.5, None, (6, 7)), (0.2, None, (3, 4, 5)),
                                                    (0.7, (None, 1, 5), (3, 4, 5)), (0.3, (1, 7), (6, 7))])
def test_same_masks_with_layer_seed(tf, keras, rate, noise_shape, shape):
    x = rng.normal(size=shape).astype("float32")
    mk = minikeras.layers.Dropout(rate, noise_shape=noise_shape, seed=42)
    k = keras.layers.Dropout(rate, noise_shape=noise_shape, seed=42)
    for _ in range(3):  # the stream advances identically call after call
        assert_close(np.asarray(mk(x, training=True)), k(x, training=True).numpy(), **F32, item="layers.Dropout")


def test_same_masks_after_set_random_seed(tf, keras):
    x = np.ones((5, 8), "float32")
    keras.utils.set_random_seed(123)
    k = keras.layers.Dropout(0.4)
    minikeras.utils.set_random_seed(123)
    mk = minikeras.layers.Dropout(0.4)
    assert_close(np.asarray(mk(x, training=True)), k(x, training=True).numpy(), **F32, item="layers.Dropout")


def test_gradient_matches(tf, keras):
    x = rng.normal(size=(4, 6)).astype("float32")
    mk, k = minikeras.layers.Dropout(0.5, seed=3), keras.layers.Dropout(0.5, seed=3)
    with minikeras.GradientTape() as tape:
        xt = tape.watch(x)
        total = minikeras.ops.sum(minikeras.ops.square(mk(xt, training=True)))
    kx = tf.Variable(x)
    with tf.GradientTape() as k_tape:
        k_total = tf.reduce_sum(tf.square(k(kx, training=True)))
    assert_close(np.asarray(tape.gradient(total, xt)), k_tape.gradient(k_total, kx).numpy(), **F32,
                 item="layers.Dropout", kind="gradient")


@pytest.mark.parametrize("training", [None, False])
def test_inference_is_identity(keras, training):
    x = rng.normal(size=(3, 3)).astype("float32")
    assert_equal(np.asarray(minikeras.layers.Dropout(0.5)(x, training=training)),
                 keras.layers.Dropout(0.5)(x, training=training).numpy(), item="layers.Dropout")


@pytest.mark.parametrize("kwargs", [{"rate": 1.5}, {"rate": -0.5}, {"rate": 0.5, "noise_shape": "x"},
                                    {"rate": 0.5, "noise_shape": (0, 2)}])
def test_same_errors(keras, kwargs):
    with pytest.raises(ValueError) as k_err:
        keras.layers.Dropout(**kwargs)
    with pytest.raises(ValueError) as mk_err:
        minikeras.layers.Dropout(**kwargs)
    assert str(mk_err.value) == str(k_err.value)


@pytest.mark.parametrize("kwargs", [{"rate": 0.5}, {"rate": 0.1, "noise_shape": (None, 1), "seed": 3}])
def test_config_matches(keras, kwargs):
    assert_same_config(minikeras.layers.Dropout(**kwargs), keras.layers.Dropout(**kwargs))
