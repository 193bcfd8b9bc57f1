"""Merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot) and their functions."""

import numpy as np
import pytest

import minikeras
from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads

rng = np.random.default_rng(3)
a, b, c = (rng.normal(size=(4, 3)).astype("float32") for _ in range(3))

ELEMENTWISE = [
    (layers.Add, layers.add, lambda *xs: sum(xs)),
    (layers.Multiply, layers.multiply, lambda *xs: np.prod(xs, axis=0)),
    (layers.Average, layers.average, lambda *xs: sum(xs) / len(xs)),
    (layers.Maximum, layers.maximum, lambda *xs: np.max(xs, axis=0)),
    (layers.Minimum, layers.minimum, lambda *xs: np.min(xs, axis=0)),
]


@pytest.mark.parametrize("cls,fn,ref", ELEMENTWISE)
def test_elementwise_values(cls, fn, ref):
    np.testing.assert_allclose(np.asarray(cls()([a, b, c])), ref(a, b, c), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(fn([a, b])), ref(a, b), rtol=1e-6)


@pytest.mark.parametrize("cls,fn,ref", ELEMENTWISE)
def test_elementwise_gradients(cls, fn, ref):
    x1, x2 = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    check_layer_grads(cls(dtype="float64"), x1, x2)


def test_subtract():
    np.testing.assert_allclose(np.asarray(layers.subtract([a, b])), a - b)
    check_layer_grads(layers.Subtract(dtype="float64"), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)))
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([a, b, c])


def test_broadcast_and_rank_alignment():
    x = rng.normal(size=(4, 2, 3)).astype("float32")
    y = rng.normal(size=(4, 3)).astype("float32")
    layer = layers.Add()
    out = np.asarray(layer([x, y]))
    # the lower-rank input gets its new axis right after the batch axis
    np.testing.assert_allclose(out, x + y[:, None, :], rtol=1e-6)
    assert layer.compute_output_shape([(None, 2, 3), (None, 3)]) == (None, 2, 3)


def test_merge_errors():
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Add()(a)
    with pytest.raises(ValueError, match="different batch sizes"):
        layers.Add()([a, a[:2]])
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([a, np.zeros((4, 5), "float32")])


def test_functional_model_with_merges():
    x1, x2 = minikeras.Input((3,)), minikeras.Input((3,))
    out = layers.concatenate([layers.add([x1, x2]), layers.multiply([x1, x2])])
    assert out.shape == (None, 6)
    model = minikeras.Model([x1, x2], out)
    np.testing.assert_allclose(np.asarray(model([a, b])), np.concatenate([a + b, a * b], -1), rtol=1e-6)


@pytest.mark.parametrize("axis,shapes,expected", [(-1, [(4, 2), (4, 3)], (4, 5)), (1, [(4, 2, 3), (4, 1, 3)], (4, 3, 3)),
                                                  (0, [(2, 3), (1, 3)], (3, 3))])
def test_concatenate(axis, shapes, expected):
    xs = [rng.normal(size=s).astype("float32") for s in shapes]
    layer = layers.Concatenate(axis=axis)
    out = np.asarray(layer(xs))
    np.testing.assert_array_equal(out, np.concatenate(xs, axis=axis))
    assert layer.compute_output_shape(shapes) == expected


def test_concatenate_unknown_sizes_and_gradients():
    assert layers.Concatenate().compute_output_shape([(None, 2), (None, None)]) == (None, None)
    check_layer_grads(layers.Concatenate(dtype="float64"), rng.normal(size=(2, 2)), rng.normal(size=(2, 3)))


def test_concatenate_errors():
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate()([np.zeros((2, 3, 4)), np.zeros((2, 2, 4))])
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Concatenate().compute_output_shape((2, 3))


@pytest.mark.parametrize("axes,s1,s2", [(1, (4, 3), (4, 3)), (-1, (4, 2, 3), (4, 5, 3)), ([1, 2], (4, 3, 2), (4, 2, 3)),
                                        ((2, 1), (4, 2, 3), (4, 3))])
def test_dot_matches_einsum(axes, s1, s2):
    x, y = rng.normal(size=s1), rng.normal(size=s2)
    layer = layers.Dot(axes=axes, dtype="float64")
    out = np.asarray(layer([x, y]))
    ax = [axes, axes] if isinstance(axes, int) else list(axes)
    ax = [ax[0] % len(s1), ax[1] % len(s2)]
    expected = np.stack([np.tensordot(x[i], y[i], axes=(ax[0] - 1, ax[1] - 1)) for i in range(4)])
    if expected.ndim == 1:
        expected = expected[:, None]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert layer.compute_output_shape([s1, s2]) == out.shape
    check_layer_grads(layer, x, y)


def test_dot_normalize_is_cosine_similarity():
    x, y = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    out = np.asarray(layers.Dot(axes=1, normalize=True, dtype="float64")([x, y]))
    cos = (x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    np.testing.assert_allclose(out[:, 0], cos, rtol=1e-10)
    check_layer_grads(layers.Dot(axes=1, normalize=True, dtype="float64"), x, y)


@pytest.mark.parametrize("axes,error", [("a", TypeError), ([1], ValueError), ([1.0, 2], ValueError)])
def test_dot_bad_axes(axes, error):
    with pytest.raises(error):
        layers.Dot(axes=axes)


def test_dot_incompatible_shapes():
    with pytest.raises(ValueError, match="Incompatible input shapes"):
        layers.Dot(axes=1)([np.zeros((2, 3)), np.zeros((2, 4))])


@pytest.mark.parametrize("layer", [layers.Add(), layers.Subtract(), layers.Multiply(), layers.Average(),
                                   layers.Maximum(), layers.Minimum(), layers.Concatenate(axis=1),
                                   layers.Dot(axes=[1, 2], normalize=True)], ids=lambda l: type(l).__name__)
def test_config_round_trip(layer):
    assert_config_round_trip(layer)
