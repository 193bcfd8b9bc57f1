"""Softmax, ReLU, LeakyReLU and ELU layers against TF Keras."""

import warnings

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import assert_same_config, compare_layers
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

rng = np.random.default_rng(18)
X = np.array([[-7.0, -3.0, -1.0, -0.2, 0.0, 0.3, 0.7, 1.0, 1.5, 4.0, 6.0, 7.0]], dtype="float32")

CASES = [
    ("Softmax", {}), ("Softmax", {"axis": 0}), ("Softmax", {"axis": (1, 2)}), ("Softmax", {"axis": [1]}),
    ("ReLU", {}), ("ReLU", {"max_value": 6.0}), ("ReLU", {"max_value": 1.0}), ("ReLU", {"negative_slope": 0.1}),
    ("ReLU", {"threshold": 0.5}), ("ReLU", {"max_value": 5.0, "negative_slope": 0.2, "threshold": 1.0}),
    ("ReLU", {"negative_slope": 0.3, "threshold": 0.5}),
    ("LeakyReLU", {}), ("LeakyReLU", {"negative_slope": 0.01}),
    ("ELU", {}), ("ELU", {"alpha": 0.5}),
]


def _x(name, kwargs):
    if name == "Softmax":
        return rng.normal(size=(2, 3, 4)).astype("float32") * 3
    return X


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_forward_and_gradients(keras, name, kwargs, dtype):
    x = _x(name, kwargs).astype(dtype)
    compare_layers(getattr(minikeras.layers, name)(dtype=dtype, **kwargs),
                   getattr(keras.layers, name)(dtype=dtype, **kwargs), x,
                   output_shape_of=(None,) + x.shape[1:])


@pytest.mark.parametrize("mask_dtype", ["bool", "float32"])
def test_softmax_mask(tf, keras, mask_dtype):
    x = rng.normal(size=(2, 5)).astype("float32")
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]]).astype(mask_dtype)
    compare_layers(minikeras.layers.Softmax(), keras.layers.Softmax(), x, call_kwargs={"mask": mask})


def test_leaky_relu_alpha_alias(keras):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert minikeras.layers.LeakyReLU(alpha=0.2).negative_slope == keras.layers.LeakyReLU(alpha=0.2).negative_slope


@pytest.mark.parametrize("name,kwargs", [("ReLU", {"max_value": -1.0}), ("ReLU", {"negative_slope": -0.1}),
                                         ("ReLU", {"threshold": -1.0}), ("LeakyReLU", {"negative_slope": -1.0})])
def test_same_errors(keras, name, kwargs):
    with pytest.raises(ValueError) as k_err:
        getattr(keras.layers, name)(**kwargs)
    with pytest.raises(ValueError) as mk_err:
        getattr(minikeras.layers, name)(**kwargs)
    assert str(mk_err.value) == str(k_err.value)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_config_and_name_match(keras, name, kwargs):
    mk, k = getattr(minikeras.layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    assert mk.name == k.name
    assert_same_config(mk, k)


def test_layers_match_in_a_model(keras):
    x = rng.normal(size=(4, 3)).astype("float32")

    def build(lib):
        inputs = lib.Input((3,))
        h = lib.layers.LeakyReLU()(lib.layers.ELU(alpha=0.7)(inputs))
        return lib.Model(inputs, lib.layers.Softmax()(lib.layers.ReLU(max_value=2.0)(h)))

    assert_close(np.asarray(build(minikeras)(x)), build(keras)(x).numpy(), **F32,
                 item=["layers.LeakyReLU", "layers.ELU", "layers.Softmax", "layers.ReLU"])
