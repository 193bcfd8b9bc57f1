"""Built-in losses (`keras.losses`): a per-sample function and a `LossFunctionWrapper` class each.

The functions return one value per sample (the last axis reduced); the classes
apply the reduction of `Loss` (`sum_over_batch_size` by default). Formulas and
constants are those of Keras 3 on its TensorFlow backend; the cross-entropy
cores live in `minikeras.ops.nn`. The functions themselves are in
`minikeras.losses.functions`; this module holds the classes and re-exports them,
like Keras's `losses/losses.py`.
"""

from minikeras.losses.functions import (  # noqa: F401
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    categorical_hinge,
    circle,
    convert_binary_labels_to_hinge,
    cosine_similarity,
    dice,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
    tversky,
)
from minikeras.losses.loss import Loss, squeeze_or_expand_to_same_rank

_REDUCTION = "sum_over_batch_size"


class LossFunctionWrapper(Loss):
    """A `Loss` made from a per-sample function `fn(y_true, y_pred, **kwargs)`.

    Before calling `fn`, a trailing dimension of size 1 is squeezed (or a rank-1
    partner expanded) so that `(n,)` targets meet `(n, 1)` predictions.

    Args:
        fn: the per-sample loss function.
        reduction: see `Loss`.
        name: name of the instance (default: `loss_function_wrapper`, made unique).
        dtype: see `Loss`.
        **kwargs: passed to `fn` on every call.
    """

    def __init__(self, fn, reduction=_REDUCTION, name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from minikeras.losses import serialize

        config = super().get_config()
        config["fn"] = serialize(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from minikeras.losses import deserialize

            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _Builtin(LossFunctionWrapper):
    """A built-in loss: its config lists its own arguments, not `fn`.

    Subclasses name the `_fn` they wrap and the `_options` (constructor
    arguments forwarded to it, stored as attributes and written to the config).
    """

    _fn = None
    _options = ()
    _config_options = None  # default: all of `_options`

    def __init__(self, reduction, name, dtype, **options):
        super().__init__(type(self)._fn, reduction=reduction, name=name, dtype=dtype, **options)
        for key, val in options.items():
            setattr(self, key, val)

    def get_config(self):
        config = Loss.get_config(self)
        keys = self._options if self._config_options is None else self._config_options
        config.update({k: getattr(self, k) for k in keys})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _builtin(fn):
    return staticmethod(fn)


# -- regression -------------------------------------------------------------------------------


class MeanSquaredError(_Builtin):
    """Mean of squared errors: `loss = mean(square(y_true - y_pred), axis=-1)`, then reduced."""

    _fn = _builtin(mean_squared_error)

    def __init__(self, reduction=_REDUCTION, name="mean_squared_error", dtype=None):
        super().__init__(reduction, name, dtype)


class MeanAbsoluteError(_Builtin):
    """Mean of absolute errors: `loss = mean(abs(y_true - y_pred), axis=-1)`, then reduced."""

    _fn = _builtin(mean_absolute_error)

    def __init__(self, reduction=_REDUCTION, name="mean_absolute_error", dtype=None):
        super().__init__(reduction, name, dtype)


class MeanAbsolutePercentageError(_Builtin):
    """`loss = 100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)`."""

    _fn = _builtin(mean_absolute_percentage_error)

    def __init__(self, reduction=_REDUCTION, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(reduction, name, dtype)


class MeanSquaredLogarithmicError(_Builtin):
    """`loss = mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)`."""

    _fn = _builtin(mean_squared_logarithmic_error)

    def __init__(self, reduction=_REDUCTION, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(reduction, name, dtype)


class CosineSimilarity(_Builtin):
    """`loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=axis)`, in [-1, 1].

    Note: Keras 3.15 leaves `axis` out of `get_config()` (so a reloaded loss
    silently falls back to `axis=-1`); minikeras writes it, so the config
    round-trips and Keras can still read it.
    """

    _fn = _builtin(cosine_similarity)
    _options = ("axis",)

    def __init__(self, axis=-1, reduction=_REDUCTION, name="cosine_similarity", dtype=None):
        super().__init__(reduction, name, dtype, axis=axis)


class Huber(_Builtin):
    """Huber loss, quadratic within `delta` of the target and linear beyond.

    `loss = mean(0.5 * e**2 if |e| <= delta else delta * |e| - 0.5 * delta**2, axis=-1)`,
    with `e = y_pred - y_true`.

    Note: Keras 3.15 leaves `delta` out of `get_config()`; minikeras writes it so
    the config round-trips (Keras can still read it).
    """

    _fn = _builtin(huber)
    _options = ("delta",)

    def __init__(self, delta=1.0, reduction=_REDUCTION, name="huber_loss", dtype=None):
        super().__init__(reduction, name, dtype, delta=delta)


class LogCosh(_Builtin):
    """`loss = mean(log(cosh(y_pred - y_true)), axis=-1)`, computed as `x + softplus(-2x) - log(2)`."""

    _fn = _builtin(log_cosh)

    def __init__(self, reduction=_REDUCTION, name="log_cosh", dtype=None):
        super().__init__(reduction, name, dtype)


# -- hinge ------------------------------------------------------------------------------------


class Hinge(_Builtin):
    """`loss = mean(maximum(1 - y_true * y_pred, 0), axis=-1)`; 0/1 labels become -1/1."""

    _fn = _builtin(hinge)

    def __init__(self, reduction=_REDUCTION, name="hinge", dtype=None):
        super().__init__(reduction, name, dtype)


class SquaredHinge(_Builtin):
    """`loss = mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`; 0/1 labels become -1/1."""

    _fn = _builtin(squared_hinge)

    def __init__(self, reduction=_REDUCTION, name="squared_hinge", dtype=None):
        super().__init__(reduction, name, dtype)


class CategoricalHinge(_Builtin):
    """`loss = maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`."""

    _fn = _builtin(categorical_hinge)

    def __init__(self, reduction=_REDUCTION, name="categorical_hinge", dtype=None):
        super().__init__(reduction, name, dtype)


# -- probabilistic ----------------------------------------------------------------------------


class KLDivergence(_Builtin):
    """`loss = sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to `[epsilon, 1]`."""

    _fn = _builtin(kl_divergence)

    def __init__(self, reduction=_REDUCTION, name="kl_divergence", dtype=None):
        super().__init__(reduction, name, dtype)


class Poisson(_Builtin):
    """`loss = mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""

    _fn = _builtin(poisson)

    def __init__(self, reduction=_REDUCTION, name="poisson", dtype=None):
        super().__init__(reduction, name, dtype)


class BinaryCrossentropy(_Builtin):
    """Binary cross-entropy, averaged over `axis`.

    `loss = mean(-(y log p + (1 - y) log(1 - p)), axis=axis)` with `p` clipped to
    `[epsilon, 1 - epsilon]`; with `from_logits=True` (or a sigmoid output) it is
    computed stably from the logits. `label_smoothing` ls replaces `y` by
    `y (1 - ls) + 0.5 ls`.
    """

    _fn = _builtin(binary_crossentropy)
    _options = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_REDUCTION,
                 name="binary_crossentropy", dtype=None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(_Builtin):
    """Binary focal cross-entropy (Lin et al., 2018).

    `loss = mean(w * (1 - p_t)**gamma * bce, axis=axis)` with
    `p_t = y p + (1 - y)(1 - p)`; `w = y alpha + (1 - y)(1 - alpha)` if
    `apply_class_balancing`, else 1.
    """

    _fn = _builtin(binary_focal_crossentropy)
    _options = ("apply_class_balancing", "alpha", "gamma", "from_logits", "label_smoothing", "axis")
    _config_options = ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma")

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1, reduction=_REDUCTION, name="binary_focal_crossentropy", dtype=None):
        super().__init__(reduction, name, dtype, apply_class_balancing=apply_class_balancing, alpha=alpha,
                         gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(_Builtin):
    """Categorical cross-entropy between one-hot (or soft) targets and predictions.

    `loss = -sum(y * log(p), axis=axis)` with `p` renormalised along `axis` and
    clipped to `[epsilon, 1 - epsilon]`; from the logits (`from_logits=True` or a
    softmax output) it is `-sum(y * log_softmax(z))`. `label_smoothing` ls
    replaces `y` by `y (1 - ls) + ls / num_classes`.
    """

    _fn = _builtin(categorical_crossentropy)
    _options = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_REDUCTION,
                 name="categorical_crossentropy", dtype=None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(_Builtin):
    """Categorical focal cross-entropy: `loss = sum(alpha * (1 - p)**gamma * (-y log p), axis=axis)`.

    `p` is renormalised and clipped as in `CategoricalCrossentropy` (after a
    softmax when `from_logits=True`).
    """

    _fn = _builtin(categorical_focal_crossentropy)
    _options = ("alpha", "gamma", "from_logits", "label_smoothing", "axis")
    _config_options = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=_REDUCTION, name="categorical_focal_crossentropy", dtype=None):
        super().__init__(reduction, name, dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_Builtin):
    """Categorical cross-entropy with integer targets: `loss = -log(p[y_true])`.

    `p` is clipped to `[epsilon, 1 - epsilon]` (no renormalisation); from the
    logits it is `-log_softmax(z)[y_true]`. Targets equal to `ignore_class` are
    masked out: their loss is 0 and they do not count in the mean.
    """

    _fn = _builtin(sparse_categorical_crossentropy)
    _options = ("from_logits", "ignore_class", "axis")
    _config_options = ("from_logits", "ignore_class")  # Keras does not write `axis`

    def __init__(self, from_logits=False, ignore_class=None, reduction=_REDUCTION, axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class CategoricalGeneralizedCrossEntropy(_Builtin):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018): `loss = (1 - p[y_true]**q) / q`, `0 < q < 1`."""

    _fn = _builtin(categorical_generalized_cross_entropy)
    _options = ("q",)

    def __init__(self, q=0.5, reduction=_REDUCTION, name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(reduction, name, dtype, q=q)


# -- segmentation and similarity -----------------------------------------------------------------


class Dice(_Builtin):
    """`loss = 1 - 2 sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)` over `axis`."""

    _fn = _builtin(dice)
    _options = ("axis",)

    def __init__(self, reduction=_REDUCTION, name="dice", axis=None, dtype=None):
        super().__init__(reduction, name, dtype, axis=axis)


class Tversky(_Builtin):
    """`loss = 1 - TP / (TP + alpha FP + beta FN + epsilon)` over `axis` (Salehi et al., 2017)."""

    _fn = _builtin(tversky)
    _options = ("alpha", "beta", "axis")

    def __init__(self, alpha=0.5, beta=0.5, reduction=_REDUCTION, name="tversky", axis=None, dtype=None):
        super().__init__(reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)


class Circle(_Builtin):
    """Circle loss on L2-normalised embeddings (Sun et al., 2020); see `circle`."""

    _fn = _builtin(circle)
    _options = ("gamma", "margin", "remove_diagonal")

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction=_REDUCTION, name="circle", dtype=None):
        super().__init__(reduction, name, dtype, gamma=gamma, margin=margin, remove_diagonal=remove_diagonal)
