"""Softmax layer: axes, mask, gradients, config."""

import numpy as np
import pytest

from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads

rng = np.random.default_rng(4)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 1, (1, 2), [2]])
def test_values(axis):
    x = rng.normal(size=(2, 3, 4))
    out = np.asarray(layers.Softmax(axis=axis, dtype="float64")(x))
    ax = tuple(axis) if isinstance(axis, (tuple, list)) else axis
    np.testing.assert_allclose(out, _softmax(x, ax), rtol=1e-12)


def test_mask_zeroes_masked_positions():
    x = rng.normal(size=(2, 4)).astype("float32")
    mask = np.array([[1, 1, 0, 1], [0, 1, 1, 1]], dtype=bool)
    out = np.asarray(layers.Softmax()(x, mask=mask))
    assert (out[~mask] == 0).all()
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-6)
    float_mask = np.asarray(layers.Softmax()(x, mask=mask.astype("float32")))
    np.testing.assert_array_equal(out, float_mask)


def test_mask_errors():
    x = np.zeros((2, 4), "float32")
    with pytest.raises(ValueError, match="must not have more dimensions"):
        layers.Softmax()(x, mask=np.ones((1, 2, 4), bool))
    with pytest.raises(ValueError, match="Each mask dimension must be 1"):
        layers.Softmax()(x, mask=np.ones((2, 3), bool))


@pytest.mark.parametrize("axis", [-1, 0, (1, 2)])
def test_gradients(axis):
    check_layer_grads(layers.Softmax(axis=axis, dtype="float64"), rng.normal(size=(2, 3, 2)))


def test_config():
    assert layers.Softmax(axis=1).get_config()["axis"] == 1
    assert layers.Softmax().compute_output_shape((None, 5)) == (None, 5)
    assert_config_round_trip(layers.Softmax(axis=[1, 2]))
