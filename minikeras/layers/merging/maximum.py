"""`Maximum` and `maximum`: the elementwise maximum of a list of tensors."""

from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


class Maximum(Merge):
    """`output = max(inputs[0], inputs[1], ...)` elementwise (ties send the gradient to the earlier input)."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.maximum(output, x)
        return output


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`: `maximum([x1, x2])`."""
    return Maximum(**kwargs)(inputs)
