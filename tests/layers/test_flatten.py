"""Flatten: shapes, channels_first order, gradients, errors, config."""

import numpy as np
import pytest

import minikeras
from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads


@pytest.mark.parametrize("shape,expected", [((2, 3, 4), (2, 12)), ((2, 3), (2, 3)), ((5,), (5, 1)),
                                            ((2, 1, 2, 3), (2, 6))])
def test_shapes(shape, expected):
    x = np.zeros(shape, "float32")
    assert np.shape(layers.Flatten()(x)) == expected
    assert layers.Flatten().compute_output_shape(shape) == expected


def test_unknown_sizes():
    assert layers.Flatten().compute_output_shape((None, 3, None)) == (None, None)
    assert layers.Flatten()(minikeras.Input((3, 4))).shape == (None, 12)


def test_channels_first_moves_channels_last():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    y = np.asarray(layers.Flatten(data_format="channels_first")(x))
    np.testing.assert_array_equal(y, np.transpose(x, (0, 2, 1)).reshape(2, 12))


def test_gradient():
    check_layer_grads(layers.Flatten(data_format="channels_first", dtype="float64"),
                      np.random.default_rng(0).normal(size=(2, 3, 2)))


def test_errors_and_config():
    with pytest.raises(ValueError, match="data_format"):
        layers.Flatten(data_format="nhwc")
    with pytest.raises(ValueError, match="min_ndim=1"):
        layers.Flatten()(np.float32(3.0))
    assert layers.Flatten().get_config()["data_format"] == "channels_last"
    assert_config_round_trip(layers.Flatten(data_format="channels_first"))
