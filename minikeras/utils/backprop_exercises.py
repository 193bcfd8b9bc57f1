"""The lesson's hand exercises, worked by the engine with the numbers you get on paper.

1. `single_neuron()`: `ŷ = σ(w·x + b)` with `w = 3, b = 1, x = 0.5`:
   `ŷ = σ(2.5) = 0.9241418`, `∂ŷ/∂w = x σ(2.5)(1 − σ(2.5)) = 0.0350519`,
   `∂ŷ/∂b = σ(2.5)(1 − σ(2.5)) = 0.0701037`.
2. `binary_crossentropy_cases()`: the same neuron with
   `L = −(y log ŷ + (1 − y) log(1 − ŷ))` for `(y, ŷ) = (1, 1)` and `(1, 0)`. On paper
   `∂L/∂z = ŷ − y`, so `∂L/∂w = (ŷ − y) x` and SGD moves `w` by `−η (ŷ − y) x`:
   nothing for (1, 1), `+0.5 η` for (1, 0). Keras computes the loss on probabilities
   after clipping `ŷ` to `[ε, 1 − ε]` (ε = 1e-7); the clip's gradient is zero outside
   that interval (as `tf.clip_by_value`'s), so at exactly 0 or 1 the gradient from
   probabilities is 0 — the update vanishes even when the prediction is completely
   wrong. From logits (what `fit` does for a sigmoid output layer: the cross-entropy
   reads the logits the sigmoid remembers) the gradient is exactly `ŷ − y`.
3. `softmax_jacobian()`: `∂s_i/∂z_j = s_i (δ_ij − s_j)`: `s_i (1 − s_i)` on the diagonal,
   `−s_i s_j` off it; with categorical cross-entropy the chain rule collapses to `ŷ − y`.
"""

import types

import numpy as np

from minikeras import config, ops
from minikeras.ops.autodiff import GradientTape
from minikeras.utils.backprop_explainer import explain_backprop

__all__ = ["single_neuron", "binary_crossentropy_cases", "softmax_jacobian"]


def _emit(print_fn, lines):
    if print_fn is not None:
        print_fn("\n".join(lines))


def single_neuron(w=3.0, b=1.0, x=0.5, print_fn=print):
    """Exercise 1: a Dense(1, sigmoid) neuron, its forward value and `∂ŷ/∂w`, `∂ŷ/∂b`.

    Returns:
        A namespace with `y_pred`, `dy_dw`, `dy_db` (floats) and `explanation`.
    """
    import minikeras as keras

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, activation="sigmoid", name="neuron")])
    model.set_weights([np.array([[w]], config.floatx()), np.array([b], config.floatx())])
    explanation = explain_backprop(model, np.array([[x]], config.floatx()), print_fn=print_fn)
    y_pred = float(explanation.nodes[-1]["value"].reshape(-1)[0])
    return types.SimpleNamespace(
        y_pred=y_pred,
        dy_dw=float(explanation.gradients["neuron/kernel"].reshape(-1)[0]),
        dy_db=float(explanation.gradients["neuron/bias"].reshape(-1)[0]),
        explanation=explanation,
    )


def _saturating_logit(p):
    """A float32 logit whose sigmoid is exactly `p` when `p` is 0 or 1 (|z| = 200), else `log(p/(1-p))`."""
    if p >= 1.0:
        return 200.0
    if p <= 0.0:
        return -200.0
    return float(np.log(p / (1 - p)))


def _one_case(y, p, x, learning_rate, dtype):
    eps = config.epsilon()
    paper_dz = p - y
    # Keras on probabilities: clip, log, and the clip's zero gradient outside [eps, 1 - eps].
    with GradientTape() as tape:
        prob = tape.watch(np.array([p], dtype))
        loss_probs = ops.binary_crossentropy(np.array([y], dtype), prob)
    g_prob = float(tape.gradient(loss_probs, prob)[0])
    keras_dz_probs = g_prob * p * (1 - p)
    # Keras from logits: the stable formula, gradient sigmoid(z) - y.
    z = _saturating_logit(p)
    with GradientTape() as tape:
        logit = tape.watch(np.array([z], dtype))
        loss_logits = ops.sigmoid_cross_entropy_with_logits(np.array([y], dtype), logit)
    g_logit = float(tape.gradient(loss_logits, logit)[0])
    return types.SimpleNamespace(
        y_true=y, y_pred=p, x=x, learning_rate=learning_rate,
        paper_dloss_dz=paper_dz, paper_dloss_dw=paper_dz * x, paper_delta_w=-learning_rate * paper_dz * x,
        clipped_y_pred=float(np.clip(np.asarray(p, dtype), eps, 1 - eps)),
        loss_from_probabilities=float(loss_probs[0]), dloss_dy_pred=g_prob,
        probabilities_dloss_dw=keras_dz_probs * x, probabilities_delta_w=-learning_rate * keras_dz_probs * x,
        logit=z, loss_from_logits=float(loss_logits[0]), dloss_dlogit=g_logit,
        logits_dloss_dw=g_logit * x, logits_delta_w=-learning_rate * g_logit * x,
    )


def binary_crossentropy_cases(pairs=((1.0, 1.0), (1.0, 0.0)), x=0.5, learning_rate=0.1, print_fn=print):
    """Exercise 2: binary cross-entropy at `(y, ŷ)` pairs, on paper and as Keras computes it.

    Args:
        pairs: `(y_true, y_pred)` pairs; `y_pred` is the neuron's output `σ(z)`.
        x: the neuron's input (so `∂z/∂w = x`).
        learning_rate: the SGD step `η` in `w ← w − η ∂L/∂w`.

    Returns:
        One namespace per pair with the paper values (`paper_dloss_dw`, `paper_delta_w`), the
        probabilities route (`loss_from_probabilities`, `dloss_dy_pred`, `probabilities_delta_w`)
        and the logits route (`dloss_dlogit`, `logits_delta_w`).
    """
    dtype = config.floatx()
    results = [_one_case(float(y), float(p), float(x), float(learning_rate), dtype) for y, p in pairs]
    lines = [f"Binary cross-entropy L = -(y log ŷ + (1 - y) log(1 - ŷ)), neuron input x = {x}, "
             f"SGD step η = {learning_rate}, epsilon = {config.epsilon():g}"]
    for r in results:
        lines += [
            f"(y = {r.y_true:g}, ŷ = {r.y_pred:g})",
            f"  on paper:      ∂L/∂z = ŷ - y = {r.paper_dloss_dz:g};  ∂L/∂w = (ŷ - y)·x = {r.paper_dloss_dw:g};"
            f"  Δw = -η ∂L/∂w = {r.paper_delta_w + 0.0:g}",
            f"  probabilities: ŷ clipped to {r.clipped_y_pred:.8g}, L = {r.loss_from_probabilities:.7g}, "
            f"∂L/∂ŷ = {r.dloss_dy_pred:g} (the clip passes no gradient outside [ε, 1-ε]), "
            f"Δw = {r.probabilities_delta_w + 0.0:g}",
            f"  logits (z = {r.logit:g}): L = {r.loss_from_logits:.7g}, ∂L/∂z = σ(z) - y = {r.dloss_dlogit:g}, "
            f"Δw = {r.logits_delta_w + 0.0:g}",
        ]
    _emit(print_fn, lines)
    return results


def softmax_jacobian(logits=(2.0, 1.0, 0.1), y_true=(1.0, 0.0, 0.0), print_fn=print):
    """Exercise 3: the softmax Jacobian from the engine's VJP, and the fused gradient `ŷ − y`.

    Returns:
        A namespace with `softmax`, `jacobian` (engine, row i = ∂s_i/∂z), `analytic_jacobian`
        (`diag(s) − s sᵀ`), `fused_gradient` (engine, softmax + cross-entropy from logits),
        `unfused_gradient` (engine, `−Σ y log softmax(z)` through the Jacobian) and
        `delta_rule` (`s − y`).
    """
    z = np.asarray(logits, np.float64)
    y = np.asarray(y_true, np.float64)
    with GradientTape(persistent=True) as tape:
        zt = tape.watch(z.copy())
        s = ops.softmax(zt)
    s_val = np.asarray(s.value)
    jac = np.stack([tape.gradient(s, zt, output_gradients=np.eye(len(z))[i]) for i in range(len(z))])
    analytic = np.diag(s_val) - np.outer(s_val, s_val)
    with GradientTape() as tape:
        zt = tape.watch(z.copy())
        fused_loss = ops.softmax_cross_entropy_with_logits(y, zt)
    fused = tape.gradient(fused_loss, zt)
    with GradientTape() as tape:
        zt = tape.watch(z.copy())
        probs = ops.divide(ops.softmax(zt), 1.0)  # a plain Tensor: no remembered logits, no shortcut
        unfused_loss = ops.negative(ops.sum(ops.multiply(y, ops.log(probs))))
    unfused = tape.gradient(unfused_loss, zt)
    lines = [
        f"z = {z.tolist()}, s = softmax(z) = {np.round(s_val, 7).tolist()}",
        "Jacobian ∂s_i/∂z_j from the engine (diagonal s_i(1 - s_i), off-diagonal -s_i s_j):",
        *[f"  {np.round(row, 7).tolist()}" for row in jac],
        f"  largest difference from diag(s) - s sᵀ: {np.max(np.abs(jac - analytic)):.1e}",
        f"Cross-entropy with y = {y.tolist()}:",
        f"  fused softmax + cross-entropy gradient: {np.round(fused, 7).tolist()}",
        f"  unfused (Jacobianᵀ · (-y / s)):           {np.round(unfused, 7).tolist()}",
        f"  delta rule ŷ - y:                         {np.round(s_val - y, 7).tolist()}",
    ]
    _emit(print_fn, lines)
    return types.SimpleNamespace(softmax=s_val, jacobian=jac, analytic_jacobian=analytic,
                                 fused_gradient=np.asarray(fused), unfused_gradient=np.asarray(unfused),
                                 delta_rule=s_val - y)
