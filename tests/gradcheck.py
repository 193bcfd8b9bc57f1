"""Central-difference gradient checks in float64 (the engine's own test tool)."""

import numpy as np

from minikeras.ops.autodiff import GradientTape, Tensor


def numeric_grad(f, x, eps=1e-6):
    """d sum(f(x) * w) / dx by central differences, for a fixed random weighting w."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = np.asarray(f(x), dtype=np.float64)
        x[i] = old - eps
        minus = np.asarray(f(x), dtype=np.float64)
        x[i] = old
        grad[i] = np.sum(plus - minus) / (2 * eps)
    return grad


def check_grad(fn, *args, rtol=1e-6, atol=1e-8, seed=0):
    """Compare the engine's gradient of `sum(w * fn(*args))` with central differences, for every arg."""
    args = [np.array(a, dtype=np.float64) for a in args]
    rng = np.random.default_rng(seed)
    out0 = np.asarray(fn(*args))
    weights = rng.uniform(0.5, 1.5, size=np.shape(out0))
    with GradientTape() as tape:
        leaves = [tape.watch(a) for a in args]
        out = fn(*leaves)
        from minikeras import ops

        total = ops.sum(ops.multiply(out, weights))
    grads = tape.gradient(total, leaves)
    for k, (a, g) in enumerate(zip(args, grads)):
        def f_k(v, k=k):
            vals = list(args)
            vals[k] = v
            return np.sum(np.asarray(fn(*vals)) * weights)

        expected = numeric_grad(f_k, a)
        got = np.zeros_like(a) if g is None else np.asarray(g)
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=f"gradient of argument {k}")
    return grads


def is_tensor(x):
    return isinstance(x, Tensor)
