"""Lambda: call conventions, output shapes, functional use, gradients, config and safe mode."""

import numpy as np
import pytest

import minikeras
from minikeras import layers, ops
from minikeras.saving import register_keras_serializable
from tests.layers.layer_checks import check_layer_grads


def test_calls_function_with_arguments():
    layer = layers.Lambda(lambda x, k: x * k, arguments={"k": 3.0})
    np.testing.assert_allclose(np.asarray(layer(np.ones((2, 2), "float32"))), 3 * np.ones((2, 2)))


def test_passes_training_and_mask_only_when_asked():
    seen = {}

    def fn(x, training=None, mask=None):
        seen.update(training=training, mask=mask)
        return x

    layers.Lambda(fn)(np.ones((1, 1), "float32"), training=True)
    assert seen == {"training": True, "mask": None}
    layers.Lambda(lambda x: x)(np.ones((1, 1), "float32"), training=True)  # would fail if training were passed


def test_output_shape_inferred_given_or_callable():
    assert layers.Lambda(lambda x: x[:, :2]).compute_output_shape((None, 5)) == (None, 2)
    assert layers.Lambda(lambda x: x, output_shape=(7,)).compute_output_shape((None, 5)) == (None, 7)
    assert layers.Lambda(lambda x: x, output_shape=lambda s: (s[0], 1)).compute_output_shape((None, 5)) == (None, 1)
    with pytest.raises(NotImplementedError, match="output_shape"):
        layers.Lambda(lambda x: x.undefined).compute_output_shape((None, 5))


def test_functional_model():
    inputs = minikeras.Input((4,))
    out = layers.Lambda(lambda t: ops.square(t[:, 1:]))(inputs)
    assert out.shape == (None, 3)
    model = minikeras.Model(inputs, out)
    x = np.arange(8, dtype="float32").reshape(2, 4)
    np.testing.assert_allclose(np.asarray(model(x)), x[:, 1:] ** 2)


def test_gradient():
    check_layer_grads(layers.Lambda(lambda t: ops.tanh(t) * 2.0, dtype="float64"), np.random.default_rng(0).normal(size=(2, 3)))


def test_config_of_python_lambda_needs_unsafe_mode():
    layer = layers.Lambda(lambda x, s=2.0: x * s, output_shape=(3,))
    config = layer.get_config()
    assert config["function"]["class_name"] == "__lambda__"
    assert config["output_shape"] == (3,) and config["arguments"] == {}
    with pytest.raises(ValueError, match="safe_mode=False"):
        layers.Lambda.from_config(config)
    clone = layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(np.asarray(clone(np.ones((1, 3), "float32"))), 2 * np.ones((1, 3)))


def test_config_of_registered_function_round_trips():
    @register_keras_serializable(package="LambdaTest")
    def triple(x):
        return x * 3.0

    config = layers.Lambda(triple).get_config()
    assert config["function"] == {"module": "builtins", "class_name": "function", "config": "LambdaTest>triple",
                                  "registered_name": "function"}
    clone = layers.Lambda.from_config(config)
    assert clone.function is triple


def test_unknown_function_name():
    config = layers.Lambda(lambda x: x).get_config()
    config["function"] = {"module": "builtins", "class_name": "function", "config": "nope_fn", "registered_name": "function"}
    with pytest.raises(TypeError, match="Could not locate function 'nope_fn'"):
        layers.Lambda.from_config(config)
