"""Flatten and Reshape against TF Keras: values, gradients, output shapes, errors, config."""

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import assert_same_config, compare_layers

rng = np.random.default_rng(15)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 5), (3,), (2, 2, 3, 2)])
def test_flatten(keras, shape, data_format):
    x = rng.normal(size=shape).astype("float32")
    compare_layers(minikeras.layers.Flatten(data_format=data_format), keras.layers.Flatten(data_format=data_format),
                   x, output_shape_of=(None,) + shape[1:])


@pytest.mark.parametrize("shape", [(None, 3, None), (None,), (4, 2, 3)])
def test_flatten_output_shape(keras, shape):
    assert minikeras.layers.Flatten().compute_output_shape(shape) == keras.layers.Flatten().compute_output_shape(shape)


@pytest.mark.parametrize("target", [(3, 4), (-1, 2), (12,), (2, -1, 3), (1, 12)])
def test_reshape(keras, target):
    x = rng.normal(size=(2, 12)).astype("float32")
    compare_layers(minikeras.layers.Reshape(target), keras.layers.Reshape(target), x, output_shape_of=(None, 12))


@pytest.mark.parametrize("target,shape", [((-1, 2), (None, None)), ((3, -1), (None, 6)), ((2, 3), (None, None))])
def test_reshape_output_shape(keras, target, shape):
    assert (minikeras.layers.Reshape(target).compute_output_shape(shape)
            == keras.layers.Reshape(target).compute_output_shape(shape))


@pytest.mark.parametrize("target", [(-1, -1), (-3, 2)])
def test_reshape_same_errors(keras, target):
    with pytest.raises(ValueError) as k_err:
        keras.layers.Reshape(target)
    with pytest.raises(ValueError) as mk_err:
        minikeras.layers.Reshape(target)
    assert str(mk_err.value) == str(k_err.value)


def test_configs(keras):
    assert_same_config(minikeras.layers.Flatten(data_format="channels_first"),
                       keras.layers.Flatten(data_format="channels_first"))
    assert_same_config(minikeras.layers.Reshape((2, -1)), keras.layers.Reshape((2, -1)))
