"""Every differentiable op against `keras.ops` on TensorFlow: values and gradients."""

import numpy as np
import pytest

from compat_tests.recording import assert_close
from compat_tests.tolerances import F32, F64, F64_TF_TRANSCENDENTAL
from minikeras import config, ops
from minikeras.ops.autodiff import GradientTape

rng = np.random.default_rng(1)

# name -> (minikeras fn, keras-ops fn builder, input generators)
CASES = {
    "add": (ops.add, lambda k: k.ops.add, [(3, 4), (4,)]),
    "subtract": (ops.subtract, lambda k: k.ops.subtract, [(3, 4), (3, 1)]),
    "multiply": (ops.multiply, lambda k: k.ops.multiply, [(3, 4), (3, 4)]),
    "divide": (ops.divide, lambda k: k.ops.divide, [(3, 4), "pos(3,4)"]),
    "matmul": (ops.matmul, lambda k: k.ops.matmul, [(5, 4), (4, 3)]),
    "matmul_batched": (ops.matmul, lambda k: k.ops.matmul, [(2, 5, 4), (4, 3)]),
    "maximum": (ops.maximum, lambda k: k.ops.maximum, [(3, 4), (3, 4)]),
    "minimum": (ops.minimum, lambda k: k.ops.minimum, [(3, 4), (3, 4)]),
    "power": (ops.power, lambda k: k.ops.power, ["pos(3,4)", (3, 4)]),
    "square": (ops.square, lambda k: k.ops.square, [(3, 4)]),
    "sqrt": (ops.sqrt, lambda k: k.ops.sqrt, ["pos(3,4)"]),
    "exp": (ops.exp, lambda k: k.ops.exp, [(3, 4)]),
    "log": (ops.log, lambda k: k.ops.log, ["pos(3,4)"]),
    "log1p": (ops.log1p, lambda k: k.ops.log1p, ["pos(3,4)"]),
    "abs": (ops.absolute, lambda k: k.ops.absolute, [(3, 4)]),
    "tanh": (ops.tanh, lambda k: k.ops.tanh, [(3, 4)]),
    "sum": (lambda x: ops.sum(x, axis=1), lambda k: (lambda x: k.ops.sum(x, axis=1)), [(3, 4)]),
    "mean": (lambda x: ops.mean(x, axis=0), lambda k: (lambda x: k.ops.mean(x, axis=0)), [(3, 4)]),
    "max": (lambda x: ops.max(x, axis=-1), lambda k: (lambda x: k.ops.max(x, axis=-1)), [(3, 4)]),
    "var": (lambda x: ops.var(x, axis=0), lambda k: (lambda x: k.ops.var(x, axis=0)), [(6, 4)]),
    "logsumexp": (lambda x: ops.logsumexp(x, axis=-1), lambda k: (lambda x: k.ops.logsumexp(x, axis=-1)), [(3, 4)]),
    "clip": (lambda x: ops.clip(x, -0.5, 0.5), lambda k: (lambda x: k.ops.clip(x, -0.5, 0.5)), [(3, 4)]),
    "reshape": (lambda x: ops.reshape(x, (2, 6)), lambda k: (lambda x: k.ops.reshape(x, (2, 6))), [(3, 4)]),
    "transpose": (ops.transpose, lambda k: k.ops.transpose, [(3, 4)]),
    "concatenate": (lambda a, b: ops.concatenate([a, b], axis=-1), lambda k: (lambda a, b: k.ops.concatenate([a, b], axis=-1)), [(3, 2), (3, 4)]),
    "where": (lambda a, b: ops.where(np.eye(3, 4) > 0, a, b), lambda k: (lambda a, b: k.ops.where(np.eye(3, 4) > 0, a, b)), [(3, 4), (3, 4)]),
    "relu": (ops.relu, lambda k: k.ops.relu, [(3, 4)]),
    "relu6": (ops.relu6, lambda k: k.ops.relu6, ["wide(3,4)"]),
    "sigmoid": (ops.sigmoid, lambda k: k.ops.sigmoid, [(3, 4)]),
    "softmax": (ops.softmax, lambda k: k.ops.softmax, [(3, 4)]),
    "log_softmax": (ops.log_softmax, lambda k: k.ops.log_softmax, [(3, 4)]),
    "softplus": (ops.softplus, lambda k: k.ops.softplus, [(3, 4)]),
    "softsign": (ops.softsign, lambda k: k.ops.softsign, [(3, 4)]),
    "silu": (ops.silu, lambda k: k.ops.silu, [(3, 4)]),
    "elu": (ops.elu, lambda k: k.ops.elu, [(3, 4)]),
    "selu": (ops.selu, lambda k: k.ops.selu, [(3, 4)]),
    "leaky_relu": (ops.leaky_relu, lambda k: k.ops.leaky_relu, [(3, 4)]),
    "hard_sigmoid": (ops.hard_sigmoid, lambda k: k.ops.hard_sigmoid, ["wide(3,4)"]),
    "hard_silu": (ops.hard_silu, lambda k: k.ops.hard_silu, ["wide(3,4)"]),
    "gelu_exact": (lambda x: ops.gelu(x, approximate=False), lambda k: (lambda x: k.ops.gelu(x, approximate=False)), [(3, 4)]),
    "gelu_tanh": (lambda x: ops.gelu(x, approximate=True), lambda k: (lambda x: k.ops.gelu(x, approximate=True)), [(3, 4)]),
    "mish": (ops.mish, lambda k: k.activations.mish, [(3, 4)]),
}


# Case names that are not the op's public name.
_OP_NAMES = {"matmul_batched": "matmul", "abs": "absolute", "gelu_exact": "gelu", "gelu_tanh": "gelu"}


def op_item(case_name):
    """The public name a case is recorded under (`ops.matmul` for `matmul_batched`)."""
    return f"ops.{_OP_NAMES.get(case_name, case_name)}"


def _make(spec, dtype):
    if isinstance(spec, str):
        kind, shape = spec.split("(")
        shape = tuple(int(s) for s in shape.rstrip(")").split(","))
        low, high = {"pos": (0.5, 2.0), "wide": (-8.0, 8.0)}[kind]
        return rng.uniform(low, high, size=shape).astype(dtype)
    return rng.uniform(-2.0, 2.0, size=spec).astype(dtype)


@pytest.fixture(params=["float32", "float64"])
def floatx(request, keras):
    config.set_floatx(request.param)
    keras.config.set_floatx(request.param)
    yield request.param
    config.set_floatx("float32")
    keras.config.set_floatx("float32")


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_value_and_gradient_match_keras_ops(name, tf, keras, floatx):
    mk_fn, keras_builder, specs = CASES[name]
    keras_fn = keras_builder(keras)
    inputs = [_make(s, floatx) for s in specs]
    weights = rng.uniform(0.5, 1.5, size=np.shape(mk_fn(*inputs))).astype(floatx)
    tol = F32 if floatx == "float32" else F64
    if floatx == "float64" and name.startswith("gelu"):
        tol = F64_TF_TRANSCENDENTAL

    tf_inputs = [tf.Variable(a) for a in inputs]
    with tf.GradientTape() as tape:
        tf_out = keras_fn(*tf_inputs)
        tf_total = tf.reduce_sum(tf_out * weights)
    tf_grads = tape.gradient(tf_total, tf_inputs)

    with GradientTape() as mk_tape:
        leaves = [mk_tape.watch(a) for a in inputs]
        mk_out = mk_fn(*leaves)
        mk_total = ops.sum(ops.multiply(mk_out, weights))
    mk_grads = mk_tape.gradient(mk_total, leaves)

    item = op_item(name)
    assert_close(np.asarray(mk_out.value), tf_out.numpy(), **tol, item=item)
    assert mk_out.value.dtype == np.dtype(floatx)
    for mk_g, tf_g in zip(mk_grads, tf_grads):
        assert_close(mk_g, tf_g.numpy(), **tol, item=item, kind="gradient")


@pytest.mark.parametrize("name", ["softmax", "sigmoid", "log_softmax", "softplus", "relu", "tanh", "elu", "selu"])
def test_extreme_inputs_match(name, tf, keras):
    mk_fn, keras_builder, _ = CASES[name]
    x = np.array([[1e4, -1e4, 0.0, 50.0]], dtype="float32")
    tf_x = tf.Variable(x)
    with tf.GradientTape() as tape:
        tf_total = tf.reduce_sum(keras_builder(keras)(tf_x))
    with GradientTape() as mk_tape:
        leaf = mk_tape.watch(x)
        mk_total = ops.sum(mk_fn(leaf))
    assert_close(mk_total.value, tf_total.numpy(), **F32, item=op_item(name))
    assert_close(mk_tape.gradient(mk_total, leaf), tape.gradient(tf_total, tf_x).numpy(), **F32, item=op_item(name),
                 kind="gradient")
