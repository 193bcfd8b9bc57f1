"""Rescaling: formula, dtypes, per-channel scales, gradients, config."""

import numpy as np
import pytest

from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads


@pytest.mark.parametrize("scale,offset", [(1 / 255, 0.0), (1 / 127.5, -1.0), (2, 3)])
def test_formula(scale, offset):
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(np.asarray(layers.Rescaling(scale, offset)(x)), x * scale + offset, rtol=1e-6)


def test_integer_input_becomes_float():
    y = layers.Rescaling(0.5)(np.array([[2, 4]], dtype="uint8"))
    assert np.asarray(y).dtype == np.float32
    np.testing.assert_allclose(np.asarray(y), [[1.0, 2.0]])


def test_per_channel_scale():
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(np.asarray(layers.Rescaling([1.0, 2.0, 3.0])(x)), [[1, 2, 3]] * 2)


def test_gradient():
    check_layer_grads(layers.Rescaling(0.3, 1.0, dtype="float64"), np.random.default_rng(0).normal(size=(2, 3)))


def test_shape_and_config():
    layer = layers.Rescaling(0.5, offset=0.1)
    assert layer.compute_output_shape((None, 4)) == (None, 4)
    assert layer.get_config()["scale"] == 0.5 and layer.get_config()["offset"] == 0.1
    assert_config_round_trip(layer)
    arr = layers.Rescaling(np.array([1.0, 2.0]))
    assert arr.get_config()["scale"]["class_name"] == "__numpy__"
    clone = assert_config_round_trip(arr)
    np.testing.assert_array_equal(clone.scale, [1.0, 2.0])
