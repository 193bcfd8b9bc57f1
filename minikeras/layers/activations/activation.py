"""`Activation`: applies an activation function to its input."""

from minikeras import activations
from minikeras.layers.layer import Layer


class Activation(Layer):
    """Apply `activation` elementwise (e.g. `Activation('relu')`)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
