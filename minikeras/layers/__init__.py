"""`minikeras.layers`: Keras 3's layers, by Keras's names."""

from minikeras.layers.activations.activation import Activation  # noqa: F401
from minikeras.layers.core.dense import Dense  # noqa: F401
from minikeras.layers.core.input_layer import Input, InputLayer  # noqa: F401
from minikeras.layers.input_spec import InputSpec  # noqa: F401
from minikeras.layers.layer import Layer  # noqa: F401
from minikeras.layers.activations.elu import ELU  # noqa: F401
from minikeras.layers.activations.leaky_relu import LeakyReLU  # noqa: F401
from minikeras.layers.activations.relu import ReLU  # noqa: F401
from minikeras.layers.activations.softmax import Softmax  # noqa: F401
from minikeras.layers.core.identity import Identity  # noqa: F401
from minikeras.layers.core.lambda_layer import Lambda  # noqa: F401
from minikeras.layers.merging.add import Add, add  # noqa: F401
from minikeras.layers.merging.average import Average, average  # noqa: F401
from minikeras.layers.merging.concatenate import Concatenate, concatenate  # noqa: F401
from minikeras.layers.merging.dot import Dot, dot  # noqa: F401
from minikeras.layers.merging.maximum import Maximum, maximum  # noqa: F401
from minikeras.layers.merging.minimum import Minimum, minimum  # noqa: F401
from minikeras.layers.merging.multiply import Multiply, multiply  # noqa: F401
from minikeras.layers.merging.subtract import Subtract, subtract  # noqa: F401
from minikeras.layers.normalization.batch_normalization import BatchNormalization  # noqa: F401
from minikeras.layers.normalization.layer_normalization import LayerNormalization  # noqa: F401
from minikeras.layers.preprocessing.normalization import Normalization  # noqa: F401
from minikeras.layers.preprocessing.rescaling import Rescaling  # noqa: F401
from minikeras.layers.regularization.dropout import Dropout  # noqa: F401
from minikeras.layers.reshaping.flatten import Flatten  # noqa: F401
from minikeras.layers.reshaping.reshape import Reshape  # noqa: F401
