"""Keras 3's config format: objects, functional and sequential models, JSON round trips."""

import json
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import activations, constraints, initializers, losses, metrics, optimizers, regularizers
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers import Add, BatchNormalization, Concatenate, Dense, Dropout, Input, Layer
from minikeras.models.functional import Functional
from minikeras.models.model import Model
from minikeras.models.sequential import Sequential
from minikeras.saving import object_registration
from minikeras.saving.functional_config import functional_config, functional_from_config, map_graph
from minikeras.saving.serialization import (
    SafeModeScope,
    deserialize_keras_object,
    model_from_json,
    serialize_keras_object,
)


def json_round_trip(obj):
    return json.loads(json.dumps(obj))


# -- plain values -------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [None, "relu", 3, 2.5, True, [1, "a"], {"a": [1, 2]}])
def test_plain_values_pass_through(value):
    assert serialize_keras_object(value) == value
    assert deserialize_keras_object(value) == value


def test_tuples_stay_tuples_and_come_back_as_lists():
    assert serialize_keras_object((1, (2, 3))) == (1, (2, 3))
    assert deserialize_keras_object((1, 2)) == [1, 2]


@pytest.mark.parametrize("value, expected", [
    (b"abc", {"class_name": "__bytes__", "config": {"value": "abc"}}),
    (slice(1, None, 2), {"class_name": "__slice__", "config": {"start": 1, "stop": None, "step": 2}}),
    (Ellipsis, {"class_name": "__ellipsis__", "config": {}}),
    (np.array([1.5, 2.0], dtype="float32"), {"class_name": "__numpy__",
                                             "config": {"value": [1.5, 2.0], "dtype": "float32"}}),
    (np.float32(3.0), 3.0),
    (np.int64(4), 4),
])
def test_special_values(value, expected):
    config = serialize_keras_object(value)
    assert config == expected
    back = deserialize_keras_object(json_round_trip(config))
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(back, value)
        assert back.dtype == value.dtype
    else:
        assert back == value


def test_keras_tensor():
    x = Input((4,), name="inp")
    config = serialize_keras_object(x)
    assert config == {"class_name": "__keras_tensor__",
                      "config": {"shape": (None, 4), "dtype": "float32", "keras_history": ["inp", 0, 0]}}
    back = deserialize_keras_object(json_round_trip(config))
    assert isinstance(back, KerasTensor) and back.shape == (None, 4)
    assert back._pre_serialization_keras_history == ["inp", 0, 0]


def test_lambda_needs_unsafe_mode():
    with pytest.warns(UserWarning, match="lambda"):
        config = serialize_keras_object(lambda x, k=2: x * k)
    config = json_round_trip(config)
    with pytest.raises(ValueError, match="deserialization of a Python lambda"):
        deserialize_keras_object(config)
    fn = deserialize_keras_object(config, safe_mode=False)
    assert fn(3) == 6
    with SafeModeScope(False):
        assert deserialize_keras_object(config)(4) == 8


def test_lambda_closure_values():
    factor = 5
    with pytest.warns(UserWarning):
        config = serialize_keras_object(lambda x: x * factor)
    assert deserialize_keras_object(config, safe_mode=False)(2) == 10


# -- built-in objects ---------------------------------------------------------------------------
OBJECTS = [
    ("keras.optimizers", lambda: optimizers.Adam(learning_rate=0.01)),
    ("keras.optimizers", lambda: optimizers.SGD(0.1, momentum=0.9)),
    ("keras.optimizers", lambda: optimizers.RMSprop()),
    ("keras.optimizers.schedules", lambda: optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)),
    ("keras.losses", lambda: losses.MeanSquaredError()),
    ("keras.losses", lambda: losses.CategoricalCrossentropy(from_logits=True)),
    ("keras.metrics", lambda: metrics.Accuracy()),
    ("keras.metrics", lambda: metrics.MeanSquaredError()),
    ("keras.initializers", lambda: initializers.GlorotUniform(seed=1)),
    ("keras.initializers", lambda: initializers.Zeros()),
    ("keras.regularizers", lambda: regularizers.L2(0.1)),
    ("keras.regularizers", lambda: regularizers.L1L2(0.1, 0.2)),
    ("keras.constraints", lambda: constraints.MaxNorm(2)),
    ("keras.layers", lambda: Dense(3, activation="relu", name="d")),
    ("keras.layers", lambda: Dropout(0.3)),
    ("keras.layers", lambda: BatchNormalization(momentum=0.9)),
    ("keras.layers", lambda: Concatenate(axis=-1)),
]


@pytest.mark.parametrize("module, make", OBJECTS, ids=[f"{m}-{i}" for i, (m, _) in enumerate(OBJECTS)])
def test_builtin_objects_round_trip(module, make):
    obj = make()
    config = serialize_keras_object(obj)
    assert config["module"] == module
    assert config["class_name"] == type(obj).__name__
    assert config["registered_name"] is None
    assert config["config"] == serialize_keras_object(obj.get_config())
    back = deserialize_keras_object(json_round_trip(config))
    assert type(back) is type(obj)
    assert json_round_trip(back.get_config()) == json_round_trip(obj.get_config())


def test_metric_and_loss_with_the_same_name_keep_their_modules():
    assert serialize_keras_object(losses.MeanSquaredError())["module"] == "keras.losses"
    assert serialize_keras_object(metrics.MeanSquaredError())["module"] == "keras.metrics"
    back = deserialize_keras_object(serialize_keras_object(metrics.MeanSquaredError()))
    assert isinstance(back, metrics.MeanSquaredError)


@pytest.mark.parametrize("fn", [activations.relu, activations.softmax, losses.mean_squared_error])
def test_builtin_functions(fn):
    config = serialize_keras_object(fn)
    assert config == {"module": "builtins", "class_name": "function", "config": fn.__name__,
                      "registered_name": "function"}
    assert deserialize_keras_object(config) is fn


def test_layer_build_config():
    layer = Dense(2)
    assert "build_config" not in serialize_keras_object(layer)
    layer.build((None, 4))
    layer._build_shapes = (None, 4)
    assert serialize_keras_object(layer)["build_config"] == {"input_shape": (None, 4)}
    back = deserialize_keras_object(json_round_trip(serialize_keras_object(layer)))
    assert back.built and back.kernel.shape == (4, 2)


def test_layer_without_own_build_has_no_build_config():
    inputs = Input((3,))
    layer = Dropout(0.5)
    layer(inputs)
    assert "build_config" not in serialize_keras_object(layer)


def test_unknown_class_says_what_is_missing():
    config = {"module": "keras.layers", "class_name": "NoSuchLayer", "config": {}, "registered_name": None}
    with pytest.raises(TypeError, match="Could not locate class 'NoSuchLayer'"):
        deserialize_keras_object(config)


def test_unknown_function():
    config = {"module": "builtins", "class_name": "function", "config": "no_such_fn", "registered_name": "function"}
    with pytest.raises(TypeError, match="Could not locate function 'no_such_fn'"):
        deserialize_keras_object(config)


def test_bad_inner_config():
    with pytest.raises(TypeError, match="Expected 'config' to be a dict for Dense"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "Dense", "config": [1]})


def test_dict_without_class_name_is_deserialized_item_by_item():
    config = {"opt": serialize_keras_object(optimizers.SGD(0.5)), "n": 3}
    back = deserialize_keras_object(config)
    assert isinstance(back["opt"], optimizers.SGD) and back["n"] == 3


# -- custom objects -----------------------------------------------------------------------------
class Scale(Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return minikeras.ops.multiply(x, self.factor)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_custom_class_needs_custom_objects():
    config = json_round_trip(serialize_keras_object(Scale(3.0, name="s")))
    assert config["module"] == __name__
    assert config["class_name"] == "Scale" and config["registered_name"] == "Scale"
    with pytest.raises(TypeError, match="Could not locate class 'Scale'"):
        deserialize_keras_object(config)
    assert deserialize_keras_object(config, custom_objects={"Scale": Scale}).factor == 3.0
    with object_registration.CustomObjectScope({"Scale": Scale}):
        assert deserialize_keras_object(config).name == "s"


def test_class_defined_in_main_has_no_module():
    main_class = type("MainLayer", (Scale,), {"__module__": "__main__"})
    assert serialize_keras_object(main_class())["module"] is None


def test_registered_class_and_function():
    saved = dict(object_registration.get_custom_objects())
    try:
        @object_registration.register_keras_serializable(package="tests")
        class Registered(Scale):
            pass

        @object_registration.register_keras_serializable(package="tests")
        def my_activation(x):
            return x

        config = json_round_trip(serialize_keras_object(Registered(name="r")))
        assert config["registered_name"] == "tests>Registered"
        assert type(deserialize_keras_object(config)) is Registered
        fn_config = serialize_keras_object(my_activation)
        assert fn_config == {"module": "builtins", "class_name": "function", "config": "tests>my_activation",
                             "registered_name": "function"}
        assert deserialize_keras_object(fn_config) is my_activation
        # A subclass of a registered class is not registered itself.
        sub = type("Sub", (Registered,), {})
        assert serialize_keras_object(sub())["registered_name"] == "Sub"
    finally:
        object_registration.get_custom_objects().clear()
        object_registration.get_custom_objects().update(saved)


# -- functional models --------------------------------------------------------------------------
def lesson_model():
    inputs = Input((4,))
    x = Dense(10, activation="relu")(inputs)
    return Model(inputs, Dense(3, activation="softmax")(x))


def branching_model():
    a, b = Input((3,), name="a"), Input((5,), name="b")
    c = Concatenate()([a, b])
    d = Dropout(0.2)(c)
    n = BatchNormalization()(d)
    return Model([a, b], [Dense(2, name="out1")(n), Dense(1, name="out2")(c)])


def test_lesson_config_shape():
    config = lesson_model().get_config()
    assert set(config) == {"name", "trainable", "layers", "input_layers", "output_layers"}
    assert config["name"] == "functional" and config["trainable"] is True
    assert [layer["name"] for layer in config["layers"]] == ["input_layer", "dense", "dense_1"]
    first, second = config["layers"][0], config["layers"][1]
    assert first == {"module": "keras.layers", "class_name": "InputLayer",
                     "config": {"batch_shape": (None, 4), "dtype": "float32", "sparse": False, "ragged": False,
                                "name": "input_layer", "optional": False},
                     "registered_name": None, "name": "input_layer", "inbound_nodes": []}
    assert second["build_config"] == {"input_shape": (None, 4)}
    assert second["inbound_nodes"] == [{"args": ({"class_name": "__keras_tensor__", "config": {
        "shape": (None, 4), "dtype": "float32", "keras_history": ["input_layer", 0, 0]}},), "kwargs": {}}]
    assert config["input_layers"] == ["input_layer", 0, 0]
    assert config["output_layers"] == ["dense_1", 0, 0]


def test_list_inputs_and_outputs_keep_their_nesting():
    config = branching_model().get_config()
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == [["out1", 0, 0], ["out2", 0, 0]]
    inputs = Input((2,), name="single")
    assert Model([inputs], [Dense(1, name="o")(inputs)]).get_config()["input_layers"] == [["single", 0, 0]]


def test_dict_inputs_and_outputs():
    x, y = Input((3,), name="x"), Input((3,), name="y")
    config = Model({"x": x, "y": y}, {"out": Add(name="add")([x, y])}).get_config()
    assert config["input_layers"] == {"x": ["x", 0, 0], "y": ["y", 0, 0]}
    assert config["output_layers"] == {"out": ["add", 0, 0]}
    model = Functional.from_config(json_round_trip(config))
    assert json_round_trip(model.get_config()) == json_round_trip(config)
    out = model({"x": np.ones((2, 3), "float32"), "y": np.ones((2, 3), "float32")})
    np.testing.assert_allclose(out["out"], 2.0)


def test_keras_implicit_call_kwargs_are_recorded():
    layers = {layer["name"]: layer for layer in branching_model().get_config()["layers"]}
    # Keras records Dropout's default `training=False`, and `mask=None` for layers taking a mask.
    assert layers["dropout"]["inbound_nodes"][0]["kwargs"] == {"training": False}
    assert layers["batch_normalization"]["inbound_nodes"][0]["kwargs"] == {"mask": None}
    assert layers["concatenate"]["inbound_nodes"][0]["args"][0][1]["config"]["keras_history"] == ["b", 0, 0]
    assert "build_config" not in layers["dropout"]


def test_branching_round_trip_and_same_outputs():
    model = branching_model()
    config = json_round_trip(model.get_config())
    rebuilt = Model.from_config(config)
    assert isinstance(rebuilt, Functional)
    assert json_round_trip(rebuilt.get_config()) == config
    rebuilt.set_weights(model.get_weights())
    x = [np.random.rand(4, 3).astype("float32"), np.random.rand(4, 5).astype("float32")]
    for a, b in zip(model.predict(x, verbose=0), rebuilt.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_rebuilt_dropout_still_trains():
    inputs = Input((200,))
    model = Model(inputs, Dropout(0.5)(inputs))
    rebuilt = Model.from_config(json_round_trip(model.get_config()))
    out = np.asarray(rebuilt(np.ones((2, 200), "float32"), training=True))
    assert (out == 0).any()  # the recorded training=False does not pin the layer to inference


def test_shared_layer_nodes():
    inputs = Input((3,), name="a")
    shared = Dense(3, name="sh")
    model = Model(inputs, [shared(shared(inputs)), Dense(1, name="t")(inputs)])
    config = model.get_config()
    sh = [layer for layer in config["layers"] if layer["name"] == "sh"][0]
    assert [n["args"][0]["config"]["keras_history"] for n in sh["inbound_nodes"]] == [["a", 0, 0], ["sh", 0, 0]]
    assert config["output_layers"] == [["sh", 1, 0], ["t", 0, 0]]
    rebuilt = Model.from_config(json_round_trip(config))
    assert len(rebuilt.get_layer("sh")._inbound_nodes) == 2
    assert len(rebuilt.weights) == 4


def test_calls_outside_the_model_are_not_counted():
    layer = Dense(2, name="reused")
    other = Input((4,))
    layer(other)  # a call belonging to no model below
    inputs = Input((4,), name="inp")
    model = Model(inputs, Dense(1, name="head")(layer(inputs)))
    config = model.get_config()
    reused = [entry for entry in config["layers"] if entry["name"] == "reused"][0]
    assert len(reused["inbound_nodes"]) == 1
    head = [entry for entry in config["layers"] if entry["name"] == "head"][0]
    assert head["inbound_nodes"][0]["args"][0]["config"]["keras_history"] == ["reused", 0, 0]
    Model.from_config(json_round_trip(config))


def test_nested_functional_model_indices():
    inner_input = Input((4,))
    inner = Model(inner_input, Dense(2)(inner_input), name="inner")
    outer_input = Input((4,))
    model = Model(outer_input, inner(outer_input))
    config = model.get_config()
    # Keras counts a nested functional model's own construction as its call 0.
    assert config["output_layers"] == ["inner", 1, 0]
    entry = [layer for layer in config["layers"] if layer["name"] == "inner"][0]
    assert entry["module"] == "keras.src.models.functional" and entry["registered_name"] == "Functional"
    assert entry["build_config"] == {"input_shape": None}
    assert entry["inbound_nodes"][0]["kwargs"] == {"mask": None}
    rebuilt = Model.from_config(json_round_trip(config))
    rebuilt.set_weights(model.get_weights())
    x = np.random.rand(3, 4).astype("float32")
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_layers_in_keras_order():
    inputs = Input((6,), name="in")
    a = Dense(4, name="a")(inputs)
    c = Dense(4, name="c")(inputs)
    b = Dense(4, name="b")(a)
    model = Model(inputs, Dense(1, name="out")(Concatenate(name="cat")([b, c, a])))
    nodes_by_depth, layers, _ = map_graph(model)
    # Deepest first; at equal depth, in the order a walk back from the outputs meets them.
    assert [layer.name for layer in layers] == ["in", "a", "b", "c", "cat", "out"]
    assert sorted(nodes_by_depth) == [0, 1, 2, 3, 4]
    assert [layer["name"] for layer in functional_config(model)["layers"]] == ["in", "a", "b", "c", "cat", "out"]


def test_unused_input_is_kept():
    used, unused = Input((2,), name="used"), Input((2,), name="unused")
    model = Model([used, unused], Dense(1, name="o")(used))
    assert [layer["name"] for layer in model.get_config()["layers"]] == ["used", "unused", "o"]


def test_invalid_graph_config():
    config = json_round_trip(lesson_model().get_config())
    config["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["dense_1", 0, 0]
    with pytest.raises(ValueError, match="either has loops or disconnected nodes"):
        functional_from_config(Functional, config)


def test_keras2_style_config_loads():
    config = {
        "name": "old", "layers": [
            {"class_name": "InputLayer", "name": "in",
             "config": {"batch_shape": [None, 3], "dtype": "float32", "name": "in"}, "inbound_nodes": []},
            {"class_name": "Dense", "name": "d", "config": {"units": 2, "name": "d"},
             "inbound_nodes": [[["in", 0, 0, {}]]]},
        ],
        "input_layers": [["in", 0, 0]], "output_layers": [["d", 0, 0]],
    }
    model = Model.from_config(config)
    assert [layer.name for layer in model.layers] == ["in", "d"]
    assert model.outputs[0].shape == (None, 2)


def test_serialized_functional_model_and_json():
    model = lesson_model()
    config = serialize_keras_object(model)
    assert config["module"] == "keras.src.models.functional"
    assert config["class_name"] == "Functional" and config["registered_name"] == "Functional"
    assert config["build_config"] == {"input_shape": None}
    assert config["compile_config"] == {}
    text = model.to_json()
    assert json.loads(text) == json_round_trip(config)
    rebuilt = model_from_json(text)
    assert isinstance(rebuilt, Functional)
    assert json.loads(rebuilt.to_json()) == json.loads(text)


def test_compiled_model_json_compiles_the_rebuilt_model():
    model = lesson_model()
    model.compile(optimizer=optimizers.SGD(0.05), loss="categorical_crossentropy", metrics=["accuracy"])
    config = json.loads(model.to_json())
    compile_config = config["compile_config"]
    assert compile_config["optimizer"]["class_name"] == "SGD"
    assert compile_config["loss"] == "categorical_crossentropy"
    assert compile_config["metrics"] == ["accuracy"]
    rebuilt = model_from_json(json.dumps(config))
    assert rebuilt.compiled and isinstance(rebuilt.optimizer, optimizers.SGD)
    assert rebuilt.optimizer is not model.optimizer
    assert rebuilt.optimizer.get_config()["learning_rate"] == pytest.approx(0.05)


# -- sequential models --------------------------------------------------------------------------
def test_sequential_serialization():
    model = Sequential([Input((4,)), Dense(2), Dropout(0.1)])
    config = serialize_keras_object(model)
    assert (config["module"], config["class_name"], config["registered_name"]) == ("keras", "Sequential", None)
    assert config["build_config"] == {"input_shape": (None, 4)}
    layers = config["config"]["layers"]
    assert [entry["class_name"] for entry in layers] == ["InputLayer", "Dense", "Dropout"]
    assert "build_config" not in layers[0] and "build_config" not in layers[2]
    assert layers[1]["build_config"] == {"input_shape": (None, 4)}
    rebuilt = model_from_json(model.to_json())
    assert isinstance(rebuilt, Sequential) and rebuilt.built
    assert json.loads(rebuilt.to_json()) == json.loads(model.to_json())


def test_unbuilt_sequential_serialization():
    model = Sequential([Dense(2)])
    config = serialize_keras_object(model)
    assert "build_config" not in config
    rebuilt = deserialize_keras_object(json_round_trip(config))
    assert not rebuilt.built and rebuilt.layers[0].units == 2


def test_sequential_with_custom_layer():
    model = Sequential([Input((3,)), Scale(4.0, name="scale")])
    text = model.to_json()
    with pytest.raises(TypeError, match="Could not locate class 'Scale'"):
        model_from_json(text)
    rebuilt = model_from_json(text, custom_objects={"Scale": Scale})
    np.testing.assert_allclose(rebuilt.predict(np.ones((1, 3), "float32"), verbose=0), 4.0)


def test_no_warnings_on_plain_models():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model_from_json(lesson_model().to_json())
