"""What the base class owns: iterations, variables and their names, clipping, weight decay, EMA,
gradient accumulation, missing gradients, the learning-rate property, errors."""

import warnings

import numpy as np
import pytest

from compat_tests.tolerances import F32
from minikeras import config, optimizers
from minikeras.backend.variables import Variable
from minikeras.optimizers import schedules
from minikeras.optimizers.base_optimizer import Optimizer, clip_by_global_norm

W0 = np.array([[0.5, -1.0], [2.0, 0.0]], "float32")
B0 = np.array([0.1, -0.2], "float32")
GW = np.array([[3.0, 0.0], [0.0, 4.0]], "float32")  # norm 5
GB = np.array([0.6, -0.8], "float32")  # norm 1


def make_vars():
    w = Variable(W0, name="kernel")
    w.path = "dense/kernel"
    b = Variable(B0, name="bias")
    b.path = "dense/bias"
    return w, b


# -- iterations, variables, names -----------------------------------------------------------------
def test_iterations_count_apply_calls_after_the_update():
    w, b = make_vars()
    seen = []

    class Recording(optimizers.SGD):
        def update_step(self, gradient, variable, learning_rate):
            seen.append(int(self.iterations.numpy()))
            super().update_step(gradient, variable, learning_rate)

    optimizer = Recording()
    assert optimizer.iterations.dtype == "int64" and optimizer.iterations.path == "recording/iteration"
    for _ in range(3):
        optimizer.apply([GW, GB], [w, b])
    assert seen == [0, 0, 1, 1, 2, 2]
    assert int(optimizer.iterations.numpy()) == 3


def test_variables_order_and_keras_names():
    w, b = make_vars()
    optimizer = optimizers.Adam(amsgrad=True)
    optimizer.apply([GW, GB], [w, b])
    assert [v.path for v in optimizer.variables] == [
        "adam/iteration", "adam/learning_rate",
        "adam/dense_kernel_momentum", "adam/dense_kernel_velocity",
        "adam/dense_bias_momentum", "adam/dense_bias_velocity",
        "adam/dense_kernel_velocity_hat", "adam/dense_bias_velocity_hat",
    ]
    assert [v.name for v in optimizer.variables][2] == "dense_kernel_momentum"
    assert not any(v.trainable for v in optimizer.variables)


def test_auto_names_follow_keras():
    assert optimizers.RMSprop().name == "rm_sprop"
    assert optimizers.AdamW().name == "adam_w"
    assert optimizers.Adam().name == "adam"
    assert optimizers.Adam().name == "adam_1"
    assert optimizers.SGD(name="mine").name == "mine"


def test_nadam_running_product_is_tracked_like_keras():
    w, b = make_vars()
    optimizer = optimizers.Nadam()
    optimizer.apply([GW, GB], [w, b])
    last = optimizer.variables[-1]
    assert last.path == "nadam/variable" and last.trainable and last.shape == ()


def test_ema_and_accumulator_slots_come_first():
    w, b = make_vars()
    optimizer = optimizers.SGD(momentum=0.5, use_ema=True, gradient_accumulation_steps=2)
    optimizer.build([w, b])
    assert [v.name for v in optimizer.variables] == [
        "iteration", "learning_rate", "dense_kernel_average", "dense_bias_average",
        "dense_kernel_gradient_accumulator", "dense_bias_gradient_accumulator",
        "dense_kernel_momentum", "dense_bias_momentum",
    ]


def test_schedule_means_no_learning_rate_variable():
    optimizer = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    assert [v.name for v in optimizer.variables] == ["iteration"]


# -- apply / apply_gradients ----------------------------------------------------------------------
def test_apply_gradients_returns_iterations():
    w, b = make_vars()
    optimizer = optimizers.SGD(learning_rate=0.1)
    it = optimizer.apply_gradients(zip([GW, GB], [w, b]))
    assert int(it.numpy()) == 1
    np.testing.assert_allclose(w.numpy(), W0 - 0.1 * GW, **F32)


def test_apply_without_variables_uses_the_built_ones():
    w, b = make_vars()
    optimizer = optimizers.SGD(learning_rate=0.1)
    with pytest.raises(ValueError, match="must already be built"):
        optimizer.apply([GW, GB])
    optimizer.build([w, b])
    optimizer.apply([GW, GB])
    np.testing.assert_allclose(b.numpy(), B0 - 0.1 * GB, **F32)
    with pytest.raises(ValueError, match="Received a list of 1 gradients"):
        optimizer.apply([GW])


def test_empty_gradient_list_is_a_no_op():
    optimizer = optimizers.SGD()
    optimizer.apply([], [])
    assert int(optimizer.iterations.numpy()) == 0


def test_unknown_variable_raises():
    w, b = make_vars()
    optimizer = optimizers.SGD()
    optimizer.apply([GW], [w])
    with pytest.raises(ValueError, match="Unknown variable"):
        optimizer.apply([GB], [b])


def test_missing_gradient_is_skipped_with_a_warning():
    w, b = make_vars()
    optimizer = optimizers.Adam()
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['dense/kernel'\]"):
        optimizer.apply([None, GB], [w, b])
    np.testing.assert_array_equal(w.numpy(), W0)
    assert not np.array_equal(b.numpy(), B0)
    np.testing.assert_array_equal(optimizer.variables[2].numpy(), 0)  # kernel momentum untouched
    assert int(optimizer.iterations.numpy()) == 1


def test_all_gradients_missing_raises():
    w, b = make_vars()
    with pytest.raises(ValueError, match="No gradients provided for any variable."):
        optimizers.SGD().apply([None, None], [w, b])


def test_gradient_of_the_wrong_shape_raises():
    w, b = make_vars()
    with pytest.raises(ValueError, match=r"has shape \(2,\), but the variable has shape \(2, 2\)"):
        optimizers.SGD().apply([GB, GB], [w, b])


def test_gradient_dtype_is_cast_to_the_variable_dtype():
    w, b = make_vars()
    optimizers.Adam().apply([GW.astype("float64"), GB.astype("float64")], [w, b])
    assert w.value.dtype == np.float32


def test_constraint_applied_after_the_update():
    w, b = make_vars()
    w.constraint = lambda x: np.maximum(np.asarray(x), 0.0)
    optimizers.SGD(learning_rate=0.1).apply([GW, GB], [w, b])
    np.testing.assert_allclose(w.numpy(), np.maximum(W0 - 0.1 * GW, 0), **F32)


def test_loss_scale_factor_divides_gradients():
    w, b = make_vars()
    optimizer = optimizers.SGD(learning_rate=0.1, loss_scale_factor=4.0)
    assert optimizer.scale_loss(2.0) == 8.0
    optimizer.apply([GW, GB], [w, b])
    np.testing.assert_allclose(w.numpy(), W0 - 0.1 * GW / 4, **F32)


# -- clipping ---------------------------------------------------------------------------------------
def test_clipnorm_clips_each_gradient_separately():
    w, b = make_vars()
    optimizers.SGD(learning_rate=1.0, clipnorm=2.0).apply([GW, GB], [w, b])
    np.testing.assert_allclose(w.numpy(), W0 - GW * 2 / 5, **F32)  # norm 5 -> 2
    np.testing.assert_allclose(b.numpy(), B0 - GB, **F32)  # norm 1 < 2: unchanged


def test_global_clipnorm_scales_all_gradients_together():
    w, b = make_vars()
    optimizers.SGD(learning_rate=1.0, global_clipnorm=2.0).apply([GW, GB], [w, b])
    scale = 2.0 / np.sqrt(26.0)
    np.testing.assert_allclose(w.numpy(), W0 - GW * scale, **F32)
    np.testing.assert_allclose(b.numpy(), B0 - GB * scale, **F32)


def test_clip_by_global_norm_nan_for_infinite_norm():
    out = clip_by_global_norm([np.array([np.inf, 1.0], "float32")], 1.0)
    assert np.isnan(out[0]).all()


def test_clipnorm_zero_gradient_stays_zero():
    w, b = make_vars()
    optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply([np.zeros_like(GW), GB], [w, b])
    np.testing.assert_array_equal(w.numpy(), W0)


def test_clipvalue_clips_elements():
    w, b = make_vars()
    optimizers.SGD(learning_rate=1.0, clipvalue=0.7).apply([GW, GB], [w, b])
    np.testing.assert_allclose(w.numpy(), W0 - np.clip(GW, -0.7, 0.7), **F32)
    np.testing.assert_allclose(b.numpy(), B0 - np.array([0.6, -0.7]), **F32)


def test_weight_decay_uses_the_unclipped_weights_and_the_clipped_gradient():
    # Keras: clip the gradient, then w <- w - w * wd * lr, then the update rule.
    w, b = make_vars()
    optimizers.SGD(learning_rate=0.5, weight_decay=0.1, clipnorm=1.0).apply([GW, GB], [w, b])
    np.testing.assert_allclose(w.numpy(), W0 - W0 * 0.1 * 0.5 - 0.5 * GW / 5, **F32)


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and `global_clipnorm`"):
        optimizers.Adam(clipnorm=1.0, global_clipnorm=1.0)


# -- weight decay -------------------------------------------------------------------------------------
def test_exclude_from_weight_decay_by_name_and_by_variable():
    w, b = make_vars()
    optimizer = optimizers.SGD(learning_rate=0.5, weight_decay=0.1)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    optimizer.apply([np.zeros_like(GW), np.zeros_like(GB)], [w, b])
    np.testing.assert_allclose(w.numpy(), W0 * (1 - 0.05), **F32)
    np.testing.assert_array_equal(b.numpy(), B0)

    w, b = make_vars()
    optimizer = optimizers.AdamW(learning_rate=0.5, weight_decay=0.1)
    optimizer.exclude_from_weight_decay(var_list=[w])
    optimizer.apply([np.zeros_like(GW), np.zeros_like(GB)], [w, b])
    np.testing.assert_array_equal(w.numpy(), W0)
    np.testing.assert_allclose(b.numpy(), B0 * (1 - 0.05), **F32)


def test_weight_decay_uses_the_scheduled_learning_rate():
    w, b = make_vars()
    lr = schedules.PiecewiseConstantDecay([0], [1.0, 0.5])
    optimizer = optimizers.SGD(learning_rate=lr, weight_decay=0.1)
    zeros = [np.zeros_like(GW), np.zeros_like(GB)]
    optimizer.apply(zeros, [w, b])  # step 0: lr 1.0
    optimizer.apply(zeros, [w, b])  # step 1: lr 0.5
    np.testing.assert_allclose(w.numpy(), W0 * 0.9 * 0.95, **F32)


# -- EMA and gradient accumulation -----------------------------------------------------------------
def test_ema_average_and_finalize():
    w = Variable(np.array([1.0], "float32"), name="w")
    optimizer = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    values, average = [], 0.0
    for step, g in enumerate([0.5, 0.25, 1.0]):
        optimizer.apply([np.array([g], "float32")], [w])
        value = float(w.numpy()[0])
        average = value if step == 0 else 0.5 * average + 0.5 * value
        values.append(value)
    assert values == [0.5, 0.25, -0.75]
    np.testing.assert_allclose(optimizer.variables[2].numpy(), [average], **F32)
    optimizer.finalize_variable_values([w])
    np.testing.assert_allclose(w.numpy(), [average], **F32)


def test_ema_overwrite_frequency():
    w = Variable(np.array([1.0], "float32"), name="w")
    optimizer = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    optimizer.apply([np.array([0.5], "float32")], [w])  # w 0.5, avg 0.5
    optimizer.apply([np.array([0.5], "float32")], [w])  # w 0.0, avg 0.25 -> overwrite
    np.testing.assert_allclose(w.numpy(), [0.25], **F32)


def test_gradient_accumulation_updates_every_k_calls_with_the_mean():
    w = Variable(np.array([1.0], "float32"), name="w")
    optimizer = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    for g in [0.3, 0.6]:
        optimizer.apply([np.array([g], "float32")], [w])
        np.testing.assert_array_equal(w.numpy(), [1.0])
    optimizer.apply([np.array([0.9], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [1.0 - 0.6], **F32)
    assert int(optimizer._iterations.numpy()) == 3 and int(optimizer.iterations) == 1
    np.testing.assert_array_equal(optimizer.variables[2].numpy(), [0.0])  # accumulator reset


@pytest.mark.parametrize("kwargs, message", [
    (dict(gradient_accumulation_steps=1), "`gradient_accumulation_steps` must be an integer >= 2"),
    (dict(use_ema=True, ema_momentum=1.5), r"`ema_momentum` must be in the range \[0, 1\]"),
    (dict(use_ema=True, ema_overwrite_frequency=0.5), "`ema_overwrite_frequency` must be an integer >= 1"),
    (dict(learning_rate=1), "Argument `learning_rate` should be float"),
    (dict(learning_rate="0.1"), "Argument `learning_rate` should be float"),
    (dict(learning_rate=np.float32(0.1)), "Received instead: learning_rate=0.1"),
    (dict(foo=1), r"Argument\(s\) not recognized: \{'foo': 1\}"),
    (dict(lr=0.1), r"Argument\(s\) not recognized: \{'lr': 0.1\}"),
])
def test_constructor_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimizers.SGD(**kwargs)


def test_negative_learning_rate_is_accepted_like_keras():
    assert float(optimizers.SGD(learning_rate=-0.1).learning_rate.numpy()) == pytest.approx(-0.1)


def test_decay_argument_warns_and_is_ignored():
    with pytest.warns(UserWarning, match="Argument `decay` is no longer supported"):
        optimizers.SGD(decay=0.1)


def test_subclass_must_call_super_init():
    class Broken(Optimizer):
        def __init__(self):
            self.x = 1

    with pytest.raises(RuntimeError, match="forgot to call `super\\(\\).__init__\\(\\)`"):
        Broken()


# -- learning rate --------------------------------------------------------------------------------
def test_learning_rate_is_a_float32_variable_and_settable():
    optimizer = optimizers.Adam(learning_rate=0.01)
    lr = optimizer.learning_rate
    assert isinstance(lr, Variable) and lr.dtype == "float32" and lr.path == "adam/learning_rate"
    optimizer.learning_rate = 0.5
    assert optimizer.learning_rate is lr and float(lr.numpy()) == 0.5


def test_learning_rate_variable_dtype_follows_floatx():
    config.set_floatx("float64")
    assert optimizers.SGD(learning_rate=0.1).learning_rate.numpy() == 0.1


def test_schedule_learning_rate_is_not_settable_with_a_float():
    optimizer = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="hence its learning rate is not settable"):
        optimizer.learning_rate = 0.1


def test_setting_a_schedule_untracks_the_variable():
    optimizer = optimizers.SGD()
    optimizer.learning_rate = schedules.ExponentialDecay(0.1, 10, 0.5)
    assert [v.name for v in optimizer.variables] == ["iteration"]
    np.testing.assert_allclose(optimizer.learning_rate, 0.1, **F32)


def test_schedule_sees_the_iteration_before_the_update():
    w = Variable(np.array([0.0], "float32"), name="w")
    lr = schedules.PiecewiseConstantDecay([0, 1], [1.0, 0.1, 0.01])
    optimizer = optimizers.SGD(learning_rate=lr)
    for _ in range(3):
        optimizer.apply([np.array([1.0], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-1.11], **F32)


def test_callable_learning_rate():
    w = Variable(np.array([0.0], "float32"), name="w")
    optimizer = optimizers.SGD(learning_rate=lambda: 0.25)
    optimizer.apply([np.array([1.0], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-0.25], **F32)


# -- weights -----------------------------------------------------------------------------------------
def test_set_weights_and_store_round_trip():
    w, b = make_vars()
    first = optimizers.Adam()
    first.apply([GW, GB], [w, b])
    store = {}
    first.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(6)]

    w2, b2 = make_vars()
    second = optimizers.Adam()
    second.build([w2, b2])
    second.load_own_variables(store)
    for a, c in zip(first.variables, second.variables):
        np.testing.assert_array_equal(a.numpy(), c.numpy())

    with pytest.raises(ValueError, match="not compatible with provided weight shape"):
        second.set_weights([np.zeros(3)])
    with pytest.raises(ValueError, match="has not yet been built"):
        optimizers.Adam().set_weights([])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimizers.Adam().load_own_variables(store)
    assert "Skipping variable loading" in str(caught[0].message)
