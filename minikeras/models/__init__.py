"""`minikeras.models`: Model, Sequential, cloning and loading."""

from minikeras.models.functional import Functional  # noqa: F401
from minikeras.models.model import Model  # noqa: F401
from minikeras.models.sequential import Sequential  # noqa: F401


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs):
    """A new model with the same architecture and freshly initialised weights."""
    from minikeras.models.cloning import clone_model as _clone

    return _clone(model, input_tensors=input_tensors, clone_function=clone_function, call_function=call_function,
                  recursive=recursive, **kwargs)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved with `model.save` (a `.keras` archive)."""
    from minikeras.saving.saving_api import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def model_from_json(json_string, custom_objects=None):
    """A model from the JSON string `model.to_json()` returned."""
    from minikeras.saving.serialization import model_from_json as _from_json

    return _from_json(json_string, custom_objects=custom_objects)
