"""Correlation metrics: Pearson's and Lin's concordance correlation along an axis, averaged."""

import numpy as np

from minikeras import config
from minikeras.metrics import reduction_metrics
from minikeras.metrics.metrics_utils import squeeze_or_expand_to_same_rank, to_array


def _inputs(y_true, y_pred):
    y_pred = to_array(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(config.floatx())
    y_true = to_array(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's r along `axis`: `mean(z(y_true) * z(y_pred))` with z the standardized values."""
    y_true, y_pred = _inputs(y_true, y_pred)
    t = y_true - np.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - np.mean(y_pred, axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = t / np.std(t, axis=axis, keepdims=True)
        p = p / np.std(p, axis=axis, keepdims=True)
    return np.mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation along `axis`, as Keras computes it:
    `mean(2 * (y_true - mean(y_pred)) * (y_pred - mean(y_pred)) / (var_t + var_p + (mean_t - mean_p)^2 + eps))`.
    """
    y_true, y_pred = _inputs(y_true, y_pred)
    true_mean = np.mean(y_true, axis=axis, keepdims=True)
    pred_mean = np.mean(y_pred, axis=axis, keepdims=True)
    true_var = np.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = np.var(y_pred - pred_mean, axis=axis, keepdims=True)
    # Keras centres y_true on y_pred's mean here; kept for identical numbers.
    covar = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + np.square(true_mean - pred_mean)
    eps = np.asarray(config.epsilon(), dtype=norm.dtype)
    return np.mean(2 * covar / (norm + eps), axis=axis)


class PearsonCorrelation(reduction_metrics.MeanMetricWrapper):
    """Running mean of `pearson_correlation` along `axis`.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        axis: the axis along which the correlation is computed.
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(reduction_metrics.MeanMetricWrapper):
    """Running mean of `concordance_correlation` along `axis` (see `PearsonCorrelation`)."""

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
