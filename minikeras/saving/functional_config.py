"""A functional model's config in Keras 3's format, and the model rebuilt from it.

The config lists every layer of the graph (deepest first, as Keras orders
`model.layers`) with its serialized config, its name and its `inbound_nodes`:
for each call of the layer inside the model, the call's `args` and `kwargs`
with each input tensor written as `{"class_name": "__keras_tensor__", ...,
"keras_history": [layer_name, node_index, tensor_index]}`. Rebuilding calls
the layers again on new `KerasTensor`s, in dependency order.
"""

import collections
import inspect

from minikeras.backend.keras_tensor import KerasTensor
from minikeras.backend.nest import flatten as _flatten, map_structure as _map_structure


# -- the graph, ordered as Keras orders it ----------------------------------------------------


def _is_input_node(node):
    from minikeras.layers.core.input_layer import InputLayer

    return isinstance(node.layer, InputLayer)


def _node_of(tensor):
    layer, node_index, _ = tensor._keras_history
    return layer._inbound_nodes[node_index]


def _topological_nodes(inputs, outputs):
    """Nodes from the inputs to the outputs (depth-first from each output), and
    each layer's first-visit index: Keras's `_build_map`."""
    input_ids = {id(t) for t in inputs}
    finished, in_progress = set(), set()
    ordered, layer_index = [], {}
    # An explicit stack instead of recursion, so deep models do not hit the recursion limit.
    stack = [("visit", t) for t in reversed(_flatten(outputs))]
    while stack:
        action, item = stack.pop()
        if action == "finish":
            finished.add(id(item))
            in_progress.discard(id(item))
            ordered.append(item)
            continue
        if item._keras_history is None:
            raise ValueError(f"Tensor {item} was not produced by a layer: it cannot be part of a model.")
        node = _node_of(item)
        if id(node) in finished:
            continue
        if not _is_input_node(node) and id(item) in input_ids:
            finished.add(id(node))  # the graph starts at this tensor
            continue
        if id(node) in in_progress:
            raise ValueError(f"Tensor {item} from layer '{node.layer.name}' is part of a cycle.")
        layer_index.setdefault(id(node.layer), len(layer_index))
        in_progress.add(id(node))
        stack.append(("finish", node))
        if not _is_input_node(node):
            stack.extend(("visit", t) for t in reversed(node.input_tensors))
    return ordered, layer_index


def map_graph(inputs, outputs=None):
    """`(nodes_by_depth, layers, node_ids)` for the graph from `inputs` to `outputs`.

    `nodes_by_depth` maps a depth (0 for the output calls, growing towards the
    inputs) to the layer calls at that depth; `layers` lists every layer,
    deepest first, ties broken by the order a walk from the outputs meets
    them (Keras's `model.layers` order); `node_ids` holds `id()`s of the calls
    that belong to the model. A functional model may be passed alone.
    """
    if outputs is None:
        model = inputs
        inputs, outputs = model.inputs, model.outputs
    inputs = _flatten(inputs)
    ordered, layer_index = _topological_nodes(inputs, outputs)
    in_graph = {id(n) for n in ordered}
    node_depth, layer_depth = {}, {}
    nodes, layers = {}, {}
    for node in reversed(ordered):
        depth = node_depth.setdefault(id(node), 0)
        # A shared layer sits at the deepest of its calls.
        depth = max(depth, layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        nodes[id(node)], layers[id(node.layer)] = node, node.layer
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
                nodes[id(parent)] = parent
    for t in inputs:  # inputs the outputs do not use still belong to the model
        layer = t._keras_history[0]
        node = _node_of(t)
        if id(layer) not in layer_depth and _is_input_node(node):
            layer_depth[id(layer)], layer_index[id(layer)], node_depth[id(node)] = 0, -1, 0
            nodes[id(node)], layers[id(layer)] = node, layer
    nodes_by_depth = collections.defaultdict(list)
    for key, depth in node_depth.items():
        nodes_by_depth[depth].append(nodes[key])
    layers_by_depth = collections.defaultdict(list)
    for key, depth in layer_depth.items():
        layers_by_depth[depth].append(layers[key])
    ordered_layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        ordered_layers += sorted(layers_by_depth[depth], key=lambda layer: layer_index[id(layer)])
    return dict(nodes_by_depth), ordered_layers, set(node_depth)


# -- writing the config ----------------------------------------------------------------------
def _call_parameters(layer):
    try:
        return inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return {}


def _is_tensor_argument(value):
    if isinstance(value, KerasTensor):
        return True
    if isinstance(value, (list, tuple, dict)) and len(value):
        flat = _flatten(value)
        return all(v is None or isinstance(v, KerasTensor) for v in flat)
    return False


def _recorded_kwargs(node):
    """The call's kwargs as Keras records them: what the user passed, plus a
    `training` default other than None and `mask=None` for a layer whose `call`
    takes a mask (Keras fills both in at call time)."""
    kwargs = dict(node.call_kwargs)
    params = _call_parameters(node.layer)
    training = params.get("training")
    if training is not None and "training" not in kwargs:
        if training.default is not inspect.Parameter.empty and training.default is not None:
            kwargs["training"] = training.default
    try:
        bound = inspect.signature(node.layer.call).bind(*node.call_args, **node.call_kwargs).arguments
    except (TypeError, ValueError):
        return kwargs
    tensor_args = {k: v for k, v in bound.items() if _is_tensor_argument(v)}
    if len(tensor_args) == 1:
        if "mask" in params and kwargs.get("mask") is None:
            kwargs["mask"] = _map_structure(lambda _: None, next(iter(tensor_args.values())))
    else:
        for name, value in tensor_args.items():
            if f"{name}_mask" in params and kwargs.get(f"{name}_mask") is None:
                kwargs[f"{name}_mask"] = _map_structure(lambda _: None, value)
    return kwargs


def serialize_node(node, node_ids):
    """`{"args": ..., "kwargs": ...}` for one call, or None for an input layer's node."""
    from minikeras.saving.serialization import serialize_keras_object

    if not node.input_tensors:
        return None

    def tensor_config(x):
        if not isinstance(x, KerasTensor):
            return x
        layer, node_index, tensor_index = x._keras_history
        # Calls of the inbound layer outside this model do not count.
        skipped = sum(id(n) not in node_ids for n in layer._inbound_nodes[:node_index])
        return {"class_name": "__keras_tensor__",
                "config": {"shape": x.shape, "dtype": x.dtype,
                           "keras_history": [layer.name, node_index - skipped, tensor_index]}}

    args = _map_structure(tensor_config, tuple(node.call_args))
    kwargs = _map_structure(tensor_config, _recorded_kwargs(node))
    return {"args": serialize_keras_object(args), "kwargs": serialize_keras_object(kwargs)}


def functional_config(model):
    """Keras 3's `get_config()` of a functional model.

    Returns:
        `{"name", "trainable", "layers": [...], "input_layers", "output_layers"}`,
        each layer entry being its serialized config plus `"name"` and
        `"inbound_nodes"`.
    """
    from minikeras.models.functional import Functional
    from minikeras.saving.serialization import serialize_keras_object

    _, layers, node_ids = map_graph(model)
    # Keras numbers a nested functional model's calls from 1 (its own
    # construction counts as call 0); the numbers are kept for compatibility.
    new_index = {}
    for layer in layers:
        kept = 1 if isinstance(layer, Functional) else 0
        for i, node in enumerate(layer._inbound_nodes):
            if id(node) in node_ids:
                new_index[(id(layer), i)] = kept
                kept += 1
    layer_configs = []
    for layer in layers:
        inbound = []
        for node in layer._inbound_nodes:
            if id(node) in node_ids:
                data = serialize_node(node, node_ids)
                if data is not None:
                    inbound.append(data)
        layer_config = serialize_keras_object(layer)
        layer_config["name"] = layer.name
        layer_config["inbound_nodes"] = inbound
        layer_configs.append(layer_config)

    def tensor_entry(t):
        layer, node_index, tensor_index = t._keras_history
        if (id(layer), node_index) not in new_index:
            raise RuntimeError(f"Internal error: could not find node of layer {layer.name} at index {node_index}.")
        return [layer.name, new_index[(id(layer), node_index)], tensor_index]

    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": _map_structure(tensor_entry, model._inputs_struct),
            "output_layers": _map_structure(tensor_entry, model._outputs_struct)}


# -- reading it back -------------------------------------------------------------------------
class _NodeNotReady(Exception):
    """An input of this call comes from a call not made yet: retry later."""


def _output_tensor(layer, node_index, tensor_index):
    if len(layer._inbound_nodes) <= node_index:
        raise _NodeNotReady()
    return _flatten(layer._inbound_nodes[node_index].outputs)[tensor_index]


def _strip_recorded_defaults(layer, kwargs):
    """Drop the kwargs `_recorded_kwargs` adds (a default `training`, `mask=None`):
    recorded in a call, they would pin the flag instead of following the model's."""
    params = _call_parameters(layer)
    out = {}
    for key, value in kwargs.items():
        if key == "training" and "training" in params and value == params["training"].default:
            continue
        if (key == "mask" or key.endswith("_mask")) and all(v is None for v in _flatten(value)):
            continue
        out[key] = value
    return out


def _deserialize_node(node_data, created_layers):
    """`(args, kwargs)` of one recorded call, with tensors taken from calls already made."""
    from minikeras.saving.serialization import deserialize_keras_object

    if not node_data:
        return [], {}
    if isinstance(node_data, list):  # the Keras 2 form: [[layer_name, node_index, tensor_index, kwargs], ...]
        tensors, kwargs = [], {}
        for entry in node_data:
            if entry[0] not in created_layers:
                raise ValueError(f"Invalid Functional model configuration. Missing node: {entry[0]}")
            tensors.append(_output_tensor(created_layers[entry[0]], entry[1], entry[2]))
            if len(entry) == 4:
                kwargs = entry[3]
            elif len(entry) != 3:
                raise ValueError("Cannot deserialize the model (invalid config data?)")
        return [tensors[0] if len(tensors) == 1 else tensors], kwargs
    args = deserialize_keras_object(node_data["args"])
    kwargs = deserialize_keras_object(node_data["kwargs"])

    def revive(x):
        history = getattr(x, "_pre_serialization_keras_history", None) if isinstance(x, KerasTensor) else None
        if history is None:
            return x
        if history[0] not in created_layers:
            raise ValueError(f"Unknown layer: {history[0]}")
        return _output_tensor(created_layers[history[0]], history[1], history[2])

    return _map_structure(revive, args), _map_structure(revive, kwargs)


def _deserialize_layer(layer_data, custom_objects):
    from minikeras.layers.layer import Layer
    from minikeras.saving.serialization import deserialize_keras_object, legacy_layer_from_config

    if "module" not in layer_data:
        layer = legacy_layer_from_config(layer_data, custom_objects=custom_objects)
    else:
        layer = deserialize_keras_object(layer_data, custom_objects=custom_objects)
    if not isinstance(layer, Layer):
        raise ValueError(f"Unexpected object from deserialization, expected a layer or operation, got a {type(layer)}")
    return layer


def functional_from_config(cls, config, custom_objects=None):
    """A `cls` (functional model class) rebuilt from `functional_config`'s output.

    Layers are created first; then their calls are replayed in the order of
    the config, postponing any call whose inputs do not exist yet (a layer
    shared at different depths), until every call is made.
    """
    config = dict(config)
    layers_data = config.pop("layers")
    input_layers, output_layers = config.pop("input_layers"), config.pop("output_layers")
    name, trainable = config.pop("name", None), config.pop("trainable", None)

    created, pending = {}, {}
    for layer_data in layers_data:
        layer = _deserialize_layer(layer_data, custom_objects)
        created[layer_data["name"]] = layer
        if layer_data.get("inbound_nodes"):
            pending[layer_data["name"]] = list(layer_data["inbound_nodes"])

    while pending:
        progressed = False
        for layer_data in layers_data:
            key = layer_data["name"]
            if key not in pending:
                continue
            layer, queue = created[key], pending[key]
            done = 0
            for node_data in queue:
                try:
                    args, kwargs = _deserialize_node(node_data, created)
                except _NodeNotReady:
                    break
                layer(*args, **_strip_recorded_defaults(layer, kwargs))
                done += 1
            if done:
                progressed = True
            if done == len(queue):
                del pending[key]
            else:
                pending[key] = queue[done:]
        if not progressed:
            raise ValueError(
                "Invalid Functional model configuration. The graph of the Functional model either has loops "
                f"or disconnected nodes. The following nodes failed to be resolved: {pending}"
            )

    from minikeras.models.functional import Functional

    def tensor(entry):
        layer_name, node_index, tensor_index = entry
        if layer_name not in created:
            raise RuntimeError(f"Internal error: could not find layer {layer_name}.")
        layer = created[layer_name]
        if isinstance(layer, Functional):
            node_index -= 1  # see `functional_config`
        return _flatten(layer._inbound_nodes[node_index].outputs)[tensor_index]

    def tensors(structure):
        if isinstance(structure, list) and len(structure) == 3 and isinstance(structure[0], str):
            return tensor(structure)
        if isinstance(structure, dict):
            return {k: tensors(v) for k, v in structure.items()}
        if isinstance(structure, tuple):
            return tuple(tensors(v) for v in structure)
        return [tensors(v) for v in structure]

    kwargs = {"name": name}
    if trainable is not None:
        kwargs["trainable"] = trainable
    if cls.__name__ == "Model" or not issubclass(cls, Functional):
        cls = Functional
    return cls(inputs=tensors(input_layers), outputs=tensors(output_layers), **kwargs, **config)
