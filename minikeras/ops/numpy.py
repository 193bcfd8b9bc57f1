"""NumPy-like ops, each with its vector-Jacobian product beside its forward.

Every op takes arrays, Variables or recorded Tensors. Outside a
`GradientTape` it returns a plain NumPy array; inside one it returns a
`Tensor` whose `vjp(g, need)` maps the upstream gradient `g` to gradients for
its inputs (see `autodiff.py`).
"""

import builtins

import numpy as np

from minikeras import config
from minikeras.ops.autodiff import Tensor, as_input, is_recording, record, unbroadcast, value

# -- helpers ------------------------------------------------------------------------------


def _array(x):
    """The NumPy value of `x`; Python scalars stay weak so float32 stays float32."""
    v = value(x)
    if isinstance(v, (np.ndarray, np.generic, int, float, bool)):
        return v
    return np.asarray(v)


def _float_result(a):
    """Integer inputs to a float op compute in floatx, as Keras does."""
    a = np.asarray(a)
    if a.dtype.kind in "biu":
        return a.astype(config.floatx())
    return a


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _expand_reduced(g, shape, axis, keepdims):
    """Broadcast the gradient of a reduction back to the input's shape."""
    if axis is None:
        return np.broadcast_to(np.reshape(g, (1,) * len(shape)), shape)
    if not keepdims:
        axes = (axis,) if isinstance(axis, int) else axis
        axes = sorted(a % len(shape) for a in axes)
        for a in axes:
            g = np.expand_dims(g, a)
    return np.broadcast_to(g, shape)


# -- elementwise arithmetic ------------------------------------------------------------------


def add(x1, x2):
    """`x1 + x2` (broadcasting). VJP: `g`, summed over broadcast axes."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.add(a, b)
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)
    return record(out, (x1, x2), lambda g, need: (
        unbroadcast(g, sa) if need[0] else None,
        unbroadcast(g, sb) if need[1] else None,
    ))


def subtract(x1, x2):
    """`x1 - x2`. VJP: `g` and `-g`."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.subtract(a, b)
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)
    return record(out, (x1, x2), lambda g, need: (
        unbroadcast(g, sa) if need[0] else None,
        unbroadcast(-g, sb) if need[1] else None,
    ))


def multiply(x1, x2):
    """`x1 * x2`. VJP: `g * x2` and `g * x1`."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.multiply(a, b)
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)
    return record(out, (x1, x2), lambda g, need: (
        unbroadcast(g * b, sa) if need[0] else None,
        unbroadcast(g * a, sb) if need[1] else None,
    ))


def divide(x1, x2):
    """`x1 / x2`. VJP: `g / x2` and `-g * x1 / x2**2`."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.true_divide(a, b)
    if np.asarray(out).dtype == np.float64 and np.asarray(a).dtype.kind in "biu" and np.asarray(b).dtype.kind in "biu":
        out = out.astype(config.floatx())
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)
    return record(out, (x1, x2), lambda g, need: (
        unbroadcast(g / b, sa) if need[0] else None,
        unbroadcast(-g * out / b, sb) if need[1] else None,
    ))


true_divide = divide


def divide_no_nan(x1, x2):
    """`x1 / x2`, and 0 wherever `x2 == 0`. VJP: that of divide, masked the same way."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    zero = np.equal(b, 0)
    safe = np.where(zero, 1, b)
    out = np.where(zero, 0, np.true_divide(a, safe)).astype(np.result_type(a, b, np.float32) if np.asarray(a).dtype.kind in "biu" else np.result_type(a, b))
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)
    return record(out, (x1, x2), lambda g, need: (
        unbroadcast(np.where(zero, 0, g / safe), sa) if need[0] else None,
        unbroadcast(np.where(zero, 0, -g * out / safe), sb) if need[1] else None,
    ))


def negative(x):
    """`-x`. VJP: `-g`."""
    x = as_input(x)
    out = np.negative(_array(x))
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (-g,))


def power(x1, x2):
    """`x1 ** x2`. VJP: `g * x2 * x1**(x2-1)` and `g * log(x1) * out`."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.power(a, b)
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)

    def vjp(g, need):
        ga = unbroadcast(g * b * np.power(a, b - 1), sa) if need[0] else None
        gb = None
        if need[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = unbroadcast(g * out * np.log(np.where(a > 0, a, 1)), sb)
        return ga, gb

    return record(out, (x1, x2), vjp)


def square(x):
    """`x ** 2`. VJP: `2 x g`."""
    x = as_input(x)
    a = _array(x)
    out = np.square(a)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (2 * a * g,))


def sqrt(x):
    """`sqrt(x)`. VJP: `g / (2 sqrt(x))`."""
    x = as_input(x)
    out = np.sqrt(_float_result(_array(x)))
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g / (2 * out),))


def exp(x):
    """`e**x`. VJP: `g * e**x`."""
    x = as_input(x)
    out = np.exp(_float_result(_array(x)))
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g * out,))


def log(x):
    """Natural log. VJP: `g / x`."""
    x = as_input(x)
    a = _float_result(_array(x))
    out = np.log(a)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g / a,))


def log1p(x):
    """`log(1 + x)`. VJP: `g / (1 + x)`."""
    x = as_input(x)
    a = _float_result(_array(x))
    out = np.log1p(a)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g / (1 + a),))


def expm1(x):
    """`e**x - 1`. VJP: `g * e**x`."""
    x = as_input(x)
    a = _float_result(_array(x))
    out = np.expm1(a)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g * (out + 1),))


def absolute(x):
    """`|x|`. VJP: `g * sign(x)` (0 at 0, as TensorFlow)."""
    x = as_input(x)
    a = _array(x)
    out = np.absolute(a)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g * np.sign(a),))


abs = absolute  # noqa: A001 - Keras exports both names


def sign(x):
    """Sign of `x`; its gradient is zero almost everywhere."""
    return np.sign(_array(as_input(x)))


def tanh(x):
    """`tanh(x)`. VJP: `g (1 - tanh²x)`."""
    x = as_input(x)
    out = np.tanh(_float_result(_array(x)))
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g * (1 - out * out),))


def sin(x):
    """`sin(x)`. VJP: `g cos x`."""
    x = as_input(x)
    a = _float_result(_array(x))
    out = np.sin(a)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (g * np.cos(a),))


def cos(x):
    """`cos(x)`. VJP: `-g sin x`."""
    x = as_input(x)
    a = _float_result(_array(x))
    out = np.cos(a)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (-g * np.sin(a),))


def maximum(x1, x2):
    """Elementwise max. VJP: `g` goes to the larger input (to `x1` on ties, as TensorFlow)."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.maximum(a, b)
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)

    def vjp(g, need):
        mask = a >= b
        return (
            unbroadcast(np.where(mask, g, 0), sa) if need[0] else None,
            unbroadcast(np.where(mask, 0, g), sb) if need[1] else None,
        )

    return record(out, (x1, x2), vjp)


def minimum(x1, x2):
    """Elementwise min. VJP: `g` goes to the smaller input (to `x1` on ties)."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.minimum(a, b)
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)

    def vjp(g, need):
        mask = a <= b
        return (
            unbroadcast(np.where(mask, g, 0), sa) if need[0] else None,
            unbroadcast(np.where(mask, 0, g), sb) if need[1] else None,
        )

    return record(out, (x1, x2), vjp)


def clip(x, x_min, x_max):
    """Clip to `[x_min, x_max]`. VJP: `g` where `x_min <= x <= x_max`, else 0 (as `tf.clip_by_value`)."""
    x = as_input(x)
    a = _array(x)
    lo, hi = _array(x_min), _array(x_max)
    out = np.clip(a, lo, hi)
    if not is_recording():
        return out
    return record(out, (x,), lambda g, need: (np.where((a >= lo) & (a <= hi), g, 0).astype(g.dtype),))


def where(condition, x1=None, x2=None):
    """`x1` where `condition`, else `x2`. VJP: `g` masked to each branch."""
    cond = np.asarray(_array(as_input(condition)), dtype=bool)
    if x1 is None and x2 is None:
        return np.nonzero(cond)
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.where(cond, a, b)
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)
    zero = np.zeros((), dtype=out.dtype)
    return record(out, (x1, x2), lambda g, need: (
        unbroadcast(np.where(cond, g, zero), sa) if need[0] else None,
        unbroadcast(np.where(cond, zero, g), sb) if need[1] else None,
    ))


# -- comparisons and logic: no gradient ---------------------------------------------------------


def _no_grad(fn):
    def op(*args):
        return fn(*(_array(as_input(a)) for a in args))

    op.__name__ = fn.__name__
    op.__doc__ = f"`np.{fn.__name__}` on the values (not differentiable)."
    return op


equal = _no_grad(np.equal)
not_equal = _no_grad(np.not_equal)
less = _no_grad(np.less)
less_equal = _no_grad(np.less_equal)
greater = _no_grad(np.greater)
greater_equal = _no_grad(np.greater_equal)
logical_and = _no_grad(np.logical_and)
logical_or = _no_grad(np.logical_or)
logical_not = _no_grad(np.logical_not)
isnan = _no_grad(np.isnan)
isinf = _no_grad(np.isinf)
isfinite = _no_grad(np.isfinite)
floor = _no_grad(np.floor)
ceil = _no_grad(np.ceil)
round = _no_grad(np.round)  # noqa: A001


def argmax(x, axis=None, keepdims=False):
    return np.argmax(_array(as_input(x)), axis=axis, keepdims=keepdims)


def argmin(x, axis=None, keepdims=False):
    return np.argmin(_array(as_input(x)), axis=axis, keepdims=keepdims)


def argsort(x, axis=-1):
    return np.argsort(_array(as_input(x)), axis=axis)


# -- reductions -----------------------------------------------------------------------------


def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum over `axis`. VJP: `g` broadcast back over the summed axes."""
    x = as_input(x)
    a = _array(x)
    axis = _axis(axis)
    out = np.sum(a, axis=axis, keepdims=keepdims)
    if not is_recording():
        return out
    shape = np.shape(a)
    return record(out, (x,), lambda g, need: (_expand_reduced(g, shape, axis, keepdims),))


def mean(x, axis=None, keepdims=False):
    """Mean over `axis`. VJP: `g / n` broadcast back."""
    x = as_input(x)
    a = _float_result(_array(x))
    axis = _axis(axis)
    out = np.mean(a, axis=axis, keepdims=keepdims)
    if not is_recording():
        return out
    shape = np.shape(a)
    n = np.size(a) / builtins.max(np.size(out), 1)

    return record(out, (x,), lambda g, need: (_expand_reduced(g / np.asarray(n, g.dtype), shape, axis, keepdims),))


def var(x, axis=None, keepdims=False):
    """Population variance: `mean((x - mean(x))²)`."""
    m = mean(x, axis=axis, keepdims=True)
    return mean(square(subtract(x, m)), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return sqrt(var(x, axis=axis, keepdims=keepdims))


def _select_reduction(np_fn, x, axis, keepdims):
    """max/min: the gradient goes to the selected entries (split evenly on ties, as TensorFlow)."""
    x = as_input(x)
    a = _array(x)
    axis = _axis(axis)
    out = np_fn(a, axis=axis, keepdims=keepdims)
    if not is_recording():
        return out
    shape = np.shape(a)

    def vjp(g, need):
        full = _expand_reduced(out, shape, axis, keepdims)
        mask = (a == full).astype(g.dtype)
        count = np.sum(mask, axis=axis, keepdims=True)
        return (_expand_reduced(g, shape, axis, keepdims) * mask / count,)

    return record(out, (x,), vjp)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    return _select_reduction(np.max, x, axis, keepdims)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    return _select_reduction(np.min, x, axis, keepdims)


amax = max
amin = min


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis`. VJP: `g * prod / x` (inputs assumed nonzero)."""
    x = as_input(x)
    a = _array(x)
    axis = _axis(axis)
    out = np.prod(a, axis=axis, keepdims=keepdims)
    if not is_recording():
        return out
    shape = np.shape(a)
    return record(out, (x,), lambda g, need: (
        _expand_reduced(g, shape, axis, keepdims) * _expand_reduced(out, shape, axis, keepdims) / a,
    ))


def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))`, stabilised by the max. VJP: `g * softmax(x)`."""
    x = as_input(x)
    a = _float_result(_array(x))
    axis = _axis(axis)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = np.sum(np.exp(a - m), axis=axis, keepdims=True)
    out_k = np.log(s) + m
    out = out_k if keepdims else np.squeeze(out_k, axis=axis)
    if not is_recording():
        return out
    shape = np.shape(a)
    return record(out, (x,), lambda g, need: (
        _expand_reduced(g, shape, axis, keepdims) * np.exp(a - out_k),
    ))


def cumsum(x, axis=None):
    """Cumulative sum. VJP: reversed cumulative sum of `g`."""
    x = as_input(x)
    a = _array(x)
    out = np.cumsum(a, axis=axis)
    if not is_recording():
        return out
    shape = np.shape(a)

    def vjp(g, need):
        if axis is None:
            return (np.flip(np.cumsum(np.flip(g))).reshape(shape),)
        return (np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis),)

    return record(out, (x,), vjp)


# -- linear algebra -------------------------------------------------------------------------


def _swap_last(a):
    return np.swapaxes(a, -1, -2) if np.ndim(a) >= 2 else a


def matmul(x1, x2):
    """Matrix product. VJP: `g @ x2ᵀ` and `x1ᵀ @ g` (summed over broadcast batch axes)."""
    x1, x2 = as_input(x1), as_input(x2)
    a, b = _array(x1), _array(x2)
    out = np.matmul(a, b)
    if not is_recording():
        return out
    sa, sb = np.shape(a), np.shape(b)

    def vjp(g, need):
        ga = gb = None
        if need[0]:
            if len(sb) == 1:
                ga = np.multiply.outer(g, b) if g.ndim else g * b
            else:
                ga = np.matmul(g if len(sa) > 1 else g[..., None, :], _swap_last(b))
                if len(sa) == 1:
                    ga = ga[..., 0, :]
            ga = unbroadcast(ga, sa)
        if need[1]:
            if len(sa) == 1:
                gb = np.multiply.outer(a, g) if len(sb) >= 2 else g * a
            else:
                gb = np.matmul(_swap_last(a), g if len(sb) > 1 else g[..., None])
                if len(sb) == 1:
                    gb = gb[..., 0]
            gb = unbroadcast(gb, sb)
        return ga, gb

    return record(out, (x1, x2), vjp)


def dot(x1, x2):
    return matmul(x1, x2)


def outer(x1, x2):
    return multiply(expand_dims(reshape(x1, (-1,)), -1), reshape(x2, (-1,)))


# -- shapes ---------------------------------------------------------------------------------


def reshape(x, newshape):
    """Reshape. VJP: `g` reshaped back."""
    x = as_input(x)
    a = _array(x)
    out = np.reshape(a, newshape)
    if not is_recording():
        return out
    shape = np.shape(a)
    return record(out, (x,), lambda g, need: (np.reshape(g, shape),))


def transpose(x, axes=None):
    """Permute axes. VJP: `g` with the inverse permutation."""
    x = as_input(x)
    a = _array(x)
    out = np.transpose(a, axes)
    if not is_recording():
        return out
    inverse = None if axes is None else np.argsort(axes)
    return record(out, (x,), lambda g, need: (np.transpose(g, inverse),))


def swapaxes(x, axis1, axis2):
    axes = list(range(np.ndim(_array(as_input(x)))))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, axes)


def expand_dims(x, axis):
    x = as_input(x)
    shape = np.shape(_array(x))
    return reshape(x, np.expand_dims(np.empty(shape, dtype=np.int8), axis).shape)


def squeeze(x, axis=None):
    x = as_input(x)
    return reshape(x, np.squeeze(np.empty(np.shape(_array(x)), dtype=np.int8), axis=axis).shape)


def ravel(x):
    return reshape(x, (-1,))


def broadcast_to(x, shape):
    """Broadcast to `shape`. VJP: `g` summed back to the input shape."""
    x = as_input(x)
    a = _array(x)
    out = np.broadcast_to(a, shape)
    if not is_recording():
        return out
    sa = np.shape(a)
    return record(out, (x,), lambda g, need: (unbroadcast(g, sa),))


def tile(x, repeats):
    """Tile. VJP: the tiles' gradients summed."""
    x = as_input(x)
    a = _array(x)
    out = np.tile(a, repeats)
    if not is_recording():
        return out
    sa = np.shape(a)

    def vjp(g, need):
        reps = (1,) * (g.ndim - len(np.atleast_1d(repeats))) + tuple(np.atleast_1d(repeats))
        src = (1,) * (g.ndim - len(sa)) + sa
        split = []
        for r, n in zip(reps, src):
            split.extend([r, n])
        gg = g.reshape(split).sum(axis=tuple(range(0, 2 * g.ndim, 2)))
        return (gg.reshape(sa),)

    return record(out, (x,), vjp)


def repeat(x, repeats, axis=None):
    """Repeat elements. VJP: repeated gradients summed."""
    x = as_input(x)
    a = _array(x)
    out = np.repeat(a, repeats, axis=axis)
    if not is_recording():
        return out
    sa = np.shape(a)

    def vjp(g, need):
        if axis is None:
            return (g.reshape(-1, repeats).sum(-1).reshape(sa),)
        ax = axis % len(sa)
        shp = sa[:ax] + (sa[ax], repeats) + sa[ax + 1:]
        return (g.reshape(shp).sum(axis=ax + 1),)

    return record(out, (x,), vjp)


def concatenate(xs, axis=0):
    """Join along `axis`. VJP: `g` split back into the inputs' extents."""
    xs = [as_input(x) for x in xs]
    arrays = [_array(x) for x in xs]
    out = np.concatenate(arrays, axis=axis)
    if not is_recording():
        return out
    bounds = np.cumsum([np.shape(a)[axis] for a in arrays])[:-1]
    return record(out, tuple(xs), lambda g, need: tuple(np.split(g, bounds, axis=axis)))


def stack(xs, axis=0):
    """Stack on a new `axis`. VJP: `g` unstacked."""
    xs = [as_input(x) for x in xs]
    out = np.stack([_array(x) for x in xs], axis=axis)
    if not is_recording():
        return out
    n = len(xs)
    return record(out, tuple(xs), lambda g, need: tuple(np.squeeze(p, axis) for p in np.split(g, n, axis=axis)))


def split(x, indices_or_sections, axis=0):
    x = as_input(x)
    a = _array(x)
    pieces = np.split(np.arange(a.shape[axis]), indices_or_sections)
    return [take(x, p, axis=axis) for p in pieces]


def get_item(x, key):
    """`x[key]`. VJP: `g` scattered back into zeros of the input's shape."""
    x = as_input(x)
    a = _array(x)
    key = _array(key) if isinstance(key, Tensor) else key
    out = a[key]
    if not is_recording():
        return out

    def vjp(g, need):
        full = np.zeros(np.shape(a), dtype=g.dtype)
        np.add.at(full, key, g)
        return (full,)

    return record(out, (x,), vjp)


def take(x, indices, axis=None):
    """Gather `indices` along `axis`. VJP: scatter-add of `g`."""
    x = as_input(x)
    a = _array(x)
    idx = np.asarray(_array(as_input(indices))).astype(np.int64)
    out = np.take(a, idx, axis=axis)
    if not is_recording():
        return out

    def vjp(g, need):
        full = np.zeros(np.shape(a), dtype=g.dtype)
        if axis is None:
            np.add.at(full.reshape(-1), idx.reshape(-1), g.reshape(-1))
        else:
            ax = axis % full.ndim
            moved = np.moveaxis(full, ax, 0)
            gm = np.moveaxis(g, tuple(range(ax, ax + idx.ndim)), tuple(range(idx.ndim)))
            np.add.at(moved, idx, gm)
        return (full,)

    return record(out, (x,), vjp)


def take_along_axis(x, indices, axis=None):
    """Gather along `axis` by per-position indices. VJP: scatter-add of `g`."""
    x = as_input(x)
    a = _array(x)
    idx = np.asarray(_array(as_input(indices))).astype(np.int64)
    out = np.take_along_axis(a, idx, axis=axis)
    if not is_recording():
        return out

    def vjp(g, need):
        full = np.zeros(np.shape(a), dtype=g.dtype)
        np.put_along_axis(full, idx, 0, axis=axis)
        # put_along_axis overwrites; accumulate duplicates explicitly.
        grids = np.indices(idx.shape, sparse=True)
        ax = axis % a.ndim
        index = tuple(idx if i == ax else grids[i] for i in range(a.ndim))
        np.add.at(full, index, g)
        return (full,)

    return record(out, (x,), vjp)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = as_input(x)
    a = _array(x)
    kwargs = {} if constant_values is None else {"constant_values": constant_values}
    out = np.pad(a, pad_width, mode=mode, **kwargs)
    if not is_recording() or mode != "constant":
        return out
    widths = np.broadcast_to(np.asarray(pad_width), (a.ndim, 2))
    index = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, a.shape))
    return record(out, (x,), lambda g, need: (g[index],))


# -- construction (no gradient) ---------------------------------------------------------------


def _dtype(dtype):
    return config.standardize_dtype(dtype)


def zeros(shape, dtype=None):
    return np.zeros(shape, dtype=_dtype(dtype))


def ones(shape, dtype=None):
    return np.ones(shape, dtype=_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return np.full(shape, fill_value, dtype=_dtype(dtype))


def zeros_like(x, dtype=None):
    return np.zeros_like(_array(as_input(x)), dtype=dtype)


def ones_like(x, dtype=None):
    return np.ones_like(_array(as_input(x)), dtype=dtype)


def full_like(x, fill_value, dtype=None):
    return np.full_like(_array(as_input(x)), fill_value, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    return np.eye(N, M, k=k, dtype=_dtype(dtype))


def identity(n, dtype=None):
    return np.identity(n, dtype=_dtype(dtype))


def arange(start, stop=None, step=1, dtype=None):
    return np.arange(start, stop, step, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    return np.linspace(start, stop, num, endpoint=endpoint, dtype=_dtype(dtype))


def count_nonzero(x, axis=None):
    return np.count_nonzero(_array(as_input(x)), axis=axis)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return np.all(_array(as_input(x)), axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    return np.any(_array(as_input(x)), axis=axis, keepdims=keepdims)


def diag(x, k=0):
    return np.diag(_array(as_input(x)), k)


def trace(x):
    return np.trace(_array(as_input(x)))


def sort(x, axis=-1):
    return np.sort(_array(as_input(x)), axis=axis)


def size(x):
    return np.size(_array(as_input(x)))


def ndim(x):
    return np.ndim(_array(as_input(x)))


def shape(x):
    """The static shape of `x` as a tuple."""
    return tuple(np.shape(_array(as_input(x))))
