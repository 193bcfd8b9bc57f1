"""Global numeric settings, as `keras.config`: float type and fuzz factor."""

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED_FLOATX = ("float16", "float32", "float64")


def floatx():
    """The default float type as a string: `'float32'` unless changed."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type (`'float16'`, `'float32'` or `'float64'`)."""
    global _FLOATX
    value = str(value)
    if value not in _ALLOWED_FLOATX:
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {set(_ALLOWED_FLOATX)}")
    _FLOATX = value


def epsilon():
    """The fuzz factor used in numeric expressions (Keras's default: 1e-7)."""
    return _EPSILON


def set_epsilon(value):
    """Set the fuzz factor."""
    global _EPSILON
    _EPSILON = float(value)


def backend():
    """The name of the backend: minikeras computes with NumPy."""
    return "numpy"


def image_data_format():
    return "channels_last"


def standardize_dtype(dtype):
    """`np.float32`, `'float32'`, `np.dtype('float32')` -> `'float32'`."""
    if dtype is None:
        return floatx()
    if hasattr(dtype, "name") and not isinstance(dtype, type):
        return dtype.name
    return np.dtype(dtype).name
