"""ELU layer: formula, gradients, config (with alpha, as Keras's automatic config)."""

import numpy as np
import pytest

from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads

x = np.array([[-3.0, -0.5, 0.2, 2.0]])


@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_values_and_gradients(alpha):
    layer = layers.ELU(alpha=alpha, dtype="float64")
    np.testing.assert_allclose(np.asarray(layer(x)), np.where(x > 0, x, alpha * np.expm1(x)), rtol=1e-12)
    check_layer_grads(layer, x)


def test_config():
    layer = layers.ELU(alpha=2.0)
    assert list(layer.get_config())[:2] == ["name", "alpha"] and layer.get_config()["alpha"] == 2.0
    clone = assert_config_round_trip(layer)
    assert clone.alpha == 2.0
