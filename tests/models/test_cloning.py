"""`clone_model`: same architecture and layer configs, new layers, fresh weights."""

import numpy as np
import pytest

import minikeras
from minikeras import optimizers
from minikeras.layers import Concatenate, Dense, Dropout, Input, Layer
from minikeras.models.cloning import clone_model
from minikeras.models.functional import Functional
from minikeras.models.model import Model
from minikeras.models.sequential import Sequential


def two_branch_model():
    a, b = Input((3,), name="a"), Input((5,), name="b")
    shared = Dense(8, name="shared")
    c = Concatenate(name="cat")([shared(Concatenate()([a, b])), b])
    return Model([a, b], [Dense(2, name="out1")(c), Dense(1, name="out2")(shared(Concatenate()([b, a])))])


def data():
    rng = np.random.default_rng(0)
    return [rng.random((4, 3), dtype="float32"), rng.random((4, 5), dtype="float32")]


def assert_new_layers_same_configs(original, clone):
    assert len(original.layers) == len(clone.layers)
    for old, new in zip(original.layers, clone.layers):
        assert old is not new
        assert type(old) is type(new)
        assert old.get_config() == new.get_config()


def test_functional_clone_has_new_layers_and_fresh_weights():
    minikeras.utils.set_random_seed(1)
    model = two_branch_model()
    clone = clone_model(model)
    assert isinstance(clone, Functional) and clone.name == model.name
    assert_new_layers_same_configs(model, clone)
    assert clone.get_config() == model.get_config()
    kernels = [(old, new) for old, new in zip(model.weights, clone.weights) if old.name == "kernel"]
    assert kernels and all(old is not new for old, new in kernels)
    assert not any(np.allclose(old.numpy(), new.numpy()) for old, new in kernels)  # re-initialised


def test_functional_clone_computes_the_same_with_the_same_weights():
    model = two_branch_model()
    clone = clone_model(model)
    clone.set_weights(model.get_weights())
    for a, b in zip(model.predict(data(), verbose=0), clone.predict(data(), verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_shared_layer_stays_shared():
    clone = clone_model(two_branch_model())
    shared = clone.get_layer("shared")
    assert len(shared._inbound_nodes) == 2
    assert len(clone.weights) == 2 + 2 + 2  # shared, out1, out2


def test_training_the_clone_leaves_the_original_alone():
    model = two_branch_model()
    before = [w.copy() for w in model.get_weights()]
    clone = clone_model(model)
    clone.compile("sgd", "mse")
    clone.fit(data(), [np.ones((4, 2)), np.ones((4, 1))], verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_sequential_clone():
    model = Sequential([Input((4,), name="inp"), Dense(3, name="h"), Dropout(0.5), Dense(1, name="o")], name="seq")
    clone = clone_model(model)
    assert isinstance(clone, Sequential) and clone.name == "seq"
    assert clone.built and clone.input_shape == (None, 4)
    assert clone._layers[0].name == "inp" and clone._layers[0] is not model._layers[0]
    assert_new_layers_same_configs(model, clone)
    assert clone.get_config() == model.get_config()


def test_unbuilt_sequential_clone_stays_unbuilt():
    clone = clone_model(Sequential([Dense(3), Dense(1)]))
    assert not clone.built
    assert [layer.units for layer in clone.layers] == [3, 1]


def test_clone_function_can_share_layers():
    model = Sequential([Input((4,)), Dense(3), Dense(1)])
    clone = clone_model(model, clone_function=lambda layer: layer)
    assert all(old is new for old, new in zip(model.layers, clone.layers))


def test_clone_function_can_change_layers():
    model = two_branch_model()

    def rename(layer):
        config = layer.get_config()
        config["name"] = layer.name + "_copy"
        return layer.__class__.from_config(config)

    clone = clone_model(model, clone_function=rename)
    assert [layer.name for layer in clone.layers][:2] == ["a", "b"]  # inputs are not passed to it
    assert "shared_copy" in [layer.name for layer in clone.layers]
    assert len(clone.get_layer("shared_copy")._inbound_nodes) == 2  # called once per layer


def test_call_function():
    calls = []

    def call(layer, *args, **kwargs):
        calls.append(layer.name)
        return layer(*args, **kwargs)

    inputs = Input((4,), name="i")
    model = Model(inputs, Dense(1, name="o")(Dense(2, name="h")(inputs)))
    clone_model(model, call_function=call)
    assert calls == ["h", "o"]


def nested():
    inner = Sequential([Input((4,)), Dense(2, name="id2")], name="inner")
    outer_input = Input((4,), name="i2")
    return inner, Model(outer_input, Dense(1, name="od")(inner(outer_input)), name="outer")


def test_nested_model_cloned_through_its_config():
    inner, outer = nested()
    clone = clone_model(outer)
    assert clone.layers[1] is not inner
    assert clone.layers[1].layers[0] is not inner.layers[0]
    clone.set_weights(outer.get_weights())
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), outer.predict(x, verbose=0), rtol=1e-6)


def test_recursive_applies_clone_function_inside_nested_models():
    inner, outer = nested()
    seen = []

    def record(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    clone_model(outer, clone_function=record, recursive=True)
    assert seen == ["id2", "od"]
    seen.clear()
    clone_model(outer, clone_function=record)
    assert seen == ["inner", "od"]


def test_input_tensors_functional():
    model = two_branch_model()
    new_a, new_b = Input((3,), name="new_a"), Input((5,), name="new_b")
    clone = clone_model(model, input_tensors=[new_a, new_b])
    assert clone.inputs[0] is new_a and clone.inputs[1] is new_b


def test_input_tensors_wrong_structure():
    with pytest.raises(ValueError, match="same structure as model.input"):
        clone_model(two_branch_model(), input_tensors=[Input((3,))])
    with pytest.raises(ValueError, match="must be KerasTensors"):
        clone_model(two_branch_model(), input_tensors=[np.zeros((1, 3)), np.zeros((1, 5))])


def test_input_tensors_sequential():
    model = Sequential([Input((4,)), Dense(2)])
    new_input = Input((4,), name="given")
    clone = clone_model(model, input_tensors=new_input)
    assert clone.inputs[0] is new_input
    with pytest.raises(ValueError, match="must contain a single tensor"):
        clone_model(model, input_tensors=[new_input, new_input])
    with pytest.raises(ValueError, match="must be a KerasTensor"):
        clone_model(model, input_tensors=np.zeros((1, 4)))


def test_compiled_model_clone_is_compiled_with_a_new_optimizer():
    model = Sequential([Input((4,)), Dense(1)])
    model.compile(optimizers.Adam(0.01), "mse", metrics=["mae"])
    clone = clone_model(model)
    assert clone.compiled
    assert isinstance(clone.optimizer, optimizers.Adam) and clone.optimizer is not model.optimizer
    assert clone.optimizer.get_config()["learning_rate"] == pytest.approx(0.01)
    history = clone.fit(np.ones((4, 4)), np.ones((4, 1)), verbose=0)
    assert "mae" in history.history


def test_sequential_rejects_call_function():
    with pytest.raises(ValueError, match="not supported with Sequential"):
        clone_model(Sequential([Input((2,)), Dense(1)]), call_function=lambda layer, x: layer(x))


def test_unexpected_keyword():
    with pytest.raises(ValueError, match="Unexpected keyword argument"):
        clone_model(Sequential([Dense(1)]), foo=1)


class Subclassed(Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = Dense(units)

    def call(self, x):
        return self.dense(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_cloned_through_config():
    model = Subclassed(units=5, name="sub")
    clone = clone_model(model)
    assert type(clone) is Subclassed and clone is not model
    assert clone.units == 5 and clone.name == "sub"
    with pytest.raises(ValueError, match="only supported for Sequential models or Functional models"):
        clone_model(model, clone_function=lambda layer: layer)
    with pytest.raises(ValueError, match="only supported for Functional models"):
        clone_model(model, call_function=lambda layer, x: layer(x))


def test_custom_layer_in_functional_model():
    class Double(Layer):
        def call(self, x):
            return minikeras.ops.multiply(x, 2.0)

        def compute_output_shape(self, input_shape):
            return input_shape

    inputs = Input((2,))
    model = Model(inputs, Double(name="double")(inputs))
    clone = clone_model(model)
    assert isinstance(clone.get_layer("double"), Double)
    np.testing.assert_allclose(clone.predict(np.ones((1, 2), "float32"), verbose=0), 2.0)
