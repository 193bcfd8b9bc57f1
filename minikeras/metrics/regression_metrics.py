"""Regression metrics: MSE, MAE, MAPE, MSLE, RMSE, cosine similarity, log-cosh, R^2.

The per-sample functions are the losses' (`minikeras.losses.mean_squared_error`
...); each class keeps their running (weighted) mean.
"""

import warnings

import numpy as np

from minikeras import config
from minikeras.metrics import reduction_metrics
from minikeras.metrics.metric import Metric
from minikeras.metrics.metrics_utils import lazy_loss, squeeze_or_expand_to_same_rank, to_array

mean_squared_error = lazy_loss("mean_squared_error")
mean_absolute_error = lazy_loss("mean_absolute_error")
mean_absolute_percentage_error = lazy_loss("mean_absolute_percentage_error")
mean_squared_logarithmic_error = lazy_loss("mean_squared_logarithmic_error")
log_cosh = lazy_loss("log_cosh")


def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample cosine of the angle between `y_true` and `y_pred`.

    `sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`, where
    `l2_normalize(x) = x * min(1 / sqrt(sum(x ** 2)), 1 / epsilon)`.
    """
    y_pred = to_array(y_pred)
    y_true = to_array(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return np.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def _l2_normalize(x, axis):
    if x.ndim == 0:
        x = x[None]
    square_sum = np.sum(np.square(x), axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        inv_norm = 1 / np.sqrt(square_sum)
    return x * np.minimum(inv_norm, np.asarray(1.0 / config.epsilon(), dtype=inv_norm.dtype))


class _LossMeanMetric(reduction_metrics.MeanMetricWrapper):
    """A running mean of a loss function: only `name` and `dtype` are configurable."""

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_LossMeanMetric):
    """Running mean of `mean(square(y_true - y_pred), axis=-1)`."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"


class MeanAbsoluteError(_LossMeanMetric):
    """Running mean of `mean(abs(y_true - y_pred), axis=-1)`."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype=dtype)
        self._direction = "down"


class MeanAbsolutePercentageError(_LossMeanMetric):
    """Running mean of `100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)), axis=-1)`."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"


class MeanSquaredLogarithmicError(_LossMeanMetric):
    """Running mean of `mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)` (inputs floored at eps)."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"


class LogCoshError(_LossMeanMetric):
    """Running mean of `mean(log(cosh(y_pred - y_true)), axis=-1)`."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype=dtype)
        self._direction = "down"


class CosineSimilarity(reduction_metrics.MeanMetricWrapper):
    """Running mean of the cosine similarity along `axis`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        axis: the axis along which the similarity is computed.
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"

    def get_config(self):
        # Keras 3.15 leaves `axis` out of the config; kept identical.
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(reduction_metrics.Mean):
    """`sqrt(weighted mean of (y_pred - y_true) ** 2)` over everything seen.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_array(y_true, self.dtype)
        y_pred = to_array(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return np.sqrt(super().result())


class R2Score(Metric):
    """The coefficient of determination, per output then aggregated.

    `R^2 = 1 - sum(w * (y - y_hat) ** 2) / sum(w * (y - mean_w(y)) ** 2)` per
    output column; with `num_regressors = p > 0` the adjusted score
    `1 - (1 - R^2) * (n - 1) / (n - p - 1)` (n counts every entry seen).

    Args:
        class_aggregation: `"uniform_average"` (plain mean over outputs),
            `"variance_weighted_average"` (weighted by each output's variance)
            or None (one score per output).
        num_regressors: the number of independent regressors, for the adjusted score.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{valid}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        num_classes = y_pred_shape[-1]
        self.squared_sum = self.add_variable(name="squared_sum", shape=(num_classes,), initializer="zeros")
        self.sum = self.add_variable(name="sum", shape=(num_classes,), initializer="zeros")
        self.total_mse = self.add_variable(name="residual", shape=(num_classes,), initializer="zeros")
        self.count = self.add_variable(name="count", shape=(num_classes,), initializer="zeros")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_array(y_true, self.dtype)
        y_pred = to_array(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        sample_weight = to_array(1 if sample_weight is None else sample_weight, self.dtype)
        if sample_weight.ndim == 1:
            sample_weight = sample_weight[:, None]  # one weight per row, for every output
        sample_weight = np.broadcast_to(sample_weight, y_true.shape)
        weighted_y_true = y_true * sample_weight
        self.sum.assign_add(np.sum(weighted_y_true, axis=0))
        self.squared_sum.assign_add(np.sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign_add(np.sum(np.square(y_true - y_pred) * sample_weight, axis=0))
        self.count.assign_add(np.sum(sample_weight, axis=0))
        self.num_samples.assign_add(np.asarray(y_true.size, dtype=self.num_samples.dtype))

    def result(self):
        if not self._built:
            raise ValueError("R2Score.result() was called before any call to `update_state()`.")
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum.value / self.count.value
            total = self.squared_sum.value - self.sum.value * mean
            raw_scores = 1 - self.total_mse.value / total
        raw_scores = np.where(np.isinf(raw_scores), np.zeros((), raw_scores.dtype), raw_scores)
        if self.class_aggregation == "uniform_average":
            r2 = np.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            with np.errstate(divide="ignore", invalid="ignore"):
                r2 = np.sum(total * raw_scores) / np.sum(total)
        else:
            r2 = raw_scores
        if self.num_regressors != 0:
            n = float(self.num_samples.value)
            p = self.num_regressors
            if p > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 score. "
                              "Falling back to standard R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                              stacklevel=2)
            else:
                n32, p32 = np.float32(n), np.float32(p)
                r2 = 1 - (1 - r2) * (n32 - 1) / (n32 - p32 - 1)
        return np.asarray(r2, dtype=self.dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
