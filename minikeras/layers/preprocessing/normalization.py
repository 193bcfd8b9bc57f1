"""`Normalization`: shift and scale features by a mean and variance, given or learnt with `adapt`."""

import math

import numpy as np

from minikeras import config as _config
from minikeras import ops
from minikeras.layers.layer import Layer
from minikeras.ops.autodiff import Tensor, value


def _extract_batch(batch):
    """A batch may come as `(x, y)` or `(x, y, sample_weight)`: keep `x`."""
    return batch[0] if isinstance(batch, tuple) else batch


class Normalization(Layer):
    """Standardise features: `(x - mean) / max(sqrt(variance), epsilon)` (epsilon = 1e-7).

    With `invert=True` the inverse: `mean + x * max(sqrt(variance), epsilon)`.

    The statistics are either passed (`mean=`, `variance=`) or computed by
    `adapt(data)`, which stores them in the non-trainable weights `mean`,
    `variance` (and `count`, kept at 0 as in Keras 3.15).

    Args:
        axis: the axis or axes that keep their own statistics (default `-1`,
            one mean per feature); `None` means one scalar mean and variance.
        mean, variance: optional statistics, broadcastable to the kept axes.
        invert: apply the inverse transformation.

    Example:

    ```python
    layer = Normalization()
    layer.adapt(x_train)
    layer(x_test)
    ```
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None
        self.mean = None
        self.variance = None
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same shape. Received: "
                    f"mean shape {np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be less than or equal to the number of axes ({len(self.axis)}). "
                    f"Received: mean shape {np.shape(mean)} for axis {self.axis}"
                )

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        self._keep_axis = tuple(sorted(d % ndim for d in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known shape. Received axis={self.axis}, "
                    f"inputs.shape={input_shape}, with unknown axis at index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros",
                                         trainable=False)
        else:
            self.mean = self._broadcast_statistic(self.input_mean, ndim)
            self.variance = self._broadcast_statistic(self.input_variance, ndim)
        self.built = True

    def _broadcast_statistic(self, stat, ndim):
        """A given mean/variance, aligned with the trailing kept axes, broadcast to `_broadcast_shape`."""
        stat = np.asarray(stat)
        if stat.ndim > 0:
            expanded = [1] * ndim
            for i in range(1, stat.ndim + 1):
                expanded[self._keep_axis[-i]] = stat.shape[-i]
            stat = stat.reshape(expanded)
        return np.broadcast_to(stat, self._broadcast_shape).astype(self.compute_dtype)

    def _statistics(self):
        """The mean and variance, broadcastable against the inputs (read live from the weights)."""
        if self.input_mean is not None:
            return self.mean, self.variance
        mean = np.reshape(self.adapt_mean.value, self._broadcast_shape).astype(self.compute_dtype, copy=False)
        variance = np.reshape(self.adapt_variance.value, self._broadcast_shape).astype(self.compute_dtype,
                                                                                        copy=False)
        return mean, variance

    def adapt(self, data):
        """Compute the mean and variance of `data` for every position of the kept axes.

        Args:
            data: a NumPy array (statistics computed in its own precision, as
                Keras does), or an iterable of batches (arrays, or `(x, y)`
                tuples), combined batch by batch in the layer's float type.
        """
        batches = None
        if isinstance(data, Tensor):
            data = value(data)
        elif not isinstance(data, np.ndarray) and hasattr(data, "to_numpy"):  # pandas
            data = data.to_numpy()
        if isinstance(data, np.ndarray):
            input_shape = data.shape
        elif hasattr(data, "__iter__"):
            iterator = iter(data)
            first = next(iterator, None)
            if first is None:
                raise ValueError(
                    "adapt() received an empty iterable (no batches). Expected at least one batch. Pass a "
                    "non-empty iterable of arrays or tensors, e.g. layer.adapt([x]) or layer.adapt(list_of_batches)."
                )
            first = _extract_batch(first)
            shape = getattr(first, "shape", None)
            if shape is None:
                raise TypeError(
                    "adapt() expects an iterable that yields arrays or tensors with a `.shape` attribute (e.g. "
                    f"numpy arrays or backend tensors). Got an element of type {type(first).__name__}. Ensure "
                    "each yielded element is array-like with a `.shape` attribute."
                )
            input_shape = tuple(shape)
            batches = _chain(first, iterator)
        else:
            raise TypeError(
                f"Unsupported data type: {type(data)}. `adapt` supports `np.ndarray`, backend tensors, "
                "`tf.data.Dataset`, `keras.utils.PyDataset`, and iterables of batches (e.g. list, generator)."
            )
        if not self.built:
            self.build(input_shape)
        else:
            for d in self._keep_axis:
                if input_shape[d] != self._build_input_shape[d]:
                    raise ValueError(
                        f"The layer was built with input_shape={self._build_input_shape}, but adapt() is being "
                        f"called with data with an incompatible shape, data.shape={tuple(input_shape)}"
                    )
        if self.input_mean is not None:
            return
        if batches is None:
            total_mean = np.mean(data, axis=self._reduce_axis)
            total_var = np.var(data, axis=self._reduce_axis)
        else:
            total_mean, total_var = self._streaming_moments(batches)
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.adapt_mean.dtype))
        self.adapt_variance.assign(np.asarray(total_var, dtype=self.adapt_variance.dtype))

    def _streaming_moments(self, batches):
        """Mean and variance over batches, merged one at a time (Chan et al.'s pairwise update).

        With `n` samples so far and `m` in the batch, `w = m / (n + m)`:
            new_mean = mean * (1 - w) + batch_mean * w
            var = (var + (mean - new_mean)²) * (1 - w) + (batch_var + (batch_mean - new_mean)²) * w
        """
        dtype = self.compute_dtype
        total_mean = np.zeros(self._mean_and_var_shape, dtype=dtype)
        total_var = np.zeros(self._mean_and_var_shape, dtype=dtype)
        total_count = 0
        for batch in batches:
            batch = np.asarray(value(_extract_batch(batch)), dtype=dtype)
            for d in self._keep_axis:
                if batch.shape[d] != self._build_input_shape[d]:
                    raise ValueError(
                        f"adapt() yielded a batch with incompatible shape. Expected {self._build_input_shape}, "
                        f"got {tuple(batch.shape)}."
                    )
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_var = np.var(batch, axis=self._reduce_axis)
            batch_count = math.prod(batch.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
            total_count += batch_count
            batch_weight = float(batch_count) / total_count
            existing_weight = 1.0 - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * existing_weight
                         + (batch_var + (batch_mean - new_mean) ** 2) * batch_weight)
            total_mean = new_mean
        return total_mean, total_var

    def finalize_state(self):
        """Kept for API compatibility: the statistics are read from the weights at each call."""

    def call(self, inputs):
        if not self.built:
            raise ValueError("You must call `.build(input_shape)` on the layer before using it.")
        inputs = ops.cast(inputs, self.compute_dtype)
        mean, variance = self._statistics()
        scale = np.maximum(np.sqrt(variance), np.asarray(_config.epsilon(), dtype=variance.dtype))
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, scale))
        return ops.divide(ops.subtract(inputs, mean), scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return config

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config):
        if config:
            self.build(config["input_shape"])


def _chain(first, rest):
    yield first
    yield from rest
