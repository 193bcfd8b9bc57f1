"""The engine: recording, the reverse walk, accumulation, variables as leaves."""

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend.variables import Variable
from minikeras.ops.autodiff import GradientTape, Tensor, is_recording, unbroadcast


def test_outside_a_tape_ops_return_plain_arrays():
    out = ops.add(np.ones(3), 2.0)
    assert type(out) is np.ndarray
    assert not is_recording()


def test_chain_rule_through_a_small_graph():
    # f(x) = sum((3x)^2) -> df/dx = 18x
    x = np.array([1.0, -2.0, 0.5])
    with GradientTape() as tape:
        leaf = tape.watch(x)
        y = ops.sum(ops.square(ops.multiply(3.0, leaf)))
    np.testing.assert_allclose(tape.gradient(y, leaf), 18 * x)


def test_gradients_accumulate_over_several_uses():
    # f(x) = x*x + x -> 2x + 1
    x = np.array([3.0])
    with GradientTape() as tape:
        leaf = tape.watch(x)
        y = ops.add(ops.multiply(leaf, leaf), leaf)
    np.testing.assert_allclose(tape.gradient(y, leaf), [7.0])


def test_trainable_variables_are_watched_automatically():
    w = Variable(np.array([[2.0]]), name="w")
    frozen = Variable(np.array([[5.0]]), name="frozen", trainable=False)
    with GradientTape() as tape:
        y = ops.sum(ops.matmul(ops.matmul(np.array([[1.5]]), w), frozen))
    gw, gf = tape.gradient(y, [w, frozen])
    np.testing.assert_allclose(gw, [[7.5]])
    assert gf is None  # not watched, as with TensorFlow's default tape


def test_unconnected_source_gives_none():
    a = Variable(np.ones(2), name="a")
    b = Variable(np.ones(2), name="b")
    with GradientTape() as tape:
        y = ops.sum(a)
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_allclose(ga, [1.0, 1.0])
    assert gb is None


def test_non_persistent_tape_refuses_a_second_gradient():
    x = np.ones(2)
    with GradientTape() as tape:
        leaf = tape.watch(x)
        y = ops.sum(leaf)
    tape.gradient(y, leaf)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, leaf)


def test_persistent_tape_allows_several_gradients():
    x = np.array([2.0])
    with GradientTape(persistent=True) as tape:
        leaf = tape.watch(x)
        y = ops.square(leaf)
        z = ops.multiply(y, 3.0)
    np.testing.assert_allclose(tape.gradient(y, leaf), [4.0])
    np.testing.assert_allclose(tape.gradient(z, leaf), [12.0])


def test_stop_gradient_cuts_the_path():
    x = np.array([2.0])
    with GradientTape() as tape:
        leaf = tape.watch(x)
        y = ops.add(ops.square(leaf), ops.stop_gradient(ops.square(leaf)))
    np.testing.assert_allclose(tape.gradient(y, leaf), [4.0])


def test_output_gradients_seed_the_backward_pass():
    x = np.array([1.0, 2.0])
    with GradientTape() as tape:
        leaf = tape.watch(x)
        y = ops.multiply(leaf, 3.0)
    np.testing.assert_allclose(tape.gradient(y, leaf, output_gradients=np.array([1.0, 10.0])), [3.0, 30.0])


def test_tensor_operators_dispatch_to_ops():
    x = np.array([1.0, 2.0])
    with GradientTape() as tape:
        t = tape.watch(x)
        y = ops.sum((t * 2 + 1) / 2 - t ** 2)
    assert isinstance(y, Tensor)
    np.testing.assert_allclose(tape.gradient(y, t), 1 - 2 * x)


def test_constants_inside_a_tape_are_not_visited():
    with GradientTape() as tape:
        c = ops.add(np.ones(2), 1.0)
    assert isinstance(c, Tensor) and not c.requires_grad
    assert tape.nodes == []


@pytest.mark.parametrize("grad_shape,shape", [((2, 3), (3,)), ((2, 3), (1, 3)), ((2, 3), (2, 1)), ((4, 2, 3), (2, 3)), ((2, 3), ())])
def test_unbroadcast_sums_broadcast_axes(grad_shape, shape):
    g = np.arange(np.prod(grad_shape), dtype=float).reshape(grad_shape)
    out = unbroadcast(g, shape)
    assert out.shape == shape
    assert np.isclose(out.sum(), g.sum())


def test_variable_updates_in_place():
    v = Variable(np.zeros(3), name="v")
    buffer = v.value
    v.assign_sub(np.ones(3))
    v.assign(np.full(3, 2.0))
    v.assign_add(np.ones(3))
    assert v.value is buffer
    np.testing.assert_allclose(v.numpy(), 3.0)
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.zeros(4))
