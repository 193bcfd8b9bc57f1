"""Identity: returns its inputs, any structure, in eager and functional use."""

import numpy as np

import minikeras
from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip


def test_returns_inputs_unchanged():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(np.asarray(layers.Identity()(x)), x)
    a, b = layers.Identity()([x, x * 2])
    np.testing.assert_array_equal(np.asarray(b), x * 2)


def test_functional_and_shape():
    inputs = minikeras.Input((4,))
    out = layers.Identity()(inputs)
    assert out.shape == (None, 4)
    assert layers.Identity().compute_output_shape((None, 4)) == (None, 4)
    model = minikeras.Model(inputs, out)
    x = np.ones((2, 4), "float32")
    np.testing.assert_array_equal(np.asarray(model(x)), x)


def test_gradient_passes_through():
    x = np.ones((2, 2))
    with minikeras.GradientTape() as tape:
        xt = tape.watch(x)
        total = minikeras.ops.sum(minikeras.ops.square(layers.Identity(dtype="float64")(xt)))
    np.testing.assert_allclose(np.asarray(tape.gradient(total, xt)), 2 * x)


def test_config():
    layer = layers.Identity(name="same")
    assert set(layer.get_config()) == {"name", "trainable", "dtype"}
    assert layer.built and layer.weights == []
    assert_config_round_trip(layer)
