"""Python operators on symbolic tensors (`x + y`, `-x`, `x[:, 0]`) as functional-graph nodes."""

from minikeras import ops
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.layer import Layer


class OpLayer(Layer):
    """A node that applies `minikeras.ops.<op_name>` to its (symbolic) arguments."""

    def __init__(self, op_name, constants=None, kwargs=None, **layer_kwargs):
        super().__init__(name=layer_kwargs.pop("name", None) or None, **layer_kwargs)
        self.op_name = op_name
        self.constants = constants or {}
        self.op_kwargs = kwargs or {}
        self.built = True

    def call(self, inputs):
        args = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        for index, const in self.constants.items():
            args.insert(index, const)
        return getattr(ops, self.op_name)(*args, **self.op_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update({"op_name": self.op_name, "kwargs": self.op_kwargs})
        return config


def symbolic_op(op_name, args, kwargs=None):
    """Record `ops.<op_name>(*args)` where some args are KerasTensors."""
    tensors = [a for a in args if isinstance(a, KerasTensor)]
    constants = {i: a for i, a in enumerate(args) if not isinstance(a, KerasTensor)}
    layer = OpLayer(op_name, constants=constants, kwargs=kwargs)
    return layer(tensors if len(tensors) > 1 else tensors[0])
