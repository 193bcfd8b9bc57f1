"""`ELU` layer: the exponential linear unit."""

from minikeras import activations
from minikeras.layers.layer import Layer


class ELU(Layer):
    """`f(x) = x` if `x > 0`, else `alpha * (exp(x) - 1)`.

    Args:
        alpha: the value approached for large negative inputs (default 1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        # Keras's ELU has no get_config of its own; its automatic config puts `alpha` right after `name`.
        base = super().get_config()
        config = {"name": base.pop("name"), "alpha": self.alpha}
        config.update(base)
        return config
