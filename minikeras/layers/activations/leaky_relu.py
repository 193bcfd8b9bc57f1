"""`LeakyReLU` layer: `x` for `x > 0`, `negative_slope * x` otherwise."""

import warnings

from minikeras import activations
from minikeras.layers.layer import Layer


class LeakyReLU(Layer):
    """`f(x) = x` if `x > 0`, else `negative_slope * x`.

    Args:
        negative_slope: non-negative slope for negative inputs; Keras 3's
            default is 0.3 (the activation function's default is 0.2). The
            Keras 2 name `alpha` is accepted with a deprecation warning.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. "
                f"Received: negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
