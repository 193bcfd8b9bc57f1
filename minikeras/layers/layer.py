"""The `Layer` base class: weights, build-on-first-call, the call protocol, config.

A subclass writes `__init__` (turn strings into objects once), `build(input_shape)`
(create weights with `add_weight`), `call(inputs, training=None)` (compute with
`minikeras.ops`), `compute_output_shape` when it is cheap to state, and
`get_config`. Calling a layer on a symbolic `KerasTensor` records a node of a
functional graph instead of computing.
"""

import inspect
import warnings
import weakref

import numpy as np

from minikeras import config
from minikeras.backend.keras_tensor import KerasTensor, any_symbolic
from minikeras.backend.variables import Variable
from minikeras.layers.input_spec import InputSpec, assert_input_compatibility
from minikeras.ops.autodiff import Tensor
from minikeras.utils.naming import auto_name, to_snake_case
from minikeras.backend.nest import flatten as _flatten, map_structure as _map_structure


class _CallContext:
    """The `training` flag an outer call hands to the layers it calls."""

    training = None
    depth = 0
    # True while the trainer builds an unbuilt model on its first batch: Keras builds
    # it symbolically there, so layers record a free batch axis (summary, build_config).
    free_batch = False


_context = _CallContext()


class Node:
    """One call of a layer on symbolic tensors: its inputs, and the tensors it produced."""

    def __init__(self, layer, call_args, call_kwargs, outputs):
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.outputs = outputs
        self.input_tensors = [t for t in _flatten((call_args, call_kwargs)) if isinstance(t, KerasTensor)]
        layer._inbound_nodes.append(self)
        index = len(layer._inbound_nodes) - 1
        for i, t in enumerate(_flatten(outputs)):
            t._keras_history = (layer, index, i)

    @property
    def parent_nodes(self):
        nodes = []
        for t in self.input_tensors:
            layer, index, _ = t._keras_history
            nodes.append(layer._inbound_nodes[index])
        return nodes


def _free_batch_axis(shapes):
    """`(8, 4)` -> `(None, 4)`, through lists and dicts of shapes."""
    if isinstance(shapes, dict):
        return {k: _free_batch_axis(v) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)) and shapes and all(isinstance(s, (list, tuple)) for s in shapes):
        return type(shapes)(_free_batch_axis(s) for s in shapes)
    shapes = tuple(shapes)
    return (None,) + shapes[1:] if shapes else shapes


def standardize_shape(shape):
    """A tuple of ints and `None`s; a bare int `n` is not accepted (Keras 3)."""
    if shape is None:
        raise ValueError("Undefined shapes are not supported.")
    if isinstance(shape, int):
        raise ValueError(f"Cannot convert '{shape}' to a shape. Expected a tuple, e.g. shape=({shape},).")
    shape = tuple(shape)
    for d in shape:
        if d is not None and not isinstance(d, (int, np.integer)):
            raise ValueError(f"Cannot convert '{shape}' to a shape. Found invalid entry '{d}' of type '{type(d)}'. ")
        if d is not None and d < 0:
            raise ValueError(f"Cannot convert '{shape}' to a shape. Negative dimensions are not allowed.")
    return tuple(None if d is None else int(d) for d in shape)


# Layers whose `_losses` may be non-empty; while it is empty, clearing losses before a call walks nothing.
_HOLDING_LOSSES = weakref.WeakSet()


class _CheckedInput:
    """The input spec and shape last checked by a layer (a plain object, so saving does not walk it)."""

    __slots__ = ("spec", "shape")

    def __init__(self, spec, shape):
        self.spec = spec
        self.shape = shape


class Layer:
    """The base class of every layer (Keras's `keras.layers.Layer`).

    Args:
        activity_regularizer: a regularizer applied to the layer's output;
            its penalty (divided by the batch size) is added to the loss.
        trainable: whether the layer's weights are trained.
        dtype: the dtype of the weights and computations (default floatx).
        name: the layer's name; by default the snake-cased class name made
            unique in the session (`dense`, `dense_1`...).
    """

    _checked_input = None  # a `_CheckedInput` once `_call_on_array` has checked an input

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True,
                 name=None, **kwargs):
        input_dim = kwargs.pop("input_dim", None)
        input_shape = (input_dim,) if input_dim is not None else kwargs.pop("input_shape", None)
        kwargs.pop("batch_input_shape", None) if input_shape is not None else None
        if input_shape is None and kwargs.get("batch_input_shape") is not None:
            input_shape = tuple(kwargs.pop("batch_input_shape"))[1:]
        if input_shape is not None:
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a layer. When using Sequential "
                "models, prefer using an `Input(shape)` object as the first layer in the model instead.",
                stacklevel=3,
            )
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
        self._input_shape_arg = tuple(input_shape) if input_shape is not None else None
        kwargs.pop("batch_input_shape", None)
        kwargs.pop("batch_size", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {self.__class__.__name__}: {kwargs}")
        if not isinstance(trainable, bool):
            raise ValueError(f"Expected `trainable` to be a boolean. Received: trainable={trainable} "
                             f"(of type {type(trainable)})")
        if name is not None and not isinstance(name, str):
            raise ValueError(f"Argument `name` must be a string. Received: name={name}")
        object.__setattr__(self, "_tracked", [])  # Variables and Layers, in creation order
        self.name = name or auto_name(to_snake_case(self.__class__.__name__))
        self._trainable = trainable
        self._dtype = _dtype_name(dtype)
        self.autocast = autocast
        from minikeras import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self._losses = []
        self._inbound_nodes = []
        self._build_shapes = None
        self._call_has_training = "training" in _call_parameters(self)

    # -- attribute tracking ---------------------------------------------------------------
    def __setattr__(self, name, value):
        tracked = self.__dict__.get("_tracked")
        if tracked is not None and not name.startswith("__"):
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, (Variable, Layer)) and not any(item is t for t in tracked):
                    tracked.append(item)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        value = self.__dict__.get(name)
        tracked = self.__dict__.get("_tracked")
        if tracked is not None and isinstance(value, (Variable, Layer)):
            tracked[:] = [t for t in tracked if t is not value]
        object.__delattr__(self, name)

    # -- dtype ---------------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype or config.floatx()

    @property
    def compute_dtype(self):
        return self.dtype

    @property
    def variable_dtype(self):
        return self.dtype

    @property
    def dtype_policy(self):
        return self.dtype

    # -- weights ---------------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False,
                   name=None):
        """Create a weight: a `Variable` named `name` with path `layer_name/name`.

        The initializer defaults to glorot_uniform for floats and zeros otherwise, as in Keras.
        """
        from minikeras import constraints, initializers, regularizers

        shape = () if shape is None else standardize_shape(shape)
        dtype = config.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if "float" in dtype else "zeros"
        initializer = initializers.get(initializer)
        variable = Variable(initializer, shape=shape, dtype=dtype, trainable=trainable, autocast=autocast,
                            aggregation=aggregation, name=name or auto_name("variable"))
        variable.path = f"{self.name}/{variable.name}"
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        variable._created_trainable = bool(trainable)
        self._tracked.append(variable)
        return variable

    def _own_variables(self):
        return [t for t in self._tracked if isinstance(t, Variable)]

    def _sublayers(self):
        return [t for t in self._tracked if isinstance(t, Layer)]

    @property
    def layers(self):
        return self._sublayers()

    def _ordered_own_variables(self):
        """Own variables: those created trainable first, then the others (Keras's order)."""
        own = self._own_variables()
        created = [v for v in own if getattr(v, "_created_trainable", v.trainable)]
        return created + [v for v in own if not getattr(v, "_created_trainable", v.trainable)]

    @property
    def weights(self):
        """Every weight, layer by layer: a layer's own weights, then its sublayers' (Keras's order).

        So a BatchNormalization contributes gamma, beta, moving_mean, moving_variance
        together, and `get_weights()` lines up with TensorFlow Keras's.
        """
        seen, out = set(), []

        def visit(layer):
            for v in layer._ordered_own_variables():
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
            for sub in layer._sublayers():
                visit(sub)

        visit(self)
        return out

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Freezing a layer freezes the weights it created trainable and its sublayers, as in Keras."""
        value = bool(value)
        self._trainable = value
        for v in self._own_variables():
            if getattr(v, "_created_trainable", False):
                v.trainable = value
        for sub in self._sublayers():
            sub.trainable = value

    def get_weights(self):
        """The weights' values as a list of NumPy arrays (copies)."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Set the weights from a list of arrays, in the order of `weights`."""
        layer_weights = self.weights
        if len(layer_weights) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of length "
                f"{len(weights)}, but the layer was expecting {len(layer_weights)} weights."
            )
        for variable, value in zip(layer_weights, weights):
            value = np.asarray(value)
            if variable.shape != value.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {variable.shape} is not compatible with provided "
                    f"weight shape {value.shape}."
                )
        for variable, value in zip(layer_weights, weights):
            variable.assign(value)

    def count_params(self):
        """The number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                "You tried to call `count_params` on layer '" + self.name + "', but the layer isn't built. "
                "You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- losses ----------------------------------------------------------------------------------
    def add_loss(self, loss):
        """Add a loss tensor (e.g. an activity penalty) to be minimised with the main loss."""
        self._losses.append(loss)
        _HOLDING_LOSSES.add(self)

    @property
    def losses(self):
        """Losses added during the last call plus the weight regularisers' penalties."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for v in layer._own_variables():
                reg = getattr(v, "regularizer", None)
                if reg is not None:
                    out.append(reg(v))
        return out

    def _clear_losses(self):
        if not _HOLDING_LOSSES:  # no layer anywhere holds a loss: nothing to walk
            return
        for layer in self._flatten_layers():
            layer._losses = []
            _HOLDING_LOSSES.discard(layer)

    def _flatten_layers(self, include_self=True):
        seen, out = set(), []

        def visit(layer):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            for sub in layer._sublayers():
                visit(sub)

        if include_self:
            visit(self)
        else:
            for sub in self._sublayers():
                visit(sub)
        return out

    # -- build and call ---------------------------------------------------------------------
    def build(self, input_shape):
        """Create the layer's weights for inputs of `input_shape` (the default creates none)."""
        self.built = True

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"Layer {self.__class__.__name__} does not have a `call()` method implemented.")

    def _maybe_build(self, first_input):
        if self.built:
            return
        shapes = _map_structure(lambda t: tuple(t.shape) if hasattr(t, "shape") else np.shape(t), first_input)
        # Recorded with a free batch axis, as Keras's symbolic build sees it (summary, build_config).
        self._build_shapes = _free_batch_axis(shapes) if _context.free_batch else shapes
        self.build(shapes)
        self.built = True

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and self.built and (not kwargs or (len(kwargs) == 1 and "training" in kwargs)):
            first = args[0]
            if type(first) is np.ndarray or type(first) is Tensor:
                return self._call_on_array(first, kwargs.get("training"))
        if not args and "inputs" in kwargs:
            args = (kwargs.pop("inputs"),)
        if not args:
            raise ValueError(f"Layer '{self.name}' was called without inputs.")
        if any_symbolic((args, kwargs)):
            return self._symbolic_call(args, kwargs)
        first = _map_structure(self._convert_input, args[0])
        args = (first,) + tuple(args[1:])
        assert_input_compatibility(self.input_spec, first, self.name)
        self._maybe_build(first)
        if self._call_has_training:
            training = kwargs.get("training")
            if training is None:
                training = _context.training
            kwargs["training"] = bool(training) if training is not None else None
        else:
            kwargs.pop("training", None)
            training = _context.training
        previous = _context.training
        _context.training = kwargs.get("training", training)
        _context.depth += 1
        try:
            if _context.depth == 1:
                self._clear_losses()
            outputs = self.call(*args, **kwargs)
        finally:
            _context.depth -= 1
            _context.training = previous
        if self.activity_regularizer is not None:
            self._add_activity_penalties(outputs)
        return outputs

    def _call_on_array(self, x, training):
        """`__call__`'s steps for the common case, one array or Tensor on a built layer, with less overhead.

        The input spec is checked once per input shape (the check only reads the shape).
        """
        if type(x) is np.ndarray and x.dtype.kind == "f" and self.autocast:
            dtype = self.compute_dtype
            if x.dtype != dtype:
                x = x.astype(dtype)
        spec = self.input_spec
        if spec is not None:
            checked = self._checked_input
            if checked is None or checked.spec is not spec or checked.shape != x.shape:
                assert_input_compatibility(spec, x, self.name)
                object.__setattr__(self, "_checked_input", _CheckedInput(spec, x.shape))
        previous = _context.training
        if self._call_has_training:
            if training is None:
                training = previous
            if training is not None:
                training = bool(training)
            kwargs = {"training": training}
        else:
            training = previous
            kwargs = {}
        _context.training = training
        _context.depth += 1
        try:
            if _context.depth == 1:
                self._clear_losses()
            outputs = self.call(x, **kwargs)
        finally:
            _context.depth -= 1
            _context.training = previous
        if self.activity_regularizer is not None:
            self._add_activity_penalties(outputs)
        return outputs

    def _add_activity_penalties(self, outputs):
        from minikeras import ops

        for out in _flatten(outputs):
            penalty = self.activity_regularizer(out)
            if np.ndim(out) > 0:
                penalty = ops.divide_no_nan(penalty, np.asarray(np.shape(out)[0], dtype=np.asarray(ops.convert_to_numpy(penalty)).dtype))
            self.add_loss(penalty)

    def _convert_input(self, x):
        """Inputs become arrays of the layer's float type (integer data included, as Keras's adapters)."""
        if isinstance(x, Tensor):
            return x
        if isinstance(x, Variable):
            return x
        if isinstance(x, np.ndarray):
            if x.dtype.kind == "f" and self.autocast and x.dtype != self.compute_dtype:
                return x.astype(self.compute_dtype)
            return x
        if x is None:
            return x
        from minikeras.trainers.data_adapters import to_array

        a = to_array(x, self.compute_dtype)
        return a

    def _symbolic_call(self, args, kwargs):
        first = args[0]
        if not self.built:
            shapes = _map_structure(lambda t: tuple(t.shape), first)
            assert_input_compatibility(self.input_spec, first, self.name)
            self._build_shapes = shapes
            self.build(shapes)
            self.built = True
        assert_input_compatibility(self.input_spec, first, self.name)
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        """Symbolic outputs for symbolic inputs (from `compute_output_shape`, or a trial call)."""
        first = args[0]
        try:
            shapes = self.compute_output_shape(_map_structure(lambda t: tuple(t.shape), first))
        except NotImplementedError:
            return self._trial_call(args, kwargs)
        return _shapes_to_tensors(shapes, self.compute_dtype)

    def _trial_call(self, args, kwargs):
        """Run `call` on zeros (unknown sizes set to 1) to learn the output shapes."""
        def concrete(t):
            if isinstance(t, KerasTensor):
                shape = tuple(1 if d is None else d for d in t.shape)
                return np.zeros(shape, dtype=t.dtype)
            return t

        c_args = _map_structure(concrete, args)
        c_kwargs = _map_structure(concrete, kwargs)
        if self._call_has_training:
            c_kwargs["training"] = False
        else:
            c_kwargs.pop("training", None)
        saved = [layer._losses for layer in self._flatten_layers()]
        out = self.call(*c_args, **c_kwargs)
        for layer, losses in zip(self._flatten_layers(), saved):
            layer._losses = losses
            if losses:
                _HOLDING_LOSSES.add(layer)
        batch_unknown = any(t.shape and t.shape[0] is None for t in _flatten(args[0]) if isinstance(t, KerasTensor))

        def symbolic(o):
            shape = list(np.shape(o))
            if batch_unknown and shape:
                shape[0] = None
            return KerasTensor(tuple(shape), dtype=config.standardize_dtype(np.asarray(getattr(o, "value", o)).dtype))

        return _map_structure(symbolic, out)

    def compute_output_shape(self, input_shape):
        raise NotImplementedError

    # -- config --------------------------------------------------------------------------------
    def get_config(self):
        config_ = {"name": self.name, "trainable": self.trainable, "dtype": _dtype_policy_config(self.dtype)}
        if self.activity_regularizer is not None:
            from minikeras import regularizers

            config_["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config_

    @classmethod
    def from_config(cls, config_):
        config_ = dict(config_)
        if isinstance(config_.get("dtype"), dict):
            config_["dtype"] = config_["dtype"].get("config", {}).get("name")
        return cls(**config_)

    def get_build_config(self):
        if self._build_shapes is not None:
            return {"input_shape": self._build_shapes}
        return None

    def build_from_config(self, build_config):
        if build_config and not self.built:
            shape = build_config["input_shape"]
            self.build(shape)
            self.built = True

    def __repr__(self):
        return f"<{self.__class__.__name__} name={self.name}, built={self.built}>"

    @property
    def input(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        tensors = self._inbound_nodes[0].input_tensors
        return tensors[0] if len(tensors) == 1 else tensors

    @property
    def output(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        return self._inbound_nodes[0].outputs

    @property
    def path(self):
        return self.name


def _shapes_to_tensors(shapes, dtype):
    if isinstance(shapes, (list, tuple)) and shapes and all(isinstance(s, (tuple, list)) for s in shapes):
        return [KerasTensor(tuple(s), dtype=dtype) for s in shapes]
    if isinstance(shapes, dict):
        return {k: KerasTensor(tuple(s), dtype=dtype) for k, s in shapes.items()}
    return KerasTensor(tuple(shapes), dtype=dtype)


def _dtype_name(dtype):
    if dtype is None:
        return None
    if isinstance(dtype, dict):
        dtype = dtype.get("config", {}).get("name", None)
        if dtype is None:
            return None
    return config.standardize_dtype(dtype)


def _dtype_policy_config(dtype):
    """Keras 3 serialises a layer's dtype as a DTypePolicy config."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": dtype}, "registered_name": None}


def _call_parameters(layer):
    try:
        return inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return {}


__all__ = ["Layer", "InputSpec", "Node"]
