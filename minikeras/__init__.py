"""minikeras: Keras 3's API re-implemented on NumPy.

`import minikeras as keras` gives the names a Keras user expects:
`keras.Sequential`, `keras.Input`, `keras.layers.Dense`, `keras.optimizers.SGD`,
`keras.losses.CategoricalCrossentropy`, `keras.callbacks.EarlyStopping`,
`keras.utils.set_random_seed`... Only NumPy is imported.
"""

__version__ = "0.1.0"

from minikeras import (  # noqa: F401,E402
    activations,
    backend,
    callbacks,
    config,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    saving,
    utils,
)
from minikeras.backend.keras_tensor import KerasTensor  # noqa: F401,E402
from minikeras.backend.variables import Variable  # noqa: F401,E402
from minikeras.layers import Input, InputSpec, Layer  # noqa: F401,E402
from minikeras.models import Functional, Model, Sequential  # noqa: F401,E402
from minikeras.ops.autodiff import GradientTape  # noqa: F401,E402
