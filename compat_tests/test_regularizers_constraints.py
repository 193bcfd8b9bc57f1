"""Regularizer penalties and weight constraints against TF Keras, alone and as they enter training.

Alone: each penalty's value and gradient, each constraint's projection. In training:
a Dense with a kernel regularizer and/or constraint, a few SGD steps from the same
weights on both sides -> the same History (the loss includes the penalty) and the
same weights (the constraint applies after every step).
"""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32
from minikeras import ops
from minikeras.ops.autodiff import GradientTape

rng = np.random.default_rng(21)
W = rng.normal(size=(4, 3)).astype("float32") * 1.5

REGULARIZERS = [
    ("l1", None), ("l2", None), ("l1_l2", {"l1": 0.02, "l2": 0.01}),
    ("l1_l2", {}),  # Keras 3: `l1_l2` is `L1L2`, factors 0.0 by default
    ("L1", {"l1": 0.05}), ("L2", {"l2": 0.02}), ("L1L2", {"l1": 0.01, "l2": 0.03}), ("L1L2", {"l2": 0.1}),
    ("OrthogonalRegularizer", {"factor": 0.1, "mode": "rows"}),
    ("OrthogonalRegularizer", {"factor": 0.05, "mode": "columns"}),
]
CONSTRAINTS = [
    ("max_norm", None), ("non_neg", None), ("unit_norm", None), ("min_max_norm", None),
    ("MaxNorm", {"max_value": 0.8, "axis": 1}), ("UnitNorm", {"axis": 1}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 0.9, "rate": 0.5}),
]


# Known mismatch, reported for a fix in minikeras/regularizers.py (not loosened here): in Keras 3.15
# `keras.regularizers.l1_l2` *is* the class `L1L2` (l1 = l2 = 0.0 by default, and the string 'l1_l2' is
# refused by `get`), while `minikeras.regularizers.l1_l2()` is a function defaulting to l1 = l2 = 0.01.
L1_L2_DEFAULTS = pytest.mark.xfail(
    strict=True, reason="minikeras.regularizers.l1_l2() defaults to l1=l2=0.01; Keras 3.15's l1_l2 is L1L2 "
                        "(l1=l2=0.0): penalty 0.434 vs 0.0 on W")


def _known_mismatch(request, name, kwargs):
    if name == "l1_l2" and kwargs == {}:
        request.applymarker(L1_L2_DEFAULTS)


def make(lib, kind, name, kwargs):
    module = getattr(lib, kind)
    return module.get(name) if kwargs is None else getattr(module, name)(**kwargs)


def item_of(kind, name, kwargs):
    """Record under the class, and under the lower-case alias/function used to reach it."""
    obj = make(minikeras, kind, name, kwargs)
    items = [f"{kind}.{type(obj).__name__}"]
    if name != type(obj).__name__ and hasattr(getattr(minikeras, kind), name):
        items.append(f"{kind}.{name}")
    return items


def _ids(cases):
    return [n + ("" if kw is None else str(kw)) for n, kw in cases]


@pytest.mark.parametrize("name,kwargs", REGULARIZERS, ids=_ids(REGULARIZERS))
def test_penalty_value_and_gradient(request, tf, keras, name, kwargs):
    _known_mismatch(request, name, kwargs)
    ours, theirs = make(minikeras, "regularizers", name, kwargs), make(keras, "regularizers", name, kwargs)
    tw = tf.Variable(W)
    with tf.GradientTape() as tape:
        k_pen = theirs(tw)
    k_grad = tape.gradient(k_pen, tw)
    with GradientTape() as mk_tape:
        leaf = mk_tape.watch(W)
        pen = ours(leaf)
    grad = mk_tape.gradient(pen, leaf)
    item = item_of("regularizers", name, kwargs)
    assert_close(np.asarray(ops.value(pen)), k_pen.numpy(), **F32, item=item)
    assert_close(np.asarray(grad), k_grad.numpy(), **F32, item=item, kind="gradient")


@pytest.mark.parametrize("name,kwargs", CONSTRAINTS, ids=_ids(CONSTRAINTS))
def test_constraint_projection(keras, name, kwargs):
    ours, theirs = make(minikeras, "constraints", name, kwargs), make(keras, "constraints", name, kwargs)
    for w in (W, W * 0.1, -np.abs(W)):
        assert_close(np.asarray(ours(w)), np.asarray(theirs(w)), **F32, item=item_of("constraints", name, kwargs))


X = rng.normal(size=(24, 4)).astype("float32")
Y = (X @ rng.normal(size=(4, 2)) + 0.3).astype("float32")


def _train(lib, weights, layer_kwargs):
    model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(3, activation="tanh", **layer_kwargs),
                            lib.layers.Dense(2)])
    model.set_weights(weights)
    model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.1), loss="mse")
    history = model.fit(X, Y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    return model, history.history


TRAINING_CASES = (
    [({"kernel_regularizer": (n, kw)}, "regularizers") for n, kw in REGULARIZERS]
    + [({"kernel_constraint": (n, kw)}, "constraints") for n, kw in CONSTRAINTS]
    + [({"kernel_regularizer": ("l2", None), "kernel_constraint": ("max_norm", None)}, None),
       ({"bias_regularizer": ("L1", {"l1": 0.1}), "bias_constraint": ("non_neg", None)}, None),
       ({"activity_regularizer": ("L2", {"l2": 0.05})}, None)]
)


def _training_id(case):
    return "+".join(f"{k}={v[0]}{'' if v[1] is None else v[1]}" for k, v in case[0].items())


@pytest.mark.parametrize("case", TRAINING_CASES, ids=[_training_id(c) for c in TRAINING_CASES])
def test_dense_with_regularizer_or_constraint_trains_like_keras(request, keras, case):
    spec, _ = case
    for name, kwargs in spec.values():
        _known_mismatch(request, name, kwargs)
    weights = [np.asarray(w) for w in keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)]).get_weights()]
    weights[0] = W.copy()  # large enough for the constraints to bite

    def kwargs_for(lib):
        kinds = {"kernel_regularizer": "regularizers", "bias_regularizer": "regularizers",
                 "activity_regularizer": "regularizers", "kernel_constraint": "constraints",
                 "bias_constraint": "constraints"}
        return {key: make(lib, kinds[key], *value) for key, value in spec.items()}

    k_model, k_hist = _train(keras, weights, kwargs_for(keras))
    mk_model, mk_hist = _train(minikeras, weights, kwargs_for(minikeras))
    items = ["Model.fit", "layers.Dense", "optimizers.SGD"]
    for key, (name, kwargs) in spec.items():
        items += item_of("regularizers" if key.endswith("regularizer") else "constraints", name, kwargs)
    assert list(mk_hist) == list(k_hist)
    assert_close(mk_hist["loss"], k_hist["loss"], **F32, err_msg="loss (with penalty)", item=items)
    for mine, ref in zip(mk_model.get_weights(), k_model.get_weights()):
        assert_close(mine, ref, **F32, err_msg="weights after training", item=items)
    # evaluate reports the penalty too
    assert_close(mk_model.evaluate(X, Y, verbose=0), k_model.evaluate(X, Y, verbose=0), **F32,
                 item=items + ["Model.evaluate"])
