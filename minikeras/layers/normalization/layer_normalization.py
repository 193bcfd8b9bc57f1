"""`LayerNormalization`: normalise each sample over its feature axes."""

import warnings

from minikeras import config as _config
from minikeras import constraints, initializers, ops, regularizers
from minikeras.layers.layer import Layer
from minikeras.layers.normalization.batch_normalization import moments
from minikeras.ops.autodiff import value


def _serialize_or_none(module, obj):
    return module.serialize(obj) if obj is not None else None


class LayerNormalization(Layer):
    """Normalise each sample over `axis` (the same in training and inference).

    With the mean `μ` and biased variance `σ²` of each sample over `axis`:

        y = gamma * (x - μ) / sqrt(σ² + epsilon) + beta

    computed as Keras does: `inv = gamma / sqrt(σ² + epsilon)`, `y = x * inv + (beta - μ * inv)`.

    With the deprecated `rms_scaling=True` (kept for compatibility, and as
    Keras warns, scaling by the variance rather than the root mean square):

        y = gamma * x / sqrt(σ² + epsilon)       (no centring, no beta)

    Args:
        axis: int or list of ints, the axes to normalise over (default `-1`).
        epsilon: added to the variance (default 1e-3).
        center: whether to learn the offset `beta`.
        scale: whether to learn the scale `gamma`.
        beta_initializer, gamma_initializer: zeros and ones by default.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: optional.

    Weights: `gamma` then `beta`, each of shape `input_shape[axis]`.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales the input "
                "by the variance, not the root mean square. To correctly use RMS Normalization, please use "
                "`keras.layers.RMSNormalization` instead.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis', but received: {axis!r}")
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        # Inputs keep their dtype; the computation runs in at least float32 (Keras).
        self.autocast = False

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # axis bounds check
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[d] for d in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        else:
            self.gamma = None
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        else:
            self.beta = None
        self.built = True

    def call(self, inputs):
        x = inputs
        original = value(x).dtype
        if original.kind != "f" or original.itemsize < 4:
            x = ops.cast(x, "float32")
        dtype = value(x).dtype
        ndim = len(x.shape)
        axes = sorted(a % ndim for a in self.axis)
        gamma = ops.cast(self.gamma, dtype) if self.gamma is not None else None
        beta = ops.cast(self.beta, dtype) if self.beta is not None else None
        if axes != [ndim - 1]:
            broadcast_shape = [x.shape[d] if d in axes else 1 for d in range(ndim)]
            gamma = ops.reshape(gamma, broadcast_shape) if gamma is not None else None
            beta = ops.reshape(beta, broadcast_shape) if beta is not None else None
        epsilon = _config.epsilon() if self.epsilon is None else self.epsilon
        axes = tuple(axes)
        if self.rms_scaling:
            variance = ops.var(x, axis=axes, keepdims=True)
            outputs = ops.multiply(x, ops.divide(1.0, ops.sqrt(ops.add(variance, epsilon))))
            if gamma is not None:
                outputs = ops.multiply(outputs, gamma)
        else:
            mean, variance = moments(x, axes)
            inv = ops.divide(1.0, ops.sqrt(ops.add(variance, epsilon)))
            if gamma is not None:
                inv = ops.multiply(inv, gamma)
            shift = ops.negative(ops.multiply(mean, inv))
            if beta is not None:
                shift = ops.add(shift, beta)
            outputs = ops.add(ops.multiply(x, inv), shift)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        for axis in axes:
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(
                    f"Axis {axis} is out of bounds for input shape {tuple(input_shape)}. Received: axis={self.axis}"
                )
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": _serialize_or_none(regularizers, self.beta_regularizer),
            "gamma_regularizer": _serialize_or_none(regularizers, self.gamma_regularizer),
            "beta_constraint": _serialize_or_none(constraints, self.beta_constraint),
            "gamma_constraint": _serialize_or_none(constraints, self.gamma_constraint),
        })
        return config
