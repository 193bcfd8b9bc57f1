"""`Softmax` layer: softmax along an axis (or several), with an optional mask."""

import numpy as np

from minikeras import activations, ops
from minikeras.layers.layer import Layer
from minikeras.ops.autodiff import value


def _large_negative_number(dtype):
    """A stand-in for -inf that stays finite in `dtype` (masked logits)."""
    return -3e4 if np.dtype(dtype) == np.float16 else -1e9


class Softmax(Layer):
    """`softmax(x)_i = exp(x_i) / sum_j exp(x_j)` along `axis`.

    With several axes the normalisation runs over all of them:
    `exp(x - logsumexp(x, axis))`. A `mask` (True/1 = keep) sets the masked
    logits to -1e9 before the softmax and the masked outputs to 0 after it.

    Args:
        axis: int or tuple of ints (default `-1`).

    Call arguments:
        inputs: the logits.
        mask: optional boolean (or 0/1) tensor broadcastable to `inputs`.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = np.asarray(value(mask))
            in_shape = tuple(inputs.shape)
            if mask.ndim > len(in_shape):
                raise ValueError(
                    "The `mask` must be broadcastable to `inputs` and must not have more dimensions. "
                    f"Received: inputs.shape={in_shape}, mask.shape={mask.shape}"
                )
            for m_dim, i_dim in zip(mask.shape[::-1], in_shape[::-1]):
                if m_dim != 1 and m_dim != i_dim:
                    raise ValueError(
                        "The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 or match the "
                        f"corresponding input dimension. Received: inputs.shape={in_shape}, mask.shape={mask.shape}"
                    )
            if mask.dtype != np.bool_:
                mask = mask > 0.5
            dtype = value(inputs).dtype
            inputs = ops.where(mask, inputs, np.asarray(_large_negative_number(dtype), dtype=dtype))
        if isinstance(self.axis, (tuple, list)) and len(self.axis) > 1:
            axis = tuple(self.axis)
            outputs = ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=axis, keepdims=True)))
        else:
            axis = self.axis[0] if isinstance(self.axis, (tuple, list)) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, np.zeros((), dtype=value(outputs).dtype))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
