"""`Identity`: returns its input unchanged (a placeholder layer)."""

from minikeras.backend.keras_tensor import KerasTensor
from minikeras.backend.nest import map_structure as _map_structure
from minikeras.layers.layer import Layer


class Identity(Layer):
    """Return the input (any structure of tensors) as it is; useful as a placeholder.

    Example:

    ```python
    layer = Identity()
    y = layer(x)  # y is x
    ```
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True  # no weights: built at construction, as in Keras

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, *args, **kwargs):
        return _map_structure(lambda t: KerasTensor(t.shape, dtype=t.dtype), inputs)
