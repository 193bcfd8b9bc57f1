"""`Concatenate` and `concatenate`: join a list of tensors along one axis."""

from minikeras import ops
from minikeras.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Join the inputs along `axis`; every other axis must match.

    Args:
        axis: the axis to join along (default `-1`).

    Example: `Concatenate()([x1, x2])` with shapes `(b, 3)` and `(b, 5)` gives `(b, 8)`.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self._reshape_required = False

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1 or not isinstance(
                input_shape[0], (tuple, list)):
            raise ValueError(
                f"A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape={input_shape}"
            )
        if all(shape is None for shape in input_shape):
            self.built = True
            return
        # Every shape with the concatenation axis removed must agree (unknown sizes match anything).
        reduced = set()
        for shape in input_shape:
            shape = list(shape)
            if len(shape) > self.axis:
                del shape[self.axis]
            reduced.add(tuple(shape))
        if len(reduced) != 1:
            message = ("A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
                       f"axis. Received: input_shape={list(input_shape)}")
            ranks = {len(s) for s in reduced}
            if len(ranks) != 1:
                raise ValueError(message)
            for i in range(ranks.pop()):
                if len({s[i] for s in reduced if s[i] is not None}) > 1:
                    raise ValueError(message)
        self.built = True

    def _merge_function(self, inputs):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(f"A `Concatenate` layer should be called on a list of inputs. Received: input_shape={input_shape}")
        output_shape = list(input_shape[0])
        for shape in input_shape[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        return tuple(output_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: `concatenate([x1, x2], axis=-1)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
