"""Optimizer configs, names and string identifiers against TensorFlow Keras."""

import pytest

from minikeras import optimizers as mk_optimizers

NAMES = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion"]

CONFIGURED = {
    "sgd": lambda o: o.SGD(learning_rate=0.1, momentum=0.9, nesterov=True, clipnorm=1.0),
    "adam": lambda o: o.Adam(learning_rate=0.02, amsgrad=True, weight_decay=0.01, use_ema=True),
    "adamw": lambda o: o.AdamW(weight_decay=0.1, global_clipnorm=2.0, gradient_accumulation_steps=3),
    "rmsprop": lambda o: o.RMSprop(rho=0.8, momentum=0.5, centered=True, clipvalue=0.5, name="my_rms"),
    "adagrad": lambda o: o.Adagrad(initial_accumulator_value=0.5, loss_scale_factor=8.0),
    "schedule": lambda o: o.SGD(learning_rate=o.schedules.PolynomialDecay(0.1, 100, cycle=True)),
}


@pytest.mark.parametrize("name", NAMES)
def test_string_identifier_gives_the_same_optimizer(keras, name):
    k = keras.optimizers.get(name)
    m = mk_optimizers.get(name)
    assert type(m).__name__ == type(k).__name__
    assert m.get_config() == k.get_config()
    assert mk_optimizers.serialize(m) == keras.optimizers.serialize(k)


@pytest.mark.parametrize("case", sorted(CONFIGURED))
def test_configs_cross_load(keras, case):
    k = CONFIGURED[case](keras.optimizers)
    m = CONFIGURED[case](mk_optimizers)
    k_config = keras.optimizers.serialize(k)
    assert mk_optimizers.serialize(m) == k_config
    assert mk_optimizers.deserialize(k_config).get_config() == k.get_config()
    assert keras.optimizers.deserialize(mk_optimizers.serialize(m)).get_config() == m.get_config()


def test_auto_names_in_sequence(keras):
    k = [keras.optimizers.get(n).name for n in NAMES + NAMES]
    m = [mk_optimizers.get(n).name for n in NAMES + NAMES]
    assert m == k


@pytest.mark.parametrize("kwargs", [
    dict(learning_rate=1), dict(foo=1), dict(lr=0.1), dict(clipnorm=1.0, clipvalue=1.0),
    dict(momentum=2.0), dict(gradient_accumulation_steps=1), dict(use_ema=True, ema_momentum=-1.0),
])
def test_same_constructor_errors(keras, kwargs):
    with pytest.raises(ValueError) as k_info:
        keras.optimizers.SGD(**kwargs)
    with pytest.raises(ValueError) as m_info:
        mk_optimizers.SGD(**kwargs)
    assert str(m_info.value) == str(k_info.value)
