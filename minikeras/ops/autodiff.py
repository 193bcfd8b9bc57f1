"""Reverse-mode differentiation over a recorded list of operations.

The engine is a Wengert list: while a `GradientTape` is recording, every op in
`minikeras.ops` returns a `Tensor` — its NumPy value plus the inputs it came
from and a *vector-Jacobian product* (VJP) closure — and appends it to the
tape. `GradientTape.gradient(target, sources)` then walks the tape backwards,
which is the chain rule applied in reverse order of computation:

    dL/dx = sum over the ops f that consumed x of  VJP_f(dL/df(x))

Outside a tape, ops take and return plain NumPy arrays and record nothing, so
`predict` pays nothing for differentiability.

Writing an op:

    def square(x):
        x = as_input(x)
        a = value(x)
        out = a * a
        if not is_recording():
            return out
        return record(out, (x,), lambda g, need: (2.0 * a * g,))

`need[i]` says whether parent i wants a gradient, so an op may skip work it
does not need (for example the gradient of a layer's input in the first layer).
"""

import numpy as np

__all__ = [
    "Tensor",
    "VariableBase",
    "GradientTape",
    "is_recording",
    "record",
    "value",
    "as_input",
    "unbroadcast",
    "stop_gradient",
]


class _TapeState:
    """The tape currently recording, if any (one thread of training at a time)."""

    __slots__ = ("tape", "generation")

    def __init__(self):
        self.tape = None
        self.generation = 0


_state = _TapeState()


class Tensor:
    """A value recorded on a tape: the array, its parents and its VJP.

    Attributes:
        value: the NumPy array.
        parents: the op's inputs (`Tensor`s or constants), in argument order.
        vjp: `vjp(g, need) -> tuple` of gradients w.r.t. `parents` given the
            upstream gradient `g` (an array of `value`'s shape); entries for
            parents that do not need a gradient may be `None`.
        requires_grad: whether any gradient can flow back through this tensor.
    """

    __slots__ = ("value", "parents", "vjp", "need", "requires_grad", "_keras_logits", "_keras_mask", "__weakref__")
    __array_priority__ = 100  # so `ndarray + Tensor` defers to Tensor.__radd__

    def __init__(self, value, parents=(), vjp=None, need=(), requires_grad=False):
        self.value = value
        self.parents = parents
        self.vjp = vjp
        self.need = need
        self.requires_grad = requires_grad
        self._keras_logits = None
        self._keras_mask = None

    # Array-like surface, so a recorded value reads like the array it holds.
    @property
    def shape(self):
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def ndim(self):
        return self.value.ndim

    def __len__(self):
        return len(self.value)

    def numpy(self):
        return self.value

    def __array__(self, dtype=None, copy=None):
        out = np.asarray(self.value)
        return out if dtype is None else out.astype(dtype)

    def __repr__(self):
        return f"<Tensor shape={self.value.shape} dtype={self.value.dtype}\n{self.value}>"

    def __float__(self):
        return float(self.value)

    def __bool__(self):
        return bool(self.value)

    # Operators dispatch to minikeras.ops (imported lazily: ops imports this module).
    def __add__(self, other):
        return _ops().add(self, other)

    def __radd__(self, other):
        return _ops().add(other, self)

    def __sub__(self, other):
        return _ops().subtract(self, other)

    def __rsub__(self, other):
        return _ops().subtract(other, self)

    def __mul__(self, other):
        return _ops().multiply(self, other)

    def __rmul__(self, other):
        return _ops().multiply(other, self)

    def __truediv__(self, other):
        return _ops().divide(self, other)

    def __rtruediv__(self, other):
        return _ops().divide(other, self)

    def __pow__(self, other):
        return _ops().power(self, other)

    def __rpow__(self, other):
        return _ops().power(other, self)

    def __matmul__(self, other):
        return _ops().matmul(self, other)

    def __rmatmul__(self, other):
        return _ops().matmul(other, self)

    def __neg__(self):
        return _ops().negative(self)

    def __abs__(self):
        return _ops().absolute(self)

    def __getitem__(self, key):
        return _ops().get_item(self, key)

    def __lt__(self, other):
        return _ops().less(self, other)

    def __le__(self, other):
        return _ops().less_equal(self, other)

    def __gt__(self, other):
        return _ops().greater(self, other)

    def __ge__(self, other):
        return _ops().greater_equal(self, other)

    @property
    def T(self):
        return _ops().transpose(self)


def _ops():
    from minikeras import ops

    return ops


def is_recording():
    """True while a `GradientTape` is recording ops."""
    return _state.tape is not None


class VariableBase:
    """What the engine needs of a variable: its array and its leaf on the tape.

    `minikeras.Variable` subclasses this; it lives here so the engine does not
    import the variable module.
    """

    _value = None
    trainable = True

    def _leaf_for_tape(self, force=False):
        """This variable's leaf Tensor on the recording tape (made once per tape)."""
        tape = _state.tape
        if not (force or (self.trainable and tape.watch_accessed_variables)):
            return self._value
        if self._leaf_generation != _state.generation:
            self._leaf = Tensor(self._value, requires_grad=True)
            self._leaf_generation = _state.generation
        return self._leaf

    _leaf = None
    _leaf_generation = -1


def value(x):
    """The NumPy value behind `x` (a Tensor, a Variable or anything array-like)."""
    t = type(x)
    if t is np.ndarray:
        return x
    if t is Tensor:
        return x.value
    if isinstance(x, VariableBase):
        return x._value
    return x


def as_input(x):
    """Prepare an op argument: inside a tape a Variable becomes its leaf Tensor."""
    if _state.tape is not None and isinstance(x, VariableBase):
        return x._leaf_for_tape()
    return x


def record(out, parents, vjp):
    """Return `out` as a Tensor on the current tape, with `vjp` as its local derivative.

    `parents` are the op's (prepared) arguments. If none of them can carry a
    gradient the Tensor is a constant: still a Tensor (so attributes such as
    `_keras_logits` survive) but the backward pass never visits it.
    """
    need = tuple(type(p) is Tensor and p.requires_grad for p in parents)
    if True in need:
        t = Tensor(out, parents, vjp, need, True)
        _state.tape.nodes.append(t)
        return t
    return Tensor(out)


def leaf(array):
    """A Tensor that gradients flow into (a watched variable or input)."""
    return Tensor(array, requires_grad=True)


def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`: the VJP of NumPy broadcasting."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def stop_gradient(x):
    """The value of `x`, cut off from the backward pass."""
    return value(as_input(x))


class GradientTape:
    """Record ops and differentiate through them (the shape of `tf.GradientTape`).

    Example:

    ```python
    with GradientTape() as tape:
        loss = ops.mean(ops.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    ```

    Args:
        persistent: allow more than one `gradient` call.
        watch_accessed_variables: read trainable variables as watched leaves.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self.nodes = []
        self._previous = None
        self._generation = None
        self._used = False

    def __enter__(self):
        self._previous = (_state.tape, _state.generation)
        _state.generation += 1
        self._generation = _state.generation
        _state.tape = self
        return self

    def __exit__(self, *exc):
        _state.tape, _ = self._previous
        # The generation stays advanced: leaves made inside this tape are not
        # reused by a later one.
        _state.generation += 1
        return False

    @property
    def generation(self):
        return self._generation

    def watch(self, x):
        """Differentiate with respect to `x` (a Variable, or an array: returns its leaf)."""
        if isinstance(x, VariableBase):
            return x._leaf_for_tape(force=True)
        if isinstance(x, Tensor):
            x.requires_grad = True
            return x
        return leaf(np.asarray(x))

    def gradient(self, target, sources, output_gradients=None):
        """Gradients of `target` with respect to `sources` (a structure of Variables/Tensors).

        Unconnected sources get `None`, as in TensorFlow.
        """
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients. Pass persistent=True to call gradient() more than once."
            )
        self._used = True
        single = not isinstance(sources, (list, tuple))
        flat = [sources] if single else list(sources)
        grads = backward(self.nodes, target, output_gradients)
        result = []
        for s in flat:
            if isinstance(s, VariableBase):
                node = s._leaf if s._leaf_generation == self._generation else None
            else:
                node = s
            result.append(grads.get(id(node)) if node is not None else None)
        return result[0] if single else result


def backward(nodes, target, output_gradient=None):
    """Apply the chain rule backwards over `nodes` (in recorded order).

    Returns a dict from `id(tensor)` to dL/dtensor for every tensor reached,
    leaves included. The seed is `output_gradient` or ones (d target/d target).
    """
    if not isinstance(target, Tensor) or not target.requires_grad:
        return {}
    seed = np.ones_like(target.value) if output_gradient is None else np.asarray(value(output_gradient), dtype=target.value.dtype)
    grads = {id(target): seed}
    for node in reversed(nodes):
        g = grads.get(id(node))
        if g is None:
            continue
        need = node.need
        parent_grads = node.vjp(g, need)
        for parent, pg, wanted in zip(node.parents, parent_grads, need):
            if not wanted or pg is None:
                continue
            key = id(parent)
            prev = grads.get(key)
            grads[key] = pg if prev is None else prev + pg
    return grads
