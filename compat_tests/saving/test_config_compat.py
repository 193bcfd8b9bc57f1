"""Model and object configs: the same dicts as Keras 3, and loadable on the other side.

Each model is built by one function on both sides (`K` is `keras` or
`minikeras`) from fresh name counters, so auto-generated names agree.
"""

import copy
import json
import warnings

import numpy as np
import pytest

import minikeras
from compat_tests.tolerances import F32
from minikeras.saving.serialization import model_from_json, serialize_keras_object


def normalised(config):
    """JSON's view of a config (tuples become lists), as both sides write it to disk."""
    return json.loads(json.dumps(config))


def fresh(K):
    if K is minikeras:
        minikeras.utils.clear_session()
    else:
        K.backend.clear_session()


def lesson(K):
    inputs = K.Input((4,))
    x = K.layers.Dense(10, activation="relu")(inputs)
    return K.Model(inputs, K.layers.Dense(3, activation="softmax")(x))


def branching(K):
    a, b = K.Input((3,), name="a"), K.Input((5,), name="b")
    c = K.layers.Concatenate()([a, b])
    n = K.layers.BatchNormalization()(K.layers.Dropout(0.2)(c))
    return K.Model([a, b], [K.layers.Dense(2, name="out1")(n), K.layers.Dense(1, name="out2")(c)])


def single_in_list(K):
    inputs = K.Input((4,))
    return K.Model([inputs], [K.layers.Dense(2)(inputs)])


def nested(K):
    inner_input = K.Input((4,))
    inner = K.Model(inner_input, K.layers.Dense(2)(inner_input), name="inner")
    outer_input = K.Input((4,))
    return K.Model(outer_input, K.layers.Dense(1)(inner(outer_input)))


def shared(K):
    inputs = K.Input((3,), name="a")
    layer = K.layers.Dense(3, name="sh")
    return K.Model(inputs, [layer(layer(inputs)), K.layers.Dense(1, name="t")(inputs)])


def dict_io(K):
    x, y = K.Input((3,), name="x"), K.Input((3,), name="y")
    out = K.layers.Dropout(0.5)(K.layers.Add()([x, y]), training=True)
    return K.Model({"x": x, "y": y}, {"out": out})


def sequential(K):
    return K.Sequential([K.Input((4,)), K.layers.Dense(2, activation="tanh"), K.layers.Dropout(0.1),
                         K.layers.Dense(1)])


def sequential_input_dim(K):
    return K.Sequential([K.layers.Dense(64, input_dim=100), K.layers.Dense(10)])


def sequential_unbuilt(K):
    return K.Sequential([K.layers.Dense(2), K.layers.Dense(1)])


def regularised(K):
    inputs = K.Input((4,))
    x = K.layers.Dense(3, kernel_regularizer=K.regularizers.L2(0.01), kernel_constraint=K.constraints.MaxNorm(2),
                       kernel_initializer=K.initializers.HeNormal(seed=3), use_bias=False)(inputs)
    return K.Model(inputs, K.layers.Activation("sigmoid")(x))


FUNCTIONAL = [lesson, branching, single_in_list, nested, shared, dict_io, regularised]
SEQUENTIAL = [sequential, sequential_input_dim, sequential_unbuilt]
MODELS = FUNCTIONAL + SEQUENTIAL


def build(K, make):
    fresh(K)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make(K)


def inputs_for(model):
    rng = np.random.default_rng(0)
    structure = model._inputs_struct if hasattr(model, "_inputs_struct") else model.inputs

    def sample(t):
        return rng.random((3,) + tuple(t.shape[1:]), dtype="float32")

    if isinstance(structure, dict):
        return {k: sample(t) for k, t in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [sample(t) for t in structure]
    return sample(structure)


def assert_same_predictions(source, target):
    """`target` given `source`'s weights computes what `source` computes (inference mode)."""
    for layer in source.layers:  # layer by layer: the weights are paired by layer name
        target.get_layer(layer.name).set_weights([np.asarray(w) for w in layer.get_weights()])
    x = inputs_for(source)
    expected = source.predict(x, verbose=0)
    actual = target.predict(x, verbose=0)
    flat = lambda y: list(y.values()) if isinstance(y, dict) else (list(y) if isinstance(y, (list, tuple)) else [y])
    for a, b in zip(flat(actual), flat(expected)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), **F32)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_get_config_equals_keras(keras, make):
    expected = normalised(build(keras, make).get_config())
    assert normalised(build(minikeras, make).get_config()) == expected


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_serialized_model_equals_keras(keras, make):
    expected = normalised(keras.saving.serialize_keras_object(build(keras, make)))
    assert normalised(serialize_keras_object(build(minikeras, make))) == expected


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_minikeras_config_loads_in_keras(keras, make):
    model = build(minikeras, make)
    config = normalised(model.get_config())
    cls = keras.Sequential if make in SEQUENTIAL else keras.Model
    rebuilt = cls.from_config(copy.deepcopy(config))  # Keras empties the dict it is given
    assert normalised(rebuilt.get_config()) == config
    if model.built:
        assert_same_predictions(model, rebuilt)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_keras_config_loads_in_minikeras(keras, make):
    model = build(keras, make)
    config = normalised(model.get_config())
    cls = minikeras.Sequential if make in SEQUENTIAL else minikeras.Model
    rebuilt = cls.from_config(copy.deepcopy(config))
    assert normalised(rebuilt.get_config()) == config
    if model.built:
        assert_same_predictions(model, rebuilt)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_json_both_ways(keras, make):
    mini = build(minikeras, make)
    from_mini = keras.models.model_from_json(mini.to_json())
    assert json.loads(from_mini.to_json()) == json.loads(mini.to_json())
    real = build(keras, make)
    from_keras = model_from_json(real.to_json())
    assert json.loads(from_keras.to_json()) == json.loads(real.to_json())


def test_compiled_model_json_both_ways(keras):
    real, mini = build(keras, lesson), build(minikeras, lesson)
    for K, model in ((keras, real), (minikeras, mini)):
        model.compile(optimizer=K.optimizers.SGD(0.05, momentum=0.5), loss="categorical_crossentropy",
                      metrics=["accuracy"])
    assert json.loads(mini.to_json()) == json.loads(real.to_json())
    loaded = model_from_json(real.to_json())
    assert loaded.compiled and isinstance(loaded.optimizer, minikeras.optimizers.SGD)
    assert keras.models.model_from_json(mini.to_json()).compiled


OBJECTS = [
    lambda K: K.optimizers.Adam(),
    lambda K: K.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    lambda K: K.optimizers.RMSprop(0.01),
    lambda K: K.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9),
    lambda K: K.losses.MeanSquaredError(),
    lambda K: K.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    lambda K: K.losses.mean_squared_error,
    lambda K: K.metrics.Accuracy(),
    lambda K: K.metrics.MeanSquaredError(),
    lambda K: K.activations.relu,
    lambda K: K.initializers.GlorotUniform(seed=1),
    lambda K: K.initializers.Zeros(),
    lambda K: K.regularizers.L2(0.1),
    lambda K: K.constraints.MaxNorm(2),
    lambda K: K.layers.Dense(3, activation="relu", name="d"),
    lambda K: K.layers.Dropout(0.3, name="drop"),
    lambda K: K.layers.BatchNormalization(name="bn"),
    lambda K: K.layers.Concatenate(name="cat"),
    lambda K: K.Input((3,), name="in"),
]


@pytest.mark.parametrize("make", OBJECTS, ids=[f"object{i}" for i in range(len(OBJECTS))])
def test_object_serialization_equals_keras(keras, make):
    fresh(keras)
    expected = normalised(keras.saving.serialize_keras_object(make(keras)))
    fresh(minikeras)
    actual = normalised(serialize_keras_object(make(minikeras)))
    assert actual == expected
    if isinstance(expected, dict) and expected.get("class_name") != "__keras_tensor__":
        # Keras reads minikeras's config and the other way round.
        assert normalised(keras.saving.serialize_keras_object(keras.saving.deserialize_keras_object(actual))) \
            == expected
        assert normalised(serialize_keras_object(minikeras.saving.serialization.deserialize_keras_object(
            expected))) == actual
