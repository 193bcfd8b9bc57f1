"""`FBetaScore` and `F1Score`: per-class F-scores of multi-label / multi-class predictions."""

import numpy as np

from minikeras import config
from minikeras.metrics.metric import Metric
from minikeras.metrics.metrics_utils import to_array


class FBetaScore(Metric):
    """The F-beta score, the weighted harmonic mean of precision and recall.

    `F_beta = (1 + beta^2) * P * R / (beta^2 * P + R)` with
    `P = TP / (TP + FP + eps)`, `R = TP / (TP + FN + eps)` and an `eps` in the
    denominator, computed per class (column) from weighted counts.

    Predictions become 0/1 by `y_pred > threshold`, or, when `threshold` is
    None, by marking the row maximum (and ties with it) if it is non-zero.

    Args:
        average: None (one score per class), `"micro"` (counts pooled over
            classes), `"macro"` (unweighted mean of the class scores) or
            `"weighted"` (mean weighted by each class's number of true labels).
        beta: a positive Python float; recall is `beta` times as important.
        threshold: a Python float in (0, 1], or None for the row arg-max.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta} "
                f"of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        # "micro" pools the counts over every entry; the others keep one per class.
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for attr in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            setattr(self, attr, self.add_variable(name=attr, shape=shape, initializer="zeros", dtype=self.dtype))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_array(y_true, self.dtype)
        y_pred = to_array(y_pred, self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            # The row maximum (ties included) is the prediction, unless it is 0.
            row_max = np.max(y_pred, axis=-1, keepdims=True)
            y_pred = (y_pred >= row_max) & (np.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > np.asarray(self.threshold, dtype=y_pred.dtype)
        y_pred = y_pred.astype(self.dtype)
        if sample_weight is not None:
            sample_weight = to_array(sample_weight, self.dtype)[:, None]

        def weighted_sum(v):
            if sample_weight is not None:
                v = v * sample_weight
            return np.sum(v, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        if not self._built:
            raise ValueError(f"{type(self).__name__}.result() was called before any call to `update_state()`.")
        eps = np.asarray(config.epsilon(), dtype=self.dtype)
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        beta2 = np.asarray(self.beta ** 2, dtype=self.dtype)
        f_score = precision * recall / (beta2 * precision + recall + eps) * (1 + beta2)
        if self.average == "weighted":
            w = self.intermediate_weights.value
            f_score = np.sum(f_score * (w / (np.sum(w) + eps)))
        elif self.average is not None:
            f_score = np.mean(f_score)
        return np.asarray(f_score, dtype=self.dtype)

    def get_config(self):
        return {**super().get_config(), "name": self.name, "dtype": self.dtype, "average": self.average,
                "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score: `2 * P * R / (P + R)`, i.e. `FBetaScore` with `beta=1.0`.

    Args:
        average: None, `"micro"`, `"macro"` or `"weighted"` (see `FBetaScore`).
        threshold: a Python float in (0, 1], or None for the row arg-max.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
