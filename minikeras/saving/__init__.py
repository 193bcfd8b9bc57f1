"""`minikeras.saving`: the `.keras` format, weights files, custom-object registration, safe mode."""

from minikeras.saving.object_registration import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    from minikeras.models import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


# Safe mode (refuse code in configs, e.g. Lambda bytecode) and the `.keras` entry points.
def in_safe_mode():
    """False inside `SafeModeScope(False)` (e.g. `load_model(..., safe_mode=False)`), else True/None."""
    from minikeras.saving.serialization import in_safe_mode as _in_safe_mode

    return _in_safe_mode()


def __getattr__(name):
    # Imported on first use, so `import minikeras` stays light.
    if name in ("SafeModeScope", "serialize_keras_object", "deserialize_keras_object"):
        from minikeras.saving import serialization

        return getattr(serialization, name)
    raise AttributeError(f"module 'minikeras.saving' has no attribute '{name}'")


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    from minikeras.saving.saving_api import save_model as _save

    return _save(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def save_weights(model, filepath, overwrite=True, **kwargs):
    from minikeras.saving.saving_api import save_weights as _save

    return _save(model, filepath, overwrite=overwrite, **kwargs)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    from minikeras.saving.saving_api import load_weights as _load

    return _load(model, filepath, skip_mismatch=skip_mismatch, **kwargs)
