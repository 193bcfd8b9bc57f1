"""`to_categorical` and `normalize` against Keras: same values, shapes, dtypes, error types."""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close, assert_equal
from compat_tests.tolerances import F32, F64

CATEGORICAL_CASES = [
    ([0, 1, 2, 1], None), ([0, 2], 5), ([[1], [0], [3]], None), (np.array(2), None), ([0, 1, -1], 3),
    ([1.7, 0.2], None), (np.arange(12).reshape(2, 3, 2) % 4, None), (np.arange(6).reshape(6, 1), 8),
    ([], 3), ([0, 1], 0), (np.array([[[1]]]), None),
]


@pytest.mark.parametrize("x, num_classes", CATEGORICAL_CASES)
def test_to_categorical_matches_keras(keras, x, num_classes):
    expected = keras.utils.to_categorical(x, num_classes)
    got = minikeras.utils.to_categorical(x, num_classes)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert_equal(got, expected, item="utils.to_categorical")


@pytest.mark.parametrize("x, num_classes", [([0, 3], 3), ([], None), (["a"], None), ([0, 1], 1.5),
                                            (None, None), ([0, -4], 3)])
def test_to_categorical_error_types_match_keras(keras, x, num_classes):
    with pytest.raises(Exception) as expected:
        keras.utils.to_categorical(x, num_classes)
    with pytest.raises(expected.type):
        minikeras.utils.to_categorical(x, num_classes)


NUMPY_INPUTS = [np.array([[3.0, 4.0], [0.0, 0.0], [1.0, -2.0]]), np.arange(9.0).reshape(3, 3) - 4,
                np.random.default_rng(0).normal(size=(2, 3, 4)), np.array([3.0, 4.0]),
                np.array([[1, 2], [3, 4]], dtype="int32"), np.ones((2, 5), dtype="float32")]


@pytest.mark.parametrize("x", NUMPY_INPUTS, ids=lambda a: f"{a.dtype}{a.shape}")
def test_normalize_numpy_matches_keras(keras, x):
    for axis in (-1, 1, None, 0):
        for order in (1, 2, 3, np.inf):
            try:
                expected = keras.utils.normalize(x.copy(), axis=axis, order=order)
            except Exception as exc:  # Keras's NumPy path fails for some axis/order combinations
                with pytest.raises(type(exc)):
                    minikeras.utils.normalize(x.copy(), axis=axis, order=order)
                continue
            got = minikeras.utils.normalize(x.copy(), axis=axis, order=order)
            assert got.shape == expected.shape and got.dtype == expected.dtype
            assert_close(got, expected, **(F32 if expected.dtype == np.float32 else F64), item="utils.normalize")


@pytest.mark.parametrize("x", [[[3.0, 4.0], [0.0, 0.0]], [[1.0, -2.0, 2.0]], [0.5, 1.5]])
def test_normalize_tensor_path_matches_keras(keras, x):
    for order in (1, 2, 3):
        for axis in (-1, 0):
            expected = np.asarray(keras.utils.normalize(x, axis=axis, order=order))
            got = np.asarray(minikeras.utils.normalize(x, axis=axis, order=order))
            assert got.dtype == expected.dtype
            assert_close(got, expected, **F32, item="utils.normalize")


@pytest.mark.parametrize("order", [1.5, 0])
def test_normalize_tensor_path_error_matches_keras(keras, order):
    with pytest.raises(ValueError) as expected:
        keras.utils.normalize([[1.0, 2.0]], order=order)
    with pytest.raises(ValueError) as got:
        minikeras.utils.normalize([[1.0, 2.0]], order=order)
    assert str(got.value) == str(expected.value)
