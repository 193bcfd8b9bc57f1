"""`minikeras.utils`: to_categorical, normalize, set_random_seed, clear_session, Progbar..."""

from minikeras.saving.object_registration import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from minikeras.utils.numerical_utils import normalize, to_categorical  # noqa: F401
from minikeras.utils.progbar import Progbar  # noqa: F401
from minikeras.utils.rng_utils import set_random_seed  # noqa: F401


def clear_session(free_memory=True):
    """Forget auto-generated names (`dense_1` becomes `dense` again) and the global seed generator."""
    from minikeras.utils.naming import reset_names

    reset_names()
    try:
        from minikeras.random import seed_generator

        reset = getattr(seed_generator, "reset_global_seed_generator", None)
        if reset is not None:
            reset()
    except ImportError:  # pragma: no cover
        pass


def plot_model(*args, **kwargs):
    raise NotImplementedError(
        "minikeras.utils.plot_model is not provided yet (it arrives with the learning aids); "
        "use model.summary() to inspect the architecture."
    )
