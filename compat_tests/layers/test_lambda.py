"""Lambda against TF Keras: values, gradients, output shapes, config shape, safe-mode error."""

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import compare_layers

rng = np.random.default_rng(19)


@pytest.mark.parametrize("body", ["square", "slice", "scale_arg"])
def test_forward_and_gradients(keras, body):
    def make(lib):
        if body == "square":
            return lib.layers.Lambda(lambda t: lib.ops.square(t))
        if body == "slice":
            return lib.layers.Lambda(lambda t: t[:, :2] * 3.0)
        return lib.layers.Lambda(lambda t, k: t * k, arguments={"k": 2.5})

    x = rng.normal(size=(3, 4)).astype("float32")
    compare_layers(make(minikeras), make(keras), x, output_shape_of=(None, 4))


@pytest.mark.parametrize("output_shape", [(5,), lambda s: (s[0], 7)])
def test_given_output_shape(keras, output_shape):
    assert (minikeras.layers.Lambda(lambda t: t, output_shape=output_shape).compute_output_shape((None, 3))
            == keras.layers.Lambda(lambda t: t, output_shape=output_shape).compute_output_shape((None, 3)))


def test_config_keys_and_safe_mode_error(keras):
    mk = minikeras.layers.Lambda(lambda t: t * 2.0, output_shape=(3,))
    k = keras.layers.Lambda(lambda t: t * 2.0, output_shape=(3,))
    mk_config, k_config = mk.get_config(), k.get_config()
    assert set(mk_config) == set(k_config)
    assert mk_config["function"]["class_name"] == k_config["function"]["class_name"] == "__lambda__"
    assert set(mk_config["function"]["config"]) == set(k_config["function"]["config"])
    with pytest.raises(ValueError) as k_err:
        keras.layers.Lambda.from_config(k_config)
    with pytest.raises(ValueError) as mk_err:
        minikeras.layers.Lambda.from_config(mk_config)
    assert str(mk_err.value) == str(k_err.value)


def test_named_function_config(keras):
    def doubler(t):
        return t * 2

    assert minikeras.layers.Lambda(doubler).get_config()["function"] == keras.layers.Lambda(doubler).get_config()["function"]
