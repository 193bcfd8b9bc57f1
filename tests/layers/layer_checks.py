"""Shared checks for layer unit tests: gradient checks through weights, config round trips."""

import json

import numpy as np

from minikeras import ops
from minikeras.ops.autodiff import GradientTape
from tests.gradcheck import numeric_grad


def check_layer_grads(layer, *inputs, training=False, rtol=1e-6, atol=1e-8, seed=0, **call_kwargs):
    """Compare the tape's gradients of `sum(w * layer(inputs))` with central differences (float64).

    Checks every input and every trainable weight. Non-trainable weights (moving
    statistics) are restored after each evaluation, so a training-mode call that
    updates them does not leak into the next evaluation.
    """
    inputs = [np.array(x, dtype=np.float64) for x in inputs]
    frozen = [(v, v.numpy()) for v in layer.non_trainable_weights]

    def restore():
        for v, val in frozen:
            v.assign(val)

    def run(xs):
        out = layer(xs if len(xs) > 1 else xs[0], training=training, **call_kwargs)
        restore()
        return out

    out0 = np.asarray(run(inputs))
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, size=out0.shape)
    with GradientTape() as tape:
        leaves = [tape.watch(x) for x in inputs]
        total = ops.sum(ops.multiply(run(leaves), weights))
    variables = list(layer.trainable_weights)
    grads = tape.gradient(total, leaves + variables)

    def objective():
        return np.sum(np.asarray(run(inputs)) * weights)

    for k, x in enumerate(inputs):
        def f(v, k=k):
            saved = inputs[k]
            inputs[k] = v
            try:
                return objective()
            finally:
                inputs[k] = saved

        expected = numeric_grad(f, x)
        np.testing.assert_allclose(grads[k], expected, rtol=rtol, atol=atol, err_msg=f"input {k}")
    for var, g in zip(variables, grads[len(inputs):]):
        def f(v, var=var):
            saved = var.numpy()
            var.assign(v)
            try:
                return objective()
            finally:
                var.assign(saved)

        expected = numeric_grad(f, var.numpy())
        assert g is not None, f"no gradient for {var.path}"
        np.testing.assert_allclose(g, expected, rtol=rtol, atol=atol, err_msg=f"weight {var.path}")
    return grads


def assert_config_round_trip(layer, through_json=True):
    """`from_config(get_config())` rebuilds a layer with the same config (also after a JSON trip)."""
    config = layer.get_config()
    if through_json:
        config = json.loads(json.dumps(config))
    clone = type(layer).from_config(config)
    got, want = _jsonable(clone.get_config()), _jsonable(layer.get_config())
    assert got == want
    return clone


def _jsonable(config):
    return json.loads(json.dumps(config))
