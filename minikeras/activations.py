"""Activation functions (`keras.activations`): each a differentiable function of a tensor.

The functions compute with `minikeras.ops`, whose VJPs give their derivatives.
`softmax` and `sigmoid` outputs remember their logits, so a cross-entropy fed
with them computes from the logits, exactly as Keras does.
"""

from minikeras import ops
from minikeras.ops import nn as _nn
from minikeras.utils.registry import unknown_name_error


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, Keras's general form.

    `f(x) = max_value` for `x >= max_value`, `x` for `threshold <= x < max_value`,
    `negative_slope * (x - threshold)` otherwise.
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _nn.relu(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return _nn.leaky_relu(x, negative_slope=negative_slope)
    negative_part = None
    if negative_slope != 0.0:
        shifted = ops.add(ops.negative(x), threshold) if threshold != 0 else ops.negative(x)
        negative_part = _nn.relu(shifted)
    clip_max = max_value is not None
    if threshold != 0:
        y = ops.where(ops.greater(x, threshold), x, 0.0)
    elif max_value == 6:
        y = _nn.relu6(x)
        clip_max = False
    else:
        y = _nn.relu(x)
    if clip_max:
        y = ops.clip(y, 0.0, max_value)
    if negative_part is not None:
        y = ops.subtract(y, ops.multiply(negative_slope, negative_part))
    return y


def leaky_relu(x, negative_slope=0.2):
    """`x` for `x > 0`, `negative_slope * x` otherwise."""
    return _nn.leaky_relu(x, negative_slope=negative_slope)


def relu6(x):
    """`min(max(x, 0), 6)`."""
    return _nn.relu6(x)


def softmax(x, axis=-1):
    """`exp(x_i) / sum_j exp(x_j)` along `axis`; the output remembers `x` as its logits."""
    return _nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """`x_i - log(sum_j exp(x_j))`."""
    return _nn.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """`x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise."""
    return _nn.elu(x, alpha=alpha)


def selu(x):
    """`scale * elu(x, alpha)` with `alpha ≈ 1.67326`, `scale ≈ 1.05070`."""
    return _nn.selu(x)


def softplus(x):
    """`log(exp(x) + 1)`."""
    return _nn.softplus(x)


def softsign(x):
    """`x / (abs(x) + 1)`."""
    return _nn.softsign(x)


def silu(x):
    """`x * sigmoid(x)` (also called swish)."""
    return _nn.silu(x)


def gelu(x, approximate=False):
    """`x * Φ(x)`; `approximate=True` uses the tanh approximation."""
    return _nn.gelu(x, approximate=approximate)


def tanh(x):
    """Hyperbolic tangent."""
    return _nn.tanh(x)


def sigmoid(x):
    """`1 / (1 + exp(-x))`; the output remembers `x` as its logits."""
    return _nn.sigmoid(x)


def exponential(x):
    """`exp(x)`."""
    return _nn.exponential(x)


def hard_sigmoid(x):
    """`relu6(x + 3) / 6`: 0 below -3, 1 above 3, linear in between."""
    return _nn.hard_sigmoid(x)


def hard_silu(x):
    """`x * hard_sigmoid(x)` (also called hard_swish)."""
    return _nn.hard_silu(x)


def linear(x):
    """The identity `f(x) = x`."""
    return x


def mish(x):
    """`x * tanh(softplus(x))`."""
    return _nn.mish(x)


_ALL = [relu, leaky_relu, relu6, softmax, log_softmax, elu, selu, softplus, softsign, silu, gelu, tanh,
        sigmoid, exponential, hard_sigmoid, hard_silu, linear, mish]
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in _ALL}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu
swish = silu
hard_swish = hard_silu


def serialize(activation):
    """A built-in activation serialises to its name; a registered custom one to its registered name."""
    from minikeras.saving.object_registration import get_registered_name

    name = getattr(activation, "__name__", None)
    if name in ALL_OBJECTS_DICT and ALL_OBJECTS_DICT[name] is activation:
        return name
    if hasattr(activation, "get_config"):
        return {"module": type(activation).__module__, "class_name": type(activation).__name__,
                "config": activation.get_config(), "registered_name": get_registered_name(type(activation))}
    return {"module": getattr(activation, "__module__", None), "class_name": "function",
            "config": get_registered_name(activation), "registered_name": "function"}


def deserialize(config, custom_objects=None):
    """The activation a `serialize` result names."""
    from minikeras.saving.object_registration import get_registered_object

    if isinstance(config, dict):
        name = config.get("config") if config.get("class_name") == "function" else config.get("class_name")
        if isinstance(name, str):
            found = ALL_OBJECTS_DICT.get(name) or get_registered_object(name, custom_objects)
            if found is None:
                raise unknown_name_error("activation function", name, ALL_OBJECTS_DICT)
            if isinstance(found, type):
                return found.from_config(config.get("config") or {}) if hasattr(found, "from_config") else found()
            return found
    return get(config)


def get(identifier):
    """`None` -> linear; a name -> the function; a callable -> itself."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        from minikeras.saving.object_registration import get_registered_object

        found = ALL_OBJECTS_DICT.get(identifier) or get_registered_object(identifier)
        if found is None:
            raise unknown_name_error("activation function", identifier, ALL_OBJECTS_DICT)
        return found
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")
