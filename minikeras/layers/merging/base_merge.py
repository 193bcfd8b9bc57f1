"""`Merge`: the base of the layers that combine a list of tensors elementwise (`Add`, `Multiply`...)."""

from minikeras import ops
from minikeras.backend.keras_tensor import KerasTensor
from minikeras.layers.layer import Layer


def broadcast_shapes(shape1, shape2):
    """The shape of an elementwise op on `shape1` and `shape2` (without batch axes), `None` if unknown."""
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    out = list(shape1[: len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1:
            out.append(j)
        elif j == 1 or i == j:
            out.append(i)
        else:
            raise ValueError(f"Inputs have incompatible shapes. Received shapes {tuple(shape1)} and {tuple(shape2)}")
    return tuple(out)


class Merge(Layer):
    """Combine a list of tensors with `_merge_function` (a subclass supplies it).

    Inputs of different ranks are aligned by inserting axes after the batch
    axis, then broadcast against each other.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs):
        raise NotImplementedError

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
                input_shape[0], (tuple, list)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape} (not a list of shapes)"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(f"Cannot merge tensors with different batch sizes. Received tensors with shapes {list(input_shape)}")
        self._output_shape_without_batch(input_shape)  # raises on incompatible shapes
        self._reshape_required = len({len(s) for s in input_shape}) != 1
        self.built = True

    @staticmethod
    def _output_shape_without_batch(input_shapes):
        out = tuple(input_shapes[0][1:]) if input_shapes[0] is not None else None
        for shape in input_shapes[1:]:
            out = broadcast_shapes(out, tuple(shape[1:]) if shape is not None else None)
        return out

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: inputs={inputs} "
                             "(not a list of tensors)")
        if self._reshape_required:
            max_ndim = max(len(x.shape) for x in inputs)
            aligned = []
            for x in inputs:
                for _ in range(max_ndim - len(x.shape)):
                    x = ops.expand_dims(x, 1)
                aligned.append(x)
            inputs = aligned
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        out = self._output_shape_without_batch(input_shape)
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        return (batch,) + tuple(out)

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape([x.shape for x in inputs]), dtype=self.compute_dtype)

    def get_config(self):
        return super().get_config()
