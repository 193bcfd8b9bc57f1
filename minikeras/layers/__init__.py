"""`minikeras.layers`: Keras 3's layers, by Keras's names.

Each layer's module is imported on first use (`minikeras.layers.Dense`,
`from minikeras.layers import Dense`), so `import minikeras` stays fast.
"""

from minikeras._lazy import lazy_exports

# name -> the module defining it.
_LAZY = {
    "Activation": "minikeras.layers.activations.activation",
    "Dense": "minikeras.layers.core.dense",
    "Input": "minikeras.layers.core.input_layer",
    "InputLayer": "minikeras.layers.core.input_layer",
    "InputSpec": "minikeras.layers.input_spec",
    "Layer": "minikeras.layers.layer",
    "ELU": "minikeras.layers.activations.elu",
    "LeakyReLU": "minikeras.layers.activations.leaky_relu",
    "ReLU": "minikeras.layers.activations.relu",
    "Softmax": "minikeras.layers.activations.softmax",
    "Identity": "minikeras.layers.core.identity",
    "Lambda": "minikeras.layers.core.lambda_layer",
    "Add": "minikeras.layers.merging.add",
    "add": "minikeras.layers.merging.add",
    "Average": "minikeras.layers.merging.average",
    "average": "minikeras.layers.merging.average",
    "Concatenate": "minikeras.layers.merging.concatenate",
    "concatenate": "minikeras.layers.merging.concatenate",
    "Dot": "minikeras.layers.merging.dot",
    "dot": "minikeras.layers.merging.dot",
    "Maximum": "minikeras.layers.merging.maximum",
    "maximum": "minikeras.layers.merging.maximum",
    "Minimum": "minikeras.layers.merging.minimum",
    "minimum": "minikeras.layers.merging.minimum",
    "Multiply": "minikeras.layers.merging.multiply",
    "multiply": "minikeras.layers.merging.multiply",
    "Subtract": "minikeras.layers.merging.subtract",
    "subtract": "minikeras.layers.merging.subtract",
    "BatchNormalization": "minikeras.layers.normalization.batch_normalization",
    "LayerNormalization": "minikeras.layers.normalization.layer_normalization",
    "Normalization": "minikeras.layers.preprocessing.normalization",
    "Rescaling": "minikeras.layers.preprocessing.rescaling",
    "Dropout": "minikeras.layers.regularization.dropout",
    "Flatten": "minikeras.layers.reshaping.flatten",
    "Reshape": "minikeras.layers.reshaping.reshape",
}
# Submodules `dir()` listed when everything was imported eagerly.
_SUBMODULES = {"activations", "core", "input_spec", "layer", "merging", "normalization", "preprocessing",
               "regularization", "reshaping"}
# `from minikeras.layers import *` gives every layer, loaded or not.
__all__ = sorted(_LAZY)


__getattr__, __dir__, _loaded = lazy_exports(__name__, _LAZY, _SUBMODULES)
