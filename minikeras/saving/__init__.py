"""`minikeras.saving`: custom-object registration (the `.keras` format comes with the saving issue)."""

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
