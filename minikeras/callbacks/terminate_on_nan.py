"""`TerminateOnNaN`: stop training at the first NaN or infinite batch loss."""

import numpy as np

from minikeras.callbacks.callback import Callback
from minikeras.utils import io_utils


class TerminateOnNaN(Callback):
    """Callback that terminates training when a NaN or Inf loss is encountered.

    By default it prints `Batch i: Invalid loss, terminating training` and sets
    `model.stop_training = True`, so the epoch ends and `on_train_end` still runs
    for every callback. With `raise_error=True` it raises a RuntimeError at once
    instead, skipping that clean-up.

    Args:
        raise_error: Boolean, default False. Raise instead of stopping gracefully.
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        """Check the batch's running loss.

        Raises:
            RuntimeError: If the loss is NaN/Inf and `raise_error=True`.
        """
        logs = logs or {}
        loss = logs.get("loss")
        if loss is None or not (np.isnan(loss) or np.isinf(loss)):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                               "Terminating training immediately.")
        io_utils.print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
