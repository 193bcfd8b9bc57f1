"""`Multiply` and `multiply`: the elementwise product of a list of tensors."""

from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


class Multiply(Merge):
    """`output = inputs[0] * inputs[1] * ...`."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.multiply(output, x)
        return output


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`: `multiply([x1, x2])`."""
    return Multiply(**kwargs)(inputs)
