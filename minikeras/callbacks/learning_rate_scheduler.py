"""`LearningRateScheduler`: set the learning rate from a function of the epoch at each epoch start."""

import numpy as np

from minikeras.callbacks.callback import Callback
from minikeras.callbacks.monitor_callback import _as_float
from minikeras.utils import io_utils


class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    At the beginning of every epoch, `schedule(epoch, lr)` (or, for old-style
    one-argument schedules, `schedule(epoch)`) gives the new learning rate, which
    must be a float. The learning rate at the end of each epoch is added to the
    logs as `learning_rate`.

    Args:
        schedule: Function `(epoch: int, lr: float) -> float`, epochs indexed from 0.
        verbose: Integer. 0: quiet, 1: log update messages.

    Example:
        >>> def scheduler(epoch, lr):
        ...     return lr if epoch < 10 else lr * float(np.exp(-0.1))
        >>> callback = LearningRateScheduler(scheduler)
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, _as_float(optimizer.learning_rate))
        except TypeError:  # a one-argument schedule (the old API)
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {learning_rate}")
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                learning_rate = self._update_optimizer_lr(opt, epoch)
                if self.verbose > 0:
                    io_utils.print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {opt.name} "
                                       f"learning rate to {learning_rate}.")
        else:
            learning_rate = self._update_optimizer_lr(optimizer, epoch)
            if self.verbose > 0:
                io_utils.print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                                   f"learning rate to {learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                logs[f"learning_rate_{opt.name}"] = _as_float(opt.learning_rate)
        else:
            logs["learning_rate"] = _as_float(optimizer.learning_rate)
