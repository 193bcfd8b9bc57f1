"""Weight constraints (`keras.constraints`): projections applied after each optimizer step."""

from minikeras import config, ops
from minikeras.utils.naming import to_snake_case
from minikeras.utils.registry import resolve


class Constraint:
    """Base class: `__call__(w)` returns the projected weight (the identity by default)."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config_):
        return cls(**config_)


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale so each norm along `axis` is at most `max_value`: `w * clip(n, 0, m) / (eps + n)`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(config.epsilon(), norms)))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """`max(w, 0)`."""

    def __call__(self, w):
        return ops.maximum(w, 0)


class UnitNorm(Constraint):
    """`w / (eps + norm(w))` along `axis`."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return ops.divide(w, ops.add(config.epsilon(), _norms(w, self.axis)))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Norms moved towards `[min_value, max_value]` at `rate`: `desired = rate*clip(n) + (1-rate)*n`."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = ops.add(ops.multiply(self.rate, ops.clip(norms, self.min_value, self.max_value)),
                          ops.multiply(1 - self.rate, norms))
        return ops.multiply(w, ops.divide(desired, ops.add(config.epsilon(), norms)))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

ALL_OBJECTS_DICT = {}
for _cls in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm):
    ALL_OBJECTS_DICT[_cls.__name__] = _cls
    ALL_OBJECTS_DICT[to_snake_case(_cls.__name__)] = _cls


def serialize(constraint):
    return {"module": "keras.constraints", "class_name": type(constraint).__name__,
            "config": constraint.get_config(), "registered_name": None}


def deserialize(config_, custom_objects=None):
    from minikeras.saving.object_registration import CustomObjectScope

    with CustomObjectScope(custom_objects or {}):
        return resolve("constraint", config_, ALL_OBJECTS_DICT, base=Constraint)


def get(identifier):
    """None, a name (`'max_norm'`), a config dict, an instance or a callable."""
    return resolve("constraint", identifier, ALL_OBJECTS_DICT, base=Constraint)
