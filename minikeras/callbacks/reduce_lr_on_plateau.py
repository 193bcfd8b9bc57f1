"""`ReduceLROnPlateau`: divide the learning rate when a monitored quantity stops improving."""

import warnings

import numpy as np

from minikeras.callbacks.monitor_callback import MonitorCallback, _as_float
from minikeras.utils import io_utils


class ReduceLROnPlateau(MonitorCallback):
    """Reduce learning rate when a metric has stopped improving.

    After `patience` epochs without improvement the learning rate becomes

        new_lr = max(lr * factor, min_lr)

    (only while `lr > min_lr`), then `cooldown` epochs pass before the patience
    counter runs again. The current learning rate is also added to the epoch's
    logs as `learning_rate`, so `History` records it.

    Args:
        monitor: String. Quantity to be monitored. Defaults to `"val_loss"`.
        factor: Float < 1. Factor by which the learning rate is reduced. Defaults to 0.1.
        patience: Integer. Epochs without improvement before reducing. Defaults to 10.
        verbose: Integer. 0: quiet, 1: update messages.
        mode: One of `{'auto', 'min', 'max'}`. Defaults to `"auto"`.
        min_delta: Float. Threshold for measuring the new optimum. Defaults to 1e-4.
        cooldown: Integer. Epochs to wait after a reduction before resuming. Defaults to 0.
        min_lr: Float. Lower bound on the learning rate. Defaults to 0.

    Raises:
        ValueError: If `factor >= 1.0`.

    Example:
        >>> reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
        >>> model.fit(x_train, y_train, callbacks=[reduce_lr])
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        """Resets wait counter, cooldown counter, and best value."""
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _optimizers(self):
        """[(optimizer, name)]: the sub-optimizers of a multi-optimizer, else the optimizer itself."""
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            return [(opt, f"{opt.name}") for opt in optimizer.optimizers]
        return [(optimizer, "")]

    def _reduce_optimizer_lr(self, optimizer, epoch, name=""):
        old_lr = _as_float(optimizer.learning_rate)
        # The learning rate lives in float32, so min_lr is compared in float32 too.
        if not old_lr > np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            name_str = f" {name}" if name else ""
            io_utils.print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{name_str} "
                               f"learning rate to {new_lr}.")
        return True

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs or {}
        if hasattr(self.model.optimizer, "optimizers"):
            for opt in self.model.optimizer.optimizers:
                logs[f"learning_rate_{opt.name}"] = _as_float(opt.learning_rate)
        else:
            logs["learning_rate"] = _as_float(self.model.optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(list(logs.keys()))}.",
                stacklevel=2,
            )
            return

        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = False
                for opt, name in self._optimizers():
                    if self._reduce_optimizer_lr(opt, epoch, name):
                        reduced = True
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
