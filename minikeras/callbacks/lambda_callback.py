"""`LambdaCallback`: a callback made of plain functions."""

from minikeras.callbacks.callback import Callback


class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on-the-fly.

    The functions are called positionally, with the hook's own arguments:
    `on_epoch_begin`/`on_epoch_end` get `(epoch, logs)`, `on_train_begin`/
    `on_train_end` get `(logs)`, the batch hooks get `(batch, logs)` (logs as a
    keyword). Any other hook of `Callback` can be given as a keyword argument,
    e.g. `LambdaCallback(on_test_end=fn)`.

    Args:
        on_epoch_begin: called at the beginning of every epoch.
        on_epoch_end: called at the end of every epoch.
        on_train_begin: called at the beginning of model training.
        on_train_end: called at the end of model training.
        on_train_batch_begin: called at the beginning of every train batch.
        on_train_batch_end: called at the end of every train batch.
        **kwargs: Any other `Callback` hook, as `hook_name=function`.

    Example:
        >>> print_batch = LambdaCallback(on_train_batch_begin=lambda batch, logs: print(batch))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        # Stored on the instance: they shadow the base no-ops, so CallbackList sees them as implemented.
        self.__dict__.update(kwargs)
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)
