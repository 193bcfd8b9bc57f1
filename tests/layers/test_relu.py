"""ReLU layer: Keras's general form, gradients, errors, config."""

import numpy as np
import pytest

from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads

x = np.array([[-3.0, -1.0, -0.2, 0.3, 0.7, 1.5, 4.0, 7.0]])


def _reference(x, max_value=None, negative_slope=0.0, threshold=0.0):
    y = np.where(x >= threshold, x, negative_slope * (x - threshold))
    return np.minimum(y, max_value) if max_value is not None else y


@pytest.mark.parametrize("kwargs", [{}, {"max_value": 6.0}, {"max_value": 1.0}, {"negative_slope": 0.1},
                                    {"threshold": 0.5}, {"max_value": 5.0, "negative_slope": 0.2, "threshold": 1.0}])
def test_values_and_gradients(kwargs):
    out = np.asarray(layers.ReLU(dtype="float64", **kwargs)(x))
    # rtol 1e-7: TensorFlow's leaky_relu takes its slope as a float32 attribute, even for float64 data.
    np.testing.assert_allclose(out, _reference(x, **kwargs), rtol=1e-7)
    check_layer_grads(layers.ReLU(dtype="float64", **kwargs), x)


@pytest.mark.parametrize("kwargs,match", [({"max_value": -1.0}, "max_value"), ({"negative_slope": -0.1}, "negative_slope"),
                                          ({"negative_slope": None}, "negative_slope"), ({"threshold": -1.0}, "threshold")])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.ReLU(**kwargs)


def test_config():
    layer = layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5)
    assert layer.name == "re_lu"
    config = layer.get_config()
    assert (config["max_value"], config["negative_slope"], config["threshold"]) == (6.0, 0.1, 0.5)
    assert_config_round_trip(layer)
