"""`Lambda`: wrap a Python function as a layer."""

import base64
import inspect
import marshal
import types

import numpy as np

from minikeras.backend.keras_tensor import KerasTensor
from minikeras.backend.nest import map_structure as _map_structure
from minikeras.layers.layer import Layer

_UNSAFE_LAMBDA_MESSAGE = (
    "Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda. This carries a "
    "potential risk of arbitrary code execution and thus it is disallowed by default. If you trust the source of "
    "the artifact, you can override this error by passing `safe_mode=False` to the loading function, or calling "
    "`keras.config.enable_unsafe_deserialization()."
)


def _is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in x)


def _map_shapes(fn, structure):
    """Apply `fn` to every shape (a tuple of ints/None) in a nested structure of shapes."""
    if _is_shape(structure):
        return fn(tuple(structure))
    if isinstance(structure, dict):
        return {k: _map_shapes(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_map_shapes(fn, s) for s in structure)
    return fn(structure)


def _first_shape(structure):
    if _is_shape(structure):
        return tuple(structure)
    if isinstance(structure, dict):
        return _first_shape(next(iter(structure.values())))
    return _first_shape(structure[0])


def _serialize_function(fn):
    """Keras's function config: a Python lambda as its marshalled bytecode, anything else by name."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}
    if callable(fn):
        from minikeras.saving.object_registration import get_registered_name

        return {"module": "builtins", "class_name": "function", "config": get_registered_name(fn),
                "registered_name": "function"}
    raise ValueError(f"Invalid input type for serialization. Received: {fn} of type {type(fn)}.")


def _load_lambda(config):
    """Rebuild a Python lambda from its marshalled bytecode (only ever called outside safe mode)."""
    code = marshal.loads(base64.decodebytes(config["code"].encode("ascii")))
    defaults = tuple(config["defaults"]) if isinstance(config.get("defaults"), list) else config.get("defaults")
    closure = config.get("closure")
    if closure is not None:
        closure = tuple(types.CellType(c) for c in closure)
    return types.FunctionType(code, globals(), name=code.co_name, argdefs=defaults, closure=closure)


def _deserialize_function(config, custom_objects=None):
    if callable(config):
        return config
    if isinstance(config, dict) and config.get("class_name") == "function":
        name = config.get("config")
        from minikeras import activations, ops
        from minikeras.saving.object_registration import get_registered_object

        found = get_registered_object(name, custom_objects)
        if found is None:
            found = activations.ALL_OBJECTS_DICT.get(name) or getattr(ops, str(name), None)
        if found is None:
            raise TypeError(
                f"Could not locate function '{name}'. Make sure custom classes and functions are decorated with "
                "`@keras.saving.register_keras_serializable()`. If they are already decorated, make sure they are "
                f"all imported so that the decorator is run before trying to load them. Full object config: {config}"
            )
        return found
    return config


def _safe_mode_default():
    from minikeras import saving

    in_safe_mode = getattr(saving, "in_safe_mode", None)
    return True if in_safe_mode is None else in_safe_mode() is not False


class Lambda(Layer):
    """Apply `function(inputs, **arguments)` as a layer (for quick, weightless transformations).

    Args:
        function: the function; it receives the inputs, plus `mask` and/or
            `training` if its signature names them.
        output_shape: the output shape without the batch axis (or a function
            of the input shape); inferred by a trial call when omitted.
        mask: a mask, or a function `(inputs, mask) -> mask`.
        arguments: extra keyword arguments for `function`.

    Saving note: a Python `lambda` is stored as bytecode, which only loads with
    `safe_mode=False`; prefer a named, registered function.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        self.supports_masking = mask is not None
        self.mask = mask
        self._output_shape = output_shape
        parameters = inspect.getfullargspec(function).args
        self._fn_expects_training_arg = "training" in parameters
        self._fn_expects_mask_arg = "mask" in parameters
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._inferred_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = _first_shape(input_shape)[0]
        return _map_shapes(lambda s: (batch,) + tuple(s), self._output_shape)

    def _inferred_output_shape(self, input_shape):
        """Run the function on zeros (unknown sizes as 1) and read the shapes, batch axis kept unknown."""
        batch = _first_shape(input_shape)[0]
        try:
            zeros = _map_shapes(lambda s: np.zeros(tuple(1 if d is None else d for d in s), dtype=self.compute_dtype),
                                input_shape)
            outputs = self.call(zeros)
            return _map_structure(lambda o: (batch,) + tuple(np.shape(o))[1:], outputs)
        except Exception as exc:
            raise NotImplementedError(
                "We could not automatically infer the shape of the Lambda's output. Please specify the "
                "`output_shape` argument for this Lambda layer."
            ) from exc

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            return self._trial_call(args, kwargs)
        shapes = self.compute_output_shape(_map_structure(lambda t: tuple(t.shape), args[0]))
        if _is_shape(shapes):
            return KerasTensor(shapes, dtype=self.compute_dtype)
        return _map_shapes(lambda s: KerasTensor(s, dtype=self.compute_dtype), shapes)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = super().get_config()
        config["function"] = _serialize_function(self.function)
        if self._output_shape is not None:
            output_shape = self._output_shape
            config["output_shape"] = _serialize_function(output_shape) if callable(output_shape) else output_shape
        if self.mask is not None:
            config["mask"] = _serialize_function(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuild the layer; a Python lambda in the config needs `safe_mode=False` (Keras's rule)."""
        config = dict(config)
        safe = _safe_mode_default() if safe_mode is None else safe_mode is not False
        for key in ("function", "output_shape", "mask"):
            if key not in config:
                continue
            item = config[key]
            if isinstance(item, dict) and item.get("class_name") == "__lambda__":
                if safe:
                    raise ValueError(_UNSAFE_LAMBDA_MESSAGE)
                config[key] = _load_lambda(item["config"])
            elif key == "output_shape" and isinstance(item, list) and _is_shape(item):
                config[key] = tuple(item)
            else:
                config[key] = _deserialize_function(item, custom_objects)
        return super().from_config(config)
