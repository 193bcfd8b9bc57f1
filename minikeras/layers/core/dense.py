"""`Dense`: `output = activation(inputs @ kernel + bias)`."""

from minikeras import activations, constraints, initializers, regularizers
from minikeras.layers.input_spec import InputSpec
from minikeras.layers.layer import Layer
from minikeras.ops.nn import dense as _fused_dense


class Dense(Layer):
    """A densely connected layer: `activation(dot(inputs, kernel) + bias)`.

    Args:
        units: the output width.
        activation: an activation name or function (default: none, i.e. linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: default `"glorot_uniform"`.
        bias_initializer: default `"zeros"`.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to the loss.
        kernel_constraint, bias_constraint: projections applied after each update.

    Weights: `kernel` of shape `(input_dim, units)` and `bias` of shape `(units,)`.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        # Keras 3.15 writes `"quantization_config": null` in every Dense config; quantization itself is not supported.
        if quantization_config is not None:
            raise ValueError(f"Quantized Dense layers are not supported. Received: quantization_config={quantization_config}")
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            try:
                is_whole = float(units) == int(units) and int(units) > 0
            except (TypeError, ValueError):
                is_whole = False
            if not is_whole:
                raise ValueError(
                    f"Received an invalid value for `units`, expected a positive integer. Received: units={units}"
                )
            units = int(units)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs, training=None):
        # One fused op (matmul + bias, and relu when that is the activation) instead of three:
        # one tape node, the same numbers and gradients (see `ops.nn.dense`).
        activation = self.activation
        if activation is activations.relu:
            return _fused_dense(inputs, self.kernel, self.bias, "relu")
        x = _fused_dense(inputs, self.kernel, self.bias)
        if activation is not None and activation is not activations.linear:
            x = activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer) if self.kernel_regularizer else None,
            "bias_regularizer": regularizers.serialize(self.bias_regularizer) if self.bias_regularizer else None,
            "kernel_constraint": constraints.serialize(self.kernel_constraint) if self.kernel_constraint else None,
            "bias_constraint": constraints.serialize(self.bias_constraint) if self.bias_constraint else None,
            "quantization_config": None,
        })
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
