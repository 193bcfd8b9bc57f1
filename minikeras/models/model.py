"""`Model`: a layer that trains (`compile`/`fit`/`evaluate`/`predict`) and describes itself.

`Model(inputs, outputs)` builds a functional model; subclassing `Model` and
writing `call` gives a model whose forward pass is your Python code.
"""

from minikeras.layers.layer import Layer
from minikeras.trainers.trainer import Trainer


def _is_functional_call(args, kwargs):
    return (len(args) >= 2) or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs)


class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features.

    Example:

    ```python
    inputs = minikeras.Input(shape=(4,))
    x = minikeras.layers.Dense(10, activation="relu")(inputs)
    outputs = minikeras.layers.Dense(3, activation="softmax")(x)
    model = minikeras.Model(inputs=inputs, outputs=outputs)
    ```
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_call(args, kwargs):
            from minikeras.models.functional import Functional

            return Functional.__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if type(self) is Model and _is_functional_call(args, kwargs):  # pragma: no cover - routed by __new__
            raise RuntimeError("unreachable")
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        dtype = kwargs.pop("dtype", None)
        if args or kwargs:
            raise TypeError(f"Model.__init__ got unexpected arguments: args={args}, kwargs={list(kwargs)}")
        Layer.__init__(self, name=name, trainable=trainable, dtype=dtype)
        Trainer.__init__(self)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)

    # -- structure ----------------------------------------------------------------------------
    @property
    def layers(self):
        return [layer for layer in self._sublayers()]

    def get_layer(self, name=None, index=None):
        """A layer by `name` or by `index` (in `model.layers` order)."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: index={index}, name={name}.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print Keras 3's summary table: layers, output shapes, parameter counts and totals."""
        from minikeras.utils.summary_utils import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    def to_json(self, **kwargs):
        """The model's config as a JSON string (Keras's `{"class_name", "config", ...}` form)."""
        import json

        from minikeras.saving.serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "layers" in config and "input_layers" in config:
            from minikeras.models.functional import Functional

            return Functional.from_config(config, custom_objects=custom_objects)
        return cls(**config)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save to a `.keras` archive (config, metadata and weights)."""
        from minikeras.saving import saving_api

        return saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        from minikeras.saving import saving_api

        return saving_api.save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        from minikeras.saving import saving_api

        return saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def build(self, input_shape):
        self.built = True

    # -- pickle and copy.deepcopy (scikit-learn's clone and joblib rely on them) -------------------
    # A model travels as its `.keras` archive: config (compile arguments included) and
    # weights (optimizer state included). No Python function is pickled inside the format.
    def __reduce__(self):
        from minikeras.saving.saving_lib import model_archive_bytes, unpickle_model

        return (unpickle_model, (model_archive_bytes(self),))

    def __deepcopy__(self, memo):
        from minikeras.saving.saving_lib import model_archive_bytes, unpickle_model

        copy = unpickle_model(model_archive_bytes(self))
        memo[id(self)] = copy
        return copy
