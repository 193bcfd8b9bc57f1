"""`InputSpec`: what a layer accepts, and the check that says clearly when an input does not fit."""

import numpy as np

from minikeras import config


class InputSpec:
    """The rank, dtype and shape a layer's input must have (`None` matches any size).

    Args:
        dtype: expected dtype.
        shape: expected shape, `None` for free dimensions.
        ndim, max_ndim, min_ndim: rank constraints.
        axes: `{axis: size}` for specific axes (e.g. `{-1: 4}` for a Dense built on width 4).
        allow_last_axis_squeeze: ignore a trailing axis of size 1 on either side.
        name: the input's name, used in messages.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = config.standardize_dtype(dtype) if dtype is not None else None
        if shape is not None:
            self.shape = tuple(shape)
            self.ndim = len(self.shape)
        else:
            self.shape = None
            self.ndim = ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.axes = {int(k): v for k, v in (axes or {}).items()}

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
                                           ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
                                           ("axes", self.axes or None)) if v is not None]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raise a `ValueError` naming the layer, the expectation and the received shape."""
    if not input_spec:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if isinstance(inputs, dict):
        flat = list(inputs.values())
    if len(specs) != len(flat):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
            f"{len(flat)} input tensors."
        )
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None:
            continue
        shape = tuple(x.shape) if hasattr(x, "shape") else np.shape(x)
        ndim = len(shape)
        where = f"Input {index} with name '{spec.name}' of layer '{layer_name}' is incompatible with the layer"
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(f"{where}: expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}")
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"{where}: expected max_ndim={spec.max_ndim}, found ndim={ndim}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(f"{where}: expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: {shape}")
        for axis, size in spec.axes.items():
            if size is None:
                continue
            if -ndim <= axis < ndim and shape[axis] not in (size, None):
                raise ValueError(
                    f"{where}: expected axis {axis} of input shape to have value {size}, "
                    f"but received input with shape {shape}"
                )
        if spec.shape is not None:
            spec_shape, got = spec.shape, shape
            if spec.allow_last_axis_squeeze:
                got = got[:-1] if got and got[-1] == 1 else got
                spec_shape = spec_shape[:-1] if spec_shape and spec_shape[-1] == 1 else spec_shape
            if len(spec_shape) != len(got) or any(
                s is not None and d is not None and s != d for s, d in zip(spec_shape, got)
            ):
                raise ValueError(f"{where}: expected shape={spec.shape}, found shape={shape}")
