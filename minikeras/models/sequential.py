"""`Sequential`: a plain stack of layers, each feeding the next."""

import numpy as np

from minikeras.layers.core.input_layer import InputLayer
from minikeras.layers.layer import Layer, standardize_shape
from minikeras.models.functional import Functional
from minikeras.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    With an `Input` (or a first layer given `input_shape`/`input_dim`) the
    model is built at once; otherwise it builds on the first data it sees.

    Example:

    ```python
    model = Sequential([Input(shape=(4,)), Dense(10, activation="relu"), Dense(3, activation="softmax")])
    ```
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._layers = []
        object.__setattr__(self, "_functional", None)  # an implementation detail, not a tracked sublayer
        if layers:
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    # -- structure ---------------------------------------------------------------------------
    def add(self, layer, rebuild=True):
        """Add a layer on top of the stack."""
        if not self._layers and getattr(layer, "_input_shape_arg", None) is not None:
            self.add(InputLayer(shape=layer._input_shape_arg), rebuild=False)
        history = getattr(layer, "_keras_history", None)
        if history is not None and isinstance(history[0], InputLayer):
            layer = history[0]
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Only instances of `keras.Layer` can be added to a Sequential model. Received: {layer} "
                f"(of type {type(layer)})"
            )
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model. Update the `name` argument "
                "to pass a unique name."
            )
        if isinstance(layer, InputLayer) and self._layers and isinstance(self._layers[0], InputLayer):
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use input shape "
                f"{self._layers[0].batch_shape}. You cannot add a different Input layer to it."
            )
        self._layers.append(layer)
        self._tracked.append(layer)
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False
            object.__setattr__(self, "_functional", None)

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self._tracked[:] = [t for t in self._tracked if t is not layer]
        self.built = False
        object.__setattr__(self, "_functional", None)
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        self.built = False
        object.__setattr__(self, "_functional", None)
        if self._layers and isinstance(self._layers[0], InputLayer) and len(self._layers) > 1:
            self.build(self._layers[0].batch_shape)

    @property
    def layers(self):
        """The layers, without the input layer (Keras's convention)."""
        return [layer for layer in self._layers if not isinstance(layer, InputLayer)]

    def build(self, input_shape=None):
        """Wire the stack into a functional graph for inputs of `input_shape` (batch axis included)."""
        input_shape = standardize_shape(input_shape)
        if not self._layers:
            raise ValueError(
                f"Sequential model {self.name} cannot be built because it has no layers. Call `model.add(layer)`."
            )
        if isinstance(self._layers[0], InputLayer):
            if self._layers[0].batch_shape != input_shape:
                raise ValueError(
                    f"Sequential model '{self.name}' has already been configured to use input shape "
                    f"{self._layers[0].batch_shape}. You cannot build it with input_shape {input_shape}"
                )
        else:
            input_layer = InputLayer(batch_shape=input_shape, dtype=self._layers[0].compute_dtype)
            self._layers.insert(0, input_layer)
            self._tracked.insert(0, input_layer)
        inputs = self._layers[0].output
        x = inputs
        for layer in self._layers[1:]:
            x = layer(x)
        object.__setattr__(self, "_functional", Functional(inputs=inputs, outputs=x, name=f"{self.name}_graph"))
        self.built = True

    def _build_from_data(self, x):
        """Deferred build: the first data fixes the input shape (batch axis free)."""
        flat = x[0] if isinstance(x, (list, tuple)) else x
        if isinstance(flat, dict):
            raise ValueError(f"Sequential model '{self.name}' takes a single input; received a dict of inputs.")
        shape = (None,) + tuple(np.shape(flat)[1:])
        self.build(shape)

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training)
        if not self._layers:
            raise ValueError(f"Sequential model '{self.name}' has no layers. Add layers with `model.add(layer)`.")
        x = inputs
        for layer in self._layers:
            if isinstance(layer, InputLayer):
                continue
            x = layer(x, training=training) if layer._call_has_training else layer(x)
        return x

    def __call__(self, *args, **kwargs):
        if not self.built and args and not _is_symbolic(args[0]):
            self._build_from_data(args[0] if not isinstance(args[0], (list, tuple)) else np.asarray(args[0]))
        return super().__call__(*args, **kwargs)

    @property
    def inputs(self):
        return self._functional.inputs if self._functional is not None else None

    @property
    def outputs(self):
        return self._functional.outputs if self._functional is not None else None

    @property
    def input_shape(self):
        if self._layers and isinstance(self._layers[0], InputLayer):
            return self._layers[0].batch_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")

    @property
    def output_shape(self):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined outputs yet.")
        return self._functional.outputs[0].shape

    @property
    def output_names(self):
        if self._functional is not None:
            return self._functional.output_names
        return [self.layers[-1].name] if self.layers else ["output"]

    @output_names.setter
    def output_names(self, value):
        pass

    def get_config(self):
        from minikeras.saving.serialization import serialize_keras_object

        layer_configs = [serialize_keras_object(layer) for layer in self._layers]
        config = {"name": self.name, "trainable": self.trainable,
                "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": self.dtype},
                          "registered_name": None},
                "layers": layer_configs}
        if self._layers and isinstance(self._layers[0], InputLayer):
            config["build_input_shape"] = self._layers[0].batch_shape  # Keras omits it when unbuilt
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minikeras.saving.serialization import deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(deserialize_keras_object(layer_config, custom_objects=custom_objects), rebuild=False)
        model._maybe_rebuild()
        if not model.built and config.get("build_input_shape"):
            model.build(config["build_input_shape"])
        return model


def _is_symbolic(x):
    from minikeras.backend.keras_tensor import any_symbolic

    return any_symbolic(x)
