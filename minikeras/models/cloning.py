"""`clone_model`: the same architecture with new layers (and so new, freshly initialised weights)."""

from minikeras.backend.keras_tensor import KerasTensor
from minikeras.backend.nest import flatten as _flatten, map_structure as _map_structure


def _same_structure(a, b):
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_structure(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same_structure(a[k], b[k]) for k in a)
    return not isinstance(a, (list, tuple, dict)) and not isinstance(b, (list, tuple, dict))


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs):
    """A new model like `model`: same layers' configs, new weights (not copied).

    Args:
        model: a Sequential or functional model (a subclassed model is cloned
            through its config).
        input_tensors: optional `KerasTensor`s (same structure as the model's
            inputs) to build the clone on; new `Input`s by default.
        clone_function: `layer -> new layer`, applied to every non-input layer;
            default `layer.__class__.from_config(layer.get_config())`. Return
            the layer itself to share it (and its weights) with the original.
        call_function: `(layer, *args, **kwargs) -> outputs`, how each cloned
            layer is called (functional models only).
        recursive: clone nested Sequential / functional models layer by layer
            (with `clone_function`) instead of through `clone_function`.

    Returns:
        The new model, compiled like the original when it was compiled.

    Example:

    ```python
    new_model = clone_model(model)
    new_model.set_weights(model.get_weights())  # to copy the weights too
    ```
    """
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential
    from minikeras.saving.serialization import deserialize_keras_object, serialize_keras_object

    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {tuple(kwargs.keys())}")
    if isinstance(model, Sequential):
        clone_function = _wrap_clone_function(clone_function, call_function, recursive, cache)
        if call_function is not None:
            raise ValueError(
                "`call_function` argument is not supported with Sequential models.  In a Sequential model, "
                "layers aren't called at model-construction time (they're merely listed). Use `call_function` "
                f"with Functional models only. Received model of type '{model.__class__.__name__}', with "
                f"call_function={call_function}"
            )
        return _clone_sequential_model(model, clone_function, input_tensors)
    if isinstance(model, Functional):
        clone_function = _wrap_clone_function(clone_function, call_function, recursive, cache)
        return _clone_functional_model(model, clone_function, input_tensors, call_function)
    if clone_function or input_tensors:
        raise ValueError(
            "Arguments `clone_function` and `input_tensors` are only supported for Sequential models or "
            f"Functional models. Received model of type '{model.__class__.__name__}', with "
            f"clone_function={clone_function} and input_tensors={input_tensors}"
        )
    if call_function is not None:
        raise ValueError(
            "Argument `call_function` is only supported for Functional models. Received model of type "
            f"'{model.__class__.__name__}', with call_function={call_function}"
        )
    config = serialize_keras_object(model)
    return deserialize_keras_object(config, custom_objects={model.__class__.__name__: model.__class__})


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def _wrap_clone_function(clone_function, call_function=None, recursive=False, cache=None):
    """`clone_function` made to clone each layer once (shared layers stay shared) and,
    with `recursive`, to descend into nested models."""
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential

    clone_function = clone_function or _default_clone
    cache = {} if cache is None else cache

    def wrapped(layer):
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, Sequential):
            clone = clone_model(layer, clone_function=clone_function, recursive=True, cache=cache)
        elif recursive and isinstance(layer, Functional):
            clone = clone_model(layer, clone_function=clone_function, call_function=call_function,
                                recursive=True, cache=cache)
        else:
            clone = clone_function(layer)
        cache[id(layer)] = clone
        return clone

    return wrapped


def _compile_like(new_model, model):
    """Compile the clone as the original was (a fresh optimizer with the same settings)."""
    from minikeras.saving.serialization import compile_config_of, compile_from_config

    if getattr(model, "compiled", False):
        compile_from_config(new_model, compile_config_of(model))


def _clone_sequential_model(model, clone_function, input_tensors=None):
    from minikeras.layers.core.input_layer import Input, InputLayer
    from minikeras.models.sequential import Sequential

    if not callable(clone_function):
        raise ValueError(f"Expected `clone_function` argument to be a callable. Received: "
                         f"clone_function={clone_function}")
    new_layers = [clone_function(layer) for layer in model.layers]
    first = model._layers[0] if model._layers else None
    reference = first if isinstance(first, InputLayer) else None
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError("Argument `input_tensors` must contain a single tensor.")
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, KerasTensor):
            raise ValueError(f"Argument `input_tensors` must be a KerasTensor. Received invalid value: "
                             f"input_tensors={input_tensors}")
        history = input_tensors._keras_history
        if history is not None and isinstance(history[0], InputLayer):
            new_layers = [history[0]] + new_layers  # build on the given Input itself
        else:
            new_layers = [Input(batch_shape=input_tensors.shape, dtype=input_tensors.dtype,
                                name=reference.name if reference is not None else None)] + new_layers
    elif reference is not None:
        new_layers = [Input(batch_shape=reference.batch_shape, dtype=reference.dtype, name=reference.name,
                            optional=reference.optional)] + new_layers
    clone = Sequential(new_layers, name=model.name, trainable=model.trainable)
    _compile_like(clone, model)
    return clone


def _clone_functional_model(model, clone_function, input_tensors=None, call_function=None):
    from minikeras.layers.core.input_layer import Input
    from minikeras.models.functional import Functional
    from minikeras.saving.functional_config import map_graph

    if not callable(clone_function):
        raise ValueError(f"Expected `clone_function` argument to be a callable. Received: "
                         f"clone_function={clone_function}")
    if input_tensors is not None:
        if not all(isinstance(x, KerasTensor) for x in _flatten(input_tensors)):
            raise ValueError(f"All entries in `input_tensors` must be KerasTensors. Received invalid values: "
                             f"inputs_tensors={input_tensors}")
        reference = model._inputs_struct
        if isinstance(reference, list) and len(reference) == 1 and isinstance(input_tensors, KerasTensor):
            input_tensors = [input_tensors]
        if not _same_structure(input_tensors, reference):
            raise ValueError(f"`input_tensors` must have the same structure as model.input\nReference structure: "
                             f"{reference}\nReceived structure: {input_tensors}")
    else:
        input_tensors = _map_structure(
            lambda t: Input(batch_shape=t.shape, dtype=t.dtype, name=t.name), model._inputs_struct)

    # Replay the graph's calls, deepest first, with cloned layers on the new tensors.
    values = {id(old): new for old, new in zip(model.inputs, _flatten(input_tensors))}
    nodes_by_depth, _, _ = map_graph(model)
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            if not node.input_tensors or any(id(t) not in values for t in node.input_tensors):
                continue
            layer = clone_function(node.layer)
            args = _map_structure(lambda v: values[id(v)] if isinstance(v, KerasTensor) else v, node.call_args)
            kwargs = _map_structure(lambda v: values[id(v)] if isinstance(v, KerasTensor) else v, node.call_kwargs)
            outputs = call_function(layer, *args, **kwargs) if call_function is not None else layer(*args, **kwargs)
            for old, new in zip(_flatten(node.outputs), _flatten(outputs)):
                values[id(old)] = new
    output_tensors = _map_structure(lambda t: values[id(t)], model._outputs_struct)
    cls = model.__class__ if _functional_like_constructor(model.__class__) else Functional
    clone = cls(input_tensors, output_tensors, name=model.name)
    _compile_like(clone, model)
    return clone


def _functional_like_constructor(cls):
    import inspect

    from minikeras.models.functional import Functional

    if cls is Functional:
        return True
    spec = inspect.getfullargspec(cls.__init__)
    if spec.args[1:] == inspect.getfullargspec(Functional.__init__).args[1:]:
        return True
    return spec.varargs is not None and spec.varkw is not None
