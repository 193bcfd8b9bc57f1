"""LayerNormalization: formula, axes, rms_scaling, gradients, config."""

import numpy as np
import pytest

from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads

rng = np.random.default_rng(1)


def test_normalises_each_sample():
    x = rng.normal(2, 3, size=(4, 5)).astype("float32")
    y = np.asarray(layers.LayerNormalization()(x))
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


def test_multiple_axes_and_weight_shapes():
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    layer = layers.LayerNormalization(axis=[2, 1])
    y = np.asarray(layer(x))
    assert layer.axis == [1, 2]
    assert layer.gamma.shape == (3, 4) and layer.beta.shape == (3, 4)
    expected = (x - x.mean((1, 2), keepdims=True)) / np.sqrt(x.var((1, 2), keepdims=True) + 1e-3)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


def test_middle_axis_broadcasts_gamma_and_beta():
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    layer = layers.LayerNormalization(axis=1)
    layer.build(x.shape)
    gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.0, -0.5])
    layer.set_weights([gamma, beta])
    m, v = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    expected = (x - m) / np.sqrt(v + 1e-3) * gamma[:, None] + beta[:, None]
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-5)


def test_rms_scaling_formula_and_weights():
    x = rng.normal(1, 2, size=(3, 4)).astype("float32")
    with pytest.warns(UserWarning, match="deprecated"):
        layer = layers.LayerNormalization(rms_scaling=True)
    y = np.asarray(layer(x))
    assert [w.name for w in layer.weights] == ["gamma"]
    np.testing.assert_allclose(y, x / np.sqrt(x.var(-1, keepdims=True) + 1e-3), rtol=1e-5)


@pytest.mark.parametrize("center,scale,names", [(True, True, ["gamma", "beta"]), (False, True, ["gamma"]),
                                                (True, False, ["beta"]), (False, False, [])])
def test_center_scale(center, scale, names):
    layer = layers.LayerNormalization(center=center, scale=scale)
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == names


@pytest.mark.parametrize("kwargs,shape", [({}, (3, 4)), ({"axis": 1}, (2, 3, 2)), ({"axis": [1, 2]}, (2, 2, 3)),
                                          ({"rms_scaling": True}, (3, 4)), ({"epsilon": 0.5}, (3, 4))])
def test_gradients(kwargs, shape):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = layers.LayerNormalization(dtype="float64", **kwargs)
    layer.build(shape)
    layer.set_weights([rng.uniform(0.5, 2, w.shape) for w in layer.weights])
    check_layer_grads(layer, rng.normal(size=shape), rtol=1e-5, atol=1e-7)


def test_float64_input_in_float32_layer_computes_in_float64_then_casts():
    x = rng.normal(size=(2, 3))
    y = layers.LayerNormalization()(x)
    assert np.asarray(y).dtype == np.float32


def test_errors():
    with pytest.raises(TypeError, match="Expected an int or a list/tuple of ints"):
        layers.LayerNormalization(axis="x")
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=3).compute_output_shape((None, 2))


def test_config_round_trip():
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=1e-5, center=False, gamma_regularizer="l1")
    config = layer.get_config()
    assert set(config) == {"name", "trainable", "dtype", "axis", "epsilon", "center", "scale", "rms_scaling",
                           "beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
                           "beta_constraint", "gamma_constraint"}
    assert_config_round_trip(layer)
