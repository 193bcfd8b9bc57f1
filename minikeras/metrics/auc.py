"""`AUC`: the area under the ROC or precision-recall curve, from confusion
counts at a grid of thresholds (Keras's `keras.metrics.AUC`)."""

import numpy as np

from minikeras import config
from minikeras.metrics import metrics_utils as mu
from minikeras.metrics.metric import Metric


class AUC(Metric):
    """Approximate area under a curve by a Riemann sum over thresholds.

    The thresholds are `-eps, 1/(n-1), 2/(n-1), ..., (n-2)/(n-1), 1+eps`
    (n = `num_thresholds`), or the given `thresholds` between `-eps` and
    `1+eps`. At each threshold the weighted TP/FP/TN/FN are accumulated; then

    - ROC: x = FP / (FP + TN), y = TP / (TP + FN);
    - PR: x = recall, y = precision; with `"interpolation"` the precision is
      interpolated between thresholds as Davis & Goadrich (2006) do:
      `sum_i slope_i * (dTP_i + b_i * log(P_i / P_{i+1})) / (TP + FN)_{i+1}`,
      where `P = TP + FP`, `slope_i = dTP_i / dP_i`, `b_i = TP_{i+1} - slope_i * P_{i+1}`;
    - PRGAIN: precision and recall gains;

    and `AUC = sum_i (x_i - x_{i+1}) * h_i` with `h_i` the mean
    (`"interpolation"`), min (`"minoring"`) or max (`"majoring"`) of
    `y_i, y_{i+1}`.

    Args:
        num_thresholds: number of thresholds (> 1); default 200.
        curve: `"ROC"`, `"PR"` or `"PRGAIN"`.
        summation_method: `"interpolation"`, `"minoring"` or `"majoring"`.
        name: name of the metric instance.
        dtype: dtype of the result.
        thresholds: explicit thresholds in [0, 1] (overrides `num_thresholds`).
        multi_label: keep one curve per label (last axis) and average the areas.
        num_labels: number of labels, to create the state before the first batch.
        label_weights: per-label weights (of the counts, or of the averaged areas
            when `multi_label`).
        from_logits: apply a sigmoid to `y_pred` first.
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None,
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = mu.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        # End points just outside [0, 1] so that scores of exactly 0 and 1 are classified.
        self._thresholds = np.array([0.0 - config.epsilon()] + list(thresholds) + [1.0 + config.epsilon()])
        self.curve = curve if isinstance(curve, mu.AUCCurve) else mu.AUCCurve.from_str(curve)
        self.summation_method = (summation_method if isinstance(summation_method, mu.AUCSummationMethod)
                                 else mu.AUCSummationMethod.from_str(summation_method))
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.array(label_weights, dtype=self.dtype)
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                    f"Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        for attr in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, attr, self.add_variable(shape=variable_shape, initializer="zeros", name=attr))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = mu.to_array(y_pred, self.dtype)
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            y_pred = _sigmoid(y_pred)
        # With multi_label the label weights average the per-label areas in `result`.
        label_weights = None if self.multi_label else self.label_weights
        mu.update_confusion_matrix_variables(
            {mu.TRUE_POSITIVES: self.true_positives, mu.TRUE_NEGATIVES: self.true_negatives,
             mu.FALSE_POSITIVES: self.false_positives, mu.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self._thresholds, thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, multi_label=self.multi_label, label_weights=label_weights)

    def _average(self, terms):
        if not self.multi_label:
            return np.sum(terms)
        by_label = np.sum(terms, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        return mu.divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """The PR area with precision interpolated between thresholds (Davis & Goadrich)."""
        n = self.num_thresholds
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        zero = np.zeros((), tp.dtype)
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = mu.divide_no_nan(dtp, np.maximum(dp, zero))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = np.where((p[: n - 1] > 0) & (p[1:] > 0),
                                mu.divide_no_nan(p[: n - 1], np.maximum(p[1:], zero)), np.ones_like(p[1:]))
        increment = mu.divide_no_nan(prec_slope * (dtp + intercept * np.log(safe_p_ratio)),
                                     np.maximum(tp[1:] + fn[1:], zero))
        return np.asarray(self._average(increment), dtype=self.dtype)

    def result(self):
        if not self._built:
            return np.asarray(0.0, dtype=self.dtype)
        if self.curve == mu.AUCCurve.PR and self.summation_method == mu.AUCSummationMethod.INTERPOLATION:
            return self.interpolate_pr_auc()
        n = self.num_thresholds
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = mu.divide_no_nan(tp, tp + fn)
        if self.curve == mu.AUCCurve.ROC:
            x, y = mu.divide_no_nan(fp, fp + tn), recall
        elif self.curve == mu.AUCCurve.PR:
            x, y = recall, mu.divide_no_nan(tp, tp + fp)
        else:
            # Precision/recall gains; no true positives gives recall gain 0 and
            # precision gain 1, and a negative recall gain is clipped to 0.
            scale = mu.divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * mu.divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * mu.divide_no_nan(fp, tp)
            recall_gain = np.where(tp == 0, np.zeros((), tp.dtype), recall_gain)
            precision_gain = np.where(tp == 0, np.ones((), tp.dtype), precision_gain)
            x, y = np.maximum(recall_gain, np.zeros((), tp.dtype)), precision_gain
        if self.summation_method == mu.AUCSummationMethod.INTERPOLATION:
            heights = (y[: n - 1] + y[1:]) / np.asarray(2.0, dtype=y.dtype)
        elif self.summation_method == mu.AUCSummationMethod.MINORING:
            heights = np.minimum(y[: n - 1], y[1:])
        else:
            heights = np.maximum(y[: n - 1], y[1:])
        return np.asarray(self._average((x[: n - 1] - x[1:]) * heights), dtype=self.dtype)

    def reset_state(self):
        if self._built:
            for v in (self.true_positives, self.false_positives, self.true_negatives, self.false_negatives):
                v.assign(np.zeros(v.shape, dtype=v.dtype))

    def get_config(self):
        label_weights = None if self.label_weights is None else self.label_weights.tolist()
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve.value,
            "summation_method": self.summation_method.value,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            # Without the two end points, so that from_config rebuilds the same thresholds.
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}


def _sigmoid(x):
    """`1 / (1 + exp(-x))`, without overflow warnings, in x's dtype."""
    with np.errstate(over="ignore"):
        return (1 / (1 + np.exp(-x))).astype(x.dtype, copy=False)
