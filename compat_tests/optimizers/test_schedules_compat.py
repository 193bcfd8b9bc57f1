"""Every learning-rate schedule against TensorFlow Keras, step by step, and their configs."""

import numpy as np
import pytest

from compat_tests.recording import assert_close
from compat_tests.tolerances import F32
from minikeras.optimizers import schedules as mk_schedules

SCHEDULES = {
    "exponential": lambda s: s.ExponentialDecay(0.1, decay_steps=7, decay_rate=0.3),
    "exponential_staircase": lambda s: s.ExponentialDecay(0.05, decay_steps=5, decay_rate=0.5, staircase=True),
    "inverse_time": lambda s: s.InverseTimeDecay(0.1, decay_steps=3, decay_rate=0.7),
    "inverse_time_staircase": lambda s: s.InverseTimeDecay(0.1, decay_steps=3, decay_rate=0.7, staircase=True),
    "piecewise": lambda s: s.PiecewiseConstantDecay([5, 10, 30], [0.1, 0.05, 0.01, 0.001]),
    "piecewise_float_boundaries": lambda s: s.PiecewiseConstantDecay([4.5, 12.7], [1.0, 0.5, 0.25]),
    "polynomial": lambda s: s.PolynomialDecay(0.1, decay_steps=25),
    "polynomial_power": lambda s: s.PolynomialDecay(0.1, decay_steps=25, end_learning_rate=0.02, power=0.5),
    "polynomial_cycle": lambda s: s.PolynomialDecay(0.1, decay_steps=7, end_learning_rate=0.01, power=2.0,
                                                    cycle=True),
    "cosine": lambda s: s.CosineDecay(0.1, decay_steps=30),
    "cosine_alpha": lambda s: s.CosineDecay(0.1, decay_steps=30, alpha=0.25),
    "cosine_warmup": lambda s: s.CosineDecay(0.0, decay_steps=20, warmup_target=0.1, warmup_steps=8),
    "cosine_warmup_alpha": lambda s: s.CosineDecay(0.01, decay_steps=15, alpha=0.1, warmup_target=0.05,
                                                   warmup_steps=4),
    "cosine_restarts": lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=5),
    "cosine_restarts_t1": lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=6, t_mul=1.0, m_mul=0.7),
    "cosine_restarts_all": lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=3, t_mul=1.5, m_mul=0.9,
                                                           alpha=0.05),
}


@pytest.mark.parametrize("case", sorted(SCHEDULES))
def test_schedule_values(keras, case):
    k = SCHEDULES[case](keras.optimizers.schedules)
    m = SCHEDULES[case](mk_schedules)
    steps = np.arange(0, 80)
    expected = np.array([float(k(int(t))) for t in steps])
    got = np.array([float(m(int(t))) for t in steps])
    assert_close(got, expected, **F32, item=f"optimizers.schedules.{type(m).__name__}")
    assert np.asarray(m(3)).dtype == np.dtype(k(3).dtype.name)


@pytest.mark.parametrize("case", sorted(SCHEDULES))
def test_schedule_serialization_matches(keras, case):
    k = SCHEDULES[case](keras.optimizers.schedules)
    m = SCHEDULES[case](mk_schedules)
    k_config = keras.optimizers.schedules.serialize(k)
    assert mk_schedules.serialize(m) == k_config
    # A config written by Keras loads into minikeras, and the other way round.
    assert mk_schedules.deserialize(k_config).get_config() == k.get_config()
    assert keras.optimizers.schedules.deserialize(mk_schedules.serialize(m)).get_config() == m.get_config()
