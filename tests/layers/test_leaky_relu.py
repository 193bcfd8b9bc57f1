"""LeakyReLU layer: default slope 0.3, deprecated alpha, gradients, errors, config."""

import numpy as np
import pytest

from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads

x = np.array([[-2.0, -0.5, 0.4, 3.0]])


def test_default_slope_is_0_3():
    layer = layers.LeakyReLU(dtype="float64")
    assert layer.negative_slope == 0.3
    np.testing.assert_allclose(np.asarray(layer(x)), np.where(x > 0, x, 0.3 * x))


def test_alpha_is_deprecated_alias():
    with pytest.warns(UserWarning, match="alpha"):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.3, 1.5])
def test_gradients(slope):
    check_layer_grads(layers.LeakyReLU(negative_slope=slope, dtype="float64"), x)


@pytest.mark.parametrize("slope", [None, -0.1])
def test_errors(slope):
    with pytest.raises(ValueError, match="cannot be None or negative"):
        layers.LeakyReLU(negative_slope=slope)


def test_config():
    layer = layers.LeakyReLU(negative_slope=0.2)
    assert layer.name == "leaky_re_lu" and layer.get_config()["negative_slope"] == 0.2
    assert_config_round_trip(layer)
