"""Hand-worked updates for every optimizer: the formula written out in float64, step by step."""

import math

import numpy as np
import pytest

from compat_tests.tolerances import F32
from minikeras import optimizers
from minikeras.backend.variables import Variable

W0 = np.array([[0.5, -1.0, 2.0], [0.0, 0.25, -0.75]])
G1 = np.array([[0.1, -0.2, 0.3], [-0.4, 0.5, 0.0]])
G2 = np.array([[-0.3, 0.1, 0.2], [0.05, -0.6, 0.7]])


def run(optimizer, grads=(G1,), w0=W0, dtype="float32"):
    w = Variable(w0.astype(dtype), name="kernel")
    for g in grads:
        optimizer.apply([g.astype(dtype)], [w])
    return w


def close(variable, expected):
    np.testing.assert_allclose(variable.numpy(), expected, **F32)


def test_sgd_plain():
    close(run(optimizers.SGD(learning_rate=0.1), [G1, G2]), W0 - 0.1 * G1 - 0.1 * G2)


def test_sgd_default_learning_rate_is_0_01():
    close(run(optimizers.SGD()), W0 - 0.01 * G1)


def test_sgd_momentum_two_steps():
    lr, mu = 0.1, 0.9
    v1 = -lr * G1
    w1 = W0 + v1
    v2 = mu * v1 - lr * G2
    close(run(optimizers.SGD(learning_rate=lr, momentum=mu), [G1, G2]), w1 + v2)


def test_sgd_nesterov_two_steps():
    lr, mu = 0.1, 0.9
    v1 = -lr * G1
    w1 = W0 + mu * v1 - lr * G1
    v2 = mu * v1 - lr * G2
    w2 = w1 + mu * v2 - lr * G2
    close(run(optimizers.SGD(learning_rate=lr, momentum=mu, nesterov=True), [G1, G2]), w2)


def adam_reference(grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, wd=None):
    w, m, v, vhat = W0.copy(), 0 * W0, 0 * W0, 0 * W0
    for t, g in enumerate(grads, start=1):
        if wd is not None:
            w = w - w * wd * lr
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        vhat = np.maximum(vhat, v)
        w = w - m * alpha / (np.sqrt(vhat if amsgrad else v) + eps)
    return w


def test_adam_first_step_is_lr_times_sign():
    # After one step m_hat / sqrt(v_hat) = g / |g|: each weight moves by about lr.
    w = run(optimizers.Adam(learning_rate=0.01))
    root = math.sqrt(1 - 0.999)
    expected = W0 - 0.01 * G1 * root / (root * np.abs(G1) + 1e-7)
    close(w, expected)
    close(w, adam_reference([G1], lr=0.01))


def test_adam_three_steps():
    close(run(optimizers.Adam(learning_rate=0.01), [G1, G2, G1]), adam_reference([G1, G2, G1], lr=0.01))


def test_adam_epsilon_outside_the_bias_correction():
    # With a large epsilon the placement matters: eps is added to sqrt(v), not sqrt(v_hat).
    w = run(optimizers.Adam(learning_rate=0.1, epsilon=0.5), [G1, G2])
    close(w, adam_reference([G1, G2], lr=0.1, eps=0.5))
    m = 0.1 * G1
    v = 0.001 * G1**2
    textbook = W0 - 0.1 * (m / 0.1) / (np.sqrt(v / 0.001) + 0.5)
    assert not np.allclose(run(optimizers.Adam(learning_rate=0.1, epsilon=0.5)).numpy(), textbook, **F32)


def test_adam_amsgrad():
    grads = [G1 * 3, G2 * 0.1, G1 * 0.1]
    close(run(optimizers.Adam(learning_rate=0.01, amsgrad=True), grads),
          adam_reference(grads, lr=0.01, amsgrad=True))
    assert not np.allclose(adam_reference(grads, lr=0.01, amsgrad=True), adam_reference(grads, lr=0.01))


def test_adamw_decays_before_the_adam_step():
    w = run(optimizers.AdamW(learning_rate=0.01, weight_decay=0.1), [G1, G2])
    close(w, adam_reference([G1, G2], lr=0.01, wd=0.1))


def test_adamw_default_weight_decay_is_0_004():
    close(run(optimizers.AdamW(learning_rate=0.01)), adam_reference([G1], lr=0.01, wd=0.004))


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop_two_steps(centered, momentum):
    lr, rho, eps = 0.01, 0.9, 1e-7
    w, s, a, mom = W0.copy(), 0 * W0, 0 * W0, 0 * W0
    for g in (G1, G2):
        s = rho * s + (1 - rho) * g * g
        a = rho * a + (1 - rho) * g
        denominator = (s - a * a + eps) if centered else (s + eps)
        increment = lr * g / np.sqrt(denominator)
        mom = momentum * mom + increment
        w = w - (mom if momentum > 0 else increment)
    close(run(optimizers.RMSprop(learning_rate=lr, momentum=momentum, centered=centered), [G1, G2]), w)


def test_rmsprop_epsilon_inside_the_square_root():
    g = np.full((2, 3), 1e-3)
    w = run(optimizers.RMSprop(learning_rate=0.01, epsilon=1e-5), [g])
    close(w, W0 - 0.01 * g / np.sqrt(0.1 * g * g + 1e-5))


@pytest.mark.parametrize("initial", [0.1, 0.0, 2.0])
def test_adagrad_two_steps(initial):
    lr, eps = 0.1, 1e-7
    acc = np.full_like(W0, initial)
    w = W0.copy()
    for g in (G1, G2):
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
    close(run(optimizers.Adagrad(learning_rate=lr, initial_accumulator_value=initial), [G1, G2]), w)


def test_adadelta_two_steps():
    lr, rho, eps = 1.0, 0.95, 1e-7
    w, eg, edx = W0.copy(), 0 * W0, 0 * W0
    for g in (G1, G2):
        eg = rho * eg + (1 - rho) * g * g
        dx = -np.sqrt(edx + eps) * g / np.sqrt(eg + eps)
        edx = rho * edx + (1 - rho) * dx * dx
        w = w + lr * dx
    close(run(optimizers.Adadelta(learning_rate=lr), [G1, G2]), w)


def test_adamax_two_steps():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    w, m, u = W0.copy(), 0 * W0, 0 * W0
    for t, g in enumerate((G1, G2), start=1):
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - b1**t) * (u + eps))
    close(run(optimizers.Adamax(learning_rate=lr), [G1, G2]), w)


def test_nadam_three_steps():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    w, m, v, product = W0.copy(), 0 * W0, 0 * W0, 1.0
    for t, g in enumerate((G1, G2, G1), start=1):
        u_t = b1 * (1 - 0.5 * 0.96**t)  # Keras 3: 0.96 ** t (Keras 2 had 0.96 ** (0.004 * t))
        u_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        product *= u_t
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * g / (1 - product)
        v_hat = v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    optimizer = optimizers.Nadam(learning_rate=lr)
    close(run(optimizer, [G1, G2, G1]), w)
    np.testing.assert_allclose(float(optimizer._u_product.numpy()), product, **F32)


def test_lion_two_steps():
    lr, b1, b2 = 0.01, 0.9, 0.99
    w, m = W0.copy(), 0 * W0
    for g in (G1, G2):
        w = w - lr * np.sign(b1 * m + (1 - b1) * g)
        m = b2 * m + (1 - b2) * g
    close(run(optimizers.Lion(learning_rate=lr), [G1, G2]), w)


def test_lion_moves_every_weight_by_exactly_lr():
    w = run(optimizers.Lion(learning_rate=0.25), [G1])
    np.testing.assert_array_equal(np.abs(w.numpy() - W0.astype("float32")), np.where(G1 != 0, 0.25, 0.0))


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam",
                                  "lion"])
def test_float64_stays_float64(name):
    from minikeras import config

    config.set_floatx("float64")
    optimizer = optimizers.get(name)
    w = run(optimizer, [G1, G2], dtype="float64")
    assert w.dtype == "float64"
    assert all(v.dtype in ("float64", "int64") for v in optimizer.variables)


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam",
                                  "lion"])
def test_float32_updates_in_place_without_upcasting(name):
    optimizer = optimizers.get(name)
    w = Variable(W0.astype("float32"), name="kernel")
    array = w.value
    optimizer.apply([G1.astype("float32")], [w])
    assert w.value is array and w.value.dtype == np.float32
    assert not np.array_equal(array, W0.astype("float32"))
    slots = [v for v in optimizer.variables if v.shape == w.shape]
    assert all(v.value.dtype == np.float32 for v in slots)


@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion"])
def test_scalar_variables(name):
    optimizer = optimizers.get(name)
    w = Variable(np.array(0.5, "float32"), name="scale")
    optimizer.apply([np.array(0.25, "float32")], [w])
    assert w.shape == () and float(w.numpy()) < 0.5
