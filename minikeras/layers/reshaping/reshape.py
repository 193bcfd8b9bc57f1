"""`Reshape`: give each sample a new shape (one entry may be `-1`, inferred)."""

import math

import numpy as np

from minikeras import ops
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.layer import Layer


def validate_target_shape(target_shape, arg_name="target_shape"):
    """Every int entry is >= 0 or -1, and -1 appears at most once (Keras's rule)."""
    unknown = 0
    for dim in target_shape:
        if not isinstance(dim, (int, np.integer)):
            continue
        if dim < -1:
            raise ValueError(
                f"Each dimension in `{arg_name}` must be a non-negative integer, or `-1` for a single unknown "
                f"dimension. Received: {arg_name}={target_shape}."
            )
        if dim == -1:
            unknown += 1
    if unknown > 1:
        raise ValueError(
            f"There must be at most one unknown dimension (-1) in `{arg_name}`. Received: {arg_name}={target_shape}."
        )


def resolve_target_shape(input_shape, target_shape, arg_name="target_shape"):
    """`target_shape` with its -1 resolved from `input_shape` (or `None` when sizes are unknown)."""
    validate_target_shape(target_shape, arg_name)
    target = tuple(d if isinstance(d, (int, np.integer)) else None for d in target_shape)
    if None in input_shape or None in target:
        return tuple(None if d == -1 else d for d in target)
    size = math.prod(input_shape)
    if -1 not in target:
        if size != math.prod(target):
            raise ValueError(
                f"The total size of the tensor must be unchanged. Received: input_shape={tuple(input_shape)}, "
                f"{arg_name}={target}"
            )
        return target
    known = math.prod(d for d in target if d != -1)
    if known == 0 or size % known != 0:
        raise ValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot by divided by the "
            f"specified dimensions in {arg_name}. Received: input_shape={tuple(input_shape)}, {arg_name}={target}"
        )
    return tuple(size // known if d == -1 else d for d in target)


class Reshape(Layer):
    """Reshape each sample to `target_shape` (the batch axis is kept).

    Args:
        target_shape: tuple of ints, without the batch axis; one entry may be
            `-1`, meaning "whatever size keeps the number of elements".

    Example: `Reshape((3, -1))` turns `(batch, 12)` into `(batch, 3, 4)`.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        validate_target_shape(target_shape)
        self.target_shape = target_shape
        self.built = True

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *resolve_target_shape(tuple(input_shape[1:]), self.target_shape))

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype)

    def call(self, inputs):
        shape = tuple(inputs.shape)
        target = resolve_target_shape(shape[1:], self.target_shape)
        target = tuple(-1 if d is None else d for d in target)
        return ops.reshape(inputs, (shape[0],) + target)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
