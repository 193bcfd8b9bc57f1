"""`History`: the record `fit` returns."""

from minikeras.callbacks.callback import Callback


class History(Callback):
    """Callback that records the epoch logs; `fit` returns it.

    `fit` adds a fresh `History` each call (unless one is passed in `callbacks`),
    so `model.fit(...).history` holds that call's epochs only. A `History` you
    pass yourself keeps appending to `history` across `fit` calls, while `epoch`
    restarts with each call (as in Keras).

    Attributes:
        history: Dict mapping each log key (`'loss'`, `'val_loss'`, ...) to the
            list of its per-epoch values.
        epoch: List of the epoch indices seen in the current `fit`.
        params: Dict `{'verbose': ..., 'epochs': ..., 'steps': ...}`.

    Example:
        >>> history = model.fit(x, y, epochs=3, verbose=0)
        >>> sorted(history.history)
        ['loss']
    """

    def __init__(self):
        super().__init__()
        self.history = {}

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for key, val in logs.items():
            self.history.setdefault(key, []).append(val)
        # Re-attached every epoch so the model always points at the latest record.
        self.model.history = self
