"""`BatchNormalization`: normalise with the batch's statistics in training, moving averages in inference."""

from minikeras import constraints, initializers, ops, regularizers
from minikeras import config as _config
from minikeras.layers.input_spec import InputSpec
from minikeras.layers.layer import Layer
from minikeras.ops.autodiff import value


def normalize_affine(x, mean, variance, scale, offset, epsilon):
    """`(x - mean) / sqrt(variance + epsilon) * scale + offset`, in TensorFlow's order of operations.

    TF (`tf.nn.batch_normalization`) folds the scale into the inverse standard
    deviation first, `inv = scale / sqrt(variance + epsilon)`, then computes
    `x * inv + (offset - mean * inv)`; following the same order gives the same
    float32 rounding. `scale`/`offset` may be `None`. Differentiable in every argument.
    """
    inv = ops.divide(1.0, ops.sqrt(ops.add(variance, epsilon)))
    if scale is not None:
        inv = ops.multiply(inv, scale)
    shift = ops.negative(ops.multiply(mean, inv))
    if offset is not None:
        shift = ops.add(shift, offset)
    return ops.add(ops.multiply(x, inv), shift)


def moments(x, axes):
    """Mean and biased variance over `axes` (kept), as `tf.nn.moments`.

    The variance uses the mean with its gradient stopped, like TF: the
    gradient is the same (d var / d mean = 0), and so is its rounding.
    """
    mean = ops.mean(x, axis=axes, keepdims=True)
    variance = ops.mean(ops.square(ops.subtract(x, ops.stop_gradient(mean))), axis=axes, keepdims=True)
    return mean, variance


def _clone_initializer(initializer):
    """A fresh copy of a configurable initializer (so a seeded one does not repeat its draw)."""
    if hasattr(initializer, "get_config") and hasattr(type(initializer), "from_config"):
        return type(initializer).from_config(initializer.get_config())
    return initializer


def _serialize_or_none(module, obj):
    return module.serialize(obj) if obj is not None else None


class BatchNormalization(Layer):
    """Normalise the inputs over every axis but `axis`.

    Training (`training=True`, as in `fit`), with the current batch's mean `μ_B`
    and biased variance `σ²_B`:

        y = gamma * (x - μ_B) / sqrt(σ²_B + epsilon) + beta
        moving_mean     = moving_mean     * momentum + μ_B  * (1 - momentum)
        moving_variance = moving_variance * momentum + σ²_B * (1 - momentum)

    Inference (`training=False` or unset, as in `predict`/`evaluate`):

        y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta

    A layer with `trainable=False` always runs in inference mode (Keras 3).

    Args:
        axis: the features axis (int), e.g. `-1` or `1` for channels-first.
        momentum: momentum of the moving averages.
        epsilon: added to the variance before the square root.
        center: whether to learn the offset `beta`.
        scale: whether to learn the scale `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
            moving_variance_initializer: initializers (zeros, ones, zeros, ones).
        beta_regularizer, gamma_regularizer: optional weight penalties.
        beta_constraint, gamma_constraint: optional weight constraints.
        renorm: use Batch Renormalization (Ioffe 2017): the batch statistics are
            corrected towards moving ones by `r = σ_B / σ_renorm` and
            `d = (μ_B - μ_renorm) / σ_renorm` (gradients stopped), i.e.
            `y = ((x - μ_B) / σ_B * r + d) * gamma + beta`.
        renorm_clipping: dict with optional `"rmax"`, `"rmin"`, `"dmax"` clipping `r` and `d`.
        renorm_momentum: momentum of the renorm statistics.
        synchronized: only meaningful for multi-device TensorFlow; accepted
            (as Keras's TensorFlow backend does) and without effect on one device.

    Weights, in this order: `gamma`, `beta` (trainable), `moving_mean`,
    `moving_variance` (non-trainable), plus `moving_stddev`, `renorm_mean`,
    `renorm_stddev` with `renorm=True`.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)
        # Keras's TF backend accepts `synchronized`; on one device it changes nothing, so it is kept for the config.
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            keys = ["rmax", "rmin", "dmax"]
            if set(renorm_clipping) - set(keys):
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping` argument: {renorm_clipping}. "
                    f"Supported values: {keys}."
                )
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in ("rmax", "rmin", "dmax"))
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    "rmax should be greater than rmin in the `renorm_clipping` argument. "
                    f"Received: rmax={rmax}, rmin={rmin}."
                )
            if dmax is not None and dmax < 0:
                raise ValueError(
                    f"dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}."
                )
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {tuple(input_shape)}. Received: axis={self.axis}"
            )
        shape = (input_shape[self.axis],)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean", initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            # Renorm tracks standard deviations; they start at sqrt of the variance initializer.
            def stddev_initializer(shape, dtype=None):
                return ops.sqrt(_clone_initializer(self.moving_variance_initializer)(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(shape=shape, name="moving_stddev", initializer=stddev_initializer,
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(shape=shape, name="renorm_mean",
                                               initializer=_clone_initializer(self.moving_mean_initializer),
                                               trainable=False, autocast=False)
            self.renorm_stddev = self.add_weight(shape=shape, name="renorm_stddev", initializer=stddev_initializer,
                                                 trainable=False, autocast=False)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: input_shape[self.axis]})
        self._reduction_axes = tuple(i for i in range(ndim) if i != self.axis % ndim)
        self.built = True

    def compute_output_shape(self, input_shape):
        if self.axis >= len(input_shape) or self.axis < -len(input_shape):
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {tuple(input_shape)}. Received: axis={self.axis}"
            )
        return input_shape

    def _broadcast(self, v, ndim):
        """A per-channel vector reshaped to broadcast against rank-`ndim` inputs along `axis`."""
        if v is None or self.axis % ndim == ndim - 1:
            return v
        shape = [1] * ndim
        shape[self.axis] = -1
        return ops.reshape(v, tuple(shape))

    def call(self, inputs, training=None, mask=None):
        ndim = len(inputs.shape)
        if mask is not None and len(mask.shape) != ndim - 1:
            raise ValueError(
                "The mask provided should be one dimension less than the inputs. Received: "
                f"mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}"
            )
        dtype = value(inputs).dtype
        if dtype.kind != "f" or dtype.itemsize < 4:
            # Statistics in at least float32 (float16 would overflow), as Keras.
            inputs = ops.cast(inputs, "float32")
            dtype = value(inputs).dtype
        gamma = ops.cast(self.gamma, dtype) if self.scale else None
        beta = ops.cast(self.beta, dtype) if self.center else None
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            if self.renorm:
                gamma, beta = self._renorm_transform(mean, variance, gamma, beta, dtype)
                self._update_renorm_statistics(mean, variance)
            else:
                self._update_moving(self.moving_mean, mean, self.momentum)
                self._update_moving(self.moving_variance, variance, self.momentum)
        else:
            mean = ops.cast(self.moving_mean, dtype)
            variance = ops.cast(self.moving_variance, dtype)
        outputs = normalize_affine(inputs, self._broadcast(mean, ndim), self._broadcast(variance, ndim),
                                   self._broadcast(gamma, ndim), self._broadcast(beta, ndim), self.epsilon)
        return ops.cast(outputs, self.compute_dtype)

    @staticmethod
    def _update_moving(variable, batch_value, momentum):
        """`variable = variable * momentum + batch_value * (1 - momentum)` (values only: no gradient)."""
        old = variable.value
        new = old * momentum + value(batch_value).astype(old.dtype, copy=False) * (1.0 - momentum)
        variable.assign(new)

    def _moments(self, inputs, mask):
        """The batch's mean and biased variance per channel (masked entries left out)."""
        axes = self._reduction_axes
        if mask is None:
            mean, variance = moments(inputs, axes)
            return ops.squeeze(mean, axes), ops.squeeze(variance, axes)
        dtype = value(inputs).dtype
        keep = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), tuple(inputs.shape))
        weights = ops.sum(ops.cast(keep, dtype), axis=axes, keepdims=True)
        denominator = ops.add(weights, _config.epsilon())
        total = ops.sum(ops.where(keep, inputs, ops.zeros((), dtype=dtype)), axis=axes, keepdims=True)
        mean = ops.divide(total, denominator)
        deviation = ops.where(keep, ops.subtract(inputs, mean), ops.zeros((), dtype=dtype))
        variance = ops.divide(ops.sum(ops.square(deviation), axis=axes, keepdims=True), denominator)
        return ops.squeeze(mean, axes), ops.squeeze(variance, axes)

    # -- batch renormalization -------------------------------------------------------------------
    def _renorm_transform(self, mean, variance, gamma, beta, dtype):
        """The effective `(gamma, beta)` once the renorm correction `(r, d)` is folded in."""
        stddev = ops.sqrt(ops.add(value(variance), self.epsilon))
        renorm_stddev = ops.maximum(ops.cast(self.renorm_stddev, dtype),
                                    ops.sqrt(ops.cast(self.epsilon, dtype)))
        r = ops.divide(stddev, renorm_stddev)
        d = ops.divide(ops.subtract(value(mean), ops.cast(self.renorm_mean, dtype)), renorm_stddev)
        clipping = self.renorm_clipping or {}
        if clipping.get("rmin") is not None:
            r = ops.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = ops.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = ops.clip(d, -clipping["dmax"], clipping["dmax"])
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)  # corrections are constants for backprop
        if gamma is not None:
            new_gamma, new_beta = ops.multiply(r, gamma), ops.multiply(d, gamma)
        else:
            new_gamma, new_beta = ops.cast(r, dtype), ops.cast(d, dtype)
        if beta is not None:
            new_beta = ops.add(new_beta, beta)
        return new_gamma, new_beta

    def _update_renorm_statistics(self, mean, variance):
        stddev = value(ops.sqrt(ops.add(value(variance), self.epsilon)))
        self._update_moving(self.renorm_mean, mean, self.renorm_momentum)
        self._update_moving(self.renorm_stddev, stddev, self.renorm_momentum)
        self._update_moving(self.moving_mean, mean, self.momentum)
        self._update_moving(self.moving_stddev, stddev, self.momentum)
        new_stddev = self.moving_stddev.value
        # relu guards against a slightly negative variance from rounding.
        self.moving_variance.assign(ops.relu(new_stddev * new_stddev - self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": _serialize_or_none(regularizers, self.beta_regularizer),
            "gamma_regularizer": _serialize_or_none(regularizers, self.gamma_regularizer),
            "beta_constraint": _serialize_or_none(constraints, self.beta_constraint),
            "gamma_constraint": _serialize_or_none(constraints, self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config
