"""The `.keras` archive (Keras 3's format) and `.weights.h5` files.

A `.keras` file is a zip archive with three stored (uncompressed) members:

    metadata.json      {"keras_version": "3.15.1", "date_saved": "YYYY-MM-DD@HH:MM:SS"}
    config.json        the model as `serialize_keras_object` writes it (compile_config included)
    model.weights.h5   every variable, in Keras's HDF5 layout (see `weights_store`)

The archive is assembled in memory and written atomically, so an interrupted
save leaves any previous file untouched. Loading checks what it was given
before trusting it: a zip with exactly the expected members, no
decompression bombs, an HDF5 weights file without links or external data.
"""

import datetime
import io
import json
import os
import warnings
import zipfile

from minikeras.saving import weights_store as ws
from minikeras.saving.atomic import write_bytes_atomically

KERAS_VERSION = "3.15.1"  # the Keras release whose format this is (metadata.json's "keras_version")
CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
VARS_FNAME_H5 = "model.weights.h5"
_ALLOWED_MEMBERS = (CONFIG_FILENAME, METADATA_FILENAME, VARS_FNAME_H5)
_ASSETS_PREFIX = "assets/"
# Keras's guard against decompression bombs: a member declaring more than 4 GiB and
# more than 100x what it stores is refused.
_BOMB_FLOOR_BYTES = 1 << 32
_BOMB_MAX_EXPANSION = 100
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


# -- saving ------------------------------------------------------------------------------------
def serialize_model_as_json(model):
    """`(config_json, metadata_json)` as Keras writes them."""
    from minikeras.saving.serialization import serialize_keras_object

    config_json = json.dumps(serialize_keras_object(model))
    metadata_json = json.dumps({
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    })
    return config_json, metadata_json


def model_archive_bytes(model):
    """The complete `.keras` archive of `model`, as bytes."""
    if not model.built:
        warnings.warn("You are saving a model that has not yet been built. It might not contain any weights "
                      "yet. Consider building the model first by calling it on some data.", stacklevel=3)
    config_json, metadata_json = serialize_model_as_json(model)
    weights = ws.weights_to_h5_bytes(model)
    buffer = io.BytesIO()
    # Keras stores its members uncompressed; so do we (TensorFlow reads either).
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_FILENAME, metadata_json)
        zf.writestr(CONFIG_FILENAME, config_json)
        zf.writestr(VARS_FNAME_H5, weights)
    return buffer.getvalue()


def save_model(model, filepath, zipped=True):
    """Write `model` as a `.keras` archive (or, with `zipped=False`, as a directory of the three files)."""
    if isinstance(filepath, io.IOBase):
        filepath.write(model_archive_bytes(model))
        return
    filepath = os.fspath(filepath)
    if zipped and not str(filepath).endswith(".keras"):
        raise ValueError(f"Invalid `filepath` argument: expected a `.keras` extension. Received: filepath={filepath}")
    if not zipped and str(filepath).endswith(".keras"):
        raise ValueError("When using `zipped=False`, the `filepath` argument should not end in `.keras`. "
                         f"Received: filepath={filepath}")
    if zipped:
        write_bytes_atomically(filepath, model_archive_bytes(model))
        return
    os.makedirs(filepath, exist_ok=True)
    config_json, metadata_json = serialize_model_as_json(model)
    write_bytes_atomically(os.path.join(filepath, METADATA_FILENAME), metadata_json.encode())
    write_bytes_atomically(os.path.join(filepath, CONFIG_FILENAME), config_json.encode())
    write_bytes_atomically(os.path.join(filepath, VARS_FNAME_H5), ws.weights_to_h5_bytes(model))


def save_weights_only(model, filepath):
    """Write the model's variables (optimizer included, as Keras) to a `.weights.h5` file, atomically."""
    if not model.built:
        raise ValueError("You are saving a model that has not yet been built. Try building the model first by "
                         "calling it on some data or by using `build()`.")
    write_bytes_atomically(filepath, ws.weights_to_h5_bytes(model))


# -- inspecting what we were given ---------------------------------------------------------------
def describe_file(filepath):
    """A short description of what a file really is, for error messages."""
    try:
        size = os.path.getsize(filepath)
        with open(filepath, "rb") as f:
            head = f.read(64)
    except OSError as e:
        return f"unreadable ({e})"
    if size == 0:
        return "an empty file (0 bytes)"
    if head.startswith(_HDF5_SIGNATURE):
        return f"an HDF5 file ({size} bytes)"
    if head.startswith(b"PK"):
        return f"a damaged or truncated zip archive ({size} bytes)"
    if head.startswith(b"\x80") and len(head) > 1 and head[1] in range(2, 6):
        return f"a Python pickle ({size} bytes)"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return f"a binary file of {size} bytes starting with {head[:16]!r}"
    return f"a text file of {size} bytes starting with {text[:40]!r}"


def _check_members(zf, source):
    names = zf.namelist()
    unexpected = [n for n in names if n not in _ALLOWED_MEMBERS and not _is_safe_asset(n)]
    if unexpected:
        raise ValueError(
            f"Refusing to load {source}: the archive contains unexpected members {unexpected}. A `.keras` "
            f"archive holds only {list(_ALLOWED_MEMBERS)} (and an `assets/` folder). Found: {names}"
        )
    missing = [n for n in (CONFIG_FILENAME, VARS_FNAME_H5) if n not in names]
    if missing:
        raise ValueError(f"Invalid `.keras` archive {source}: missing {missing}. Found members: {names}")
    for info in zf.infolist():
        if info.file_size > _BOMB_FLOOR_BYTES and info.file_size > _BOMB_MAX_EXPANSION * info.compress_size:
            raise ValueError(
                f"Not allowed: ZIP member '{info.filename}' declares {info.file_size} bytes but only "
                f"{info.compress_size} are stored on disk; refusing to load a potential decompression bomb."
            )


def _is_safe_asset(name):
    parts = name.split("/")
    return name.startswith(_ASSETS_PREFIX) and ".." not in parts and "\\" not in name and not name.startswith("/")


def _read_member(zf, name, source):
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as e:
        raise ValueError(f"Could not read '{name}' from {source}: the archive is corrupted ({e}).") from e


def _open_archive(filepath):
    source = f"'{filepath}'"
    try:
        zf = zipfile.ZipFile(filepath, "r")
    except zipfile.BadZipFile as e:
        raise ValueError(
            f"Could not load {source}: expected a `.keras` archive (a zip file), but found "
            f"{describe_file(filepath)}. ({e})"
        ) from e
    return zf, source


# -- loading -------------------------------------------------------------------------------------
def _model_from_config_json(config_bytes, custom_objects, compile, safe_mode, source):
    from minikeras.saving.serialization import SafeModeScope, deserialize_keras_object

    try:
        config = json.loads(config_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"Invalid `.keras` archive {source}: config.json is not valid JSON ({e}).") from e
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Invalid `.keras` archive {source}: config.json does not describe a model. "
                         f"Found: {str(config)[:200]}")
    if not compile:
        config["compile_config"] = None
    with SafeModeScope(safe_mode):
        model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
    from minikeras.models.model import Model

    if not isinstance(model, Model):
        raise ValueError(f"Invalid `.keras` archive {source}: config.json describes a {type(model).__name__}, "
                         "not a model.")
    _build_subclassed_model(model, config.get("build_config"))
    build_optimizer(model)
    return model


def _build_subclassed_model(model, build_config):
    """Create a subclassed model's weights by calling it once on zeros of its saved input shape.

    Keras's `Model.build` does this with a symbolic call; a functional or
    Sequential model is already built from its graph.
    """
    import numpy as np

    from minikeras import config as config_module
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential

    shape = (build_config or {}).get("input_shape")
    if isinstance(model, (Functional, Sequential)) or shape is None:
        return
    if model.weights and all(layer.built for layer in model._flatten_layers()):
        return

    def zeros(s):
        return np.zeros(tuple(1 if d is None else d for d in s), dtype=config_module.floatx())

    many = isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple))
    model(([zeros(s) for s in shape] if many else zeros(shape)), training=False)


def build_optimizer(model):
    """Create a compiled model's optimizer variables, as Keras does after `compile_from_config`."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(model, "compiled", False) and model.built and not optimizer.built:
        optimizer.build(model.trainable_variables)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a `.keras` archive (or a directory written with `zipped=False`)."""
    if isinstance(filepath, io.IOBase):
        with zipfile.ZipFile(filepath, "r") as zf:
            return _load_from_zip(zf, "the given file object", custom_objects, compile, safe_mode)
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        return _load_from_dir(filepath, custom_objects, compile, safe_mode)
    zf, source = _open_archive(filepath)
    with zf:
        return _load_from_zip(zf, source, custom_objects, compile, safe_mode)


def _load_from_zip(zf, source, custom_objects, compile, safe_mode):
    _check_members(zf, source)
    config_bytes = _read_member(zf, CONFIG_FILENAME, source)
    weights = _read_member(zf, VARS_FNAME_H5, source)
    model = _model_from_config_json(config_bytes, custom_objects, compile, safe_mode, source)
    ws.load_weights_from_h5_bytes(model, weights, source=source)
    return model


def _load_from_dir(dirpath, custom_objects, compile, safe_mode):
    source = f"'{dirpath}'"
    for name in (CONFIG_FILENAME, VARS_FNAME_H5):
        if not os.path.isfile(os.path.join(dirpath, name)):
            raise ValueError(f"Invalid Keras model directory {source}: missing {name}. "
                             f"Found: {sorted(os.listdir(dirpath))}")
    with open(os.path.join(dirpath, CONFIG_FILENAME), "rb") as f:
        model = _model_from_config_json(f.read(), custom_objects, compile, safe_mode, source)
    with open(os.path.join(dirpath, VARS_FNAME_H5), "rb") as f:
        ws.load_weights_from_h5_bytes(model, f.read(), source=source)
    return model


def load_weights_only(model, filepath, skip_mismatch=False):
    """Load variables from a `.weights.h5` file or from the weights inside a `.keras` archive."""
    if not model.built:
        raise ValueError("You are loading weights into a model that has not yet been built. Try building the "
                         "model first by calling it on some data or by using `build()`.")
    filepath = os.fspath(filepath)
    if str(filepath).endswith(".keras"):
        zf, source = _open_archive(filepath)
        with zf:
            _check_members(zf, source)
            data = _read_member(zf, VARS_FNAME_H5, source)
    else:
        source = f"'{filepath}'"
        with open(filepath, "rb") as f:
            data = f.read()
        if not data.startswith(_HDF5_SIGNATURE):
            raise ValueError(f"Could not load weights from {source}: expected an HDF5 `.weights.h5` file, but "
                             f"found {describe_file(filepath)}.")
    # The optimizer's variables exist only once it is built; build it so its state loads too.
    build_optimizer(model)
    ws.load_weights_from_h5_bytes(model, data, source=source, skip_mismatch=skip_mismatch)


# -- pickle and copy.deepcopy of models ----------------------------------------------------------
def unpickle_model(archive):
    """Rebuild a model from `Model.__reduce__`'s archive bytes.

    Unpickling already means trusting the data (pickle can run code), so the
    archive is read with `safe_mode=False`, as Keras does.
    """
    with zipfile.ZipFile(io.BytesIO(archive), "r") as zf:
        return _load_from_zip(zf, "a pickled model", None, True, False)
