"""`minikeras.metrics`: Keras's metrics, their names, and `get`/`serialize`/`deserialize`.

Names resolve as in Keras 3 (`keras.metrics.get`): a class name
(`"BinaryAccuracy"`), its snake-case form (`"binary_accuracy"`) or one of the
aliases `mse`, `mae`, `mape`, `msle`, `bce` (and upper case) gives a new
instance of the metric class. (`"acc"`/`"accuracy"` in `compile` are resolved
by `compile` itself, from the loss and the output's shape.)

The per-sample loss functions Keras re-exports here (`mean_squared_error`,
`binary_crossentropy`...) are those of `minikeras.losses`, found on first use.
"""

from minikeras._lazy import lazy_exports
from minikeras.utils.naming import to_snake_case

# name -> the module defining it; each is imported on first use, so `import minikeras` stays fast.
_LAZY = {
    "Accuracy": "minikeras.metrics.accuracy_metrics",
    "BinaryAccuracy": "minikeras.metrics.accuracy_metrics",
    "CategoricalAccuracy": "minikeras.metrics.accuracy_metrics",
    "SparseCategoricalAccuracy": "minikeras.metrics.accuracy_metrics",
    "SparseTopKCategoricalAccuracy": "minikeras.metrics.accuracy_metrics",
    "TopKCategoricalAccuracy": "minikeras.metrics.accuracy_metrics",
    "accuracy": "minikeras.metrics.accuracy_metrics",
    "binary_accuracy": "minikeras.metrics.accuracy_metrics",
    "categorical_accuracy": "minikeras.metrics.accuracy_metrics",
    "sparse_categorical_accuracy": "minikeras.metrics.accuracy_metrics",
    "sparse_top_k_categorical_accuracy": "minikeras.metrics.accuracy_metrics",
    "top_k_categorical_accuracy": "minikeras.metrics.accuracy_metrics",
    "AUC": "minikeras.metrics.auc",
    "FalseNegatives": "minikeras.metrics.confusion_metrics",
    "FalsePositives": "minikeras.metrics.confusion_metrics",
    "Precision": "minikeras.metrics.confusion_metrics",
    "PrecisionAtRecall": "minikeras.metrics.confusion_metrics",
    "Recall": "minikeras.metrics.confusion_metrics",
    "RecallAtPrecision": "minikeras.metrics.confusion_metrics",
    "SensitivityAtSpecificity": "minikeras.metrics.confusion_metrics",
    "SpecificityAtSensitivity": "minikeras.metrics.confusion_metrics",
    "TrueNegatives": "minikeras.metrics.confusion_metrics",
    "TruePositives": "minikeras.metrics.confusion_metrics",
    "ConcordanceCorrelation": "minikeras.metrics.correlation_metrics",
    "PearsonCorrelation": "minikeras.metrics.correlation_metrics",
    "concordance_correlation": "minikeras.metrics.correlation_metrics",
    "pearson_correlation": "minikeras.metrics.correlation_metrics",
    "F1Score": "minikeras.metrics.f_score_metrics",
    "FBetaScore": "minikeras.metrics.f_score_metrics",
    "CategoricalHinge": "minikeras.metrics.hinge_metrics",
    "Hinge": "minikeras.metrics.hinge_metrics",
    "SquaredHinge": "minikeras.metrics.hinge_metrics",
    "Metric": "minikeras.metrics.metric",
    "BinaryCrossentropy": "minikeras.metrics.probabilistic_metrics",
    "CategoricalCrossentropy": "minikeras.metrics.probabilistic_metrics",
    "KLDivergence": "minikeras.metrics.probabilistic_metrics",
    "Poisson": "minikeras.metrics.probabilistic_metrics",
    "SparseCategoricalCrossentropy": "minikeras.metrics.probabilistic_metrics",
    "Mean": "minikeras.metrics.reduction_metrics",
    "MeanMetricWrapper": "minikeras.metrics.reduction_metrics",
    "Sum": "minikeras.metrics.reduction_metrics",
    "CosineSimilarity": "minikeras.metrics.regression_metrics",
    "LogCoshError": "minikeras.metrics.regression_metrics",
    "MeanAbsoluteError": "minikeras.metrics.regression_metrics",
    "MeanAbsolutePercentageError": "minikeras.metrics.regression_metrics",
    "MeanSquaredError": "minikeras.metrics.regression_metrics",
    "MeanSquaredLogarithmicError": "minikeras.metrics.regression_metrics",
    "R2Score": "minikeras.metrics.regression_metrics",
    "RootMeanSquaredError": "minikeras.metrics.regression_metrics",
    "cosine_similarity": "minikeras.metrics.regression_metrics",
}
# Submodules `dir()` listed when everything was imported eagerly.
_SUBMODULES = {"accuracy_metrics", "auc", "confusion_metrics", "correlation_metrics", "f_score_metrics",
               "hinge_metrics", "metric", "metrics_utils", "probabilistic_metrics", "reduction_metrics",
               "regression_metrics"}
# `from minikeras.metrics import *` gives every metric, loaded or not.
__all__ = sorted(set(_LAZY) | {"deserialize", "function_names", "get", "get_function", "serialize"})

# The registry (what `get`/`deserialize` find by name) imports every metric, so it is
# built on first use: `ALL_OBJECTS`, `ALL_OBJECTS_DICT` and `_METRIC_FUNCTIONS` below.
_ALL_NAMES = (
    "Metric", "Mean", "Sum", "MeanMetricWrapper",
    "MeanSquaredError", "RootMeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "CosineSimilarity", "LogCoshError", "R2Score",
    "AUC", "FalseNegatives", "FalsePositives", "Precision", "PrecisionAtRecall", "Recall", "RecallAtPrecision",
    "SensitivityAtSpecificity", "SpecificityAtSensitivity", "TrueNegatives", "TruePositives",
    "ConcordanceCorrelation", "PearsonCorrelation",
    "Hinge", "SquaredHinge", "CategoricalHinge",
    "KLDivergence", "Poisson", "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "F1Score", "FBetaScore",
)
# Keras's aliases (the metric keeps its class's default name, e.g. "mean_squared_error").
_ALIASES = {
    "bce": "BinaryCrossentropy", "BCE": "BinaryCrossentropy",
    "mse": "MeanSquaredError", "MSE": "MeanSquaredError",
    "mae": "MeanAbsoluteError", "MAE": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError", "MAPE": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError", "MSLE": "MeanSquaredLogarithmicError",
}
# Per-sample functions defined here.
_METRIC_FUNCTION_NAMES = (
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "cosine_similarity",
    "pearson_correlation", "concordance_correlation",
)
# Loss functions Keras re-exports under `keras.metrics`, served from `minikeras.losses`.
_LOSS_FUNCTIONS = (
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "sparse_categorical_crossentropy", "categorical_hinge", "hinge",
    "squared_hinge", "huber", "kl_divergence", "log_cosh", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error", "poisson",
)


def _all_objects_dict():
    classes = _loaded("ALL_OBJECTS")
    value = {cls.__name__: cls for cls in classes}
    value.update({to_snake_case(cls.__name__): cls for cls in classes})
    value.update({alias: _loaded(n) for alias, n in _ALIASES.items()})
    return value


def _loss_function(name):
    def load():
        from minikeras import losses

        return getattr(losses, name)

    return load


# The registry (classes, aliases, functions) imports every metric, so it is built on first use.
__getattr__, __dir__, _loaded = lazy_exports(__name__, _LAZY, _SUBMODULES, {
    "ALL_OBJECTS": lambda: tuple(_loaded(n) for n in _ALL_NAMES),
    "ALL_OBJECTS_DICT": _all_objects_dict,
    "_METRIC_FUNCTIONS": lambda: {n: _loaded(n) for n in _METRIC_FUNCTION_NAMES},
    **{name: _loss_function(name) for name in _LOSS_FUNCTIONS},
})


def function_names():
    """Names of the per-sample metric functions (`binary_accuracy`, `mean_squared_error`...)."""
    return sorted(set(_METRIC_FUNCTION_NAMES) | set(_LOSS_FUNCTIONS))


def get_function(name):
    """The per-sample function called `name`, or None."""
    if name in _METRIC_FUNCTION_NAMES:
        return _loaded("_METRIC_FUNCTIONS")[name]
    if name in _LOSS_FUNCTIONS:
        return __getattr__(name)
    return None


def serialize(metric):
    """A metric instance or function as a Keras-style config dict."""
    from minikeras.metrics.reduction_metrics import serialize_function
    from minikeras.saving.object_registration import get_registered_name

    if isinstance(metric, _loaded("Metric")):
        cls = type(metric)
        builtin = _loaded("ALL_OBJECTS_DICT").get(cls.__name__) is cls
        return {"module": "keras.metrics" if builtin else cls.__module__, "class_name": cls.__name__,
                "config": metric.get_config(),
                "registered_name": None if builtin else get_registered_name(cls)}
    return serialize_function(metric)


def deserialize(config, custom_objects=None):
    """The metric (instance or function) that a `serialize` result, or a name, describes."""
    from minikeras.saving.object_registration import get_registered_object

    if isinstance(config, str):
        found = _lookup(config, custom_objects)
        return found() if isinstance(found, type) else found
    if not isinstance(config, dict):
        raise TypeError(
            f"Could not deserialize metric: expected a string or a config dict, received {config!r} "
            f"of type {type(config).__name__}."
        )
    class_name = config.get("class_name")
    inner = config.get("config")
    if class_name == "function":
        # A function config names a function even where a class shares its snake-case name.
        return get_function(inner) or _lookup(inner, custom_objects)
    found = None
    registered = config.get("registered_name")
    if registered:
        found = get_registered_object(registered, custom_objects)
    if found is None:
        found = _lookup(class_name, custom_objects)
    if isinstance(found, type):
        return found.from_config(inner or {})
    return found


def _lookup(name, custom_objects=None):
    from minikeras.saving.object_registration import get_registered_object
    from minikeras.utils.registry import unknown_name_error

    registry = _loaded("ALL_OBJECTS_DICT")
    found = registry.get(name) or get_function(name) or get_registered_object(name, custom_objects)
    if found is None:
        raise unknown_name_error("metric", name, list(registry) + function_names())
    return found


def get(identifier):
    """A metric from an identifier, as `keras.metrics.get`.

    Args:
        identifier: None, a name (`"binary_accuracy"`, `"BinaryAccuracy"`, `"mse"`...),
            a config dict (`{"class_name": ..., "config": ...}`), a `Metric` or a function.

    Returns:
        A `Metric` instance (names of classes are instantiated) or a function.

    Raises:
        ValueError: for an unknown name (with the closest valid names) or an
            identifier of another type.
    """
    from minikeras.saving.object_registration import get_registered_object
    from minikeras.utils.registry import unknown_name_error

    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _loaded("ALL_OBJECTS_DICT").get(identifier) or get_registered_object(identifier)
        if obj is None:
            raise unknown_name_error("metric", identifier, _loaded("ALL_OBJECTS_DICT"))
    else:
        obj = identifier
    if callable(obj):
        return obj() if isinstance(obj, type) else obj
    raise ValueError(
        f"Could not interpret metric identifier: {identifier!r} (of type {type(identifier).__name__}). "
        "Expected a metric name, a config dict, a Metric instance or a function."
    )
