"""Weight regularizers (`keras.regularizers`): penalties added to the loss.

A regularizer is called on a weight and returns a scalar computed with
`minikeras.ops`, so its gradient joins the loss's in backpropagation.
"""

import math

from minikeras import ops
from minikeras.ops.autodiff import value
from minikeras.utils.naming import to_snake_case
from minikeras.utils.registry import resolve


def _validate_factor(v, name):
    if not isinstance(v, (float, int)) or isinstance(v, bool) or math.isinf(v) or math.isnan(v) or v < 0:
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float.Received: {name}={v}")
    return float(v)


class Regularizer:
    """Base class: `__call__(x)` returns a scalar penalty."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x²)` (the string `'l1_l2'` means l1 = l2 = 0.01)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _validate_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _validate_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        dtype = value(x).dtype
        penalty = ops.zeros((), dtype=dtype)
        if self.l1:
            penalty = ops.add(penalty, ops.multiply(ops.cast(self.l1, dtype), ops.sum(ops.absolute(x))))
        if self.l2:
            penalty = ops.add(penalty, ops.multiply(ops.cast(self.l2, dtype), ops.sum(ops.square(x))))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """`l1 * sum(|x|)` (default 0.01)."""

    def __init__(self, l1=0.01):
        self.l1 = _validate_factor(0.01 if l1 is None else l1, "l1")

    def __call__(self, x):
        return ops.multiply(ops.cast(self.l1, value(x).dtype), ops.sum(ops.absolute(x)))

    def get_config(self):
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """`l2 * sum(x²)` (default 0.01)."""

    def __init__(self, l2=0.01):
        self.l2 = _validate_factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        return ops.multiply(ops.cast(self.l2, value(x).dtype), ops.sum(ops.square(x)))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """`factor * mean(|offdiag(ŵ ŵᵀ)|)` over the L2-normalised rows (or columns) ŵ."""

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _validate_factor(factor, "factor")
        if mode not in {"rows", "columns"}:
            raise ValueError(f"Invalid value for argument `mode`. Expected one of {{'rows', 'columns'}}. Received: mode={mode}")
        self.mode = mode

    def __call__(self, inputs):
        if len(value(inputs).shape) != 2:
            raise ValueError(f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={value(inputs).shape}")
        x = inputs if self.mode == "rows" else ops.transpose(inputs)
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=1, keepdims=True), 1e-12))
        x = ops.divide(x, norms)
        product = ops.matmul(x, ops.transpose(x))
        size = value(product).shape[0]
        off = ops.multiply(product, 1.0 - ops.eye(size, dtype=value(product).dtype))
        return ops.multiply(self.factor, ops.divide(ops.sum(ops.absolute(off)), size * (size - 1)))

    def get_config(self):
        return {"factor": float(self.factor), "mode": self.mode}


def l1_l2(l1=0.01, l2=0.01):
    """The `'l1_l2'` shortcut: both factors 0.01 by default."""
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS_DICT = {}
for _cls in (Regularizer, L1, L2, L1L2, OrthogonalRegularizer):
    ALL_OBJECTS_DICT[_cls.__name__] = _cls
    ALL_OBJECTS_DICT[to_snake_case(_cls.__name__)] = _cls
ALL_OBJECTS_DICT["l1_l2"] = l1_l2


def serialize(regularizer):
    from minikeras.saving.object_registration import get_registered_name

    return {"module": "keras.regularizers", "class_name": type(regularizer).__name__,
            "config": regularizer.get_config(),
            "registered_name": None if type(regularizer).__name__ in ALL_OBJECTS_DICT else get_registered_name(type(regularizer))}


def deserialize(config, custom_objects=None):
    from minikeras.saving.object_registration import CustomObjectScope

    with CustomObjectScope(custom_objects or {}):
        return resolve("regularizer", config, ALL_OBJECTS_DICT, base=Regularizer)


def get(identifier):
    """None, a name (`'l2'`), a config dict, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        obj = resolve("regularizer", identifier, ALL_OBJECTS_DICT, base=Regularizer, instantiate=False)
        return obj() if callable(obj) else obj
    return resolve("regularizer", identifier, ALL_OBJECTS_DICT, base=Regularizer)
