"""`Minimum` and `minimum`: the elementwise minimum of a list of tensors."""

from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


class Minimum(Merge):
    """`output = min(inputs[0], inputs[1], ...)` elementwise (ties send the gradient to the earlier input)."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.minimum(output, x)
        return output


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`: `minimum([x1, x2])`."""
    return Minimum(**kwargs)(inputs)
