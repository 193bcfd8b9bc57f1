"""Identity against TF Keras."""

import numpy as np

import minikeras
from compat_tests.layers.layer_compat import assert_same_config, compare_layers


def test_identity(keras):
    x = np.random.default_rng(16).normal(size=(3, 4)).astype("float32")
    compare_layers(minikeras.layers.Identity(), keras.layers.Identity(), x, output_shape_of=(None, 4))
    assert_same_config(minikeras.layers.Identity(), keras.layers.Identity())
