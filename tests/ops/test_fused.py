"""Fused ops (`ops.nn.dense`, `ops.nn.softmax_cross_entropy_mean`) against their unfused compositions.

Values and gradients must be *equal* (bitwise, the same NumPy operations in the same order), plus a
central-difference check in float64, one node on the tape, and the fallbacks for inputs the fused
path does not take.
"""

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend.variables import Variable
from minikeras.ops import nn
from minikeras.ops.autodiff import GradientTape, Tensor
from tests.gradcheck import check_grad


def _unfused_dense(x, w, b, activation):
    out = ops.matmul(x, w)
    if b is not None:
        out = ops.add(out, b)
    return ops.relu(out) if activation == "relu" else out


def _grads(fn, arrays, upstream):
    with GradientTape() as tape:
        leaves = [tape.watch(a) for a in arrays]
        out = fn(*leaves)
        total = ops.sum(ops.multiply(out, upstream))
    return out, tape.gradient(total, leaves)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("activation", [None, "relu"])
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("shape", [(1, 3, 2), (7, 5, 4), (32, 10, 3)])
def test_dense_equals_the_unfused_ops(dtype, activation, use_bias, shape):
    rng = np.random.default_rng(0)
    batch, n_in, n_out = shape
    x = rng.normal(size=(batch, n_in)).astype(dtype)
    x[0, 0] = 0.0  # a relu kink on the way
    w = rng.normal(size=(n_in, n_out)).astype(dtype)
    b = rng.normal(size=(n_out,)).astype(dtype) if use_bias else None
    upstream = rng.normal(size=(batch, n_out)).astype(dtype)
    arrays = [x, w] + ([b] if use_bias else [])

    def fused(x, w, b=None):
        return nn.dense(x, w, b, activation)

    def unfused(x, w, b=None):
        return _unfused_dense(x, w, b, activation)

    out_f, grads_f = _grads(fused, arrays, upstream)
    out_u, grads_u = _grads(unfused, arrays, upstream)
    np.testing.assert_array_equal(out_f.value, out_u.value)
    assert out_f.value.dtype == np.dtype(dtype)
    for gf, gu in zip(grads_f, grads_u):
        assert gf.dtype == gu.dtype
        np.testing.assert_array_equal(gf, gu)
    np.testing.assert_array_equal(nn.dense(*arrays[:2], b, activation), out_u.value)  # outside a tape


@pytest.mark.parametrize("activation", [None, "relu"])
def test_dense_gradient_check(activation):
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=(3,))
    check_grad(lambda x, w, b: nn.dense(x, w, b, activation), x, w, b)


def test_dense_records_one_node_and_skips_unneeded_gradients():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 4)).astype("float32")
    w = Variable(rng.normal(size=(4, 3)).astype("float32"), name="kernel")
    b = Variable(np.zeros(3, "float32"), name="bias")
    with GradientTape() as tape:
        out = nn.dense(x, w, b, "relu")
        assert isinstance(out, Tensor)
        assert len(tape.nodes) == 1
        assert out.need == (False, True, True)  # the data needs no gradient
        loss = ops.sum(out)
    gw, gb = tape.gradient(loss, [w, b])
    mask = (x @ w.value > 0).astype("float32")
    np.testing.assert_allclose(gw, x.T @ mask, rtol=1e-6)
    np.testing.assert_allclose(gb, mask.sum(axis=0), rtol=1e-6)


@pytest.mark.parametrize("case", ["3d", "int", "mixed_dtype", "list"])
def test_dense_falls_back_to_the_unfused_ops(case):
    rng = np.random.default_rng(3)
    w = rng.normal(size=(4, 3)).astype("float32")
    b = rng.normal(size=(3,)).astype("float32")
    x = {"3d": rng.normal(size=(2, 5, 4)).astype("float32"),
         "int": rng.integers(-3, 3, size=(5, 4)),
         "mixed_dtype": rng.normal(size=(5, 4)),
         "list": rng.normal(size=(5, 4)).astype("float32").tolist()}[case]
    upstream = np.ones(np.shape(_unfused_dense(np.asarray(x), w, b, "relu")), "float32")
    with GradientTape() as tape:
        wl, bl = tape.watch(w), tape.watch(b)
        fused = ops.sum(ops.multiply(nn.dense(x, wl, bl, "relu"), upstream))
    g_fused = tape.gradient(fused, [wl, bl])
    with GradientTape() as tape:
        wl, bl = tape.watch(w), tape.watch(b)
        unfused = ops.sum(ops.multiply(_unfused_dense(np.asarray(x), wl, bl, "relu"), upstream))
    g_unfused = tape.gradient(unfused, [wl, bl])
    np.testing.assert_array_equal(fused.value, unfused.value)
    for gf, gu in zip(g_fused, g_unfused):
        np.testing.assert_array_equal(gf, gu)


def test_dense_rejects_other_activations():
    with pytest.raises(ValueError, match="activation"):
        nn.dense(np.ones((2, 2)), np.ones((2, 2)), None, "tanh")


def _unfused_mean_ce(y, z):
    per_row = ops.softmax_cross_entropy_with_logits(y, z)
    n = np.asarray(np.prod(np.shape(ops.convert_to_numpy(per_row))), dtype=ops.convert_to_numpy(z).dtype)
    return ops.divide_no_nan(ops.sum(per_row), n)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(1, 2), (9, 3), (32, 10)])
@pytest.mark.parametrize("soft_labels", [False, True])
def test_softmax_cross_entropy_mean_equals_the_unfused_ops(dtype, shape, soft_labels):
    rng = np.random.default_rng(4)
    z = (3 * rng.normal(size=shape)).astype(dtype)
    if soft_labels:
        y = rng.uniform(size=shape).astype(dtype)
        y /= y.sum(axis=1, keepdims=True)
    else:
        y = np.eye(shape[1], dtype=dtype)[rng.integers(0, shape[1], shape[0])]
    g = np.asarray(rng.uniform(0.5, 2.0), dtype=dtype)
    results = []
    for fn in (nn.softmax_cross_entropy_mean, _unfused_mean_ce):
        with GradientTape() as tape:
            yl, zl = tape.watch(y), tape.watch(z)
            out = fn(yl, zl)
        results.append((out.value, tape.gradient(out, [yl, zl], output_gradients=g)))
    (vf, gf), (vu, gu) = results
    assert np.asarray(vf).dtype == np.dtype(dtype)
    np.testing.assert_array_equal(vf, vu)
    for a, b in zip(gf, gu):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(nn.softmax_cross_entropy_mean(y, z), vu)


def test_softmax_cross_entropy_mean_gradient_check():
    rng = np.random.default_rng(5)
    y = np.eye(4)[rng.integers(0, 4, 6)]
    check_grad(lambda z: nn.softmax_cross_entropy_mean(y, z), rng.normal(size=(6, 4)))


def test_softmax_cross_entropy_mean_records_one_node():
    z = np.zeros((3, 2), "float32")
    with GradientTape() as tape:
        out = nn.softmax_cross_entropy_mean(np.eye(2, dtype="float32")[[0, 1, 1]], tape.watch(z))
        assert len(tape.nodes) == 1
    np.testing.assert_allclose(out.value, np.log(2), rtol=1e-6)


def test_softmax_cross_entropy_mean_falls_back_for_other_inputs():
    y = np.eye(3, dtype="float32")[[0, 2]]
    z = np.arange(6, dtype="float64").reshape(2, 3)  # dtypes differ from the labels
    np.testing.assert_array_equal(nn.softmax_cross_entropy_mean(y, z), _unfused_mean_ce(y, z))


@pytest.mark.parametrize("loss_factory", [
    lambda losses: losses.CategoricalCrossentropy(),
    lambda losses: losses.LossFunctionWrapper(losses.categorical_crossentropy),
    lambda losses: losses.CategoricalCrossentropy(from_logits=True),
])
@pytest.mark.parametrize("through_softmax", [True, False])
def test_categorical_crossentropy_loss_takes_the_fused_path_with_equal_numbers(loss_factory, through_softmax):
    import minikeras

    loss = loss_factory(minikeras.losses)
    from_logits = loss._fn_kwargs.get("from_logits", False)
    if not through_softmax and not from_logits:
        pytest.skip("probabilities without logits take the clipped path")
    rng = np.random.default_rng(6)
    z = rng.normal(size=(8, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 8)]

    def run(sample_weight):
        with GradientTape() as tape:
            zl = tape.watch(z)
            pred = ops.softmax(zl) if through_softmax else zl
            before = len(tape.nodes)
            out = loss(y, pred, sample_weight=sample_weight)
            nodes = len(tape.nodes) - before
        return out.value, tape.gradient(out, zl), nodes

    fused_value, fused_grad, fused_nodes = run(None)
    # Unit sample weights force the general path (weights multiply by exactly 1).
    plain_value, plain_grad, plain_nodes = run(np.ones(8, "float32"))
    assert fused_nodes == 1 and plain_nodes > 1
    np.testing.assert_array_equal(fused_value, plain_value)
    np.testing.assert_array_equal(fused_grad, plain_grad)
