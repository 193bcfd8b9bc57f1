"""Reading Keras 2 ("legacy") HDF5 files: whole models (`.h5`) and weights (`.h5` / `.hdf5`).

A legacy model file keeps the model's JSON config in the root attribute
`model_config`, the compile arguments in `training_config`, and the weights in

    model_weights/                 attrs: layer_names = [names of the layers, in model.layers order]
    model_weights/<layer>/         attrs: weight_names = ["<layer>/kernel", ...]
    model_weights/<layer>/<layer>/kernel    the values (trainable weights first)
    optimizer_weights/             attrs: weight_names, the optimizer's variables in order

A weights-only file is the `model_weights` group alone, at the root. Weights
are matched to layers by order (only layers that have weights count) or, with
`by_name=True`, by layer name. minikeras reads this format; it writes `.keras`.
"""

import json
import warnings

import numpy as np

from minikeras.saving import weights_store as ws

_MODEL_CLASSES = {"Sequential": ("keras", None), "Functional": ("keras.src.models.functional", "Functional"),
                  "Model": ("keras.src.models.functional", "Functional")}


def _text(value):
    return value.decode("utf-8") if hasattr(value, "decode") else value


def _attr_list(group, name):
    """A string-list attribute, also when Keras split it into `name0`, `name1`... chunks."""
    if name in group.attrs:
        return [_text(n) for n in group.attrs[name]]
    out, chunk = [], 0
    while f"{name}{chunk}" in group.attrs:
        out.extend(_text(n) for n in group.attrs[f"{name}{chunk}"])
        chunk += 1
    return out


# -- Keras 2 configs into Keras 3's form -----------------------------------------------------------
def upgrade_layer_config(config):
    """A layer or model config written by Keras 2 (no `"module"`), in the form minikeras deserializes."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"The provided configuration is not a valid Keras configuration. Expected a dictionary "
                         f"containing a 'config' key. Received: config={config}")
    config = dict(config)
    inner = dict(config.get("config") or {})
    class_name = config["class_name"]
    if "module" not in config:
        module, registered = _MODEL_CLASSES.get(class_name, ("keras.layers", None))
        config["module"], config["registered_name"] = module, registered
        if class_name == "Model":
            config["class_name"] = "Functional"
    batch_input_shape = inner.pop("batch_input_shape", None)
    if batch_input_shape is not None:
        inner["batch_shape" if class_name == "InputLayer" else "batch_input_shape"] = batch_input_shape
    axis = inner.get("axis")
    if isinstance(axis, list) and len(axis) == 1:
        inner["axis"] = int(axis[0])
    if isinstance(inner.get("layers"), list):
        layers = []
        for layer in inner["layers"]:
            upgraded = upgrade_layer_config(layer)
            for key in ("name", "inbound_nodes"):  # a functional model's per-layer graph entries
                if key in layer:
                    upgraded[key] = layer[key]
            layers.append(upgraded)
        inner["layers"] = layers
    config["config"] = inner
    return config


def _compile_args(training_config, custom_objects):
    from minikeras import losses, metrics, optimizers

    optimizer = optimizers.deserialize(training_config["optimizer_config"], custom_objects=custom_objects)

    def revive(value, kind):
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, list):
            return [revive(v, kind) for v in value]
        if isinstance(value, dict) and "class_name" in value:
            return (losses if kind == "loss" else metrics).deserialize(value, custom_objects=custom_objects)
        if isinstance(value, dict):
            return {k: revive(v, kind) for k, v in value.items()}
        return value

    return {
        "optimizer": optimizer,
        "loss": revive(training_config.get("loss"), "loss"),
        "metrics": revive(training_config.get("metrics"), "metric"),
        "weighted_metrics": revive(training_config.get("weighted_metrics"), "metric"),
        "loss_weights": training_config.get("loss_weights"),
    }


# -- weights ------------------------------------------------------------------------------------
def _legacy_weights(layer):
    return layer.trainable_weights + layer.non_trainable_weights


def _layer_values(group, name, source):
    layer_group = ws._safe_group(group, name, source)
    if layer_group is None:
        raise ValueError(f"Invalid legacy weights file {source}: no group for layer '{name}'.")
    return [np.asarray(ws._safe_dataset(layer_group, w, source)) for w in _attr_list(layer_group, "weight_names")]


def _set_weights(variables, values, what, skip_mismatch):
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(value.shape):
            msg = (f"Shape mismatch in {what} for weight {variable.path}. Weight expects shape "
                   f"{tuple(variable.shape)}. Received saved weight with shape {tuple(value.shape)}")
            if skip_mismatch:
                warnings.warn("Skipping loading weights: " + msg, stacklevel=3)
                continue
            raise ValueError(msg)
        variable.assign(value)


def load_weights_from_group(group, model, skip_mismatch=False, source="the file"):
    """Topological loading: the i-th layer with weights in the file goes to the i-th in `model.layers`."""
    layers = [layer for layer in model.layers if _legacy_weights(layer)]
    names = [n for n in _attr_list(group, "layer_names")
             if _attr_list(ws._safe_group(group, n, source) or group, "weight_names")]
    if len(names) != len(layers):
        raise ValueError(f"Layer count mismatch when loading weights from file. Model expected {len(layers)} "
                         f"layers, found {len(names)} saved layers.")
    for k, (name, layer) in enumerate(zip(names, layers)):
        values = _layer_values(group, name, source)
        variables = _legacy_weights(layer)
        if len(values) != len(variables):
            raise ValueError(f"Weight count mismatch for layer #{k} (named {layer.name} in the current model, "
                             f"{name} in the save file). Layer expects {len(variables)} weight(s). Received "
                             f"{len(values)} saved weight(s)")
        _set_weights(variables, values, f"layer #{k} (named {layer.name})", skip_mismatch)


def load_weights_from_group_by_name(group, model, skip_mismatch=False, source="the file"):
    """Name-based loading: each saved layer goes to the model layer of the same name (others are skipped)."""
    by_name = {layer.name: layer for layer in model.layers}
    for name in _attr_list(group, "layer_names"):
        layer = by_name.get(name)
        if layer is None:
            continue
        values = _layer_values(group, name, source)
        variables = _legacy_weights(layer)
        if len(values) != len(variables):
            msg = (f"Weight count mismatch for layer {layer.name}. Layer expects {len(variables)} weight(s). "
                   f"Received {len(values)} saved weight(s)")
            if skip_mismatch:
                warnings.warn("Skipping loading weights: " + msg, stacklevel=2)
                continue
            raise ValueError(msg)
        _set_weights(variables, values, f"layer {layer.name}", skip_mismatch)


def _open(filepath):
    h5py = ws._h5py()
    try:
        return h5py.File(filepath, "r")
    except OSError as e:
        from minikeras.saving.saving_lib import describe_file

        raise ValueError(f"Could not read '{filepath}' as an HDF5 file: found {describe_file(filepath)}.") from e


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    """`model.load_weights` for a legacy `.h5` file (a weights file, or a whole-model file)."""
    source = f"'{filepath}'"
    with _open(filepath) as f:
        group = f
        if "layer_names" not in f.attrs and "model_weights" in f:
            group = ws._safe_group(f, "model_weights", source)
        if "layer_names" not in group.attrs:
            raise ValueError(f"{source} is an HDF5 file but not a Keras weights file: it has no 'layer_names'. "
                             f"Found groups: {list(f.keys())}")
        if by_name:
            load_weights_from_group_by_name(group, model, skip_mismatch, source)
        else:
            load_weights_from_group(group, model, skip_mismatch, source)


def load_model_from_hdf5(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model (compiled, optimizer state restored) from a Keras 2 `.h5` model file."""
    from minikeras.saving.serialization import SafeModeScope, deserialize_keras_object

    source = f"'{filepath}'"
    with _open(filepath) as f:
        model_config = f.attrs.get("model_config")
        if model_config is None:
            raise ValueError(f"No model config found in the file at {filepath}.")
        config = upgrade_layer_config(json.loads(_text(model_config)))
        with SafeModeScope(safe_mode):
            model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
        load_weights_from_group(ws._safe_group(f, "model_weights", source), model, source=source)
        if not compile:
            return model
        training_config = f.attrs.get("training_config")
        if training_config is None:
            warnings.warn("No training configuration found in the save file, so the model was *not* compiled. "
                          "Compile it manually.", stacklevel=2)
            return model
        model.compile(**_compile_args(json.loads(_text(training_config)), custom_objects))
        if "optimizer_weights" in f:
            group = ws._safe_group(f, "optimizer_weights", source)
            values = [np.asarray(ws._safe_dataset(group, n, source)) for n in _attr_list(group, "weight_names")]
            model.optimizer.build(model.trainable_variables)
            try:
                if len(values) != len(model.optimizer.variables):
                    raise ValueError("count mismatch")
                model.optimizer.set_weights(values)
            except ValueError:
                warnings.warn("Error in loading the saved optimizer state. As a result, your model is starting with "
                              "a freshly initialized optimizer.", stacklevel=2)
    return model
