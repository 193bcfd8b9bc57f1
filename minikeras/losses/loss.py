"""The `Loss` base class and the reduction arithmetic every loss shares (`keras.losses.Loss`).

A loss is a per-sample function `call(y_true, y_pred) -> losses` plus a
reduction that turns the per-sample values into the number that is minimised:

    weighted = losses * sample_weight           (sample_weight merged with any mask)
    "sum"                          -> sum(weighted)
    "sum_over_batch_size", "mean"  -> sum(weighted) / size(losses)
    "mean_with_sample_weight"      -> sum(weighted) / sum(sample_weight)
    "none", None                   -> weighted, unreduced

Divisions are "no NaN" (0 / 0 = 0), as Keras's. A mask on the predictions (or
one produced by the loss, e.g. `ignore_class`) acts as a sample weight; under
"sum_over_batch_size"/"mean" the masked-in entries are re-weighted by
`total / valid`, so the result is the mean over the valid entries only.
"""

import weakref

import numpy as np

from minikeras import config, ops
from minikeras.ops.autodiff import Tensor, VariableBase, as_input, value
from minikeras.ops.nn import KerasArray, softmax_cross_entropy_mean
from minikeras.utils.naming import auto_name, to_snake_case

ALLOWED_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


class Loss:
    """Loss base class: subclass it and write `call(y_true, y_pred)`.

    Args:
        name: name of the loss instance (default: the snake-cased class name,
            made unique: `loss`, `loss_1`...).
        reduction: `"sum_over_batch_size"` (default), `"sum"`, `"mean"`,
            `"mean_with_sample_weight"`, `"none"` or `None`.
        dtype: the dtype the inputs are cast to and the loss computed in
            (default: `minikeras.config.floatx()` at construction time). A dtype
            policy (anything with `compute_dtype`) is accepted too.

    Example:

    ```python
    class MeanSquaredError(Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.square(y_pred - y_true), axis=-1)
    ```
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or auto_name(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = _compute_dtype(dtype)

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        fused = _fused_categorical_crossentropy(self, y_true, y_pred, sample_weight)
        if fused is not None:
            return fused
        in_mask = get_keras_mask(y_pred)
        y_pred = convert_input(y_pred, self.dtype, "y_pred", self.name)
        y_true = convert_input(y_true, self.dtype, "y_true", self.name)
        losses = self.call(y_true, y_pred)
        out_mask = get_keras_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = np.logical_and(_bool(in_mask), _bool(out_mask))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, mask=mask, reduction=self.reduction, dtype=self.dtype
        )

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_CCE_DEFAULTS = {"from_logits": False, "label_smoothing": 0.0, "axis": -1}


def _fused_categorical_crossentropy(loss, y_true, y_pred, sample_weight):
    """The common case of `fit` as one fused op, or None when it does not apply.

    Categorical cross-entropy on a softmax output (its remembered logits) or on
    logits, under the default reduction, without sample weights or masks, is
    `ops.nn.softmax_cross_entropy_mean(y_true, logits)`: the same operations in
    the same order as the general path below, recorded as one tape node.
    """
    if sample_weight is not None or loss.reduction not in ("sum_over_batch_size", "mean"):
        return None
    fn = getattr(loss, "fn", None)
    if fn is None or fn is not _categorical_crossentropy_fn():
        return None
    options = loss._fn_kwargs
    if any(k not in _CCE_DEFAULTS for k in options) or options.get("label_smoothing", 0.0) or (
            options.get("axis", -1) != -1):
        return None
    logits = getattr(y_pred, "_keras_logits", None)
    if logits is None:
        if not options.get("from_logits", False):
            return None
        logits = y_pred
    if type(y_true) is not np.ndarray or get_keras_mask(y_pred) is not None:
        return None
    p, z = value(y_pred), value(as_input(logits))
    dtype = np.dtype(loss.dtype)
    if not (isinstance(p, np.ndarray) and isinstance(z, np.ndarray) and p.dtype == dtype and z.dtype == dtype
            and y_true.dtype == dtype and z.ndim == 2 and y_true.shape == p.shape == z.shape and z.shape[-1] > 1):
        return None
    return softmax_cross_entropy_mean(y_true, logits)


def _categorical_crossentropy_fn():
    from minikeras.losses.functions import categorical_crossentropy

    return categorical_crossentropy


def _compute_dtype(dtype):
    if dtype is None:
        return config.floatx()
    compute = getattr(dtype, "compute_dtype", None)
    if compute is not None:
        return config.standardize_dtype(compute)
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        return config.standardize_dtype(dtype[len("mixed_"):])
    return config.standardize_dtype(dtype)


def standardize_reduction(reduction):
    """Validate `reduction` (one of `ALLOWED_REDUCTIONS`)."""
    if reduction not in ALLOWED_REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{set(ALLOWED_REDUCTIONS)}. Received: reduction={reduction}"
        )
    return reduction


# -- input conversion -------------------------------------------------------------------------


def _non_numeric_error(a, what, loss_name):
    sample = a.reshape(-1)[:3].tolist()
    where = f"Loss '{loss_name}'" if loss_name else "This loss"
    return ValueError(
        f"{where} expects numeric `{what}`, but received an array of dtype {a.dtype} "
        f"(first values: {sample}). Encode string labels as integers (or one-hot vectors) first, "
        "for example with keras.layers.StringLookup or sklearn's LabelEncoder."
    )


def convert_input(x, dtype=None, what="y_pred", loss_name=None):
    """`x` as an array (or recorded Tensor) of `dtype`, keeping Keras's softmax/sigmoid logits link.

    With `dtype=None` float inputs keep their dtype and Python lists become
    floatx (as `ops.convert_to_tensor`). A same-dtype array is returned as is,
    so an output of `ops.softmax` still carries its `_keras_logits`; a cast
    drops them (a new tensor, as in TensorFlow).
    """
    if x is None:
        raise ValueError(f"Expected `{what}` to be an array of numbers, but received None.")
    x = as_input(x)
    if isinstance(x, VariableBase):
        x = value(x)
    if isinstance(x, Tensor):
        if dtype is not None and x.dtype != np.dtype(dtype):
            return ops.cast(x, dtype)
        return x
    if isinstance(x, np.ndarray):
        a = x
    else:
        try:
            a = np.asarray(x)
        except ValueError as exc:  # ragged nested lists
            raise ValueError(f"Could not convert `{what}` to an array: {exc}") from None
        if dtype is None and a.dtype == np.float64:
            a = a.astype(config.floatx())
    if a.dtype.kind not in "biuf":
        raise _non_numeric_error(a, what, loss_name)
    if dtype is not None and a.dtype != np.dtype(dtype):
        a = a.astype(dtype)
    return a


def cast_like(x, dtype, what="y_true", loss_name=None):
    """`ops.cast(x, dtype)` with a clear error for non-numeric input."""
    x = convert_input(x, None, what, loss_name) if not isinstance(x, (Tensor, np.ndarray)) else x
    if isinstance(x, np.ndarray) and x.dtype.kind not in "biuf":
        raise _non_numeric_error(x, what, loss_name)
    if np.dtype(value(x).dtype) == np.dtype(dtype):
        return x
    return ops.cast(x, dtype)


# -- masks ------------------------------------------------------------------------------------

_TENSOR_MASKS = weakref.WeakKeyDictionary()


def get_keras_mask(x):
    """The mask attached to `x` (Keras's `_keras_mask`), or None."""
    if isinstance(x, Tensor):
        return _TENSOR_MASKS.get(x)
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x, mask):
    """Attach `mask` to `x`; returns `x` (an array comes back as a view that can carry it)."""
    if isinstance(x, Tensor):
        _TENSOR_MASKS[x] = mask
        return x
    if not isinstance(x, KerasArray):
        x = np.asarray(x).view(KerasArray)
    x._keras_mask = mask
    return x


def _bool(mask):
    return np.asarray(value(mask)).astype(bool)


# -- shapes -----------------------------------------------------------------------------------


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks agree when they differ by one trailing dimension of size 1.

    If one argument has one more dimension than the other and that last
    dimension is 1, it is squeezed, except that a rank-1 partner is expanded
    instead when `expand_rank_1` (so `(n,)` against `(n, 1)` gives `(n, 1)`).
    Any other rank difference is left alone.
    """
    s1, s2 = np.shape(value(x1)), np.shape(value(x2))
    r1, r2 = len(s1), len(s2)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and s1[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and s2[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def check_broadcastable(a, b, a_name, b_name, context):
    """Raise a clear `ValueError` when `a` and `b` cannot be combined elementwise."""
    sa, sb = np.shape(value(a)), np.shape(value(b))
    try:
        np.broadcast_shapes(sa, sb)
    except ValueError:
        raise ValueError(
            f"{context}: incompatible shapes. Received: {a_name}.shape={sa}, {b_name}.shape={sb}. "
            f"Expected shapes that are equal or broadcastable to each other."
        ) from None


# -- reductions -------------------------------------------------------------------------------


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Apply `reduction` to already-weighted per-sample `values`."""
    shape = np.shape(value(values))
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    loss = ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        dtype = value(loss).dtype
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = np.asarray(np.sum(value(sample_weight)), dtype=dtype)
        else:
            divisor = np.asarray(int(np.prod(shape)), dtype=dtype)
        loss = ops.divide_no_nan(loss, divisor)
    return loss


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean `mask` into `sample_weight` (see the module docstring for the weights)."""
    if mask is None:
        return sample_weight
    mask = _bool(mask)
    if reduction in ("mean", "sum_over_batch_size"):
        total = np.asarray(mask.size, dtype=dtype)
        valid = np.asarray(mask.sum(), dtype=dtype)
        mask_weight = total / valid if valid != 0 else np.zeros((), dtype)
        float_mask = np.where(mask, mask_weight, np.zeros((), dtype)).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    check_broadcastable(float_mask, sample_weight, "mask", "sample_weight", "Cannot apply the mask to `sample_weight`")
    return ops.multiply(sample_weight, float_mask)


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None):
    """Weight per-sample `values` by `sample_weight` (and `mask`), then reduce."""
    reduction = standardize_reduction(reduction)
    values = convert_input(values, dtype, "losses")
    if sample_weight is not None:
        sample_weight = convert_input(sample_weight, dtype, "sample_weight")
    values_dtype = value(values).dtype
    sample_weight = apply_mask(sample_weight, mask, values_dtype, reduction)
    if sample_weight is not None:
        sample_weight = cast_like(sample_weight, values_dtype, "sample_weight")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        check_broadcastable(
            values, sample_weight, "losses", "sample_weight",
            "`sample_weight` must be broadcastable to the per-sample losses",
        )
        values = ops.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)
