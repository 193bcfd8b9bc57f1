"""Reshape: -1 resolution, unknown sizes, gradients, errors, config."""

import numpy as np
import pytest

import minikeras
from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads


@pytest.mark.parametrize("target,expected", [((3, 4), (2, 3, 4)), ((-1, 2), (2, 6, 2)), ((12,), (2, 12)),
                                             ((2, -1, 3), (2, 2, 2, 3))])
def test_shapes(target, expected):
    x = np.arange(24, dtype="float32").reshape(2, 12)
    y = np.asarray(layers.Reshape(target)(x))
    assert y.shape == expected
    np.testing.assert_array_equal(y.reshape(2, 12), x)
    assert layers.Reshape(target).compute_output_shape((None, 12)) == (None,) + expected[1:]


def test_unknown_input_size_keeps_minus_one_unknown():
    assert layers.Reshape((-1, 2)).compute_output_shape((None, None)) == (None, None, 2)
    assert layers.Reshape((2, -1))(minikeras.Input((6,))).shape == (None, 2, 3)


@pytest.mark.parametrize("target,match", [((-1, -1), "at most one unknown"), ((-2, 3), "non-negative integer")])
def test_bad_target(target, match):
    with pytest.raises(ValueError, match=match):
        layers.Reshape(target)


@pytest.mark.parametrize("target,match", [((5,), "must be unchanged"), ((5, -1), "cannot by divided")])
def test_incompatible_size(target, match):
    with pytest.raises(ValueError, match=match):
        layers.Reshape(target)(np.zeros((2, 12), "float32"))


def test_gradient():
    check_layer_grads(layers.Reshape((3, -1), dtype="float64"), np.random.default_rng(0).normal(size=(2, 6)))


def test_config():
    layer = layers.Reshape([2, -1])
    assert layer.get_config()["target_shape"] == (2, -1)
    assert_config_round_trip(layer)
