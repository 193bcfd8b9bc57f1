"""`save_model`, `load_model`, `save_weights`, `load_weights`: choose the format from the path.

`.keras` is Keras 3's archive (`saving_lib`); `.weights.h5` holds variables
only; `.h5`/`.hdf5` are Keras 2 ("legacy") files, which are read
(`h5_legacy`) but no longer written.
"""

import os
import zipfile

from minikeras.saving import saving_lib


def _ask_to_proceed_with_overwrite(filepath):
    """Keras's interactive prompt when `overwrite=False` and the file exists."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save `model` (architecture, weights, optimizer state, compile arguments) to a `.keras` file.

    Args:
        model: the model.
        filepath: a path ending in `.keras` (or a directory with `zipped=False`).
        overwrite: when False and the file exists, ask before overwriting.
        zipped: write a zip archive (default) or an unzipped directory.

    The write is atomic: if it is interrupted, a previous file at `filepath` is left intact.
    """
    kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", False)
    if save_format and not str(filepath).endswith((".h5", ".hdf5", ".keras")):
        raise ValueError("The `save_format` argument is deprecated in Keras 3. Please remove this argument and pass "
                         f"a file path with either `.keras` or `.h5` extension.Received: save_format={save_format}")
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
    if zipped is None:
        zipped = True
    try:
        exists = os.path.exists(filepath)
    except TypeError:
        exists = False
    if exists and not overwrite and not _ask_to_proceed_with_overwrite(filepath):
        return
    if zipped and str(filepath).endswith(".keras"):
        return saving_lib.save_model(model, filepath)
    if not zipped:
        return saving_lib.save_model(model, filepath, zipped=False)
    if str(filepath).endswith((".h5", ".hdf5")):
        raise NotImplementedError(
            "minikeras does not write the legacy HDF5 model format. Save as `.keras` "
            f"(`model.save('model.keras')`), which TensorFlow Keras 3 loads. Received: filepath={filepath}"
        )
    raise ValueError(
        "Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras format "
        "(recommended) or a `.h5` extension. Use `model.export(filepath)` if you want to export a SavedModel for use "
        f"with TFLite/TFServing/etc. Received: filepath={filepath}."
    )


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved with `model.save()` (`.keras`, or a Keras 2 `.h5` file).

    Args:
        filepath: the path.
        custom_objects: `{name: class_or_function}` for custom layers, losses, ...
        compile: compile the loaded model as it was compiled when saved
            (optimizer state included).
        safe_mode: refuse to load anything that would run code from the file
            (a `Lambda` layer's bytecode). Only turn it off for files you trust.

    Raises:
        ValueError: the file is missing, of another kind, truncated or corrupted,
            or names a layer that is not known.
    """
    path = os.fspath(filepath) if not hasattr(filepath, "read") else filepath
    if hasattr(path, "read"):
        return saving_lib.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    is_dir = os.path.isdir(path) and os.path.exists(os.path.join(path, saving_lib.CONFIG_FILENAME))
    if str(path).endswith(".keras") or is_dir:
        if not os.path.exists(path):
            raise ValueError(f"File not found: filepath={path}. Please ensure the file is an accessible `.keras` "
                             "zip file.")
        return saving_lib.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    if str(path).endswith((".h5", ".hdf5")):
        if not os.path.exists(path):
            raise ValueError(f"File not found: filepath={path}.")
        from minikeras.saving import h5_legacy

        return h5_legacy.load_model_from_hdf5(path, custom_objects=custom_objects, compile=compile,
                                              safe_mode=safe_mode)
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        raise ValueError(f"Invalid filename: expected a `.keras` extension. Received: filepath={path}")
    raise ValueError(
        f"File format not supported: filepath={path}. Keras 3 only supports V3 `.keras` files, legacy H5 format "
        "files (`.h5` extension). Note that the legacy SavedModel format is not supported by `load_model()` in "
        "Keras 3."
    )


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Save the model's variables (and its optimizer's) to a `.weights.h5` file, atomically."""
    filepath_str = str(filepath)
    if max_shard_size is not None:
        raise NotImplementedError("Sharded weights (`max_shard_size`) are not supported by minikeras.")
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if not filepath_str.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath_str}")
    try:
        exists = os.path.exists(filepath)
    except TypeError:
        exists = False
    if exists and not overwrite and not _ask_to_proceed_with_overwrite(filepath_str):
        return
    saving_lib.save_weights_only(model, filepath)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Load variables from a `.weights.h5` file, a `.keras` archive or a Keras 2 `.h5` file."""
    filepath_str = str(filepath)
    kwargs.pop("objects_to_skip", None)
    by_name = kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if not os.path.exists(filepath_str):
        raise FileNotFoundError(f"No such file: '{filepath_str}'. Cannot load weights.")
    if filepath_str.endswith((".keras", ".weights.h5")):
        if by_name is not None:
            raise ValueError(f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: {filepath}")
        return saving_lib.load_weights_only(model, filepath, skip_mismatch=skip_mismatch)
    if filepath_str.endswith((".h5", ".hdf5")):
        from minikeras.saving import h5_legacy

        return h5_legacy.load_weights(model, filepath_str, by_name=bool(by_name), skip_mismatch=skip_mismatch)
    raise ValueError(
        f"File format not supported: filepath={filepath}. Keras 3 only supports V3 `.keras` files, `.weights.h5` "
        "files, legacy H5 format files (`.h5` extension), or Orbax checkpoints."
    )
