"""`minikeras.utils`: to_categorical, normalize, set_random_seed, clear_session, Progbar..."""

import importlib

from minikeras.saving.object_registration import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)

_LAZY = {
    "to_categorical": "minikeras.utils.numerical_utils",
    "normalize": "minikeras.utils.numerical_utils",
    "Progbar": "minikeras.utils.progbar",
    "set_random_seed": "minikeras.utils.rng_utils",
    "explain_backprop": "minikeras.utils.backprop_explainer",
    "plot_history": "minikeras.utils.plotting",
    "plot_model": "minikeras.utils.model_visualization",
    "model_to_dot": "minikeras.utils.model_visualization",
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'minikeras.utils' has no attribute '{name}'")


def clear_session(free_memory=True):
    """Forget auto-generated names (`dense_1` becomes `dense` again) and the global seed generator."""
    from minikeras.utils.naming import reset_names

    reset_names()
    try:
        from minikeras.random import seed_generator
    except ImportError:
        return
    reset = getattr(seed_generator, "reset_global_seed_generator", None)
    if reset is not None:
        reset()
