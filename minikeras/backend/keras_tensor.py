"""Symbolic tensors: what `keras.Input` returns and functional layers pass along.

A `KerasTensor` holds a shape (with `None` for unknown sizes), a dtype and,
once produced by a layer, `_keras_history = (layer, node_index, tensor_index)`
so a functional `Model(inputs, outputs)` can walk the graph back to its inputs.
"""

from minikeras import config


class KerasTensor:
    """A placeholder with a shape and a dtype, used to build functional models."""

    def __init__(self, shape, dtype=None, sparse=False, name=None, record_history=True):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = config.standardize_dtype(dtype)
        self.sparse = sparse
        self.name = name
        self._keras_history = None

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}, name={self.name}>"

    def __len__(self):
        raise TypeError(
            "A KerasTensor is symbolic: it's a placeholder for a shape and a dtype. It doesn't "
            "have any actual numerical value. You cannot take len() of it."
        )

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A KerasTensor cannot be used as input to a NumPy function. A KerasTensor is a "
            "symbolic placeholder for a shape and dtype, used when constructing Keras Functional "
            "models. Wrap the computation in a layer (e.g. a `Lambda` layer or a Layer subclass)."
        )

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python `bool`.")

    # Python operators on symbolic tensors: recorded as functional ops.
    def _binary(self, other, fn, reverse=False):
        from minikeras.layers.core.op_layer import symbolic_op

        return symbolic_op(fn, (other, self) if reverse else (self, other))

    def __add__(self, other):
        return self._binary(other, "add")

    def __radd__(self, other):
        return self._binary(other, "add", reverse=True)

    def __sub__(self, other):
        return self._binary(other, "subtract")

    def __rsub__(self, other):
        return self._binary(other, "subtract", reverse=True)

    def __mul__(self, other):
        return self._binary(other, "multiply")

    def __rmul__(self, other):
        return self._binary(other, "multiply", reverse=True)

    def __truediv__(self, other):
        return self._binary(other, "divide")

    def __rtruediv__(self, other):
        return self._binary(other, "divide", reverse=True)

    def __matmul__(self, other):
        return self._binary(other, "matmul")

    def __neg__(self):
        from minikeras.layers.core.op_layer import symbolic_op

        return symbolic_op("negative", (self,))

    def __getitem__(self, key):
        from minikeras.layers.core.op_layer import symbolic_op

        return symbolic_op("get_item", (self,), {"key": key})


def any_symbolic(values):
    """Whether a (nested) structure holds a KerasTensor."""
    if isinstance(values, KerasTensor):
        return True
    if isinstance(values, (list, tuple)):
        return any(any_symbolic(v) for v in values)
    if isinstance(values, dict):
        return any(any_symbolic(v) for v in values.values())
    return False
