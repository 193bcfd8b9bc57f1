"""`minikeras.metrics`: Keras's metrics, their names, and `get`/`serialize`/`deserialize`.

Names resolve as in Keras 3 (`keras.metrics.get`): a class name
(`"BinaryAccuracy"`), its snake-case form (`"binary_accuracy"`) or one of the
aliases `mse`, `mae`, `mape`, `msle`, `bce` (and upper case) gives a new
instance of the metric class. (`"acc"`/`"accuracy"` in `compile` are resolved
by `compile` itself, from the loss and the output's shape.)

The per-sample loss functions Keras re-exports here (`mean_squared_error`,
`binary_crossentropy`...) are those of `minikeras.losses`, found on first use.
"""

from minikeras.metrics.accuracy_metrics import (  # noqa: F401
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from minikeras.metrics.auc import AUC  # noqa: F401
from minikeras.metrics.confusion_metrics import (  # noqa: F401
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from minikeras.metrics.correlation_metrics import (  # noqa: F401
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from minikeras.metrics.f_score_metrics import F1Score, FBetaScore  # noqa: F401
from minikeras.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge  # noqa: F401
from minikeras.metrics.metric import Metric  # noqa: F401
from minikeras.metrics.probabilistic_metrics import (  # noqa: F401
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from minikeras.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum  # noqa: F401
from minikeras.metrics.regression_metrics import (  # noqa: F401
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
    cosine_similarity,
)
from minikeras.utils.naming import to_snake_case

ALL_OBJECTS = (
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall, RecallAtPrecision,
    SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives, TruePositives,
    ConcordanceCorrelation, PearsonCorrelation,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score, FBetaScore,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
# Keras's aliases (the metric keeps its class's default name, e.g. "mean_squared_error").
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
})

# Per-sample functions defined here.
_METRIC_FUNCTIONS = {
    fn.__name__: fn for fn in (
        accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
        top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, cosine_similarity,
        pearson_correlation, concordance_correlation,
    )
}
# Loss functions Keras re-exports under `keras.metrics`, served from `minikeras.losses`.
_LOSS_FUNCTIONS = (
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "sparse_categorical_crossentropy", "categorical_hinge", "hinge",
    "squared_hinge", "huber", "kl_divergence", "log_cosh", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error", "poisson",
)


def __getattr__(name):
    if name in _LOSS_FUNCTIONS:
        from minikeras import losses

        return getattr(losses, name)
    raise AttributeError(f"module 'minikeras.metrics' has no attribute {name!r}")


def function_names():
    """Names of the per-sample metric functions (`binary_accuracy`, `mean_squared_error`...)."""
    return sorted(set(_METRIC_FUNCTIONS) | set(_LOSS_FUNCTIONS))


def get_function(name):
    """The per-sample function called `name`, or None."""
    if name in _METRIC_FUNCTIONS:
        return _METRIC_FUNCTIONS[name]
    if name in _LOSS_FUNCTIONS:
        return __getattr__(name)
    return None


def serialize(metric):
    """A metric instance or function as a Keras-style config dict."""
    from minikeras.metrics.reduction_metrics import serialize_function
    from minikeras.saving.object_registration import get_registered_name

    if isinstance(metric, Metric):
        cls = type(metric)
        builtin = ALL_OBJECTS_DICT.get(cls.__name__) is cls
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

    found = ALL_OBJECTS_DICT.get(name) or get_function(name) or get_registered_object(name, custom_objects)
    if found is None:
        raise unknown_name_error("metric", name, list(ALL_OBJECTS_DICT) + function_names())
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
        obj = ALL_OBJECTS_DICT.get(identifier) or get_registered_object(identifier)
        if obj is None:
            raise unknown_name_error("metric", identifier, ALL_OBJECTS_DICT)
    else:
        obj = identifier
    if callable(obj):
        return obj() if isinstance(obj, type) else obj
    raise ValueError(
        f"Could not interpret metric identifier: {identifier!r} (of type {type(identifier).__name__}). "
        "Expected a metric name, a config dict, a Metric instance or a function."
    )
