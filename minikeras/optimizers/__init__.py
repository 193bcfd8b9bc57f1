"""`minikeras.optimizers`: the optimizers, `get`, `serialize`, `deserialize` and `schedules`.

`get("adam")` gives `Adam()` with Keras's defaults; an unknown name raises a
`ValueError` suggesting the closest valid names.
"""

from minikeras.optimizers import schedules  # noqa: F401
from minikeras.optimizers.adadelta import Adadelta
from minikeras.optimizers.adagrad import Adagrad
from minikeras.optimizers.adam import Adam
from minikeras.optimizers.adamax import Adamax
from minikeras.optimizers.adamw import AdamW
from minikeras.optimizers.base_optimizer import Optimizer
from minikeras.optimizers.lion import Lion
from minikeras.optimizers.nadam import Nadam
from minikeras.optimizers.rmsprop import RMSprop
from minikeras.optimizers.sgd import SGD
from minikeras.utils.registry import unknown_name_error

ALL_OBJECTS = (Optimizer, Adam, SGD, RMSprop, Adadelta, AdamW, Adagrad, Adamax, Nadam, Lion)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer):
    """The optimizer as a Keras config dict: `{"module", "class_name", "config", "registered_name"}`."""
    from minikeras.saving.object_registration import get_registered_name

    cls = type(optimizer)
    if ALL_OBJECTS_DICT.get(cls.__name__.lower()) is cls:
        module, registered = "keras.optimizers", None
    else:
        module, registered = cls.__module__, get_registered_name(cls)
    return {
        "module": module,
        "class_name": cls.__name__,
        "config": optimizer.get_config(),
        "registered_name": registered,
    }


def deserialize(config, custom_objects=None):
    """An optimizer from `serialize`'s dict; built-in class names are matched case-insensitively."""
    from minikeras.saving.object_registration import get_registered_object

    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Could not interpret optimizer config: {config!r}. Expected a dict with keys 'class_name' "
            "and 'config'."
        )
    name = config["class_name"]
    cls = ALL_OBJECTS_DICT.get(str(name).lower())
    if cls is None:
        for key in (config.get("registered_name"), name):
            if key:
                cls = get_registered_object(key, custom_objects=custom_objects)
                if cls is not None:
                    break
    if cls is None:
        valid = [n for n in ALL_OBJECTS_DICT if n != "optimizer"]
        raise unknown_name_error("optimizer", name, valid)
    inner = dict(config.get("config") or {})
    if _takes_custom_objects(cls):  # a schedule inside the config may be a custom class too
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def _takes_custom_objects(cls):
    import inspect

    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False


def get(identifier):
    """None, a name (`"adam"`), a config dict or an `Optimizer` -> an `Optimizer` (or None)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "Lion",
    "schedules",
    "get",
    "serialize",
    "deserialize",
]
