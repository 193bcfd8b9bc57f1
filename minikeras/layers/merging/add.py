"""`Add` and `add`: the elementwise sum of a list of tensors."""

from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


class Add(Merge):
    """`output = inputs[0] + inputs[1] + ...` (same shapes, or broadcastable).

    Example: `Add()([x1, x2])`.
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


def add(inputs, **kwargs):
    """Functional form of `Add`: `add([x1, x2])` is `Add()([x1, x2])`."""
    return Add(**kwargs)(inputs)
