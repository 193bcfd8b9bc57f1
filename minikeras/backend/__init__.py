"""`keras.backend`-style access to the numeric settings (`floatx`, `epsilon`...)."""

from minikeras.config import backend, epsilon, floatx, image_data_format, set_epsilon, set_floatx, standardize_dtype  # noqa: F401


def clear_session(free_memory=True):
    from minikeras.utils import clear_session as _clear

    _clear(free_memory=free_memory)
