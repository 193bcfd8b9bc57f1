"""`minikeras.losses`: Keras's losses, as functions and as `Loss` classes.

`get(identifier)` follows `keras.losses.get`: a lower-case name gives the
function (`"mse"`, `"categorical_crossentropy"`), a class name gives a fresh
instance (`"CategoricalCrossentropy"`), a config dict the configured instance.
"""

import inspect

from minikeras.losses.loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank  # noqa: F401
from minikeras.losses.losses import (  # noqa: F401
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    CategoricalHinge,
    Circle,
    CosineSimilarity,
    Dice,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Tversky,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    categorical_hinge,
    circle,
    cosine_similarity,
    dice,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
    tversky,
)
from minikeras.utils.registry import resolve

# What `get`/`deserialize` find by name: Keras 3.15's ALL_OBJECTS plus its aliases.
# (Keras's CTC is not implemented yet; CategoricalGeneralizedCrossEntropy is
# exported but, as in Keras, not findable by name.)
ALL_OBJECTS = {
    Loss, LossFunctionWrapper,
    KLDivergence, Poisson, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, SparseCategoricalCrossentropy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCosh, Huber,
    Hinge, SquaredHinge, CategoricalHinge,
    Dice, Tversky, Circle,
    kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, sparse_categorical_crossentropy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    cosine_similarity, log_cosh, huber,
    hinge, squared_hinge, categorical_hinge,
    dice, tversky, circle,
}
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
    "kld": kl_divergence,
    "KLD": kl_divergence,
    "mae": mean_absolute_error,
    "MAE": mean_absolute_error,
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error,
})

# `deserialize` (the `.keras` format names the module and class) also finds exported
# losses that `get` does not know by name.
_DESERIALIZABLE = dict(
    ALL_OBJECTS_DICT,
    CategoricalGeneralizedCrossEntropy=CategoricalGeneralizedCrossEntropy,
    categorical_generalized_cross_entropy=categorical_generalized_cross_entropy,
)
_BUILTIN_CLASSES = {obj for obj in ALL_OBJECTS if inspect.isclass(obj)} | {CategoricalGeneralizedCrossEntropy}
_BUILTIN_FUNCTIONS = {obj for obj in ALL_OBJECTS if not inspect.isclass(obj)} | {categorical_generalized_cross_entropy}


def serialize(loss):
    """The Keras-format config of a `Loss` instance or a loss function.

    A function becomes `{"module": "builtins", "class_name": "function",
    "config": <name>, "registered_name": "function"}`, an instance
    `{"module": ..., "class_name": <class>, "config": loss.get_config(), "registered_name": ...}`.
    """
    from minikeras.saving.object_registration import get_registered_name

    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    if isinstance(loss, Loss):
        cls = type(loss)
        builtin = cls in _BUILTIN_CLASSES
        return {
            "module": "keras.losses" if builtin else cls.__module__,
            "class_name": cls.__name__,
            "config": loss.get_config(),
            "registered_name": None if builtin else get_registered_name(cls),
        }
    if callable(loss):
        name = loss.__name__ if loss in _BUILTIN_FUNCTIONS else get_registered_name(loss)
        return {"module": "builtins", "class_name": "function", "config": name, "registered_name": "function"}
    raise ValueError(f"Cannot serialize {loss!r}: expected a `Loss` instance or a loss function.")


def deserialize(name, custom_objects=None):
    """The `Loss` instance or loss function described by `name` (a config dict or a name)."""
    from minikeras.saving.object_registration import CustomObjectScope

    if isinstance(name, dict) and name.get("class_name") == "function":
        name = name.get("config")
    elif isinstance(name, dict) and name.get("registered_name") not in (None, "function"):
        registered = name["registered_name"]
        name = dict(name, class_name=registered)
    with CustomObjectScope(custom_objects or {}):
        return resolve("loss", name, _DESERIALIZABLE, base=Loss, instantiate=False, allow_none=True)


def get(identifier):
    """A loss function or `Loss` instance from `identifier`.

    Args:
        identifier: None, the name of a loss function (`"mse"`,
            `"binary_crossentropy"`: the function is returned) or class
            (`"BinaryCrossentropy"`: an instance with default arguments), a
            config dict (`{"class_name": "BinaryCrossentropy", "config": {...}}`),
            a `Loss` instance, a `Loss` class (instantiated) or a callable.

    Raises:
        ValueError: for an unknown name (with the closest valid names) or an
            identifier of another kind.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = resolve("loss", identifier, ALL_OBJECTS_DICT, base=Loss, instantiate=False)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(
        f"Could not interpret loss identifier: {identifier!r}. Expected None, the name of a loss, "
        "a config dict, a `Loss` instance or a callable."
    )
