"""Merge layers against TF Keras: values, gradients, output shapes, errors, config."""

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import assert_same_config, compare_layers
from compat_tests.recording import assert_close, assert_equal

rng = np.random.default_rng(17)

ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
SHAPES = {
    "same": [(4, 3), (4, 3)],
    "three": [(4, 3), (4, 3), (4, 3)],
    "broadcast": [(4, 2, 3), (4, 1, 3)],
    "ranks": [(4, 2, 3), (4, 3)],
}


def _inputs(shapes):
    return [rng.normal(size=s).astype("float32") for s in shapes]


# Subtract takes exactly two inputs (its error with three is compared in test_same_errors).
ELEMENTWISE_CASES = [(n, s) for n in ELEMENTWISE for s in SHAPES if not (n == "Subtract" and s == "three")]


@pytest.mark.parametrize("name,shapes", ELEMENTWISE_CASES)
def test_elementwise(keras, name, shapes):
    shapes = SHAPES[shapes]
    compare_layers(getattr(minikeras.layers, name)(), getattr(keras.layers, name)(), _inputs(shapes),
                   output_shape_of=[(None,) + s[1:] for s in shapes])


@pytest.mark.parametrize("name", [n.lower() for n in ELEMENTWISE])
def test_functional_helpers(keras, name):
    xs = _inputs([(3, 2), (3, 2)])
    assert_close(np.asarray(getattr(minikeras.layers, name)(xs)),
                 getattr(keras.layers, name)(xs).numpy(), rtol=1e-6, item=f"layers.{name}")


@pytest.mark.parametrize("axis,shapes", [(-1, [(4, 2), (4, 3)]), (1, [(4, 2, 3), (4, 1, 3)]),
                                         (2, [(2, 3, 1), (2, 3, 4), (2, 3, 2)]), (-2, [(2, 1, 3), (2, 2, 3)])])
def test_concatenate(keras, axis, shapes):
    compare_layers(minikeras.layers.Concatenate(axis=axis), keras.layers.Concatenate(axis=axis), _inputs(shapes),
                   output_shape_of=[(None,) + s[1:] for s in shapes])
    xs = _inputs(shapes)
    assert_equal(np.asarray(minikeras.layers.concatenate(xs, axis=axis)),
                 keras.layers.concatenate(xs, axis=axis).numpy(), item="layers.concatenate")


@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize("axes,shapes", [(1, [(4, 3), (4, 3)]), (-1, [(4, 2, 3), (4, 5, 3)]),
                                         ([1, 2], [(4, 3, 2), (4, 2, 3)]), ((2, 1), [(4, 2, 3), (4, 3)]),
                                         ((1, 1), [(3, 4), (3, 4, 2)])])
def test_dot(keras, axes, shapes, normalize):
    compare_layers(minikeras.layers.Dot(axes=axes, normalize=normalize),
                   keras.layers.Dot(axes=axes, normalize=normalize), _inputs(shapes),
                   output_shape_of=[(None,) + s[1:] for s in shapes])


def test_functional_model_matches(keras):
    xs = _inputs([(5, 3), (5, 3)])

    def build(lib):
        a, b = lib.Input((3,)), lib.Input((3,))
        out = lib.layers.concatenate([lib.layers.add([a, b]), lib.layers.dot([a, b], axes=1)])
        return lib.Model([a, b], out)

    assert_close(np.asarray(build(minikeras)(xs)), build(keras)(xs).numpy(), rtol=1e-5, atol=1e-6,
                 item=["layers.concatenate", "layers.add", "layers.dot"])


@pytest.mark.parametrize("make,inputs", [
    (lambda L: L.Add(), lambda: [np.zeros((2, 3)), np.zeros((2, 4))]),
    (lambda L: L.Add(), lambda: [np.zeros((2, 3)), np.zeros((3, 3))]),
    (lambda L: L.Subtract(), lambda: [np.zeros((2, 3))] * 3),
    (lambda L: L.Concatenate(), lambda: [np.zeros((2, 3, 4)), np.zeros((2, 2, 4))]),
    (lambda L: L.Dot(axes=1), lambda: [np.zeros((2, 3)), np.zeros((2, 4))]),
])
def test_same_errors(keras, make, inputs):
    with pytest.raises(ValueError):
        make(keras.layers)(inputs())
    with pytest.raises(ValueError):
        make(minikeras.layers)(inputs())


@pytest.mark.parametrize("make", [lambda L: L.Add(), lambda L: L.Average(), lambda L: L.Concatenate(axis=1),
                                  lambda L: L.Dot(axes=[1, 2], normalize=True), lambda L: L.Maximum()])
def test_config_matches(keras, make):
    assert_same_config(make(minikeras.layers), make(keras.layers))
