"""Turning user data (arrays, lists, pandas, dicts) into batches for fit/evaluate/predict.

Arrays are converted once (floats to floatx; bool and integer features too,
since `pd.get_dummies` gives bool columns); batches are then slices — views
when the order is sequential, one gather per batch when shuffled — so no
per-sample Python runs and no full copy is made per batch.
"""

import math

import numpy as np

from minikeras import config
from minikeras.backend import nest
from minikeras.backend.nest import flatten  # noqa: F401  (callers use `data_adapters.flatten`)
from minikeras.ops.autodiff import Tensor, value

# -- nested structures ----------------------------------------------------------------------


def map_structure(fn, structure):
    """`nest.map_structure` that leaves `None` leaves (no targets, no weights) as `None`."""
    return nest.map_structure(lambda a: None if a is None else fn(a), structure)


# -- conversion ---------------------------------------------------------------------------------


def _is_dataframe_like(x):
    return hasattr(x, "to_numpy") and hasattr(x, "columns") or hasattr(x, "to_numpy") and hasattr(x, "index")


def to_array(x, dtype=None, name="x"):
    """`x` as a NumPy array; numbers (bool, int, float) become `dtype` (default floatx).

    Raises a `ValueError` naming the offending input when it holds text or other
    non-numeric values.
    """
    dtype = dtype or config.floatx()
    if isinstance(x, Tensor):
        x = x.value
    elif hasattr(x, "_value") and hasattr(x, "assign"):
        x = value(x)
    if _is_dataframe_like(x):
        frame = x
        try:
            x = frame.to_numpy(dtype=None)
        except (TypeError, ValueError):
            x = np.asarray(frame)
        if x.dtype == object:
            x = _object_to_numeric(x, name, frame)
    else:
        x = np.asarray(x)
    if x.dtype.kind in "US" or x.dtype == object:
        x = _object_to_numeric(x, name, None)
    if x.dtype.kind in "biuf" and x.dtype != dtype:
        x = x.astype(dtype)
    return x


def _object_to_numeric(x, name, frame):
    try:
        return np.asarray(x, dtype=config.floatx())
    except (TypeError, ValueError):
        pass
    flat = np.asarray(x).reshape(-1)
    bad = next((v for v in flat if not isinstance(v, (int, float, bool, np.number))), None)
    where = ""
    if frame is not None and hasattr(frame, "columns"):
        for col in frame.columns:
            kind = getattr(frame[col].dtype, "kind", "O")
            if kind not in "biuf":
                where = f" (column {col!r} has dtype {frame[col].dtype})"
                break
    raise ValueError(
        f"Invalid dtype for `{name}`: expected numeric data (numbers or booleans), but it contains "
        f"{type(bad).__name__} values such as {bad!r}{where}. Encode text labels as numbers first, e.g. with "
        "`pandas.get_dummies`, `sklearn.preprocessing.LabelEncoder` or `minikeras.utils.to_categorical`."
    )


def convert_inputs(data, dtype=None, name="x"):
    """Convert every leaf of a (nested) structure with `to_array`; pandas frames stay one array."""
    if data is None:
        return None
    if _is_dataframe_like(data):
        return to_array(data, dtype, name)
    if isinstance(data, dict):
        return {k: convert_inputs(v, dtype, f"{name}[{k!r}]") for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        if len(data) and all(isinstance(d, (int, float, bool, np.number)) for d in data):
            return to_array(data, dtype, name)
        if len(data) and all(isinstance(d, (list, tuple)) and d and not isinstance(d[0], (list, tuple, np.ndarray)) for d in data):
            return to_array(data, dtype, name)
        return type(data)(convert_inputs(d, dtype, f"{name}[{i}]") for i, d in enumerate(data))
    return to_array(data, dtype, name)


def check_data_cardinality(x, y, sample_weight):
    sizes = {int(a.shape[0]) for a in flatten((x, y, sample_weight)) if a is not None and np.ndim(a) > 0}
    if len(sizes) > 1:
        msg = "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples."
        for label, data in (("x", x), ("y", y), ("sample_weight", sample_weight)):
            if data is None:
                continue
            shown = ", ".join(str(a.shape[0]) for a in flatten(data) if a is not None)
            msg += f"'{label}' sizes: {shown}\n"
        raise ValueError(msg)
    for a in flatten((x, y, sample_weight)):
        if a is not None and np.ndim(a) == 0:
            raise ValueError(f"Expected arrays with a batch dimension, but received a scalar: {a!r}")
    return sizes.pop() if sizes else 0


def train_validation_split(arrays, validation_split):
    """Split off the last `validation_split` fraction (before any shuffling), as Keras does."""
    flat = [a for a in flatten(arrays) if a is not None]
    n = int(flat[0].shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a validation and "
            f"training set as specified by `validation_split={validation_split}`. Either provide more data, or "
            "a different value for the `validation_split` argument."
        )
    train = map_structure(lambda a: a[:split_at], arrays)
    val = map_structure(lambda a: a[split_at:], arrays)
    return train, val


def class_weight_to_sample_weights(y, class_weight):
    """Per-sample weights `class_weight[class of y_i]` (1.0 for classes not listed).

    The class is the argmax of a one-hot `y`, else the rounded label (Keras's rule).
    """
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    labels = np.round(y).astype(np.int64)
    weights = np.ones(labels.shape[0], dtype=config.floatx())
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


# -- batching -----------------------------------------------------------------------------------


class ArrayBatches:
    """Batches of (x, y, sample_weight) from arrays, in order or shuffled each epoch.

    Args:
        x, y, sample_weight: converted structures of arrays (y and sample_weight may be None).
        batch_size: samples per batch; the last batch may be short.
        shuffle: False, True (a new order each epoch, TensorFlow-compatible when seeded).
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.num_samples = check_data_cardinality(x, y, sample_weight)
        if not batch_size:
            batch_size = int(math.ceil(self.num_samples / steps)) if steps else 32
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.num_batches = int(math.ceil(self.num_samples / self.batch_size)) if self.num_samples else 0
        self._flat_x = flatten(x)
        self._single_x = not isinstance(x, (list, tuple, dict))

    def order(self):
        """This epoch's sample order, or None for the natural order."""
        if not self.shuffle or self.num_samples == 0:
            return None
        from minikeras.random import fit_shuffle_indices

        return fit_shuffle_indices(self.num_samples)

    def batches(self, order=None):
        """Yield `(x, y, sample_weight)` for each batch of one pass over the data."""
        bs, n = self.batch_size, self.num_samples
        x, y, sw = self.x, self.y, self.sample_weight
        if order is None:
            if self._single_x and (y is None or isinstance(y, np.ndarray)) and (sw is None or isinstance(sw, np.ndarray)):
                for start in range(0, n, bs):
                    stop = start + bs
                    yield (x[start:stop], None if y is None else y[start:stop],
                           None if sw is None else sw[start:stop])
                return
            for start in range(0, n, bs):
                s = slice(start, start + bs)
                yield tuple(map_structure(lambda a: a[s], d) for d in (x, y, sw))
            return
        if self._single_x and (y is None or isinstance(y, np.ndarray)) and (sw is None or isinstance(sw, np.ndarray)):
            for start in range(0, n, bs):
                idx = order[start:start + bs]
                yield x[idx], None if y is None else y[idx], None if sw is None else sw[idx]
            return
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            yield tuple(map_structure(lambda a: a[idx], d) for d in (x, y, sw))
