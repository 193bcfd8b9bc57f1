"""Probabilistic metrics: cross-entropies, KL divergence and Poisson, as running means.

The per-sample functions are those of `minikeras.losses` (looked up when first
used); the metric averages them over every sample seen, weighted by
`sample_weight`.
"""

from minikeras.metrics import reduction_metrics
from minikeras.metrics.metrics_utils import lazy_loss

binary_crossentropy = lazy_loss("binary_crossentropy")
categorical_crossentropy = lazy_loss("categorical_crossentropy")
sparse_categorical_crossentropy = lazy_loss("sparse_categorical_crossentropy")
kl_divergence = lazy_loss("kl_divergence")
poisson = lazy_loss("poisson")


class KLDivergence(reduction_metrics.MeanMetricWrapper):
    """Running mean of `sum(y_true * log(y_true / y_pred), axis=-1)` (both clipped to [eps, 1])."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Poisson(reduction_metrics.MeanMetricWrapper):
    """Running mean of `mean(y_pred - y_true * log(y_pred + eps), axis=-1)`."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryCrossentropy(reduction_metrics.MeanMetricWrapper):
    """Running mean of the binary cross-entropy.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: labels become `y * (1 - s) + 0.5 * s`.
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(binary_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(reduction_metrics.MeanMetricWrapper):
    """Running mean of the categorical cross-entropy of one-hot labels.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: labels become `y * (1 - s) + s / num_classes`.
        axis: the class axis.
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0,
                 axis=-1):
        super().__init__(categorical_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(reduction_metrics.MeanMetricWrapper):
    """Running mean of the categorical cross-entropy of integer labels.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        ignore_class: a label value that contributes nothing (e.g. padding).
        axis: the class axis.
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}
