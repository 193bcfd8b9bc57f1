"""`to_categorical` and `normalize`: values, shapes, dtypes and errors (Keras's NumPy behaviour)."""

import numpy as np
import pytest

from minikeras import ops
from minikeras.utils import normalize, to_categorical


@pytest.mark.parametrize("x, num_classes, expected", [
    ([0, 1, 2], None, np.eye(3)),
    ([0, 2], 4, [[1, 0, 0, 0], [0, 0, 1, 0]]),
    ([[1], [0]], None, [[0, 1], [1, 0]]),  # trailing 1 is squeezed
    (np.array(2), None, [0, 0, 1]),  # 0-d input gives a 1-D vector
    ([0, 1, -1], 3, np.eye(3)),  # negative labels count from the end
    ([1.7, 0.2], None, [[0, 1], [1, 0]]),  # floats truncate toward zero
    (["1"], None, [[0, 1]]),
    ([0, 1], 0, np.eye(2)),  # 0 means "infer"
])
def test_to_categorical_values(x, num_classes, expected):
    out = to_categorical(x, num_classes)
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.float64


@pytest.mark.parametrize("shape, expected_shape", [((4,), (4, 3)), ((4, 1), (4, 3)), ((2, 2), (2, 2, 3)),
                                                   ((1, 1, 1), (1, 1, 3)), ((2, 3, 1), (2, 3, 3))])
def test_to_categorical_shapes(shape, expected_shape):
    x = np.arange(int(np.prod(shape))).reshape(shape) % 3
    x.flat[0] = 2
    assert to_categorical(x).shape == expected_shape


def test_to_categorical_empty_with_classes():
    assert to_categorical([], 3).shape == (0, 3)


def test_to_categorical_accepts_tensors_and_variables():
    import minikeras

    v = minikeras.Variable(np.array([0.0, 2.0]))
    np.testing.assert_array_equal(to_categorical(v), [[1, 0, 0], [0, 0, 1]])


@pytest.mark.parametrize("x, num_classes, exc, match", [
    ([0, 3], 3, IndexError, r"class index 3 is out of bounds for num_classes=3"),
    ([0, -4], 3, IndexError, r"class index -4 is out of bounds for num_classes=3"),
    ([], None, ValueError, "zero-size array"),
    (["a"], None, ValueError, "invalid literal"),
    ([0, 1], 1.5, TypeError, "cannot be interpreted as an integer"),
    (None, None, TypeError, "NoneType"),
])
def test_to_categorical_errors(x, num_classes, exc, match):
    with pytest.raises(exc, match=match):
        to_categorical(x, num_classes)


@pytest.mark.parametrize("axis", [-1, 1])
@pytest.mark.parametrize("order", [1, 2, 3, np.inf])
def test_normalize_numpy_rows(axis, order):
    x = np.array([[3.0, -4.0, 0.0], [0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])
    out = normalize(x, axis=axis, order=order)
    norms = np.linalg.norm(x, order, axis=1)
    expected = x / np.where(norms == 0, 1, norms)[:, None]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert out.dtype == np.float64


def test_normalize_default_l2():
    np.testing.assert_allclose(normalize(np.array([[3.0, 4.0]])), [[0.6, 0.8]])


def test_normalize_keeps_float32_and_promotes_ints():
    assert normalize(np.array([[3, 4]], dtype="float32")).dtype == np.float32
    assert normalize(np.array([[3, 4]], dtype="int32")).dtype == np.float64


def test_normalize_1d_numpy_comes_back_2d_like_keras():
    out = normalize(np.array([3.0, 4.0]))
    assert out.shape == (1, 2)
    np.testing.assert_allclose(out, [[0.6, 0.8]])


def test_normalize_axis_none_uses_the_matrix_2_norm():
    x = np.arange(6.0).reshape(2, 3)
    # np.linalg.norm(x, 2, None) of a matrix is its largest singular value (not Frobenius).
    np.testing.assert_allclose(normalize(x, axis=None), x / np.linalg.norm(x, 2))


def test_normalize_axis_0_behaves_like_keras():
    # Keras re-expands at `axis or -1`, so axis=0 re-expands at -1: a square input is divided
    # column norms laid out as rows; a non-square one fails to broadcast.
    x = np.arange(9.0).reshape(3, 3)
    norms = np.linalg.norm(x, axis=0)
    np.testing.assert_allclose(normalize(x, axis=0), x / norms[:, None])
    with pytest.raises(ValueError, match="could not be broadcast"):
        normalize(np.arange(6.0).reshape(2, 3), axis=0)


def test_normalize_0d_numpy_raises_like_keras():
    with pytest.raises(np.exceptions.AxisError):
        normalize(np.array(5.0))


@pytest.mark.parametrize("order, expected", [(2, [[0.6, 0.8], [0.0, 0.0]]),
                                             (1, [[3 / 7, 4 / 7], [0.0, 0.0]])])
def test_normalize_list_takes_tensor_path_in_float32(order, expected):
    out = normalize([[3.0, 4.0], [0.0, 0.0]], order=order)
    assert np.asarray(out).dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6)


@pytest.mark.parametrize("order", [1.5, 0, "fro", np.inf])
def test_normalize_tensor_path_order_validation(order):
    with pytest.raises(ValueError, match=f"Argument `order` must be an int >= 1. Received: order={order}"):
        normalize([[1.0, 2.0]], order=order)


def test_normalize_tensor_path_is_differentiable():
    import minikeras

    x = minikeras.Variable(np.array([[3.0, 4.0]], dtype="float32"))
    with minikeras.GradientTape() as tape:
        y = ops.sum(ops.multiply(normalize(x), np.array([[1.0, 0.0]], dtype="float32")))
    (g,) = tape.gradient(y, [x])
    # d(x0/|x|)/dx = (|x|^2 e0 - x0 x) / |x|^3
    np.testing.assert_allclose(np.asarray(g), [[16 / 125, -12 / 125]], rtol=1e-5)


def test_normalize_tensor_path_scalar_is_upranked():
    np.testing.assert_allclose(normalize(2.0), [1.0])
