"""Dropout: inference identity, training statistics, noise_shape, seeds, gradients, errors, config."""

import numpy as np
import pytest

import minikeras
from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip


def test_inference_is_identity():
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    layer = layers.Dropout(0.5)
    assert layer(x) is x or np.array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)


def test_training_drops_and_scales():
    x = np.ones((200, 50), "float32")
    y = np.asarray(layers.Dropout(0.3, seed=1)(x, training=True))
    assert set(np.unique(y)).issubset({0.0, np.float32(1 / 0.7)})
    assert abs((y == 0).mean() - 0.3) < 0.02
    assert abs(y.mean() - 1.0) < 0.03


def test_rate_zero_and_one():
    x = np.ones((3, 4), "float32")
    np.testing.assert_array_equal(np.asarray(layers.Dropout(0.0)(x, training=True)), x)
    np.testing.assert_array_equal(np.asarray(layers.Dropout(1.0)(x, training=True)), np.zeros_like(x))


def test_noise_shape_shares_mask():
    x = np.ones((4, 6, 5), "float32")
    y = np.asarray(layers.Dropout(0.5, noise_shape=(None, 1, 5), seed=3)(x, training=True))
    assert (y == y[:, :1, :]).all()


def test_same_seed_same_mask_and_calls_advance():
    x = np.ones((8, 8), "float32")
    a, b = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    first = np.asarray(a(x, training=True))
    np.testing.assert_array_equal(first, np.asarray(b(x, training=True)))
    assert not np.array_equal(first, np.asarray(a(x, training=True)))


def test_gradient_is_the_mask():
    x = np.random.default_rng(1).normal(size=(5, 4))
    layer = layers.Dropout(0.4, seed=2, dtype="float64")
    with minikeras.GradientTape() as tape:
        xt = tape.watch(x)
        y = layer(xt, training=True)
        total = minikeras.ops.sum(y)
    grad = np.asarray(tape.gradient(total, xt))
    np.testing.assert_allclose(grad, np.where(np.asarray(y) != 0, 1 / 0.6, 0.0))


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_bad_rate(rate):
    with pytest.raises(ValueError, match="Expected a float value between 0 and 1"):
        layers.Dropout(rate)


@pytest.mark.parametrize("noise_shape,match", [("abc", "tuple or list"), (3, "iterable of integers"),
                                               ((None, 1.5), "integers or None"), ((0, 2), "negative or zero")])
def test_bad_noise_shape(noise_shape, match):
    with pytest.raises(ValueError, match=match):
        layers.Dropout(0.5, noise_shape=noise_shape)


def test_shape_config_and_no_weights():
    layer = layers.Dropout(0.2, noise_shape=[None, 1], seed=5)
    assert layer.noise_shape == (None, 1)
    assert layer.compute_output_shape((None, 3)) == (None, 3)
    assert layer.weights == [] and layer.built
    config = layer.get_config()
    assert {k: config[k] for k in ("rate", "seed", "noise_shape")} == {"rate": 0.2, "seed": 5, "noise_shape": (None, 1)}
    assert_config_round_trip(layer)
