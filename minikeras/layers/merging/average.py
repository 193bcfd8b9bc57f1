"""`Average` and `average`: the elementwise mean of a list of tensors."""

from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


class Average(Merge):
    """`output = (inputs[0] + ... + inputs[n-1]) / n` (summed first, then divided, as Keras)."""

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return ops.divide(output, len(inputs))


def average(inputs, **kwargs):
    """Functional form of `Average`: `average([x1, x2])`."""
    return Average(**kwargs)(inputs)
