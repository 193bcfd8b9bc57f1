"""Keras 3's object config format: `serialize_keras_object` / `deserialize_keras_object`.

An object becomes `{"module", "class_name", "config", "registered_name"}`
(plus `"build_config"` for built layers and `"compile_config"` for models),
with Keras's public module names (`"keras.layers"`, `"keras.optimizers"`...)
so a config written here loads in Keras and the other way round. Built-in
classes are looked up by class name in the minikeras module that mirrors the
Keras module; custom ones through `register_keras_serializable`,
`custom_objects=` or a `CustomObjectScope`.
"""

import base64
import importlib
import json
import marshal
import types
import warnings

import numpy as np

from minikeras.saving import object_registration

PLAIN_TYPES = (str, int, float, bool)

# Keras module -> the minikeras module holding the same public names. The
# order decides which name a class gets when several modules export it.
PUBLIC_MODULES = (
    ("keras.layers", "minikeras.layers"),
    ("keras.optimizers.schedules", "minikeras.optimizers.schedules"),
    ("keras.optimizers", "minikeras.optimizers"),
    ("keras.losses", "minikeras.losses"),
    ("keras.metrics", "minikeras.metrics"),
    ("keras.initializers", "minikeras.initializers"),
    ("keras.regularizers", "minikeras.regularizers"),
    ("keras.constraints", "minikeras.constraints"),
    ("keras.activations", "minikeras.activations"),
    ("keras.callbacks", "minikeras.callbacks"),
    ("keras.models", "minikeras.models"),
    ("keras", "minikeras"),
)
# Where Keras looks for a plain function saved with module "builtins".
BUILTIN_MODULES = ("activations", "constraints", "initializers", "losses", "metrics", "optimizers",
                   "regularizers")
# Classes Keras does not export but saves under their source module.
_INTERNAL_CLASSES = {"Functional": ("keras.src.models.functional", "minikeras.models.functional")}

_safe_mode = [None]


class SafeModeScope:
    """`with SafeModeScope(False):` allows loading Python lambdas inside."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = _safe_mode[0]
        _safe_mode[0] = self.safe_mode
        return self

    def __exit__(self, *exc):
        _safe_mode[0] = self._previous
        return False


def enable_unsafe_deserialization():
    """Allow lambdas in configs everywhere (Keras's `keras.config.enable_unsafe_deserialization`)."""
    _safe_mode[0] = False


def in_safe_mode():
    return _safe_mode[0]


# -- names ------------------------------------------------------------------------------------
def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError:  # a module another engineer has not written yet
        return None


def _public_module(obj):
    """The Keras module exporting `obj` under its own name, or None."""
    name = getattr(obj, "__name__", None)
    if name is None:
        return None
    if name == "Sequential" or name == "Model":
        from minikeras.models import Model, Sequential

        if obj is Sequential or obj is Model:
            return "keras"
    for keras_name, module_name in PUBLIC_MODULES:
        module = _import(module_name)
        if module is not None and getattr(module, name, None) is obj:
            return keras_name
    return None


def _internal_module(cls):
    """The Keras source module of a class Keras saves without a public name (`Functional`), or None."""
    entry = _INTERNAL_CLASSES.get(getattr(cls, "__name__", None))
    if entry is None:
        return None
    module = _import(entry[1])
    return entry[0] if module is not None and getattr(module, cls.__name__, None) is cls else None


def _registered_name(obj):
    """The name `obj` was registered under; its own name when it was not."""
    for key, value in object_registration.get_custom_objects().items():
        if value is obj:
            return key
    return getattr(obj, "__name__", type(obj).__name__)


def _is_registered(obj):
    return any(value is obj for value in object_registration.get_custom_objects().values())


# -- serialize ----------------------------------------------------------------------------------
def serialize_dict(obj):
    return {key: serialize_keras_object(value) for key, value in obj.items()}


def _is_array_like_tensor(obj):
    from minikeras.backend.variables import Variable
    from minikeras.ops.autodiff import Tensor

    return isinstance(obj, (Tensor, Variable))


def _dtype_name(dtype):
    from minikeras import config

    return config.standardize_dtype(dtype)


def _func_dump(fn):
    """A lambda as Keras stores it: base64 of its marshalled code, its defaults and closure values."""
    code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return code, fn.__defaults__, closure


def _func_load(dumped):
    code, defaults, closure = dumped
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    if closure is not None:
        closure = tuple(types.CellType(value) for value in closure)
    raw = marshal.loads(base64.decodebytes(code.encode("ascii")))
    return types.FunctionType(raw, globals(), name=raw.co_name, argdefs=defaults, closure=closure)


def _object_config(obj):
    if isinstance(obj, types.FunctionType):
        return _registered_name(obj)
    if hasattr(obj, "get_config"):
        config = obj.get_config()
        if not isinstance(config, dict):
            raise TypeError(f"The `get_config()` method of {obj} should return a dict. It returned: {config}")
        return serialize_dict(config)
    if hasattr(obj, "__name__"):
        return _registered_name(obj)
    raise TypeError(f"Cannot serialize object {obj} of type {type(obj)}. To be serializable, a class must "
                    "implement the `get_config()` method.")


def _build_config(obj):
    """`build_config` as Keras writes it: None for a layer without its own `build`
    (Keras builds those at construction), `{"input_shape": None}` for a functional model."""
    from minikeras.layers.layer import Layer
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential

    if isinstance(obj, Sequential):
        first = obj._layers[0] if obj._layers else None
        if obj.built and first is not None and hasattr(first, "batch_shape"):
            return {"input_shape": first.batch_shape}
        return obj.get_build_config()
    if isinstance(obj, Functional):
        return {"input_shape": None}
    if isinstance(obj, Layer) and type(obj).build is Layer.build:
        return None
    return obj.get_build_config() if hasattr(obj, "get_build_config") else None


def compile_config_of(model):
    """Keras's `model.get_compile_config()`: the `compile` arguments, serialized (`{}` if not compiled).

    Uses the model's own `get_compile_config` when it has one; otherwise reads
    what the trainer kept (the loss weights as one per output).
    """
    if hasattr(model, "get_compile_config"):
        return model.get_compile_config()
    if not getattr(model, "compiled", False):
        return {}
    metrics = getattr(model, "_compile_metrics", None)
    # The weights per output, as the compiled loss kept them (None when none were given).
    loss_weights = getattr(getattr(model, "_compile_loss", None), "loss_weights", None)
    if not loss_weights or all(w is None for w in loss_weights):
        loss_weights = None
    return serialize_dict({
        "optimizer": model.optimizer,
        "loss": model.loss,
        "loss_weights": loss_weights,
        "metrics": getattr(metrics, "_user_metrics", None),
        "weighted_metrics": getattr(metrics, "_user_weighted", None),
        "run_eagerly": bool(getattr(model, "_run_eagerly", False)),
        "steps_per_execution": getattr(model, "steps_per_execution", 1),
        "jit_compile": False,
    })


def _compile_config(obj):
    if hasattr(obj, "compile") and hasattr(obj, "compiled"):
        return compile_config_of(obj)
    return None


def _add_build_and_compile_config(obj, config):
    build_config = _build_config(obj)
    if build_config is not None:
        config["build_config"] = serialize_dict(build_config)
    compile_config = _compile_config(obj)
    if compile_config is not None:
        config["compile_config"] = serialize_dict(compile_config)


def serialize_keras_object(obj):
    """The config dict of `obj` in Keras 3's format (plain values pass through).

    Example:

    >>> serialize_keras_object(minikeras.regularizers.L2(0.1))
    {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.1}, 'registered_name': None}
    """
    from minikeras.backend.keras_tensor import KerasTensor

    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return serialize_dict(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {"start": serialize_keras_object(obj.start),
                                                      "stop": serialize_keras_object(obj.stop),
                                                      "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, KerasTensor):
        history = getattr(obj, "_keras_history", None)
        if history:
            history = [history[0].name] + list(history[1:])
        return {"class_name": "__keras_tensor__",
                "config": {"shape": obj.shape, "dtype": obj.dtype, "keras_history": history}}
    if _is_array_like_tensor(obj):
        value = np.asarray(obj.numpy() if hasattr(obj, "numpy") else obj.value)
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": _dtype_name(value.dtype)}}
    if type(obj).__module__ == np.__name__:
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": _dtype_name(obj.dtype)}}
        return obj.item()
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        warnings.warn("The object being serialized includes a `lambda`. This is unsafe. In order to reload the "
                      "object, you will have to pass `safe_mode=False` to the loading function. Please avoid "
                      "using `lambda` in the future, and use named Python functions instead.", stacklevel=2)
        return {"class_name": "__lambda__", "config": {"value": _func_dump(obj)}}

    inner = _object_config(obj)
    cls = obj.__class__
    internal = _internal_module(cls)
    public = None if internal else _public_module(cls)
    if internal is not None:
        config = {"module": internal, "class_name": cls.__name__, "config": inner, "registered_name": cls.__name__}
    elif public is not None:
        config = {"module": public, "class_name": cls.__name__, "config": inner, "registered_name": None}
    else:
        # A function (Keras saves every plain function this way), or a custom class.
        if isinstance(obj, types.FunctionType):
            module, registered = "builtins", "function"
        else:
            module = cls.__module__
            registered = None if module == "builtins" else _registered_name(cls)
        config = {"module": module, "class_name": cls.__name__, "config": inner, "registered_name": registered}
    _add_build_and_compile_config(obj, config)
    if config["module"] == "__main__":
        config["module"] = None
    return config


# -- deserialize --------------------------------------------------------------------------------
def _lookup_custom(name, custom_objects):
    if not name:
        return None
    if name in custom_objects:
        return custom_objects[name]
    return object_registration.get_registered_object(name, custom_objects=custom_objects)


def _find_public(module, name):
    """The minikeras object Keras calls `module.name`, or None."""
    if module.startswith("keras.src."):
        for internal_name, (keras_module, minikeras_module) in _INTERNAL_CLASSES.items():
            if internal_name == name and keras_module == module:
                found = _import(minikeras_module)
                return getattr(found, name, None) if found is not None else None
        # Other internal paths: the public module exporting that class name.
        for _, minikeras_module in PUBLIC_MODULES:
            found = _import(minikeras_module)
            if found is not None and isinstance(getattr(found, name, None), type):
                return getattr(found, name)
        return None
    for keras_module, minikeras_module in PUBLIC_MODULES:
        if keras_module == module:
            found = _import(minikeras_module)
            return getattr(found, name, None) if found is not None else None
    return None


def _retrieve(name, registered_name, module, kind, full_config, custom_objects):
    found = _lookup_custom(name if kind == "function" else registered_name, custom_objects)
    if found is not None:
        return found
    if module:
        if module == "keras" or module.startswith("keras."):
            found = _find_public(module, name)
            if found is not None:
                return found
        if kind == "function" and module == "builtins":
            for module_name in BUILTIN_MODULES:
                found = _import(f"minikeras.{module_name}")
                if found is not None and getattr(found, name, None) is not None:
                    return getattr(found, name)
            if ">" not in name:
                for key, value in custom_objects.items():
                    if key.endswith(f">{name}"):
                        return value
    raise TypeError(
        f"Could not locate {kind} '{name}'. Make sure custom classes and functions are decorated with "
        "`@keras.saving.register_keras_serializable()`. If they are already decorated, make sure they are all "
        f"imported so that the decorator is run before trying to load them. Full object config: {full_config}"
    )


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object described by `config` (the output of `serialize_keras_object`, or Keras's).

    Args:
        config: a config dict, a list of them, or a plain value.
        custom_objects: `{name: class_or_function}` for custom objects.
        safe_mode: refuse to load Python lambdas (their code would run).
    """
    if kwargs:
        raise TypeError(f"deserialize_keras_object() got unexpected keyword arguments: {list(kwargs)}")
    if in_safe_mode() is not None:
        safe_mode = in_safe_mode()
    custom = dict(custom_objects or {})
    for scope in object_registration._scope_stack:
        custom.update(scope)
    custom.update(object_registration.get_custom_objects())

    if config is None:
        return None
    if isinstance(config, str) and custom.get(config) is not None:
        return custom[config]
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom, safe_mode) for x in config]
    if isinstance(config, PLAIN_TYPES):
        return config
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config}")
    if "class_name" not in config or "config" not in config:
        return {key: deserialize_keras_object(value, custom, safe_mode) for key, value in config.items()}

    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _deserialize_special(class_name, inner, custom, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    module = config.get("module")
    registered_name = config.get("registered_name", class_name)
    if class_name == "function":
        if not isinstance(inner, str):
            raise TypeError(f"Expected 'config' to be a non-null str for a function classname,\ninstead got "
                            f"{type(inner)}\nFull config: {config}")
        return _retrieve(inner, registered_name, module, "function", config, custom)
    if not isinstance(inner, dict):
        raise TypeError(f"Expected 'config' to be a dict for {class_name},\ninstead got {type(inner)}\n"
                        f"Full config: {config}")
    cls = _retrieve(class_name, registered_name, module, "class", config, custom)
    if isinstance(cls, types.FunctionType):
        return cls
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Unable to reconstruct an instance of '{class_name}' because the class is missing a "
                        f"`from_config()` method. Full object config: {config}")
    with object_registration.CustomObjectScope(custom), SafeModeScope(safe_mode):
        try:
            instance = cls.from_config(inner)
        except TypeError as e:
            raise TypeError(
                f"{cls} could not be deserialized properly. Please ensure that components that are Python "
                "object instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized "
                f"in the model's `from_config()` method.\n\nconfig={config}.\n\nException encountered: {e}"
            ) from e
        build_config = config.get("build_config")
        if build_config and not getattr(instance, "built", True):
            instance.build_from_config(build_config)
            instance.built = True
            if getattr(instance, "_build_shapes", False) is None and "input_shape" in build_config:
                # Remember the shape, so the layer's config lists it again as Keras's does.
                instance._build_shapes = build_config["input_shape"]
        compile_config = config.get("compile_config")
        if compile_config:
            _compile_from_config(instance, compile_config)
    return instance


_NOT_SPECIAL = object()


def _deserialize_special(class_name, inner, custom, safe_mode):
    """The values Keras writes as `{"class_name": "__x__", ...}`."""
    if class_name == "__keras_tensor__":
        from minikeras.backend.keras_tensor import KerasTensor

        tensor = KerasTensor(inner["shape"], dtype=inner["dtype"])
        tensor._pre_serialization_keras_history = inner["keras_history"]
        return tensor
    if class_name in ("__tensor__", "__numpy__"):
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(*(deserialize_keras_object(inner[k], custom, safe_mode) for k in ("start", "stop", "step")))
    if class_name == "__lambda__":
        if safe_mode:
            raise ValueError(
                "Requested the deserialization of a Python lambda. This carries a potential risk of arbitrary "
                "code execution and thus it is disallowed by default. If you trust the source of the artifact, "
                "you can override this error by passing `safe_mode=False` to the loading function, or calling "
                "`keras.config.enable_unsafe_deserialization()."
            )
        return _func_load(inner["value"])
    return _NOT_SPECIAL


def compile_from_config(model, compile_config):
    """Compile `model` from a `compile_config_of` dict (the model's own method when it has one)."""
    if hasattr(model, "compile_from_config"):
        model.compile_from_config(compile_config)
    else:
        model.compile(**deserialize_keras_object(compile_config))
    model.compiled = True


_compile_from_config = compile_from_config


def legacy_layer_from_config(config, custom_objects=None):
    """A layer from a Keras 2 config (`{"class_name", "config"}` without `"module"`)."""
    class_name = config["class_name"]
    custom = dict(custom_objects or {})
    cls = _lookup_custom(class_name, custom)
    if cls is None:
        for _, module_name in PUBLIC_MODULES:
            module = _import(module_name)
            if module is not None and isinstance(getattr(module, class_name, None), type):
                cls = getattr(module, class_name)
                break
    if cls is None:
        raise ValueError(f"Unknown layer: '{class_name}'. Please ensure you are using a `keras.utils."
                         "custom_object_scope` and that this object is included in the scope.")
    with object_registration.CustomObjectScope(custom):
        return cls.from_config(config["config"])


def model_from_json(json_string, custom_objects=None):
    """A model (uncompiled) from the JSON string `model.to_json()` returned.

    Args:
        json_string: the JSON text.
        custom_objects: `{name: class_or_function}` for custom layers and functions.
    """
    return deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)
