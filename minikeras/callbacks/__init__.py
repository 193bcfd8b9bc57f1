"""`minikeras.callbacks`: hooks into fit/evaluate/predict (Keras's `keras.callbacks`).

Each callback's module is imported on first use, so `import minikeras` stays fast.
"""

from minikeras._lazy import lazy_exports

# name -> the module defining it.
_LAZY = {
    "BackupAndRestore": "minikeras.callbacks.backup_and_restore",
    "Callback": "minikeras.callbacks.callback",
    "CallbackList": "minikeras.callbacks.callback_list",
    "CSVLogger": "minikeras.callbacks.csv_logger",
    "EarlyStopping": "minikeras.callbacks.early_stopping",
    "History": "minikeras.callbacks.history",
    "LambdaCallback": "minikeras.callbacks.lambda_callback",
    "LearningRateScheduler": "minikeras.callbacks.learning_rate_scheduler",
    "GradientMonitor": "minikeras.callbacks.gradient_monitor",
    "ModelCheckpoint": "minikeras.callbacks.model_checkpoint",
    "ProgbarLogger": "minikeras.callbacks.progbar_logger",
    "ReduceLROnPlateau": "minikeras.callbacks.reduce_lr_on_plateau",
    "TerminateOnNaN": "minikeras.callbacks.terminate_on_nan",
}
# Submodules `dir()` listed when everything was imported eagerly.
_SUBMODULES = {
    "backup_and_restore", "callback", "callback_list", "csv_logger", "early_stopping", "gradient_monitor",
    "history", "lambda_callback", "learning_rate_scheduler", "model_checkpoint", "monitor_callback",
    "progbar_logger", "reduce_lr_on_plateau", "terminate_on_nan",
}

__all__ = [
    "BackupAndRestore",
    "Callback",
    "CallbackList",
    "CSVLogger",
    "EarlyStopping",
    "GradientMonitor",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]


__getattr__, __dir__, _loaded = lazy_exports(__name__, _LAZY, _SUBMODULES)
