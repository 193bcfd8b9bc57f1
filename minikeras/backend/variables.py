"""`minikeras.Variable`: a named, mutable array that gradients flow into."""

import numpy as np

from minikeras import config
from minikeras.ops.autodiff import Tensor, VariableBase, value
from minikeras.utils.naming import auto_name


class Variable(VariableBase):
    """A mutable, named array (Keras's `keras.Variable`).

    Layers make theirs with `Layer.add_weight`; optimizers update them in
    place with `assign`/`assign_sub`, so the arrays a model holds are never
    reallocated during training.

    Args:
        initializer: an initializer (callable `(shape, dtype)`), its name, or
            an initial array.
        shape: the shape, needed when `initializer` is callable.
        dtype: defaults to `config.floatx()`.
        trainable: whether `fit` computes gradients for it.
        name: the variable's name (`"kernel"`, `"bias"`...).
    """

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None, constraint=None):
        self.name = name or auto_name("variable")
        self.path = self.name
        self.trainable = bool(trainable)
        self.autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        self.constraint = constraint
        dtype = np.dtype(dtype or config.floatx())
        if isinstance(initializer, str):
            from minikeras import initializers

            initializer = initializers.get(initializer)
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    f"Variable {self.name!r}: an initializer was given without a shape. "
                    "Pass `shape=` when `initializer` is callable."
                )
            array = initializer(tuple(shape), dtype=dtype.name)
        else:
            array = value(initializer)
        self._value = np.array(value(array), dtype=dtype, copy=True)
        if shape is not None and tuple(self._value.shape) != tuple(shape):
            raise ValueError(
                f"Variable {self.name!r}: initial value has shape {self._value.shape}, "
                f"but shape={tuple(shape)} was requested."
            )

    # -- reading --------------------------------------------------------------
    @property
    def value(self):
        return self._value

    def numpy(self):
        return self._value.copy()

    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype.name

    @property
    def ndim(self):
        return self._value.ndim

    def __array__(self, dtype=None, copy=None):
        return self._value if dtype is None else self._value.astype(dtype)

    def __len__(self):
        return len(self._value)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={self._value}>"

    # -- writing (in place: the array object a model holds never changes) -----
    def assign(self, new_value):
        new_value = np.asarray(value(new_value))
        if new_value.shape != self._value.shape:
            raise ValueError(
                f"The shape of the target variable and the shape of the target value in "
                f"`variable.assign(value)` must match. variable.shape={self._value.shape}, "
                f"Received: value.shape={new_value.shape}. Target variable: {self!r}"
            )
        self._value[...] = new_value
        return self

    def assign_add(self, delta):
        self._value += value(delta)
        return self

    def assign_sub(self, delta):
        self._value -= value(delta)
        return self

    # -- arithmetic reads the variable like a tensor ---------------------------
    def _op(self):
        from minikeras import ops

        return ops

    def __add__(self, o):
        return self._op().add(self, o)

    def __radd__(self, o):
        return self._op().add(o, self)

    def __sub__(self, o):
        return self._op().subtract(self, o)

    def __rsub__(self, o):
        return self._op().subtract(o, self)

    def __mul__(self, o):
        return self._op().multiply(self, o)

    def __rmul__(self, o):
        return self._op().multiply(o, self)

    def __truediv__(self, o):
        return self._op().divide(self, o)

    def __rtruediv__(self, o):
        return self._op().divide(o, self)

    def __matmul__(self, o):
        return self._op().matmul(self, o)

    def __rmatmul__(self, o):
        return self._op().matmul(o, self)

    def __neg__(self):
        return self._op().negative(self)

    def __pow__(self, o):
        return self._op().power(self, o)

    def __getitem__(self, key):
        return self._op().get_item(self, key)

    # Variables are compared and hashed by identity (they live in sets and dicts).
    __hash__ = object.__hash__


def is_tensor_like(x):
    return isinstance(x, (np.ndarray, Tensor, Variable))
