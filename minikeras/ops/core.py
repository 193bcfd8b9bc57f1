"""Core ops: conversion, casting, shapes, and gradient control."""

import numpy as np

from minikeras import config
from minikeras.ops.autodiff import Tensor, as_input, is_recording, record, stop_gradient, value  # noqa: F401


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`x` as a NumPy array (Python floats become floatx, as in Keras)."""
    x = as_input(x)
    if isinstance(x, Tensor):
        return x if dtype is None else cast(x, dtype)
    a = np.asarray(value(x))
    if dtype is not None:
        return a.astype(config.standardize_dtype(dtype), copy=False)
    if a.dtype == np.float64 and not isinstance(value(x), np.ndarray):
        return a.astype(config.floatx())
    return a


def convert_to_numpy(x):
    """The value of `x` as a NumPy array."""
    return np.asarray(value(as_input(x)))


def cast(x, dtype):
    """Cast to `dtype`. VJP: `g` cast back to the input's float type (0 for integers)."""
    x = as_input(x)
    a = np.asarray(value(x))
    dtype = config.standardize_dtype(dtype)
    out = a.astype(dtype, copy=False)
    if not is_recording() or out.dtype.kind not in "fc" or a.dtype.kind not in "fc":
        return out
    src = a.dtype
    return record(out, (x,), lambda g, need: (g.astype(src, copy=False),))


def dtype(x):
    return config.standardize_dtype(np.asarray(value(x)).dtype)


def is_tensor(x):
    return isinstance(x, (np.ndarray, Tensor))


def identity(x):
    return x
