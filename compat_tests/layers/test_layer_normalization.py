"""LayerNormalization against TF Keras: forward, gradients, rms_scaling, config."""

import warnings

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import assert_same_config, compare_layers
from compat_tests.recording import assert_close

rng = np.random.default_rng(11)

CASES = {
    "default": ({}, (4, 5)),
    "axis1_3d": ({"axis": 1}, (2, 3, 4)),
    "axes_12": ({"axis": [1, 2]}, (2, 3, 4)),
    "axes_unsorted": ({"axis": (2, 1)}, (2, 3, 2)),
    "no_center": ({"center": False}, (3, 4)),
    "no_scale": ({"scale": False}, (3, 4)),
    "epsilon": ({"epsilon": 1e-6}, (3, 6)),
    "rms_scaling": ({"rms_scaling": True}, (3, 4)),
}


def _make(module, kwargs, **extra):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return module.layers.LayerNormalization(**kwargs, **extra)


@pytest.mark.parametrize("case", list(CASES))
def test_forward_and_gradients(keras, case):
    kwargs, shape = CASES[case]
    k = _make(keras, kwargs)
    k.build(shape)
    weights = [rng.uniform(0.5, 2.0, w.shape).astype("float32") for w in k.weights]
    x = rng.normal(1.0, 2.0, size=shape).astype("float32")
    compare_layers(_make(minikeras, kwargs), k, x, weights=weights, output_shape_of=(None,) + shape[1:])


@pytest.mark.parametrize("case", ["default", "axes_12", "rms_scaling"])
def test_float64(keras, case):
    kwargs, shape = CASES[case]
    compare_layers(_make(minikeras, kwargs, dtype="float64"), _make(keras, kwargs, dtype="float64"),
                   rng.normal(size=shape))


def test_float64_input_float32_layer(keras):
    x = rng.normal(size=(3, 4))
    assert_close(np.asarray(minikeras.layers.LayerNormalization()(x)),
                 keras.layers.LayerNormalization()(x).numpy(), rtol=1e-6, atol=1e-7, item="layers.LayerNormalization")


@pytest.mark.parametrize("kwargs", [{}, {"axis": [1, 2], "epsilon": 1e-5, "gamma_regularizer": "l1"},
                                    {"rms_scaling": True, "center": False}])
def test_config_matches(keras, kwargs):
    assert_same_config(_make(minikeras, kwargs), _make(keras, kwargs))
