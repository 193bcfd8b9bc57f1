"""`EarlyStopping`: stop training when a monitored quantity stops improving."""

import warnings

from minikeras.callbacks.monitor_callback import MonitorCallback
from minikeras.utils import io_utils


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored metric has stopped improving.

    At each epoch end (from `start_from_epoch` on) the monitored value is compared
    with the best so far; after `patience` epochs without improvement (and never
    at epoch 0) `model.stop_training` is set. With a `baseline`, the patience
    counter only restarts on values that beat both the previous best and the
    baseline. State is reset in `on_train_begin`, so an instance can be reused.

    Args:
        monitor: Quantity to be monitored. Defaults to `"val_loss"`.
        min_delta: Minimum change that counts as an improvement. Defaults to 0.
        patience: Epochs without improvement after which training stops. Defaults to 0.
        verbose: 0 silent, 1 prints a message when stopping/restoring. Defaults to 0.
        mode: One of `{"auto", "min", "max"}`. Defaults to `"auto"`.
        baseline: Value the monitored quantity must beat. Defaults to `None`.
        restore_best_weights: Restore the weights of the best epoch at the end of
            training (whether or not training stopped early). Defaults to `False`.
        start_from_epoch: Epochs to wait before monitoring starts. Defaults to 0.

    Example:
        >>> callback = EarlyStopping(monitor="loss", patience=3)
        >>> history = model.fit(x, y, epochs=10, callbacks=[callback], verbose=0)
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()  # late: the model's metrics are built by now
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing better seen yet: the current weights are the best so far.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return

        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            io_utils.print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                io_utils.print_msg(
                    f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        """`logs[monitor]`, or None with a warning listing the available keys."""
        logs = logs or {}
        monitor_value = logs.get(self.monitor)
        if monitor_value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(list(logs.keys()))}",
                stacklevel=2,
            )
        return monitor_value
