"""`minikeras.optimizers`: the optimizers, `get`, `serialize`, `deserialize` and `schedules`.

`get("adam")` gives `Adam()` with Keras's defaults; an unknown name raises a
`ValueError` suggesting the closest valid names.
"""

from minikeras._lazy import lazy_exports
from minikeras.utils.registry import unknown_name_error

# name -> the module defining it; each is imported on first use, so `import minikeras` stays fast.
_LAZY = {
    "Adadelta": "minikeras.optimizers.adadelta",
    "Adagrad": "minikeras.optimizers.adagrad",
    "Adam": "minikeras.optimizers.adam",
    "Adamax": "minikeras.optimizers.adamax",
    "AdamW": "minikeras.optimizers.adamw",
    "Optimizer": "minikeras.optimizers.base_optimizer",
    "Lion": "minikeras.optimizers.lion",
    "Nadam": "minikeras.optimizers.nadam",
    "RMSprop": "minikeras.optimizers.rmsprop",
    "SGD": "minikeras.optimizers.sgd",
}
_ALL_NAMES = ("Optimizer", "Adam", "SGD", "RMSprop", "Adadelta", "AdamW", "Adagrad", "Adamax", "Nadam", "Lion")
# Submodules `dir()` listed when everything was imported eagerly.
_SUBMODULES = {"adadelta", "adagrad", "adam", "adamax", "adamw", "base_optimizer", "lion", "nadam",
               "optimizer_utils", "rmsprop", "schedules", "sgd"}


# The registry imports every optimizer, so it is built on first use.
__getattr__, __dir__, _loaded = lazy_exports(__name__, _LAZY, _SUBMODULES, {
    "ALL_OBJECTS": lambda: tuple(_loaded(n) for n in _ALL_NAMES),
    "ALL_OBJECTS_DICT": lambda: {cls.__name__.lower(): cls for cls in _loaded("ALL_OBJECTS")},
})


def serialize(optimizer):
    """The optimizer as a Keras config dict: `{"module", "class_name", "config", "registered_name"}`."""
    from minikeras.saving.object_registration import get_registered_name

    cls = type(optimizer)
    if _loaded("ALL_OBJECTS_DICT").get(cls.__name__.lower()) is cls:
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
    cls = _loaded("ALL_OBJECTS_DICT").get(str(name).lower())
    if cls is None:
        for key in (config.get("registered_name"), name):
            if key:
                cls = get_registered_object(key, custom_objects=custom_objects)
                if cls is not None:
                    break
    if cls is None:
        valid = [n for n in _loaded("ALL_OBJECTS_DICT") if n != "optimizer"]
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
    if isinstance(obj, _loaded("Optimizer")):
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
