"""Central-difference checks (float64) of every differentiable op's VJP."""

import numpy as np
import pytest

from minikeras import ops
from tests.gradcheck import check_grad

rng = np.random.default_rng(0)


def _pos(*shape):
    return rng.uniform(0.5, 2.0, size=shape)


def _any(*shape):
    return rng.uniform(-2.0, 2.0, size=shape)


def _soft_labels(*shape):
    y = _pos(*shape)
    return y / y.sum(axis=-1, keepdims=True)


def _away_from(values, points, margin=0.05):
    """Nudge samples away from kinks, where central differences are meaningless."""
    values = values.copy()
    for p in points:
        close = np.abs(values - p) < margin
        values[close] += 2 * margin
    return values


UNARY = {
    "negative": (ops.negative, _any(3, 4)),
    "square": (ops.square, _any(3, 4)),
    "sqrt": (ops.sqrt, _pos(3, 4)),
    "exp": (ops.exp, _any(3, 4)),
    "log": (ops.log, _pos(3, 4)),
    "log1p": (ops.log1p, _pos(3, 4)),
    "expm1": (ops.expm1, _any(3, 4)),
    "absolute": (ops.absolute, _away_from(_any(3, 4), [0])),
    "tanh": (ops.tanh, _any(3, 4)),
    "sin": (ops.sin, _any(3, 4)),
    "cos": (ops.cos, _any(3, 4)),
    "sum_all": (ops.sum, _any(3, 4)),
    "sum_axis0": (lambda x: ops.sum(x, axis=0), _any(3, 4)),
    "sum_keepdims": (lambda x: ops.sum(x, axis=1, keepdims=True), _any(3, 4)),
    "sum_axes": (lambda x: ops.sum(x, axis=(0, 2)), _any(2, 3, 4)),
    "mean_all": (ops.mean, _any(3, 4)),
    "mean_axis": (lambda x: ops.mean(x, axis=-1), _any(3, 4)),
    "var": (lambda x: ops.var(x, axis=0), _any(5, 3)),
    "std": (lambda x: ops.std(x, axis=0), _any(5, 3)),
    "max": (lambda x: ops.max(x, axis=1), _any(3, 4)),
    "min": (lambda x: ops.min(x, axis=0), _any(3, 4)),
    "prod": (lambda x: ops.prod(x, axis=1), _pos(3, 4)),
    "logsumexp": (lambda x: ops.logsumexp(x, axis=-1), _any(3, 4)),
    "cumsum": (lambda x: ops.cumsum(x, axis=1), _any(3, 4)),
    "reshape": (lambda x: ops.reshape(x, (4, 3)), _any(3, 4)),
    "transpose": (ops.transpose, _any(3, 4)),
    "transpose_axes": (lambda x: ops.transpose(x, (2, 0, 1)), _any(2, 3, 4)),
    "expand_dims": (lambda x: ops.expand_dims(x, 1), _any(3, 4)),
    "squeeze": (lambda x: ops.squeeze(x, 1), _any(3, 1, 4)),
    "broadcast_to": (lambda x: ops.broadcast_to(x, (2, 3, 4)), _any(3, 1)),
    "tile": (lambda x: ops.tile(x, (2, 3)), _any(2, 3)),
    "repeat": (lambda x: ops.repeat(x, 2, axis=1), _any(2, 3)),
    "get_item": (lambda x: x[1:, ::2], _any(3, 4)),
    "take": (lambda x: ops.take(x, np.array([0, 2, 2]), axis=1), _any(3, 4)),
    "take_along_axis": (lambda x: ops.take_along_axis(x, np.array([[0], [2], [1]]), axis=1), _any(3, 4)),
    "clip": (lambda x: ops.clip(x, -1.0, 1.0), _away_from(_any(3, 4), [-1, 1])),
    "pad": (lambda x: ops.pad(x, ((1, 0), (0, 2))), _any(2, 3)),
    "relu": (ops.relu, _away_from(_any(3, 4), [0])),
    "relu6": (ops.relu6, _away_from(rng.uniform(-2, 8, (3, 4)), [0, 6])),
    "sigmoid": (ops.sigmoid, _any(3, 4)),
    "softmax": (ops.softmax, _any(3, 4)),
    "softmax_axis0": (lambda x: ops.softmax(x, axis=0), _any(3, 4)),
    "log_softmax": (ops.log_softmax, _any(3, 4)),
    "leaky_relu": (ops.leaky_relu, _away_from(_any(3, 4), [0])),
    "elu": (ops.elu, _away_from(_any(3, 4), [0])),
    "selu": (ops.selu, _away_from(_any(3, 4), [0])),
    "softplus": (ops.softplus, _any(3, 4)),
    "softsign": (ops.softsign, _away_from(_any(3, 4), [0])),
    "silu": (ops.silu, _any(3, 4)),
    "hard_sigmoid": (ops.hard_sigmoid, _away_from(rng.uniform(-4, 4, (3, 4)), [-3, 3])),
    "hard_silu": (ops.hard_silu, _away_from(rng.uniform(-4, 4, (3, 4)), [-3, 3])),
    "gelu_exact": (lambda x: ops.gelu(x, approximate=False), _any(3, 4)),
    "gelu_tanh": (lambda x: ops.gelu(x, approximate=True), _any(3, 4)),
    "mish": (ops.mish, _any(3, 4)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_op_gradient(name):
    fn, x = UNARY[name]
    check_grad(fn, x)


BINARY = {
    "add": (ops.add, _any(3, 4), _any(4)),
    "subtract": (ops.subtract, _any(3, 1), _any(1, 4)),
    "multiply": (ops.multiply, _any(3, 4), _any(3, 4)),
    "divide": (ops.divide, _any(3, 4), _pos(4)),
    "divide_no_nan": (ops.divide_no_nan, _any(3, 4), _pos(3, 4)),
    "power": (ops.power, _pos(3, 4), _any(3, 4)),
    "maximum": (ops.maximum, _any(3, 4), _any(3, 4) + 0.1),
    "minimum": (ops.minimum, _any(3, 4), _any(3, 4) + 0.1),
    "matmul": (ops.matmul, _any(3, 4), _any(4, 5)),
    "matmul_batched": (ops.matmul, _any(2, 3, 4), _any(4, 5)),
    "matmul_vec": (ops.matmul, _any(3, 4), _any(4)),
    "where": (lambda a, b: ops.where(np.arange(12).reshape(3, 4) % 2 == 0, a, b), _any(3, 4), _any(3, 4)),
    "concatenate": (lambda a, b: ops.concatenate([a, b], axis=1), _any(3, 2), _any(3, 4)),
    "stack": (lambda a, b: ops.stack([a, b], axis=1), _any(3, 4), _any(3, 4)),
    # Target rows sum to 1, where TensorFlow's logits gradient softmax(z) - y is the derivative.
    "softmax_xent_logits": (ops.softmax_cross_entropy_with_logits, _soft_labels(3, 4), _any(3, 4)),
    "sigmoid_xent_logits": (lambda y, z: ops.sigmoid_cross_entropy_with_logits(y, z), rng.uniform(0, 1, (3, 4)), _any(3, 4)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_op_gradient(name):
    fn, a, b = BINARY[name]
    check_grad(fn, a, b)


def test_cross_entropies_from_probabilities_have_correct_gradients():
    y = np.eye(4)[[0, 2, 3]]
    p = rng.uniform(0.1, 1.0, (3, 4))
    check_grad(lambda t: ops.categorical_crossentropy(y, t), p)
    check_grad(lambda t: ops.binary_crossentropy(y, t / 1.2), p)
    check_grad(lambda t: ops.sparse_categorical_crossentropy(np.array([0, 2, 3]), t), p / 4)


def test_softmax_then_crossentropy_gives_the_delta_rule():
    """d CE(y, softmax(z)) / dz = softmax(z) - y: the lesson's delta rule."""
    from minikeras.ops.autodiff import GradientTape

    z = rng.normal(size=(5, 3))
    y = np.eye(3)[[0, 1, 2, 1, 0]]
    with GradientTape() as tape:
        leaf = tape.watch(z)
        loss = ops.sum(ops.categorical_crossentropy(y, ops.softmax(leaf)))
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) - y
    np.testing.assert_allclose(tape.gradient(loss, leaf), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", [ops.softmax, ops.sigmoid, ops.log_softmax, ops.softplus])
def test_extreme_inputs_stay_finite(fn):
    from minikeras.ops.autodiff import GradientTape

    z = np.array([[1e4, -1e4, 0.0]], dtype=np.float32)
    with GradientTape() as tape:
        leaf = tape.watch(z)
        out = fn(leaf)
        total = ops.sum(out)
    assert np.all(np.isfinite(out.value))
    assert np.all(np.isfinite(tape.gradient(total, leaf)))
