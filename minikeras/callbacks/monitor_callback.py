"""`MonitorCallback`: shared "is this an improvement?" logic of EarlyStopping and ReduceLROnPlateau."""

import warnings

import numpy as np

from minikeras.callbacks.callback import Callback


def _as_float(x):
    """A Python float from a float, NumPy scalar, Variable or 0-d Tensor."""
    from minikeras.ops.autodiff import value

    return float(np.asarray(value(x)))


def _compiled_metrics(model):
    """The metric objects compiled into `model` (the contents of CompileMetrics / MetricsList)."""
    found = []
    for m in getattr(model, "metrics", None) or []:
        if type(m).__name__ in ("CompileMetrics", "MetricsList"):
            found.extend(getattr(m, "metrics", None) or [])
    return found


class MonitorCallback(Callback):
    """Base class for callbacks that watch a logged quantity for improvement.

    With `mode="auto"` the direction comes from the name: `loss` and `val_loss`
    are minimised; any other name is looked up among the model's compiled metrics
    and follows the metric's `_direction` ("up" means maximise, as for
    `accuracy`). Otherwise the first `on_epoch_end` raises a ValueError asking
    for an explicit `mode`.

    An improvement is `current - min_delta > best` (max) or
    `current + min_delta < best` (min), compared in floatx as Keras does.

    Args:
        monitor: Quantity to be monitored. Defaults to `"val_loss"`.
        mode: One of `{"auto", "min", "max"}`; anything else warns and falls back to auto.
        baseline: Initial "best" value; `None` means the first value seen.
        min_delta: Minimum change that counts as an improvement (its sign is ignored).
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ["auto", "min", "max"]:
            warnings.warn(f"{self.__class__.__name__} mode '{mode}' is unknown, fallback to auto mode.",
                          stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            metric_name = self.monitor.removeprefix("val_")
            if metric_name == "loss":
                self.monitor_op = np.less
            for m in _compiled_metrics(self.model):
                if getattr(m, "name", None) == metric_name and hasattr(m, "_direction"):
                    self.monitor_op = np.greater if m._direction == "up" else np.less
            if self.monitor_op is None:
                raise ValueError(
                    f"{self.__class__.__name__} callback received monitor={self.monitor}, but Keras isn't "
                    "able to automatically determine whether that metric should be maximized or minimized. "
                    "Pass `mode='max'` in order to monitor based on the highest metric value, or pass "
                    "`mode='min'` in order to use the lowest value."
                )
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        from minikeras import config

        # Keras compares backend tensors, i.e. both sides cast to floatx.
        dtype = config.floatx()
        return bool(self.monitor_op(np.asarray(monitor_value - self.min_delta, dtype=dtype),
                                    np.asarray(reference_value, dtype=dtype)))
