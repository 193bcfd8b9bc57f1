"""`minikeras.layers`: Keras 3's layers, by Keras's names."""

from minikeras.layers.activations.activation import Activation  # noqa: F401
from minikeras.layers.core.dense import Dense  # noqa: F401
from minikeras.layers.core.input_layer import Input, InputLayer  # noqa: F401
from minikeras.layers.input_spec import InputSpec  # noqa: F401
from minikeras.layers.layer import Layer  # noqa: F401
