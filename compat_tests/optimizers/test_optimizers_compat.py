"""Every optimizer and option against TensorFlow Keras: 20 steps on several variables.

Both sides start from the same weights and receive the same sequence of
gradients; the weights must agree after every step, and the optimizer's
variables (names, order and values: iterations, moments, EMA averages,
accumulators) at the end.
"""

import warnings

import numpy as np
import pytest

from compat_tests.recording import assert_close
from compat_tests.tolerances import F32, F64
from minikeras import config
from minikeras import optimizers as mk_optimizers
from minikeras.backend.variables import Variable

SHAPES = [(3, 4), (4,), (2, 3, 2), ()]
STEPS = 20


def _initial_weights(dtype):
    rng = np.random.default_rng(0)
    return [rng.normal(size=s).astype(dtype) for s in SHAPES]


def _gradient_sequence(dtype, steps=STEPS, scale=1.0, seed=1, missing=None):
    """`steps` lists of gradients; `missing=(step_predicate, index)` drops one variable's gradient."""
    rng = np.random.default_rng(seed)
    sequence = []
    for step in range(steps):
        grads = [(scale * rng.normal(size=s)).astype(dtype) for s in SHAPES]
        if missing is not None and missing[0](step):
            grads[missing[1]] = None
        sequence.append(grads)
    return sequence


def _lr_value(optimizer):
    return float(np.asarray(optimizer.learning_rate))


def run_both(keras, make, dtype="float32", grads=None, tol=F32, between_steps=None, use_apply_gradients=False):
    """Run `make(optimizers_module)` on both sides and compare step by step."""
    import tensorflow as tf

    grads = grads or _gradient_sequence(dtype)
    inits = _initial_weights(dtype)
    k_vars = [keras.Variable(x, dtype=dtype, name=f"v{i}") for i, x in enumerate(inits)]
    m_vars = [Variable(x, dtype=dtype, name=f"v{i}") for i, x in enumerate(inits)]
    k_opt = make(keras.optimizers)
    m_opt = make(mk_optimizers)
    for step, step_grads in enumerate(grads):
        if between_steps is not None:
            between_steps(step, k_opt)
            between_steps(step, m_opt)
        assert_close(_lr_value(m_opt), _lr_value(k_opt), **tol, err_msg=f"learning rate, step {step}",
                     item=f"optimizers.{type(m_opt).__name__}")
        k_grads = [None if g is None else tf.constant(g) for g in step_grads]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if use_apply_gradients:
                k_opt.apply_gradients(zip(k_grads, k_vars))
                m_opt.apply_gradients(zip(step_grads, m_vars))
            else:
                k_opt.apply(k_grads, k_vars)
                m_opt.apply(step_grads, m_vars)
        for i, (kv, mv) in enumerate(zip(k_vars, m_vars)):
            assert mv.dtype == dtype
            assert_close(mv.numpy(), kv.numpy(), **tol, err_msg=f"variable {i} after step {step + 1}",
                         item=f"optimizers.{type(m_opt).__name__}")
    assert [v.path for v in m_opt.variables] == [v.path for v in k_opt.variables]
    for kv, mv in zip(k_opt.variables, m_opt.variables):
        assert mv.dtype == kv.dtype, mv.path
        assert_close(mv.numpy(), kv.numpy(), **tol, err_msg=f"optimizer variable {mv.path}",
                     item=f"optimizers.{type(m_opt).__name__}")
    assert int(np.asarray(m_opt.iterations)) == int(np.asarray(k_opt.iterations))
    return k_opt, m_opt


# -- every optimizer with each of its own options ------------------------------------------------
OWN_OPTIONS = {
    "sgd": lambda o: o.SGD(),
    "sgd_lr": lambda o: o.SGD(learning_rate=0.1),
    "sgd_momentum": lambda o: o.SGD(momentum=0.9),
    "sgd_nesterov": lambda o: o.SGD(momentum=0.9, nesterov=True),
    "sgd_momentum_half": lambda o: o.SGD(learning_rate=0.05, momentum=0.5, nesterov=True),
    "adam": lambda o: o.Adam(),
    "adam_lr": lambda o: o.Adam(learning_rate=0.02),
    "adam_amsgrad": lambda o: o.Adam(learning_rate=0.01, amsgrad=True),
    "adam_betas": lambda o: o.Adam(learning_rate=0.01, beta_1=0.5, beta_2=0.9),
    "adam_epsilon": lambda o: o.Adam(learning_rate=0.01, epsilon=0.1),
    "adamw": lambda o: o.AdamW(),
    "adamw_decay": lambda o: o.AdamW(learning_rate=0.01, weight_decay=0.1),
    "adamw_amsgrad": lambda o: o.AdamW(learning_rate=0.01, amsgrad=True),
    "rmsprop": lambda o: o.RMSprop(),
    "rmsprop_rho": lambda o: o.RMSprop(learning_rate=0.01, rho=0.5),
    "rmsprop_centered": lambda o: o.RMSprop(learning_rate=0.01, centered=True),
    "rmsprop_momentum": lambda o: o.RMSprop(learning_rate=0.01, momentum=0.9),
    "rmsprop_centered_momentum": lambda o: o.RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
    "adagrad": lambda o: o.Adagrad(),
    "adagrad_initial": lambda o: o.Adagrad(learning_rate=0.1, initial_accumulator_value=0.5),
    "adagrad_zero_initial": lambda o: o.Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=1e-3),
    "adadelta": lambda o: o.Adadelta(),
    "adadelta_paper": lambda o: o.Adadelta(learning_rate=1.0, rho=0.9, epsilon=1e-6),
    "adamax": lambda o: o.Adamax(),
    "adamax_betas": lambda o: o.Adamax(learning_rate=0.02, beta_1=0.8, beta_2=0.95),
    "nadam": lambda o: o.Nadam(),
    "nadam_betas": lambda o: o.Nadam(learning_rate=0.02, beta_1=0.8, beta_2=0.95, epsilon=1e-4),
    "lion": lambda o: o.Lion(),
    "lion_betas": lambda o: o.Lion(learning_rate=0.01, beta_1=0.5, beta_2=0.9),
}


@pytest.mark.parametrize("case", sorted(OWN_OPTIONS))
def test_optimizer_options(keras, case):
    run_both(keras, OWN_OPTIONS[case])


# -- every optimizer with each base option -------------------------------------------------------
BASE = {
    "sgd": lambda o, **kw: o.SGD(learning_rate=0.1, momentum=0.9, **kw),
    "adam": lambda o, **kw: o.Adam(learning_rate=0.01, **kw),
    "adamw": lambda o, **kw: o.AdamW(learning_rate=0.01, **kw),
    "rmsprop": lambda o, **kw: o.RMSprop(learning_rate=0.01, **kw),
    "adagrad": lambda o, **kw: o.Adagrad(learning_rate=0.1, **kw),
    "adadelta": lambda o, **kw: o.Adadelta(learning_rate=1.0, **kw),
    "adamax": lambda o, **kw: o.Adamax(learning_rate=0.01, **kw),
    "nadam": lambda o, **kw: o.Nadam(learning_rate=0.01, **kw),
    "lion": lambda o, **kw: o.Lion(learning_rate=0.01, **kw),
}
BASE_OPTIONS = {
    "weight_decay": dict(weight_decay=0.05),
    "clipnorm": dict(clipnorm=0.5),
    "clipvalue": dict(clipvalue=0.3),
    "global_clipnorm": dict(global_clipnorm=1.0),
    "weight_decay_clipnorm": dict(weight_decay=0.05, clipnorm=2.0),
}


@pytest.mark.parametrize("option", sorted(BASE_OPTIONS))
@pytest.mark.parametrize("name", sorted(BASE))
def test_base_options(keras, name, option):
    run_both(keras, lambda o: BASE[name](o, **BASE_OPTIONS[option]))


def test_clipnorm_leaves_small_gradients_nearly_unchanged(keras):
    # A clip norm far above the gradient norms: the g * c / c path must still agree.
    run_both(keras, lambda o: o.SGD(learning_rate=0.1, clipnorm=100.0))


def test_global_clipnorm_small_gradients(keras):
    run_both(keras, lambda o: o.Adam(learning_rate=0.01, global_clipnorm=100.0))


# -- every schedule as the learning rate ------------------------------------------------------------
SCHEDULES = {
    "exponential": lambda s: s.ExponentialDecay(0.1, decay_steps=5, decay_rate=0.5),
    "exponential_staircase": lambda s: s.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.7, staircase=True),
    "inverse_time": lambda s: s.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5),
    "inverse_time_staircase": lambda s: s.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=True),
    "piecewise": lambda s: s.PiecewiseConstantDecay([4, 9, 15], [0.1, 0.05, 0.02, 0.01]),
    "polynomial": lambda s: s.PolynomialDecay(0.1, decay_steps=12, end_learning_rate=0.01, power=2.0),
    "polynomial_cycle": lambda s: s.PolynomialDecay(0.1, decay_steps=6, end_learning_rate=0.001, cycle=True),
    "cosine": lambda s: s.CosineDecay(0.1, decay_steps=15, alpha=0.1),
    "cosine_warmup": lambda s: s.CosineDecay(0.01, decay_steps=10, warmup_target=0.1, warmup_steps=5),
    "cosine_restarts": lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=3, t_mul=2.0, m_mul=0.8, alpha=0.05),
    "cosine_restarts_t1": lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=4, t_mul=1.0),
}
SCHEDULED = {
    "sgd": lambda o, lr: o.SGD(learning_rate=lr, momentum=0.9),
    "adam": lambda o, lr: o.Adam(learning_rate=lr),
    "rmsprop_wd": lambda o, lr: o.RMSprop(learning_rate=lr, weight_decay=0.1),
}


@pytest.mark.parametrize("optimizer", sorted(SCHEDULED))
@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_schedules_as_learning_rate(keras, schedule, optimizer):
    run_both(keras, lambda o: SCHEDULED[optimizer](o, SCHEDULES[schedule](o.schedules)))


# -- EMA, gradient accumulation, loss scaling, missing gradients, the lr setter ------------------
MORE = {
    "ema_sgd": lambda o: o.SGD(learning_rate=0.1, momentum=0.9, use_ema=True),
    "ema_adam_overwrite": lambda o: o.Adam(learning_rate=0.01, use_ema=True, ema_momentum=0.9,
                                           ema_overwrite_frequency=3),
    "ema_rmsprop_overwrite_1": lambda o: o.RMSprop(learning_rate=0.01, use_ema=True, ema_overwrite_frequency=1),
    "accumulate_sgd": lambda o: o.SGD(learning_rate=0.1, momentum=0.9, gradient_accumulation_steps=3),
    "accumulate_adam": lambda o: o.Adam(learning_rate=0.01, gradient_accumulation_steps=2),
    "accumulate_nadam": lambda o: o.Nadam(learning_rate=0.01, gradient_accumulation_steps=4),
    "accumulate_clip_decay": lambda o: o.Adamax(learning_rate=0.01, weight_decay=0.1, clipnorm=0.5,
                                                gradient_accumulation_steps=3),
    "accumulate_schedule": lambda o: o.SGD(
        learning_rate=o.schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5),
        gradient_accumulation_steps=2),
    "accumulate_ema": lambda o: o.Adam(learning_rate=0.01, gradient_accumulation_steps=2, use_ema=True,
                                       ema_overwrite_frequency=3),
    "loss_scale_adam": lambda o: o.Adam(learning_rate=0.01, loss_scale_factor=128.0),
    "loss_scale_sgd_clip": lambda o: o.SGD(learning_rate=0.1, loss_scale_factor=4.0, clipvalue=0.2),
}


@pytest.mark.parametrize("case", sorted(MORE))
def test_more_options(keras, case):
    run_both(keras, MORE[case])


@pytest.mark.parametrize("make", [
    lambda o: o.Adam(learning_rate=0.01),
    lambda o: o.SGD(learning_rate=0.1, momentum=0.9),
    lambda o: o.Nadam(learning_rate=0.01),
], ids=["adam", "sgd", "nadam"])
def test_missing_gradients_skip_the_variable(keras, make):
    grads = _gradient_sequence("float32", missing=(lambda step: step % 3 == 1, 1))
    run_both(keras, make, grads=grads)


def test_apply_gradients_pairs(keras):
    run_both(keras, lambda o: o.RMSprop(learning_rate=0.01, momentum=0.5), use_apply_gradients=True)


def test_learning_rate_setter_between_steps(keras):
    def change(step, optimizer):
        if step == 7:
            optimizer.learning_rate = 0.003
        if step == 13:
            optimizer.learning_rate = 0.5

    run_both(keras, lambda o: o.Adam(learning_rate=0.02), between_steps=change)


def test_large_gradients(keras):
    grads = _gradient_sequence("float32", scale=1e3)
    run_both(keras, lambda o: o.Adagrad(learning_rate=0.5, clipnorm=10.0), grads=grads)


# -- float64 ----------------------------------------------------------------------------------------
@pytest.fixture
def float64(keras):
    keras.config.set_floatx("float64")
    config.set_floatx("float64")
    yield
    keras.config.set_floatx("float32")
    config.set_floatx("float32")


F64_CASES = {
    "sgd": lambda o: o.SGD(learning_rate=0.1),
    "sgd_nesterov": lambda o: o.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
    "adam": lambda o: o.Adam(learning_rate=0.01),
    "adam_amsgrad_wd": lambda o: o.Adam(learning_rate=0.01, amsgrad=True, weight_decay=0.01),
    "adamw": lambda o: o.AdamW(learning_rate=0.01),
    "rmsprop_centered_momentum": lambda o: o.RMSprop(learning_rate=0.01, centered=True, momentum=0.9),
    "adagrad_clipnorm": lambda o: o.Adagrad(learning_rate=0.1, clipnorm=0.5),
    "adadelta": lambda o: o.Adadelta(learning_rate=1.0),
    "adamax_clipvalue": lambda o: o.Adamax(learning_rate=0.01, clipvalue=0.3),
    "nadam": lambda o: o.Nadam(learning_rate=0.01),
    "lion_global_clipnorm": lambda o: o.Lion(learning_rate=0.01, global_clipnorm=1.0),
    # Schedules compute in float32 (as Keras does for a Python initial rate); TensorFlow's float32
    # cos differs from NumPy's in the last bit, so the float64 cases use the arithmetic-only ones.
    "sgd_polynomial": lambda o: o.SGD(
        learning_rate=o.schedules.PolynomialDecay(0.1, decay_steps=12, end_learning_rate=0.01, power=2.0)),
    "rmsprop_piecewise": lambda o: o.RMSprop(
        learning_rate=o.schedules.PiecewiseConstantDecay([4, 9], [0.01, 0.005, 0.001])),
    "adam_exponential": lambda o: o.Adam(learning_rate=o.schedules.ExponentialDecay(0.01, 5, 0.5)),
    "adam_ema_accumulate": lambda o: o.Adam(learning_rate=0.01, use_ema=True, gradient_accumulation_steps=2),
}


@pytest.mark.parametrize("case", sorted(F64_CASES))
def test_float64(keras, float64, case):
    run_both(keras, F64_CASES[case], dtype="float64", tol=F64)
