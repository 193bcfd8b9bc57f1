"""`Flatten`: collapse every axis but the batch axis into one."""

import math

from minikeras import config as _config
from minikeras import ops
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.input_spec import InputSpec
from minikeras.layers.layer import Layer


def standardize_data_format(data_format):
    """`None` -> the global image data format; otherwise `'channels_first'` or `'channels_last'`."""
    if data_format is None:
        return _config.image_data_format()
    data_format = str(data_format).lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format


class Flatten(Layer):
    """Flatten the non-batch axes: `(batch, d1, ..., dn) -> (batch, d1 * ... * dn)`.

    A rank-1 input `(batch,)` becomes `(batch, 1)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`; with
            `"channels_first"` the channel axis is moved last before flattening,
            so the element order matches a channels-last model's.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs):
        shape = tuple(inputs.shape)
        rank = len(shape)
        if self._channels_first and rank > 1:
            inputs = ops.transpose(inputs, (0, *range(2, rank), 1))
        flat = 1 if rank == 1 else math.prod(shape[1:])
        return ops.reshape(inputs, (shape[0], flat))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if len(rest) == 0:
            flat = 1
        elif any(d is None for d in rest):
            flat = None
        else:
            flat = math.prod(rest)
        return (input_shape[0], flat)

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
