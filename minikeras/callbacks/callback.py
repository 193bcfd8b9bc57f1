"""`Callback`: the base class of everything `fit`/`evaluate`/`predict` call back into."""


def default(method):
    """Mark a hook as the base class's no-op, so `CallbackList` can tell when nobody overrides it."""
    method._is_default = True
    return method


def is_default(method):
    """Whether `method` is a base-class no-op (not overridden, not replaced on the instance)."""
    return getattr(method, "_is_default", False)


class Callback:
    """Base class used to build new callbacks.

    Subclass it and override the hooks you need; pass instances to `fit`,
    `evaluate` or `predict` through `callbacks=[...]`. Hooks that are not
    overridden cost nothing: `CallbackList` skips the per-batch loop when no
    callback implements a batch hook.

    Hook order in `fit`: `on_train_begin`, then per epoch `on_epoch_begin`,
    `on_train_batch_begin`/`on_train_batch_end` per batch, validation
    (`on_test_begin`, test batch hooks, `on_test_end`), `on_epoch_end`; finally
    `on_train_end`.

    Attributes:
        params: Dict of training parameters (`verbose`, `epochs`, `steps`).
        model: The `Model` being trained, evaluated or used for prediction.

    Example:
        >>> class StopAtLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         if logs["loss"] < 0.1:
        ...             self.model.stop_training = True
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    @default
    def on_batch_begin(self, batch, logs=None):
        """A backwards compatibility alias for `on_train_batch_begin`."""

    @default
    def on_batch_end(self, batch, logs=None):
        """A backwards compatibility alias for `on_train_batch_end`."""

    @default
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (training only).

        Args:
            epoch: Integer, index of epoch.
            logs: Dict. Currently no data is passed.
        """

    @default
    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch (training only).

        Args:
            epoch: Integer, index of epoch.
            logs: Dict of metric results for this epoch, plus the validation
                results prefixed `val_`, e.g. `{'loss': 0.2, 'val_loss': 0.3}`.
        """

    @default
    def on_train_batch_begin(self, batch, logs=None):
        """Called at the beginning of a training batch in `fit`.

        Args:
            batch: Integer, index of batch within the current epoch.
            logs: Dict. Currently no data is passed.
        """
        self.on_batch_begin(batch, logs=logs)  # the old alias still fires

    @default
    def on_train_batch_end(self, batch, logs=None):
        """Called at the end of a training batch in `fit`.

        Args:
            batch: Integer, index of batch within the current epoch.
            logs: Dict. Metric results aggregated up to this batch.
        """
        self.on_batch_end(batch, logs=logs)  # the old alias still fires

    @default
    def on_test_batch_begin(self, batch, logs=None):
        """Called at the beginning of a batch in `evaluate` (and in validation during `fit`)."""

    @default
    def on_test_batch_end(self, batch, logs=None):
        """Called at the end of a batch in `evaluate` (and in validation during `fit`).

        Args:
            batch: Integer, index of batch.
            logs: Dict. Metric results aggregated up to this batch.
        """

    @default
    def on_predict_batch_begin(self, batch, logs=None):
        """Called at the beginning of a batch in `predict`."""

    @default
    def on_predict_batch_end(self, batch, logs=None):
        """Called at the end of a batch in `predict`.

        Args:
            batch: Integer, index of batch.
            logs: Dict with the batch's `outputs`.
        """

    @default
    def on_train_begin(self, logs=None):
        """Called at the beginning of training."""

    @default
    def on_train_end(self, logs=None):
        """Called at the end of training.

        Args:
            logs: Dict. The logs of the last `on_epoch_end`.
        """

    @default
    def on_test_begin(self, logs=None):
        """Called at the beginning of evaluation or validation."""

    @default
    def on_test_end(self, logs=None):
        """Called at the end of evaluation or validation.

        Args:
            logs: Dict. The evaluation results.
        """

    @default
    def on_predict_begin(self, logs=None):
        """Called at the beginning of prediction."""

    @default
    def on_predict_end(self, logs=None):
        """Called at the end of prediction."""
