"""Shared comparison of a minikeras layer with its TensorFlow Keras twin.

Both layers are built on the same input shape and given the same weights
(Keras's, copied with `set_weights`), then compared on: weight names, shapes
and order; outputs; gradients of `sum(w * y)` with respect to the inputs and
every trainable weight (minikeras tape vs `tf.GradientTape`); non-trainable
weights after the call (moving statistics); `compute_output_shape`.
"""

import numpy as np

from compat_tests.recording import assert_close
from compat_tests.tolerances import F32, F64
from minikeras import ops
from minikeras.ops.autodiff import GradientTape


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def compare_layers(mk_layer, k_layer, inputs, *, training=None, tol=None, seed=0, weights=None, call_kwargs=None,
                   calls=1, output_shape_of=None):
    """Compare `mk_layer` with `k_layer` on `inputs` (an array or a list of arrays).

    Args:
        weights: optional weights for both layers (default: Keras's initial weights).
        calls: how many calls to make before comparing (moving statistics accumulate).
        output_shape_of: an input shape (with None) for `compute_output_shape`.
    """
    import tensorflow as tf

    call_kwargs = dict(call_kwargs or {})
    if training is not None:
        call_kwargs["training"] = training
    xs = [np.asarray(x) for x in _as_list(inputs)]
    multi = isinstance(inputs, (list, tuple))
    dtype = xs[0].dtype if xs[0].dtype.kind == "f" else np.dtype("float32")
    tol = tol or (F64 if dtype == np.float64 else F32)
    shapes = [x.shape for x in xs]
    build_shape = shapes if multi else shapes[0]
    if not k_layer.built:
        k_layer.build(build_shape)
    if not mk_layer.built:
        mk_layer.build(build_shape)
        mk_layer.built = True
    assert [w.name for w in mk_layer.weights] == [w.name for w in k_layer.weights]
    assert [tuple(w.shape) for w in mk_layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert [w.name for w in mk_layer.trainable_weights] == [w.name for w in k_layer.trainable_weights]
    weights = [np.asarray(w) for w in (weights if weights is not None else k_layer.get_weights())]
    k_layer.set_weights(weights)
    mk_layer.set_weights(weights)

    for _ in range(calls - 1):
        mk_layer(xs if multi else xs[0], **call_kwargs)
        k_layer([tf.constant(x) for x in xs] if multi else tf.constant(xs[0]), **call_kwargs)

    # minikeras: output and gradients.
    with GradientTape() as tape:
        leaves = [tape.watch(x) for x in xs]
        mk_out = mk_layer(leaves if multi else leaves[0], **call_kwargs)
        out_value = np.asarray(mk_out)
        w = np.random.default_rng(seed).uniform(0.5, 1.5, size=out_value.shape).astype(out_value.dtype)
        total = ops.sum(ops.multiply(mk_out, w))
    mk_vars = list(mk_layer.trainable_weights)
    mk_grads = tape.gradient(total, leaves + mk_vars)

    # Keras: the same.
    k_inputs = [tf.Variable(x) for x in xs]
    with tf.GradientTape() as k_tape:
        k_out = k_layer(k_inputs if multi else k_inputs[0], **call_kwargs)
        k_total = tf.reduce_sum(k_out * tf.constant(w, dtype=k_out.dtype))
    k_vars = list(k_layer.trainable_weights)
    k_grads = k_tape.gradient(k_total, k_inputs + k_vars)

    item = f"layers.{type(mk_layer).__name__}"
    assert_close(out_value, k_out.numpy(), **tol, err_msg="outputs", item=item)
    assert out_value.dtype == k_out.numpy().dtype, (out_value.dtype, k_out.dtype)
    names = [f"input {i}" for i in range(len(xs))] + [v.path for v in mk_vars]
    for name, g, kg in zip(names, mk_grads, k_grads):
        if kg is None:
            assert g is None or not np.any(np.asarray(g)), name
            continue
        assert g is not None, f"no gradient for {name}"
        assert_close(np.asarray(g), np.asarray(kg), **tol, err_msg=f"gradient of {name}", item=item, kind="gradient")
    for v, kv in zip(mk_layer.non_trainable_weights, k_layer.non_trainable_weights):
        assert_close(v.numpy(), np.asarray(kv.numpy()), **tol, err_msg=f"weight {v.path}", item=item)
    if output_shape_of is not None:
        assert tuple(mk_layer.compute_output_shape(output_shape_of)) == tuple(
            k_layer.compute_output_shape(output_shape_of))
    return out_value


def config_without_name(layer):
    config = dict(layer.get_config())
    config.pop("name", None)
    return config


def assert_same_config(mk_layer, k_layer):
    """Same keys and values (floats to float32 precision: some Keras configs store float32-rounded factors)."""
    import json

    mk = json.loads(json.dumps(config_without_name(mk_layer)))
    k = json.loads(json.dumps(config_without_name(k_layer)))
    assert set(mk) == set(k), (set(mk) ^ set(k))
    for key in k:
        _assert_same_value(mk[key], k[key], key)


def _assert_same_value(a, b, where):
    if isinstance(b, dict):
        assert isinstance(a, dict) and set(a) == set(b), (where, a, b)
        for key in b:
            _assert_same_value(a[key], b[key], f"{where}.{key}")
    elif isinstance(b, list):
        assert isinstance(a, list) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same_value(x, y, f"{where}[{i}]")
    elif isinstance(b, float) and not isinstance(a, bool):
        assert isinstance(a, (int, float)) and np.isclose(a, b, rtol=1e-7, atol=0), (where, a, b)
    else:
        assert a == b and type(a) is type(b), (where, a, b)


__all__ = ["compare_layers", "assert_same_config", "F32", "F64"]
