"""Rescaling against TF Keras."""

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import assert_same_config, compare_layers
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

rng = np.random.default_rng(13)


@pytest.mark.parametrize("scale,offset", [(1 / 255, 0.0), (1 / 127.5, -1.0), (3, 2), ([0.5, 2.0, 1.0], 0.1)])
def test_forward_and_gradients(keras, scale, offset):
    x = rng.normal(size=(4, 3)).astype("float32") * 100
    compare_layers(minikeras.layers.Rescaling(scale, offset), keras.layers.Rescaling(scale, offset), x,
                   output_shape_of=(None, 3))


def test_uint8_input(keras):
    x = rng.integers(0, 256, size=(3, 4)).astype("uint8")
    mk, k = minikeras.layers.Rescaling(1 / 255), keras.layers.Rescaling(1 / 255)
    assert_close(np.asarray(mk(x)), k(x).numpy(), **F32, item="layers.Rescaling")
    assert np.asarray(mk(x)).dtype == k(x).numpy().dtype


@pytest.mark.parametrize("scale,offset", [(0.5, 0.0), (2, -1)])
def test_config_matches(keras, scale, offset):
    assert_same_config(minikeras.layers.Rescaling(scale, offset), keras.layers.Rescaling(scale, offset))
