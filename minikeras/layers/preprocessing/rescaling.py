"""`Rescaling`: `inputs * scale + offset` (e.g. pixels from [0, 255] to [0, 1])."""

import numpy as np

from minikeras import config as _config
from minikeras import ops
from minikeras.layers.layer import Layer


def _serialize_value(v):
    """Keras's plain-value serialisation: numbers and lists as they are, arrays and tuples tagged."""
    if isinstance(v, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": v.tolist(), "dtype": v.dtype.name}}
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, tuple):
        return {"class_name": "__tuple__", "config": {"value": [_serialize_value(e) for e in v]}}
    if isinstance(v, list):
        return [_serialize_value(e) for e in v]
    return v


def _deserialize_value(v):
    if isinstance(v, dict) and v.get("class_name") == "__numpy__":
        return np.array(v["config"]["value"], dtype=v["config"]["dtype"])
    if isinstance(v, dict) and v.get("class_name") == "__tuple__":
        return tuple(_deserialize_value(e) for e in v["config"]["value"])
    return v


class Rescaling(Layer):
    """Rescale the inputs: `output = inputs * scale + offset`, in the layer's float type.

    Args:
        scale: a float, or per-channel values broadcast against the last axes.
        offset: a float (or per-channel values) added after scaling.

    Example: `Rescaling(1 / 127.5, offset=-1)` maps [0, 255] to [-1, 1].
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = np.asarray(self.scale).astype(dtype)
        offset = np.asarray(self.offset).astype(dtype)
        if scale.ndim > 0 and _config.image_data_format() == "channels_first":
            scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
        return ops.add(ops.multiply(ops.cast(inputs, dtype), scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"scale": _serialize_value(self.scale), "offset": _serialize_value(self.offset)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["scale"] = _deserialize_value(config["scale"])
        config["offset"] = _deserialize_value(config["offset"])
        return super().from_config(config)
