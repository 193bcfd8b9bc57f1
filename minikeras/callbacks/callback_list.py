"""`CallbackList`: calls every callback's hook through one object."""

from minikeras.callbacks.callback import Callback, is_default
from minikeras.callbacks.history import History
from minikeras.callbacks.progbar_logger import ProgbarLogger

# Hooks, per mode, whose overriding makes the batch loop worth calling.
_BATCH_HOOKS = {
    "train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def _flatten(callbacks):
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        out = []
        for cb in callbacks:
            out.extend(_flatten(cb))
        return out
    return [callbacks]


def pythonify_logs(logs):
    """A new dict: keys sorted, nested dicts flattened in, values made Python floats where possible.

    Keras hands every callback this form, which is why progress bars and
    `History` list keys alphabetically (`accuracy`, `loss`, `val_accuracy`...).
    """
    from minikeras.ops.autodiff import value

    result = {}
    for key, val in sorted((logs or {}).items()):
        if isinstance(val, dict):
            result.update(pythonify_logs(val))
            continue
        try:
            val = float(value(val))
        except (TypeError, ValueError):
            pass
        result[key] = val
    return result


class CallbackList(Callback):
    """Container abstracting a list of callbacks.

    Args:
        callbacks: List of `Callback` instances (nested lists are flattened).
        add_history: Whether to add a `History` if the list has none.
        add_progbar: Whether to add a `ProgbarLogger` if the list has none.
        model: The `Model` these callbacks are used with.
        **params: If given, passed to every callback via `set_params`
            (`fit` passes `verbose`, `epochs` and `steps`).

    Every dispatch hands all callbacks the same logs dict (sorted, plain floats),
    so a key one callback adds (`learning_rate`) reaches the ones after it,
    `History` included.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.params = None
        self._model = None
        self.callbacks = _flatten(callbacks) if callbacks else []
        self._in_begin_end_block_count = 0
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def _add_default_callbacks(self, add_history, add_progbar):
        self._progbar = None
        self._history = None
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def set_params(self, params):
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    def _should_call_batch_hooks(self, mode):
        """Whether any callback does something per batch in `mode` ('train', 'test', 'predict').

        The training loop asks this (after `on_*_begin`) and skips building the
        per-batch logs entirely when the answer is no.
        """
        names = _BATCH_HOOKS[mode]
        for cb in self.callbacks:
            wants = getattr(cb, "_needs_batch_hooks", None)
            if wants is not None:
                if wants(mode):
                    return True
                continue
            if any(not is_default(getattr(cb, name)) for name in names):
                return True
        return False

    # -- begin/end blocks -------------------------------------------------------------------------
    def _on_begin(self):
        self._in_begin_end_block_count += 1

    def _on_end(self):
        self._in_begin_end_block_count -= 1
        if self._in_begin_end_block_count < 0:
            raise ValueError("`on_xxx_end` called without corresponding `on_xxx_begin`")

    def _dispatch(self, hook, *args, **kwargs):
        for cb in self.callbacks:
            getattr(cb, hook)(*args, **kwargs)

    def on_train_begin(self, logs=None):
        self._on_begin()
        self._dispatch("on_train_begin", pythonify_logs(logs))

    def on_train_end(self, logs=None):
        self._dispatch("on_train_end", pythonify_logs(logs))
        self._on_end()

    def on_test_begin(self, logs=None):
        self._on_begin()
        self._dispatch("on_test_begin", pythonify_logs(logs))

    def on_test_end(self, logs=None):
        self._dispatch("on_test_end", pythonify_logs(logs))
        self._on_end()

    def on_predict_begin(self, logs=None):
        self._on_begin()
        self._dispatch("on_predict_begin", pythonify_logs(logs))

    def on_predict_end(self, logs=None):
        self._dispatch("on_predict_end", pythonify_logs(logs))
        self._on_end()

    # -- epochs and batches -------------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._dispatch("on_epoch_begin", epoch, pythonify_logs(logs))

    def on_epoch_end(self, epoch, logs=None):
        self._dispatch("on_epoch_end", epoch, pythonify_logs(logs))

    def on_batch_begin(self, batch, logs=None):
        self._dispatch("on_batch_begin", batch, logs=pythonify_logs(logs))

    def on_batch_end(self, batch, logs=None):
        self._dispatch("on_batch_end", batch, logs=pythonify_logs(logs))

    def on_train_batch_begin(self, batch, logs=None):
        self._dispatch("on_train_batch_begin", batch, logs=pythonify_logs(logs))

    def on_train_batch_end(self, batch, logs=None):
        self._dispatch("on_train_batch_end", batch, logs=pythonify_logs(logs))

    def on_test_batch_begin(self, batch, logs=None):
        self._dispatch("on_test_batch_begin", batch, logs=pythonify_logs(logs))

    def on_test_batch_end(self, batch, logs=None):
        self._dispatch("on_test_batch_end", batch, logs=pythonify_logs(logs))

    def on_predict_batch_begin(self, batch, logs=None):
        self._dispatch("on_predict_batch_begin", batch, logs=pythonify_logs(logs))

    def on_predict_batch_end(self, batch, logs=None):
        self._dispatch("on_predict_batch_end", batch, logs=pythonify_logs(logs))
