"""`Metric`: the stateful base class of every metric (Keras's `keras.metrics.Metric`).

A metric keeps running statistics in non-trainable `minikeras.Variable`s
(`total`, `count`, `true_positives`...), folds each batch into them with
`update_state`, and turns them into a number with `result`. Metrics only look
at values (they are never differentiated), so they compute with NumPy.
"""

import numpy as np

from minikeras import config
from minikeras.backend.variables import Variable
from minikeras.utils.naming import auto_name, to_snake_case


class Metric:
    """Encapsulates metric logic and state.

    Subclasses create their state with `add_variable` in `__init__` (or in a
    lazy build), accumulate it in `update_state` and read it in `result`.

    Args:
        dtype: the dtype of the state and of the computations; defaults to
            `minikeras.config.floatx()`.
        name: the metric's name; defaults to the snake-cased class name
            (`precision`, `precision_1`...).

    Example:
        >>> m = SomeMetric()
        >>> for y_true, y_pred in batches:
        ...     m.update_state(y_true, y_pred)
        >>> m.result()
    """

    def __init__(self, dtype=None, name=None):
        # Set first: `__setattr__` tracks variables and sub-metrics into these.
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_metrics", [])
        self.name = name or auto_name(to_snake_case(type(self).__name__))
        self._dtype = config.standardize_dtype(_dtype_name(dtype))

    # -- the contract --------------------------------------------------------------
    def update_state(self, *args, **kwargs):
        """Accumulate statistics for the metric."""
        raise NotImplementedError

    def result(self):
        """The current value of the metric (a scalar, an array or a dict of them)."""
        raise NotImplementedError

    def reset_state(self):
        """Set every state variable back to zero (called between epochs)."""
        for v in self.variables:
            v.assign(np.zeros(v.shape, dtype=v.dtype))

    def __call__(self, *args, **kwargs):
        """`update_state(*args, **kwargs)`, then `result()`."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- state -----------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """Create a non-trainable state variable (zeros unless another initializer is given)."""
        self._check_super_called()
        shape = tuple(int(d) for d in shape)
        dtype = config.standardize_dtype(dtype or self._dtype)
        if initializer is None or (isinstance(initializer, str) and initializer.lower() == "zeros") or (
                type(initializer).__name__ == "Zeros"):
            initial = np.zeros(shape, dtype=dtype)
        elif callable(initializer):
            initial = np.asarray(initializer(shape, dtype=dtype), dtype=dtype)
        elif isinstance(initializer, str):
            from minikeras import initializers

            initial = np.asarray(initializers.get(initializer)(shape, dtype=dtype), dtype=dtype)
        else:
            initial = np.broadcast_to(np.asarray(initializer, dtype=dtype), shape)
        variable = Variable(initial, shape=shape, dtype=dtype, trainable=False, aggregation=aggregation,
                            synchronization="on_read", name=name)
        variable.path = f"{self.name.replace('/', '>')}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Backwards-compatible alias of `add_variable`."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """This metric's state variables, then those of the metrics it holds."""
        out = list(self._variables)
        for metric in self._metrics:
            out.extend(metric.variables)
        return out

    def __setattr__(self, name, value):
        # Track sub-metrics assigned as attributes, as Keras's tracker does.
        if isinstance(value, Metric) and "_metrics" in self.__dict__ and value is not self:
            if not any(m is value for m in self._metrics):
                self._metrics.append(value)
        object.__setattr__(self, name, value)

    # -- serialisation -----------------------------------------------------------------
    def get_config(self):
        """The serializable config of the metric."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _obj_type(self):
        return "Metric"

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                "You forgot to call `super().__init__()` in the `__init__()` method. Go add it!"
            )

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__


def _dtype_name(dtype):
    """A dtype argument (None, a string, a NumPy dtype or a DTypePolicy-like object) as a name."""
    if dtype is None:
        return config.floatx()
    # A dtype policy carries its compute dtype.
    compute = getattr(dtype, "compute_dtype", None)
    if isinstance(compute, str):
        return compute
    if isinstance(dtype, dict):  # a serialized DTypePolicy
        return dtype.get("config", {}).get("name", config.floatx())
    return dtype
