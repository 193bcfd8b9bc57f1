"""The backprop explainer reproduces the lesson's hand exercises with the numbers worked on paper."""

import math

import numpy as np
import pytest

import minikeras as keras
from minikeras import ops
from minikeras.utils import backprop_exercises as ex
from minikeras.utils.backprop_explainer import BackpropExplanation, explain_backprop, op_name
from minikeras.ops.autodiff import GradientTape

# Worked on paper: sigma(2.5) = 1 / (1 + e^-2.5).
SIG = 1.0 / (1.0 + math.exp(-2.5))


def test_paper_values_are_the_lessons():
    assert round(SIG, 7) == 0.9241418
    assert round(0.5 * SIG * (1 - SIG), 7) == 0.0350519
    assert round(SIG * (1 - SIG), 7) == 0.0701037


def test_single_neuron_exercise():
    r = ex.single_neuron(print_fn=None)
    np.testing.assert_allclose(r.y_pred, 0.9241418, rtol=1e-7)
    np.testing.assert_allclose(r.dy_dw, 0.5 * SIG * (1 - SIG), rtol=1e-6)
    np.testing.assert_allclose(r.dy_db, SIG * (1 - SIG), rtol=1e-6)
    text = r.explanation.text
    assert "sigmoid(t1) = 0.9241418" in text
    assert "0.07010371 × 0.5 = 0.03505186" in text
    assert r.explanation.max_abs_difference == 0.0


def test_single_neuron_as_a_function_of_named_scalars_float64():
    e = explain_backprop(lambda w, b: ops.sigmoid(w * 0.5 + b), w=3.0, b=1.0, print_fn=None)
    np.testing.assert_allclose(e.gradients["w"], 0.5 * SIG * (1 - SIG), rtol=1e-12)
    np.testing.assert_allclose(e.gradients["b"], SIG * (1 - SIG), rtol=1e-12)
    (path_labels, factors, product), = e.paths["w"]
    assert path_labels == ["ŷ", "t2", "t1", "w"]
    np.testing.assert_allclose(factors, [SIG * (1 - SIG), 1.0, 0.5], rtol=1e-12)
    assert [n["op"] for n in e.nodes] == ["multiply", "add", "sigmoid"]


def test_printed_report_goes_to_print_fn():
    out = []
    explain_backprop(lambda w: ops.square(w), w=3.0, print_fn=out.append)
    assert len(out) == 1 and "square(w) = 9" in out[0] and "∂ŷ/∂w = 6" in out[0]


def test_shared_variable_sums_over_paths():
    e = explain_backprop(lambda w: ops.multiply(w, w) + w, w=2.0, print_fn=None)
    assert len(e.paths["w"]) == 3  # w*w contributes twice, + w once
    np.testing.assert_allclose(e.gradients["w"], 2 * 2.0 + 1)
    assert "sum over paths" in e.text


@pytest.mark.parametrize("pair, paper_dw, probs_dw, logits_dw", [
    ((1.0, 1.0), 0.0, 0.0, 0.0),
    ((1.0, 0.0), -0.5, 0.0, -0.5),
])
def test_binary_crossentropy_cases(pair, paper_dw, probs_dw, logits_dw):
    (r,) = ex.binary_crossentropy_cases(pairs=[pair], x=0.5, learning_rate=0.1, print_fn=None)
    assert r.paper_dloss_dw == paper_dw
    assert r.paper_delta_w == pytest.approx(-0.1 * paper_dw)
    # Keras clips probabilities to [eps, 1 - eps]; the clip passes no gradient outside it.
    assert r.dloss_dy_pred == 0.0
    assert r.probabilities_dloss_dw == probs_dw
    assert r.dloss_dlogit == pair[1] - pair[0]
    assert r.logits_dloss_dw == logits_dw


def test_binary_crossentropy_clipped_loss_values():
    a, b = ex.binary_crossentropy_cases(print_fn=None)
    eps = keras.config.epsilon()
    np.testing.assert_allclose(a.loss_from_probabilities, -np.log(np.float32(1 - eps)), rtol=1e-6)
    np.testing.assert_allclose(b.loss_from_probabilities, -math.log(eps), rtol=1e-6)  # 16.118
    assert a.loss_from_logits == 0.0
    assert b.logits_delta_w == pytest.approx(0.05)


def test_binary_crossentropy_inside_the_interval_matches_paper():
    (r,) = ex.binary_crossentropy_cases(pairs=[(1.0, SIG)], print_fn=None)
    np.testing.assert_allclose(r.dloss_dy_pred, -1 / SIG, rtol=1e-6)
    np.testing.assert_allclose(r.probabilities_dloss_dw, (SIG - 1) * 0.5, rtol=1e-5)
    np.testing.assert_allclose(r.logits_dloss_dw, (SIG - 1) * 0.5, rtol=1e-5)


def test_softmax_jacobian_and_delta_rule():
    r = ex.softmax_jacobian(logits=(2.0, 1.0, 0.1), y_true=(1.0, 0.0, 0.0), print_fn=None)
    e = np.exp([2.0, 1.0, 0.1])
    s = e / e.sum()
    np.testing.assert_allclose(r.softmax, s, rtol=1e-12)
    for i in range(3):
        for j in range(3):
            expected = s[i] * (1 - s[i]) if i == j else -s[i] * s[j]
            np.testing.assert_allclose(r.jacobian[i, j], expected, rtol=1e-12)
    np.testing.assert_allclose(r.fused_gradient, s - [1, 0, 0], rtol=1e-12)
    np.testing.assert_allclose(r.unfused_gradient, s - [1, 0, 0], rtol=1e-12)


def test_model_with_loss_checks_against_engine():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2, activation="softmax")])
    x = np.random.rand(2, 3).astype("float32")
    y = np.array([[0, 1], [1, 0]], "float32")
    e = explain_backprop(model, x, y, loss="categorical_crossentropy", print_fn=None)
    assert isinstance(e, BackpropExplanation)
    assert set(e.gradients) == {w.path for w in model.trainable_weights}
    with GradientTape() as tape:
        loss = keras.losses.CategoricalCrossentropy()(y, model(x, training=True))
    expected = tape.gradient(loss, model.trainable_weights)
    for w, g in zip(model.trainable_weights, expected):
        np.testing.assert_allclose(e.gradients[w.path], g, rtol=1e-5, atol=1e-7)
    assert e.max_abs_difference < 1e-6


def test_op_name_from_qualname():
    with GradientTape() as tape:
        w = tape.watch(np.array([1.0, 2.0]))
        nodes_out = [ops.matmul(w, w), ops.relu(w), ops.exp(w)]
    assert [op_name(n) for n in tape.nodes] == ["matmul", "relu", "exp"]
    assert all(t is n for t, n in zip(nodes_out, tape.nodes))


def test_errors():
    with pytest.raises(ValueError, match="needs `x`"):
        explain_backprop(keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)]), print_fn=None)
    with pytest.raises(ValueError, match="without a `loss`"):
        explain_backprop(keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)]),
                         np.ones((1, 1), "float32"), np.ones((1, 1), "float32"), print_fn=None)


def test_draw_is_silent_without_pydot(tmp_path):
    e = explain_backprop(lambda w: ops.square(w), w=1.0, print_fn=None)
    try:
        import pydot  # noqa: F401
    except ImportError:
        assert e.to_dot() is None and e.draw(str(tmp_path / "g.png")) is None
    else:
        assert e.to_dot() is not None
