"""`minikeras.ops`: the operations layers, losses and metrics are written with.

Each op computes with NumPy and, inside a `GradientTape`, records its
vector-Jacobian product so gradients come from backpropagation. The names and
signatures are Keras 3's `keras.ops`.
"""

from minikeras.ops.autodiff import GradientTape, Tensor, stop_gradient  # noqa: F401
from minikeras.ops.core import cast, convert_to_numpy, convert_to_tensor, dtype, is_tensor  # noqa: F401
from minikeras.ops.nn import (  # noqa: F401
    binary_crossentropy,
    categorical_crossentropy,
    elu,
    exponential,
    gelu,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    leaky_relu,
    log_softmax,
    mish,
    moments,
    one_hot,
    relu,
    relu6,
    selu,
    sigmoid,
    sigmoid_cross_entropy_with_logits,
    silu,
    softmax,
    softmax_cross_entropy_with_logits,
    softplus,
    softsign,
    sparse_categorical_crossentropy,
    swish,
)
from minikeras.ops.numpy import *  # noqa: F401,F403
from minikeras.ops.numpy import (  # noqa: F401  (names the star import skips or shadows)
    abs,
    absolute,
    all,
    amax,
    amin,
    any,
    max,
    min,
    round,
    sum,
)
