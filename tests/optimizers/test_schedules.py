"""Learning-rate schedules: values from their formulas at several steps, configs, registry, errors."""

import math

import numpy as np
import pytest

from compat_tests.tolerances import F32
from minikeras.backend.variables import Variable
from minikeras.optimizers import schedules

STEPS = [0, 1, 2, 5, 9, 10, 11, 17, 40]


def check(schedule, formula, steps=STEPS):
    for step in steps:
        got = schedule(step)
        assert np.asarray(got).dtype == np.float32, step
        np.testing.assert_allclose(float(got), formula(step), **F32, err_msg=f"step {step}")


def test_exponential_decay():
    check(schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5), lambda t: 0.1 * 0.5 ** (t / 10))


def test_exponential_decay_staircase():
    check(schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True), lambda t: 0.1 * 0.5 ** (t // 10))


def test_inverse_time_decay():
    check(schedules.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5), lambda t: 0.1 / (1 + 0.5 * t / 4))
    check(schedules.InverseTimeDecay(0.1, 4, 0.5, staircase=True), lambda t: 0.1 / (1 + 0.5 * (t // 4)))


def test_piecewise_constant_decay_boundaries_belong_to_the_left_interval():
    schedule = schedules.PiecewiseConstantDecay([2, 10], [1.0, 0.5, 0.1])
    check(schedule, lambda t: 1.0 if t <= 2 else 0.5 if t <= 10 else 0.1)


def test_piecewise_constant_float_step():
    schedule = schedules.PiecewiseConstantDecay([2.5], [1.0, 0.5])
    assert float(schedule(np.float32(2.4))) == 1.0 and float(schedule(np.float32(2.6))) == 0.5


@pytest.mark.parametrize("power", [1.0, 0.5, 2.0])
def test_polynomial_decay(power):
    def formula(t):
        s = min(t, 10)
        return (0.1 - 0.001) * (1 - s / 10) ** power + 0.001

    check(schedules.PolynomialDecay(0.1, 10, end_learning_rate=0.001, power=power), formula)


def test_polynomial_decay_cycle():
    def formula(t):
        horizon = 10 * (1 if t == 0 else math.ceil(t / 10))
        return (0.1 - 0.0001) * (1 - t / horizon) + 0.0001

    check(schedules.PolynomialDecay(0.1, 10, cycle=True), formula)


@pytest.mark.parametrize("alpha", [0.0, 0.2])
def test_cosine_decay(alpha):
    def formula(t):
        s = min(t, 10)
        return 0.1 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / 10)) + alpha)

    check(schedules.CosineDecay(0.1, 10, alpha=alpha), formula)


def test_cosine_decay_with_warmup():
    def formula(t):
        if t < 5:
            return 0.01 + (0.1 - 0.01) * t / 5
        s = min(t, 15) - 5
        return 0.1 * 0.5 * (1 + math.cos(math.pi * s / 10))

    check(schedules.CosineDecay(0.01, 10, warmup_target=0.1, warmup_steps=5), formula)


@pytest.mark.parametrize("t_mul, m_mul", [(2.0, 1.0), (1.0, 0.5), (2.0, 0.8), (1.5, 1.0)])
def test_cosine_decay_restarts(t_mul, m_mul):
    def formula(t):
        start, length, restart = 0.0, 4.0, 0
        while t >= start + length:  # walk the periods: each t_mul times longer
            start += length
            length *= t_mul
            restart += 1
        fraction = (t - start) / length
        return 0.1 * ((1 - 0.05) * m_mul**restart * 0.5 * (1 + math.cos(math.pi * fraction)) + 0.05)

    check(schedules.CosineDecayRestarts(0.1, 4, t_mul=t_mul, m_mul=m_mul, alpha=0.05), formula)


def test_schedules_accept_the_iteration_variable():
    step = Variable(np.array(7, dtype=np.int64), name="iteration")
    np.testing.assert_allclose(float(schedules.ExponentialDecay(0.1, 7, 0.5)(step)), 0.05, **F32)


def test_float64_initial_rate_computes_in_float64():
    value = schedules.ExponentialDecay(np.float64(0.1), 10, 0.5)(3)
    assert np.asarray(value).dtype == np.float64


ALL = {
    "exponential": lambda: schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True, name="e"),
    "inverse_time": lambda: schedules.InverseTimeDecay(0.1, 10, 0.5, staircase=True),
    "piecewise": lambda: schedules.PiecewiseConstantDecay([2, 5], [0.3, 0.2, 0.1]),
    "polynomial": lambda: schedules.PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=2.0, cycle=True),
    "cosine": lambda: schedules.CosineDecay(0.1, 10, alpha=0.1, warmup_target=0.2, warmup_steps=3),
    "cosine_restarts": lambda: schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5, m_mul=0.9, alpha=0.01),
}


@pytest.mark.parametrize("case", sorted(ALL))
def test_config_round_trip(case):
    schedule = ALL[case]()
    config = schedule.get_config()
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule) and again.get_config() == config
    assert schedules.get(schedules.serialize(schedule)).get_config() == config
    for t in (0, 3, 12):
        assert float(clone(t)) == float(schedule(t))


def test_serialize_format():
    assert schedules.serialize(schedules.ExponentialDecay(0.1, 10, 0.5)) == {
        "module": "keras.optimizers.schedules",
        "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": False,
                   "name": "ExponentialDecay"},
        "registered_name": None,
    }


def test_get():
    schedule = schedules.ExponentialDecay(0.1, 10, 0.5)
    assert schedules.get(schedule) is schedule and schedules.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret learning rate schedule identifier"):
        schedules.get(3)


def test_unknown_class_suggests_close_names():
    with pytest.raises(ValueError, match="'ExponentalDecay'.*Did you mean 'ExponentialDecay'"):
        schedules.deserialize({"class_name": "ExponentalDecay", "config": {}})


def test_custom_schedule_via_custom_objects():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / 2 ** float(np.asarray(step))

        def get_config(self):
            return {}

    config = schedules.serialize(Halving())
    assert config["class_name"] == "Halving"
    assert type(schedules.deserialize(config, custom_objects={"Halving": Halving})) is Halving


@pytest.mark.parametrize("make, message", [
    (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "Argument `decay_steps` must be > 0. Received: decay_steps=0"),
    (lambda: schedules.InverseTimeDecay(0.1, -1, 0.5), "`decay_steps` must be > 0"),
    (lambda: schedules.PolynomialDecay(0.1, 0), "`decay_steps` must be > 0"),
    (lambda: schedules.CosineDecay(0.1, 0), "`decay_steps` must be > 0"),
    (lambda: schedules.CosineDecayRestarts(0.1, 0), "`first_decay_steps` must be > 0"),
    (lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2]),
     "The length of boundaries should be 1 less than the length of values"),
])
def test_argument_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_base_class_methods_must_be_overridden():
    class Incomplete(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError, match="must override `__call__"):
        Incomplete()(0)
    with pytest.raises(NotImplementedError, match="must override `get_config\\(\\)`"):
        Incomplete().get_config()
