"""minikeras: Keras 3's API re-implemented on NumPy.

`import minikeras as keras` gives the names a Keras user expects:
`keras.Sequential`, `keras.Input`, `keras.layers.Dense`, `keras.optimizers.SGD`,
`keras.losses.CategoricalCrossentropy`, `keras.callbacks.EarlyStopping`,
`keras.utils.set_random_seed`... Only NumPy is imported; submodules load on
first use.
"""

from minikeras._lazy import lazy_exports

__version__ = "0.1.0"

_SUBMODULES = {
    "activations", "backend", "callbacks", "config", "constraints", "initializers", "layers", "losses",
    "metrics", "models", "ops", "optimizers", "random", "regularizers", "saving", "utils", "wrappers",
}
_NAMES = {
    "Sequential": "minikeras.models",
    "Model": "minikeras.models",
    "Functional": "minikeras.models",
    "Input": "minikeras.layers",
    "InputSpec": "minikeras.layers",
    "Layer": "minikeras.layers",
    "Variable": "minikeras.backend.variables",
    "KerasTensor": "minikeras.backend.keras_tensor",
    "GradientTape": "minikeras.ops.autodiff",
    "Loss": "minikeras.losses",
    "Metric": "minikeras.metrics",
    "Optimizer": "minikeras.optimizers",
    "Initializer": "minikeras.initializers",
    "Regularizer": "minikeras.regularizers",
    # `%load_ext minikeras` in IPython/Jupyter turns on the drop-in (see minikeras/dropin/ipython.py).
    "load_ipython_extension": "minikeras.dropin.ipython",
    "unload_ipython_extension": "minikeras.dropin.ipython",
}

__all__ = sorted(_SUBMODULES | set(_NAMES) | {"version"})


__getattr__, _, _ = lazy_exports(__name__, _NAMES, _SUBMODULES)


def version():
    """The minikeras version string."""
    return __version__


def __dir__():
    return __all__
