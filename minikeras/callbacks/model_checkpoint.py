"""`ModelCheckpoint`: save the model (or its weights) during training."""

import os
import re
import warnings

import numpy as np

from minikeras.callbacks.monitor_callback import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Save the model or its weights at some frequency during `fit`.

    `filepath` may hold `str.format` fields filled from the epoch (1-based)
    and the logs, e.g. `"model_{epoch:02d}-{val_loss:.2f}.keras"`; with an
    integer `save_freq`, `{batch}` (1-based) too. Every write is atomic: an
    interrupted save leaves the previous checkpoint intact.

    Args:
        filepath: where to save: ending in `.keras` (whole model) or, with
            `save_weights_only=True`, in `.weights.h5`.
        monitor: the logged quantity compared when `save_best_only=True`.
        verbose: 1 prints a message at each save.
        save_best_only: save only when `monitor` improves (the file at a fixed
            `filepath` is then always the best model so far).
        save_weights_only: save only the weights (`model.save_weights`).
        mode: `"auto"`, `"min"` or `"max"`: whether lower or higher `monitor` is better.
        save_freq: `"epoch"`, or an integer: save every that many batches.
        initial_value_threshold: the value `monitor` must beat for the first save.

    Example:

    ```python
    checkpoint = ModelCheckpoint("best.keras", monitor="val_accuracy", mode="max", save_best_only=True)
    model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[checkpoint])
    ```
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if self.save_freq != "epoch" and not isinstance(self.save_freq, int):
            raise ValueError(f"Unrecognized save_freq: {self.save_freq}. Expected save_freq are 'epoch' or integer "
                             "values")
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided "
                                 "must end in `.weights.h5` (Keras weights format). Received: "
                                 f"filepath={self.filepath}")
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(f"The filepath provided must end in `.keras` (Keras model format). Received: "
                             f"filepath={self.filepath}")

    # -- hooks --------------------------------------------------------------------------------------
    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()  # now the model's metrics are built
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    # -- when --------------------------------------------------------------------------------------
    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            add_batches = batch + 1  # a new epoch began; batches count from 0
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, batch, logs, filepath):
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        if isinstance(current, np.ndarray) and current.ndim > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. Received: {current}. "
                          "Falling back to `save_best_only=False`.", stacklevel=2)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()  # a batch-level save before the first epoch ended
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to {current:.5f}, saving "
                      f"model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    # -- how ------------------------------------------------------------------------------------------
    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IOError("Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an "
                          f"existing directory: {filepath}")
        if self._should_save_model(epoch, batch, logs, filepath):
            dirname = os.path.dirname(filepath)
            if dirname and not os.path.exists(dirname):
                os.makedirs(dirname, exist_ok=True)
            if self.save_weights_only:
                self.model.save_weights(filepath, overwrite=True)
            else:
                self.model.save(filepath, overwrite=True)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs):
        """The path for this save: `filepath` with `{epoch}`, `{batch}` and the logs filled in."""
        logs = logs or {}
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}') from e

    def _checkpoint_exists(self, filepath):
        return os.path.exists(filepath)

    def _get_most_recently_modified_file_matching_pattern(self, pattern):
        """The newest file matching `pattern` (format fields as wildcards); ties go to the largest name."""
        dir_name = os.path.dirname(pattern)
        base_name_regex = f"^{re.sub(r'{.*}', r'.*', os.path.basename(pattern))}$"
        latest_time, latest, n_latest, largest = 0, None, 0, None
        if os.path.exists(dir_name or "."):
            for file_name in os.listdir(dir_name or "."):
                if not re.match(base_name_regex, file_name):
                    continue
                file_path = os.path.join(dir_name, file_name)
                mod_time = os.path.getmtime(file_path)
                if largest is None or file_path > largest:
                    largest = file_path
                if mod_time > latest_time:
                    latest_time, latest, n_latest = mod_time, file_path, 1
                elif mod_time == latest_time:
                    n_latest += 1
        return latest if n_latest == 1 else largest
