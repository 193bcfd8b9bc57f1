"""`to_categorical` and `normalize` (Keras's `keras.utils` numerical helpers)."""

import numpy as np


def normalize(x, axis=-1, order=2):
    """Normalizes an array: `x / ||x||_order` along `axis`.

    A NumPy array in gives a NumPy array out, computed as Keras does for NumPy
    input: `norm = np.linalg.norm(x, order, axis)`, zero norms replaced by 1, and
    the norm re-expanded at `axis or -1` (so `axis=None` divides by the norm of
    the whole array, and a 1-D input comes back with shape `(1, n)`, as in Keras).

    Anything else (lists, minikeras tensors) takes Keras's tensor path, which
    works in `floatx` and guards zero norms with epsilon instead:

        order == 2:  x * min(1 / sqrt(sum(x^2, axis)), 1 / epsilon)
        otherwise:   x / max(||x||_order, epsilon)

    Args:
        x: Array to normalize.
        axis: Axis along which to normalize.
        order: Normalization order (e.g. `order=2` for the L2 norm). The tensor
            path needs an int >= 1.

    Returns:
        A normalized copy of the array.
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis or -1)
    return _normalize_tensor(x, axis=axis, order=order)


def _normalize_tensor(x, axis=-1, order=2):
    from minikeras import config, ops

    if not isinstance(order, int) or not order >= 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = ops.convert_to_tensor(x)
    if len(ops.shape(x)) == 0:
        x = ops.expand_dims(x, 0)
    eps = config.epsilon()
    if order == 2:
        square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
        with np.errstate(divide="ignore"):  # 1/sqrt(0) = inf, capped at 1/epsilon just below
            inv_norm = ops.minimum(ops.divide(1.0, ops.sqrt(square_sum)), 1.0 / eps)
        return ops.multiply(x, inv_norm)
    norm = ops.power(ops.sum(ops.power(ops.abs(x), order), axis=axis, keepdims=True), 1.0 / order)
    return ops.divide(x, ops.maximum(norm, eps))


def to_categorical(x, num_classes=None):
    """Converts a class vector (integers) to a binary class matrix (one-hot, float64).

    A trailing axis of size 1 is dropped first, so labels shaped `(n, 1)` give
    `(n, num_classes)`. Negative labels count from the end, as NumPy indexing does
    (Keras behaves the same).

    Args:
        x: Array-like of class values, integers from 0 to `num_classes - 1`.
        num_classes: Total number of classes. If `None` (or 0), `max(x) + 1`.

    Returns:
        A NumPy array with the class axis last.

    Raises:
        IndexError: If a label is outside `[-num_classes, num_classes)`.

    Example:
        >>> to_categorical([0, 2], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.]])
    """
    from minikeras.ops.autodiff import value

    labels = np.array(value(x), dtype="int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if not num_classes:
        # An empty `x` raises NumPy's "zero-size array" ValueError here, as in Keras.
        num_classes = np.max(labels) + 1
    one_hot = np.zeros((labels.shape[0], num_classes))
    try:
        one_hot[np.arange(labels.shape[0]), labels] = 1
    except IndexError as exc:
        bad = labels[(labels >= num_classes) | (labels < -num_classes)]
        raise IndexError(
            f"to_categorical: class index {int(bad[0])} is out of bounds for num_classes={num_classes}. "
            f"Expected integers in [0, {num_classes - 1}]; pass a larger `num_classes` or leave it None "
            f"to infer max(x) + 1. ({exc})"
        ) from exc
    return one_hot.reshape(shape + (num_classes,))
