"""`Dot` and `dot`: per-sample dot products between two tensors along given axes."""

from minikeras import config as _config
from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


def l2_normalize(x, axis):
    """`x / ||x||` along `axis`, as Keras: `x * min(1 / sqrt(sum(x²)), 1 / epsilon)`."""
    eps = _config.epsilon()
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    # min(rsqrt(s), 1/eps) == rsqrt(max(s, eps²)), without an infinity at s = 0.
    return ops.multiply(x, ops.divide(1.0, ops.sqrt(ops.maximum(square_sum, eps * eps))))


def batch_dot(x, y, axes):
    """For each sample `b`, contract `x[b]`'s axis `axes[0]` with `y[b]`'s axis `axes[1]`.

    The result has `x`'s remaining axes, then `y`'s; a rank-2 input contributes
    no axis (so two `(b, n)` inputs give `(b, 1)`).
    """
    x_ndim, y_ndim = len(x.shape), len(y.shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(f"Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes "
                         f"{tuple(x.shape)} and {tuple(y.shape)}.")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes "
                         f"{tuple(x.shape)} and {tuple(y.shape)}.")
    a0, a1 = axes[0] % x_ndim, axes[1] % y_ndim
    if 0 in (a0, a1):
        raise ValueError("Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch "
                         "dimension to your inputs using keras.ops.expand_dims(x, 0)")
    if x.shape[a0] != y.shape[a1]:
        raise ValueError(f"Cannot do batch_dot on inputs with shapes {tuple(x.shape)} and {tuple(y.shape)} with "
                         f"axes={[a0, a1]}. x.shape[{a0}] != y.shape[{a1}] ({x.shape[a0]} != {y.shape[a1]}).")
    # x -> (b, rest_x..., k) and y -> (b, k, rest_y...), then one batched matmul on flattened rests.
    x = ops.transpose(x, [i for i in range(x_ndim) if i != a0] + [a0])
    y = ops.transpose(y, [0, a1] + [i for i in range(1, y_ndim) if i != a1])
    x_rest, y_rest = tuple(x.shape[1:-1]), tuple(y.shape[2:])
    batch, k = x.shape[0], x.shape[-1]
    out = ops.matmul(ops.reshape(x, (batch, -1, k)), ops.reshape(y, (batch, k, -1)))
    out_shape = (batch,) + x_rest + y_rest
    if len(out_shape) == 1:
        out_shape += (1,)
    return ops.reshape(out, out_shape)


class Dot(Merge):
    """The dot product of two inputs along `axes`, sample by sample.

    Args:
        axes: an int (the same axis of both inputs) or a pair of ints.
        normalize: L2-normalise both inputs along the axes first, so the
            result is the cosine similarity.

    Example: `Dot(axes=1)([x1, x2])` with two `(b, n)` inputs gives `(b, 1)`.
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Invalid type for argument `axes`: it should be a list or an int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError(f"Invalid format for argument `axes`: it should contain two elements. Received: axes={axes}")
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(f"Invalid format for argument `axes`: list elements should be integers. Received: axes={axes}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _resolve_axes(self, shape1, shape2):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % len(shape1), self.axes % len(shape2)]
            return [self.axes] * 2
        return [a % len(s) if a < 0 else a for a, s in zip(self.axes, (shape1, shape2))]

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list)) or len(input_shape) != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}")
        shape1, shape2 = input_shape
        axes = self._resolve_axes(shape1, shape2)
        if shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError(
                f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis {axes[0]}) != "
                f"{shape2[axes[1]]} (at axis {axes[1]}). Full input shapes: {tuple(shape1)}, {tuple(shape2)}"
            )
        self.built = True

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs}")
        x1, x2 = inputs
        axes = self._resolve_axes(x1.shape, x2.shape)
        if self.normalize:
            x1 = l2_normalize(x1, axes[0])
            x2 = l2_normalize(x2, axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}")
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = self._resolve_axes(shape1, shape2)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        out = shape1 + shape2
        if len(out) == 1:
            out += [1]
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`: `dot([x1, x2], axes=1)`."""
    return Dot(axes=axes, **kwargs)(inputs)
