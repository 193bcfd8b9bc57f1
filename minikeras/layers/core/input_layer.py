"""`InputLayer` and `keras.Input`: where a functional model's graph starts."""

import warnings

from minikeras import config
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.layer import Layer, Node, standardize_shape


class InputLayer(Layer):
    """The layer behind `keras.Input`: holds a symbolic tensor of the given shape.

    Args:
        shape: the shape of one sample (a tuple, without the batch axis).
        batch_size: optional fixed batch size.
        dtype: defaults to floatx.
        batch_shape: the full shape including the batch axis (instead of `shape`).
        name: defaults to `input_layer`, `input_layer_1`...
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:
            warnings.warn("Argument `input_shape` is deprecated. Use `shape` instead.")
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_size is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `batch_size` and `batch_shape` at the same time.")
        if shape is None and batch_shape is None:
            raise ValueError("You must pass a `shape` argument.")
        if isinstance(shape, int) and _legacy_int_shape_allowed():
            warnings.warn(
                f"keras.Input(shape={shape}) with an int is a Keras 2 idiom; treating it as shape=({shape},).",
                DeprecationWarning,
                stacklevel=3,
            )
            shape = (shape,)
        if shape is not None:
            batch_shape = (batch_size,) + standardize_shape(shape)
        self._batch_shape = standardize_shape(batch_shape)
        self._dtype = config.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        self._output = KerasTensor(self._batch_shape, dtype=self._dtype, name=self.name)
        Node(self, (), {}, self._output)

    @property
    def output(self):
        return self._output

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype

    def call(self):
        return None

    def get_config(self):
        return {"batch_shape": self._batch_shape, "dtype": self._dtype, "sparse": self.sparse,
                "ragged": False, "name": self.name, "optional": self.optional}

    @classmethod
    def from_config(cls, config_):
        config_ = dict(config_)
        config_.pop("ragged", None)
        if isinstance(config_.get("dtype"), dict):
            config_["dtype"] = config_["dtype"].get("config", {}).get("name")
        return cls(**config_)


def _legacy_int_shape_allowed():
    """Keras 3 rejects `Input(shape=4)`; the drop-in runner accepts it (Keras 2 lessons use it)."""
    from minikeras.utils import legacy

    return legacy.keras2_idioms_enabled()


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """A symbolic input tensor for a functional model: `x = keras.Input(shape=(4,))`."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional)
    return layer.output
