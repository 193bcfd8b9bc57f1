"""`Sum`, `Mean` and `MeanMetricWrapper`: running (weighted) sums and means."""

import numpy as np

from minikeras.metrics import metrics_utils
from minikeras.metrics.metric import Metric


def _sum(x, axis):
    return np.add.reduce(x, axis=axis)


def _mean(x, axis):
    # Cheaper than np.mean on the small arrays of one batch; same float32 result.
    size = 1
    for a in axis:
        size *= x.shape[a]
    if size == 1:  # e.g. (batch, 1) values: nothing to average
        return x.reshape([d for i, d in enumerate(x.shape) if i not in axis])
    return np.add.reduce(x, axis=axis) / np.asarray(size, dtype=x.dtype)


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weight `values` and reduce them to one value per sample, as Keras does.

    The weights are matched to the values' rank (`squeeze_or_expand_to_same_rank`);
    value axes the weights do not cover are reduced first with `reduce_fn`, the
    weights are then broadcast and multiplied in, and finally both values and
    weights are reduced over every axis but the first.

    Returns:
        `(values, sample_weight)`, each of rank <= 1 (weights None if not given).
    """
    mask = metrics_utils.keras_mask(values)
    values = metrics_utils.to_array(values, dtype)
    if sample_weight is not None:
        sample_weight = metrics_utils.apply_mask(metrics_utils.to_array(sample_weight, dtype), mask, dtype)
        values, sample_weight = metrics_utils.squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        try:
            sample_weight = np.broadcast_to(sample_weight, values.shape)
        except ValueError:
            raise ValueError(
                f"`sample_weight` of shape {sample_weight.shape} cannot be broadcast to the "
                f"values' shape {values.shape}. Expected a weight per sample (shape "
                f"({values.shape[0] if values.ndim else ''},)) or a shape broadcastable to the values."
            ) from None
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the given values.

    State: `total`. With values `[1, 3, 5, 7]` the sum is 16; with
    `sample_weight=[1, 1, 0, 0]` it is 4.

    Args:
        name: name of the metric instance.
        dtype: dtype of the state and the result.
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, _sum, self.dtype)
        self.total.assign_add(np.sum(values))

    def reset_state(self):
        self.total.assign(0)

    def result(self):
        return np.array(self.total.value, dtype=self.dtype)


class Mean(Metric):
    """The (weighted) mean of the given values.

    `result = total / count` with `total += sum(w * values)` and
    `count += sum(w)` (the number of samples when unweighted). With values
    `[1, 3, 5, 7]` the mean is 4; with `sample_weight=[1, 1, 0, 0]` it is 2.

    Args:
        name: name of the metric instance.
        dtype: dtype of the state and the result.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        # The per-step case of fit (a scalar loss weighted by the batch size, or one value per
        # sample, unweighted), with the same arithmetic as the general path below.
        if type(values) is np.ndarray and values.ndim <= 1 and values.dtype == self.dtype:
            if sample_weight is None:
                self.total._value += values.sum()
                self.count._value += np.asarray(values.shape[0] if values.ndim else 1, dtype=self.dtype)
                return
            if values.ndim == 0 and type(sample_weight) in (int, float):
                weight = np.asarray(sample_weight, dtype=self.dtype)
                self.total._value += values * weight
                self.count._value += weight
                return
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, _mean, self.dtype)
        self.total.assign_add(np.sum(values))
        if sample_weight is not None:
            num_samples = np.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign_add(np.asarray(num_samples, dtype=self.dtype))

    def reset_state(self):
        self.total.assign(0)
        self.count.assign(0)

    def result(self):
        return np.asarray(metrics_utils.divide_no_nan(self.total.value, self.count.value), dtype=self.dtype)


class MeanMetricWrapper(Mean):
    """The running mean of a per-sample function `fn(y_true, y_pred, **kwargs)`.

    Example:
        >>> def mse(y_true, y_pred):
        ...     return ((y_true - y_pred) ** 2).mean(axis=-1)
        >>> metric = MeanMetricWrapper(fn=mse)

    Args:
        fn: the function to average, returning one value per sample (or more).
        name: name of the metric instance.
        dtype: dtype of the state and the result.
        **kwargs: keyword arguments passed on to `fn`.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = metrics_utils.keras_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        # A mask on the predictions zeroes the weights of the masked entries.
        sample_weight = metrics_utils.apply_mask(sample_weight, mask, self.dtype)
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialize_function(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)


def serialize_function(fn):
    """A function as Keras serializes one: `{"class_name": "function", "config": name, ...}`."""
    from minikeras.saving.object_registration import get_registered_name

    name = getattr(fn, "__name__", None)
    if name is None or isinstance(fn, Metric) or hasattr(fn, "get_config"):
        return {"module": type(fn).__module__, "class_name": type(fn).__name__,
                "config": fn.get_config(), "registered_name": get_registered_name(type(fn))}
    # Keras records plain functions under the module "builtins".
    return {"module": "builtins", "class_name": "function", "config": get_registered_name(fn),
            "registered_name": "function"}


def deserialize_function(config):
    """Inverse of `serialize_function`: metric functions, loss functions, registered objects."""
    if callable(config):
        return config
    if isinstance(config, dict):
        if config.get("class_name") != "function":
            from minikeras import metrics, losses

            for module in (metrics, losses):
                try:
                    return module.deserialize(config)
                except (ValueError, TypeError, AttributeError):
                    continue
            raise ValueError(f"Could not deserialize the metric function {config!r}.")
        config = config.get("config")
    return _function_by_name(config)


def _function_by_name(name):
    from minikeras import metrics
    from minikeras.saving.object_registration import get_registered_object

    found = metrics.get_function(name)
    if found is None:
        found = get_registered_object(name)
    if found is None:
        from minikeras.utils.registry import unknown_name_error

        raise unknown_name_error("metric function", name, metrics.function_names())
    return found
