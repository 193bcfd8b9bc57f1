"""Functional models: a graph of layer calls from `keras.Input`s to outputs."""

import numpy as np

from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.core.input_layer import InputLayer
from minikeras.backend.nest import flatten as _flatten, map_structure as _map_structure
from minikeras.layers.layer import _CheckedInput
from minikeras.models.model import Model
from minikeras.ops.autodiff import Tensor


class Functional(Model):
    """A model defined by its input and output tensors: `Model(inputs, outputs)`.

    The graph is walked once at construction into an ordered list of layer
    calls; calling the model replays that list on concrete arrays.
    """

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        if isinstance(inputs, dict):
            for key, t in inputs.items():
                if not isinstance(t, KerasTensor):
                    raise ValueError(f"All `inputs` values must be KerasTensors. Received: inputs={inputs}")
        for t in _flatten(inputs) + _flatten(outputs):
            if not isinstance(t, KerasTensor):
                raise ValueError(
                    "All `inputs` and `outputs` values must be KerasTensors (the results of "
                    f"`keras.Input` and of layers called on them). Received: {t!r} (of type {type(t).__name__})"
                )
        if isinstance(inputs, list) and len(inputs) == 1 and not isinstance(outputs, (list, dict)):
            pass
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = _flatten(inputs)
        self.outputs = _flatten(outputs)
        self._nodes = self._ordered_nodes()
        self._input_layers = [t._keras_history[0] for t in self.inputs]
        layers, seen = [], set()
        for layer in self._input_layers:
            if id(layer) not in seen:
                seen.add(id(layer))
                layers.append(layer)
        for node in self._nodes:
            if id(node.layer) not in seen:
                seen.add(id(node.layer))
                layers.append(node.layer)
        # Keras orders `model.layers` by graph depth (inputs first); weights, `get_weights()`, the
        # optimizer's slots and the `.keras` weight paths all follow that order, so we must too.
        from minikeras.saving.functional_config import map_graph

        keras_order = map_graph(self.inputs, self._outputs_struct)[1]
        ranked = {id(layer): i for i, layer in enumerate(keras_order)}
        layers.sort(key=lambda layer: ranked.get(id(layer), len(ranked)))
        self._layers_list = layers
        for layer in layers:
            if not any(layer is t for t in self._tracked):
                self._tracked.append(layer)
        self.built = True
        self.input_names = [layer.name for layer in self._input_layers]
        self.output_names = [t._keras_history[0].name for t in self.outputs]
        from minikeras.layers.input_spec import InputSpec

        self.input_spec = None
        self._input_specs = [InputSpec(shape=t.shape, name=layer.name, allow_last_axis_squeeze=True)
                             for t, layer in zip(self.inputs, self._input_layers)]

    def _ordered_nodes(self):
        """Layer calls reachable from the outputs, each after the calls it depends on."""
        order, state = [], {}
        stack = []
        for t in reversed(self.outputs):
            if t._keras_history is None:
                raise ValueError(f"Output tensor {t} was not produced by a layer.")
            layer, index, _ = t._keras_history
            stack.append((layer._inbound_nodes[index], False))
        input_ids = {id(t) for t in self.inputs}
        while stack:
            node, expanded = stack.pop()
            key = id(node)
            if expanded:
                if state.get(key) != "done":
                    state[key] = "done"
                    order.append(node)
                continue
            if state.get(key) == "done":
                continue
            if state.get(key) == "visiting":
                continue
            state[key] = "visiting"
            stack.append((node, True))
            for t in node.input_tensors:
                if id(t) in input_ids:
                    continue
                if t._keras_history is None:
                    raise ValueError(f"Tensor {t} has no history: it was not produced by a layer.")
                layer, index, _ = t._keras_history
                if isinstance(layer, InputLayer):
                    raise ValueError(
                        f"Graph disconnected: cannot find parent for tensor {t}. The following previous "
                        f"inputs were accessed without issue: {[x.name for x in self.inputs]}"
                    )
                parent = layer._inbound_nodes[index]
                if state.get(id(parent)) != "done":
                    stack.append((parent, False))
        return [n for n in order if not isinstance(n.layer, InputLayer)]

    @property
    def layers(self):
        return list(self._layers_list)

    def _standardize_inputs(self, inputs):
        """Match user inputs (array, list, dict) to the model's input tensors, in order."""
        if isinstance(inputs, dict):
            names = self.input_names
            if isinstance(self._inputs_struct, dict):
                keys = list(self._inputs_struct.keys())
                missing = [k for k in keys if k not in inputs and self._inputs_struct[k]._keras_history[0].name not in inputs]
                if missing:
                    raise ValueError(f"Missing data for input {missing[0]!r}. You passed a data dictionary with keys "
                                     f"{list(inputs.keys())}. Expected the following keys: {keys}")
                return [inputs[k] if k in inputs else inputs[self._inputs_struct[k]._keras_history[0].name]
                        for k in keys]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f"Missing data for input {missing[0]!r}. You passed a data dictionary with keys "
                                 f"{list(inputs.keys())}. Expected the following keys: {names}")
            return [inputs[n] for n in names]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self.inputs)} input(s), but it received {len(flat)} input tensors.'
            )
        return flat

    def call(self, inputs, training=None, mask=None):
        from minikeras.layers.input_spec import assert_input_compatibility

        if (type(inputs) is np.ndarray or type(inputs) is Tensor) and len(self.inputs) == 1:
            plan = self._chain_plan()
            if plan is not None:
                return self._call_chain(plan, inputs, training)
        flat = self._standardize_inputs(inputs)
        values = {}
        for t, x, spec, layer in zip(self.inputs, flat, self._input_specs, self._input_layers):
            x = layer._convert_input(x) if not hasattr(x, "dtype") or getattr(x, "dtype", None) != layer.dtype else x
            assert_input_compatibility(spec, x, self.name)
            values[id(t)] = x
        for node in self._nodes:
            args = _map_structure(lambda v: values[id(v)] if isinstance(v, KerasTensor) else v, node.call_args)
            kwargs = _map_structure(lambda v: values[id(v)] if isinstance(v, KerasTensor) else v, node.call_kwargs)
            if node.layer._call_has_training and training is not None:
                # An explicit outer flag overrides one recorded in the graph (Keras's rule),
                # so predict() runs `Dropout(...)(x, training=True)` in inference mode.
                kwargs["training"] = training
            out = node.layer(*args, **kwargs)
            for t, v in zip(_flatten(node.outputs), _flatten(out)):
                values[id(t)] = v
        return _map_structure(lambda t: values[id(t)], self._outputs_struct)

    def _chain_plan(self):
        """`[(layer, input id, output id)]` when every node calls its layer on one tensor and yields one
        (dense stacks and most graphs), else None; made once per graph."""
        cached = self.__dict__.get("_chain_plan_cache")
        if cached is not None and cached.nodes is self._nodes:
            return cached.plan
        plan = []
        for node in self._nodes:
            args, outputs = node.call_args, node.outputs
            if node.call_kwargs or len(args) != 1 or not isinstance(args[0], KerasTensor) or (
                    not isinstance(outputs, KerasTensor)):
                plan = None
                break
            plan.append((node.layer, id(args[0]), id(outputs)))
        if plan is not None and not isinstance(self._outputs_struct, KerasTensor):
            plan = None
        object.__setattr__(self, "_chain_plan_cache", _ChainPlan(self._nodes, plan))
        return plan

    def _call_chain(self, plan, x, training):
        """`call` for one array or Tensor through a `_chain_plan`: the same layer calls, less bookkeeping."""
        from minikeras.layers.input_spec import assert_input_compatibility

        layer = self._input_layers[0]
        if x.dtype != layer.dtype:
            x = layer._convert_input(x)
        spec, checked = self._input_specs[0], self._checked_input
        if checked is None or checked.spec is not spec or checked.shape != x.shape:
            assert_input_compatibility(spec, x, self.name)
            object.__setattr__(self, "_checked_input", _CheckedInput(spec, x.shape))
        values = {id(self.inputs[0]): x}
        for layer, source, target in plan:
            if training is not None and layer._call_has_training:
                values[target] = layer(values[source], training=training)
            else:
                values[target] = layer(values[source])
        return values[id(self._outputs_struct)]

    def compute_output_shape(self, input_shape):
        return _map_structure(lambda t: t.shape, self._outputs_struct)

    def get_config(self):
        from minikeras.saving.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minikeras.saving.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)


class _ChainPlan:
    """A Functional's `_chain_plan` and the node list it was made from (a plain object: saving skips it)."""

    __slots__ = ("nodes", "plan")

    def __init__(self, nodes, plan):
        self.nodes = nodes
        self.plan = plan
