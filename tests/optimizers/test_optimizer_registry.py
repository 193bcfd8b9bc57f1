"""`optimizers.get/serialize/deserialize` and every optimizer's config round trip."""

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.backend.variables import Variable
from minikeras.optimizers import schedules
from minikeras.saving.object_registration import CustomObjectScope, get_custom_objects, register_keras_serializable

DEFAULTS = {
    "sgd": (optimizers.SGD, 0.01),
    "adam": (optimizers.Adam, 0.001),
    "adamw": (optimizers.AdamW, 0.001),
    "rmsprop": (optimizers.RMSprop, 0.001),
    "adagrad": (optimizers.Adagrad, 0.001),
    "adadelta": (optimizers.Adadelta, 0.001),
    "adamax": (optimizers.Adamax, 0.001),
    "nadam": (optimizers.Nadam, 0.001),
    "lion": (optimizers.Lion, 0.001),
}


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_get_by_name_gives_keras_defaults(name):
    cls, lr = DEFAULTS[name]
    optimizer = optimizers.get(name)
    assert type(optimizer) is cls
    assert optimizer.get_config()["learning_rate"] == float(np.float32(lr))
    assert optimizers.get(name.upper()).__class__ is cls


def test_get_passes_instances_and_none_through():
    optimizer = optimizers.Adam()
    assert optimizers.get(optimizer) is optimizer
    assert optimizers.get(None) is None


@pytest.mark.parametrize("bad, suggestion", [("adm", "'adam'"), ("sgdd", "'sgd'"), ("rmsprp", "'rmsprop'"),
                                             ("nadamw", "'nadam'")])
def test_unknown_name_suggests_close_names(bad, suggestion):
    with pytest.raises(ValueError, match=f"Could not interpret optimizer identifier: '{bad}'") as info:
        optimizers.get(bad)
    assert suggestion in str(info.value)


def test_get_rejects_other_objects():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 3"):
        optimizers.get(3)


CONFIGS = {
    "sgd": lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True, clipnorm=1.0, name="opt"),
    "adam": lambda: optimizers.Adam(learning_rate=0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-3, amsgrad=True,
                                    weight_decay=0.01),
    "adamw": lambda: optimizers.AdamW(weight_decay=0.1, global_clipnorm=2.0, use_ema=True, ema_momentum=0.9,
                                      ema_overwrite_frequency=5),
    "rmsprop": lambda: optimizers.RMSprop(rho=0.8, momentum=0.5, epsilon=1e-4, centered=True, clipvalue=0.5),
    "adagrad": lambda: optimizers.Adagrad(initial_accumulator_value=0.5, epsilon=1e-5,
                                          gradient_accumulation_steps=4),
    "adadelta": lambda: optimizers.Adadelta(learning_rate=1.0, rho=0.9, loss_scale_factor=2.0),
    "adamax": lambda: optimizers.Adamax(beta_1=0.7, beta_2=0.9, epsilon=1e-5),
    "nadam": lambda: optimizers.Nadam(beta_1=0.7, beta_2=0.9, epsilon=1e-5),
    "lion": lambda: optimizers.Lion(beta_1=0.5, beta_2=0.95),
    "schedule": lambda: optimizers.Adam(learning_rate=schedules.CosineDecay(0.1, 100, warmup_target=0.2,
                                                                            warmup_steps=10)),
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_config_round_trip(case):
    optimizer = CONFIGS[case]()
    config = optimizer.get_config()
    clone = type(optimizer).from_config(config)
    assert clone.get_config() == config
    assert optimizers.deserialize(optimizers.serialize(optimizer)).get_config() == config


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_round_trip_optimizer_takes_the_same_steps(case):
    def steps(optimizer):
        w = Variable(np.array([[0.5, -1.0], [2.0, 0.0]], "float32"), name="w")
        for g in ([[0.1, -0.2], [0.3, 0.4]], [[-0.3, 0.1], [0.2, 0.0]], [[0.5, 0.5], [-0.5, 0.1]], [[0.0, 1.0], [1.0, 0.0]]):
            optimizer.apply([np.array(g, "float32")], [w])
        return w.numpy()

    optimizer = CONFIGS[case]()
    clone = type(optimizer).from_config(optimizer.get_config())
    np.testing.assert_array_equal(steps(optimizer), steps(clone))


def test_serialize_format():
    config = optimizers.serialize(optimizers.SGD(name="sgd"))
    assert config["module"] == "keras.optimizers" and config["class_name"] == "SGD"
    assert config["registered_name"] is None
    assert config["config"]["learning_rate"] == 0.009999999776482582  # float32 0.01, as Keras stores it
    assert list(config["config"]) == [
        "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
        "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps",
        "momentum", "nesterov",
    ]


def test_schedule_serialized_inside_the_optimizer_config():
    lr = optimizers.Adam(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5)).get_config()["learning_rate"]
    assert lr == {
        "module": "keras.optimizers.schedules",
        "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": False,
                   "name": "ExponentialDecay"},
        "registered_name": None,
    }


def test_deserialize_is_case_insensitive_for_built_ins():
    assert type(optimizers.deserialize({"class_name": "adam", "config": {}})) is optimizers.Adam
    assert type(optimizers.deserialize({"class_name": "RMSPROP", "config": {}})) is optimizers.RMSprop


def test_custom_optimizer_registration_and_custom_objects():
    class Halving(optimizers.SGD):
        pass

    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.deserialize({"class_name": "Halving", "config": {}})
    with CustomObjectScope({"Halving": Halving}):
        assert type(optimizers.deserialize({"class_name": "Halving", "config": {}})) is Halving
    assert type(optimizers.deserialize({"class_name": "Halving", "config": {}},
                                       custom_objects={"Halving": Halving})) is Halving

    registered = register_keras_serializable(package="TestOptimizers")(type("Quartering", (optimizers.SGD,), {}))
    try:
        config = optimizers.serialize(registered())
        assert config["registered_name"] == "TestOptimizers>Quartering"
        assert type(optimizers.deserialize(config)) is registered
    finally:
        get_custom_objects().pop("TestOptimizers>Quartering", None)


@pytest.mark.parametrize("kwargs, message", [
    (dict(momentum=1), "`momentum` must be a float between \\[0, 1\\]"),
    (dict(momentum=-0.5), "`momentum` must be a float between \\[0, 1\\]"),
    (dict(momentum=1.5), "`momentum` must be a float between \\[0, 1\\]"),
])
def test_sgd_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimizers.SGD(**kwargs)


def test_adamw_requires_weight_decay():
    with pytest.raises(ValueError, match="Argument `weight_decay` must be a float. Received: weight_decay=None"):
        optimizers.AdamW(weight_decay=None)


@pytest.mark.parametrize("beta_1", [0.0, -0.1, 1.5])
def test_lion_beta_1_range(beta_1):
    with pytest.raises(ValueError, match="Argument `beta_1` must be in the \\[0, 1\\] range"):
        optimizers.Lion(beta_1=beta_1)


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_every_optimizer_rejects_unknown_arguments(name):
    with pytest.raises(ValueError, match="Argument\\(s\\) not recognized"):
        DEFAULTS[name][0](not_an_argument=1)
