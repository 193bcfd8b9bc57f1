"""Variables to and from HDF5, in the layout Keras 3 uses inside `model.weights.h5`.

Keras walks the model like a tree of "saveables" (layers and optimizers) and
gives each one a group named after how it was reached:

    vars                         the model's own variables (attrs: name=<model name>)
    layers/dense/vars/0, /1      the first Dense in `model.layers` (kernel, bias)
    layers/dense_1/vars/...      the second Dense
    layers/batch_normalization/vars/0..3   gamma, beta, moving_mean, moving_variance
    optimizer/vars/0, 1, 2...    iterations, learning_rate, then the slots

Inside a list (like `model.layers`) an item is named by its class in
snake_case, numbered per class (`dense`, `dense_1`...), never by its
user-given name, so files stay interchangeable between two instances of
the same architecture. An attribute holding a layer is named by the
attribute (`encoder/...`). A layer's own variables are numbered trainable
first, then non-trainable, each in creation order. A saveable reached twice
is written once, at the first path.

h5py is imported only when a weights file is actually read or written.
"""

import io
import math
import warnings

import numpy as np

from minikeras.utils.naming import to_snake_case

# Attributes of minikeras's own classes that are bookkeeping, not children
# (Keras skips its base classes' attributes the same way).
_SKIP_ATTRIBUTES = frozenset({
    "_tracked", "_layers", "_layers_list", "_input_layers", "_nodes", "_functional", "_inbound_nodes",
    "_compile_loss", "_compile_metrics", "_loss_tracker", "_metrics", "history", "inputs", "outputs",
    "_inputs_struct", "_outputs_struct", "_input_specs", "input_spec", "_losses", "activity_regularizer",
})
# Keras's guard against HDF5 "shape bombs": a dataset declaring more than 4 GiB
# and more than 1000x the bytes it stores is refused.
_BOMB_FLOOR_BYTES = 1 << 32
_BOMB_MAX_EXPANSION = 1000


def _h5py():
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a declared extra
        raise ImportError("h5py must be installed in order to save or load Keras weights files "
                          "(`pip install h5py`).") from e
    return h5py


# -- the tree of saveables ---------------------------------------------------------------------
def _is_layer(obj):
    from minikeras.layers.layer import Layer

    return isinstance(obj, Layer)


def _is_optimizer(obj):
    from minikeras.optimizers.base_optimizer import Optimizer

    return isinstance(obj, Optimizer)


def _is_saveable(obj):
    return _is_layer(obj) or _is_optimizer(obj)


def _name_key(name):
    """Private attributes are visited last (Keras's order)."""
    return f"~{name}" if name.startswith("_") else name


def _children(obj):
    """`(attribute_name, value)` pairs to walk below `obj`, in Keras's order."""
    if _is_optimizer(obj):
        return []
    from minikeras.models.functional import Functional
    from minikeras.models.model import Model
    from minikeras.models.sequential import Sequential

    out = []
    names = [n for n in vars(obj) if n not in _SKIP_ATTRIBUTES and not n.startswith("__")]
    if isinstance(obj, (Functional, Sequential)):
        out.append(("layers", obj.layers))
    elif isinstance(obj, Model):
        names.append("layers")
    for name in sorted(set(names), key=_name_key):
        value = obj.layers if name == "layers" else obj.__dict__[name]
        if _is_saveable(value) or isinstance(value, (list, tuple, dict)):
            out.append((name, value))
    return out


def _join(path, name):
    return f"{path}/{name}" if path else name


def walk(model):
    """Every saveable below `model` with its path, in the order Keras visits them."""
    visited, ordered = set(), []

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        ordered.append((path, obj))
        for name, child in _children(obj):
            if _is_saveable(child):
                visit(child, _join(path, name))
            else:
                visit_container(child, _join(path, name), set())

    def visit_container(container, path, seen):
        if id(container) in seen:
            return
        seen.add(id(container))
        used = {}
        items = list(container.values()) if isinstance(container, dict) else list(container)
        for item in items:
            if _is_saveable(item):
                visit(item, _join(path, _unique(to_snake_case(type(item).__name__), used)))
            elif isinstance(item, (list, tuple, dict)):
                visit_container(item, _join(path, _unique("container", used)), seen)

    visit(model, "")
    return ordered


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


# -- one saveable's own variables ----------------------------------------------------------------
def own_variables(saveable):
    """The variables Keras numbers `0, 1, ...` for this saveable."""
    if _is_optimizer(saveable):
        return list(saveable.variables)
    own = saveable._own_variables()
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def _has_custom(saveable, method):
    return callable(getattr(type(saveable), method, None)) and not _is_optimizer(saveable)


# -- writing ---------------------------------------------------------------------------------------
def weights_to_h5_bytes(model):
    """The HDF5 file (as bytes) holding every variable of `model` and of its optimizer."""
    h5py = _h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for path, saveable in walk(model):
            group = (f.require_group(path) if path else f).create_group("vars")
            name = getattr(saveable, "name", None)
            if isinstance(name, str):
                group.attrs["name"] = name
            if _has_custom(saveable, "save_own_variables"):
                store = {}
                saveable.save_own_variables(store)
                items = store.items()
            else:
                items = ((str(i), v) for i, v in enumerate(own_variables(saveable)))
            for key, value in items:
                group[key] = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    return buffer.getvalue()


# -- reading ---------------------------------------------------------------------------------------
class _ReadStore:
    """One saveable's `vars` group, read-only, dict-like (what `load_own_variables` receives)."""

    def __init__(self, group, source):
        self._group = group
        self._source = source

    def keys(self):
        return list(self._group.keys()) if self._group is not None else []

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return key in self.keys()

    def __getitem__(self, key):
        if self._group is None or key not in self._group:
            raise KeyError(key)
        return np.asarray(_safe_dataset(self._group, key, self._source))


def _check_link(parent, name, source):
    h5py = _h5py()
    kind = parent.get(name, default=None, getclass=True, getlink=True)
    if kind in (h5py.ExternalLink, h5py.SoftLink):
        raise ValueError(f"Not allowed: H5 file {source} with {kind.__name__} at '{name}'.")


def _safe_group(root, path, source):
    """The group at `path` or None; refuses links (they could point outside the file)."""
    h5py = _h5py()
    current = root
    for part in path.split("/"):
        if part not in current:
            return None
        _check_link(current, part, source)
        current = current[part]
        if not isinstance(current, h5py.Group):
            raise ValueError(f"Invalid H5 file {source}: expected a group at '{path}', found {type(current).__name__}.")
    return current


def _safe_dataset(group, name, source):
    h5py = _h5py()
    _check_link(group, name, source)
    dataset = group[name]
    if not isinstance(dataset, h5py.Dataset):
        raise ValueError(f"Invalid H5 file {source}: expected a dataset at '{name}', found {type(dataset).__name__}.")
    if dataset.external:
        raise ValueError(f"Not allowed: H5 file {source} with external dataset {dataset.external}.")
    if dataset.is_virtual:
        raise ValueError(f"Not allowed: H5 file {source} with virtual dataset '{name}'.")
    declared = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > _BOMB_FLOOR_BYTES and declared > _BOMB_MAX_EXPANSION * stored:
        raise ValueError(f"Not allowed: H5 dataset '{name}' declares {declared} bytes but only {stored} are stored "
                         "on disk; refusing to load a potential decompression/shape bomb.")
    return dataset[()]


def _entry(f, path, source):
    """The `vars` group of `path` (None when the file has none), with Keras's 2.13 fallback."""
    group = _safe_group(f, _join(path, "vars"), source)
    if group is None and path and "_layer_checkpoint_dependencies" in f:
        group = _safe_group(f, _join(path.replace("layers", "_layer_checkpoint_dependencies"), "vars"), source)
    return group


def _load_layer(layer, store):
    variables = own_variables(layer)
    if len(store) != len(variables):
        if not variables and not layer.built:
            raise ValueError(f"Layer '{layer.name}' was never built and thus it doesn't have any variables. However "
                             f"the weights file lists {len(store)} variables for this layer.")
        raise ValueError(f"Layer '{layer.name}' expected {len(variables)} variables, but received {len(store)} "
                         f"variables during loading. Expected: {[v.name for v in variables]}")
    values = [store[str(i)] for i in range(len(variables))]
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(value.shape):
            raise ValueError(f"Layer '{layer.name}': variable '{variable.name}' has shape {tuple(variable.shape)}, "
                             f"but the weights file holds shape {tuple(value.shape)}.")
    for variable, value in zip(variables, values):
        variable.assign(value)


def _load_optimizer(optimizer, store):
    variables = optimizer.variables
    if len(store) != len(variables):
        msg = (f"Skipping variable loading for optimizer '{optimizer.name}', because it has {len(variables)} "
               f"variables whereas the saved optimizer has {len(store)} variables. ")
        if not variables:
            msg += "This is likely because the optimizer has not been called/built yet."
        warnings.warn(msg, stacklevel=4)
        return
    values = [store[str(i)] for i in range(len(variables))]
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(value.shape):
            raise ValueError(f"Optimizer '{optimizer.name}': variable '{variable.name}' has shape "
                             f"{tuple(variable.shape)}, but the weights file holds shape {tuple(value.shape)}.")
    for variable, value in zip(variables, values):
        variable.assign(value)


def load_weights_from_h5_bytes(model, data, source="the weights file", skip_mismatch=False):
    """Assign every variable of `model` (and its optimizer) from an HDF5 file given as bytes.

    Failures are collected; at the end they raise one ValueError listing them
    (or only warn with `skip_mismatch=True`), as Keras does.
    """
    h5py = _h5py()
    if not data.startswith(b"\x89HDF\r\n\x1a\n"):
        raise ValueError(f"Invalid weights in {source}: expected an HDF5 file, found {len(data)} bytes starting "
                         f"with {data[:16]!r}.")
    try:
        f = h5py.File(io.BytesIO(data), "r")
    except OSError as e:
        raise ValueError(f"Invalid weights in {source}: the HDF5 file is truncated or corrupted ({e}).") from e
    errors = []
    with f:
        for path, saveable in walk(model):
            try:
                store = _ReadStore(_entry(f, path, source), source)
                if _has_custom(saveable, "load_own_variables"):
                    saveable.load_own_variables(store)
                elif _is_optimizer(saveable):
                    _load_optimizer(saveable, store)
                else:
                    _load_layer(saveable, store)
                    if callable(getattr(saveable, "finalize_state", None)):
                        saveable.finalize_state()
            except (ValueError, KeyError, OSError) as e:
                if isinstance(e, OSError):
                    e = ValueError(f"the HDF5 data is corrupted ({e})")
                errors.append((saveable, e))
    if errors:
        first, error = errors[0]
        msg = (f"A total of {len(errors)} objects could not be loaded. Example error message for object "
               f"{first}:\n\n{error}\n\nList of objects that could not be loaded:\n{[s for s, _ in errors]}")
        if skip_mismatch:
            warnings.warn(msg, stacklevel=3)
        else:
            raise ValueError(msg)
