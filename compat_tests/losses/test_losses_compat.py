"""Every loss and option against TensorFlow Keras: forward values and gradients w.r.t. `y_pred`."""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32, F64
from minikeras import ops
from minikeras.ops.autodiff import value


@pytest.fixture(autouse=True)
def _fresh_sessions():
    """Losses use no layer auto-names: skip the (slow) Keras `clear_session` of the shared conftest."""
    minikeras.utils.clear_session()
    yield

N, C, T = 5, 4, 3


def make_data(kind, seed=0, dtype="float32"):
    """(y_true, y_pred) for a kind of loss; deterministic per seed."""
    rng = np.random.default_rng(seed)

    def probs(*shape, axis=-1):
        p = rng.uniform(0.05, 1.0, size=shape)
        return p / p.sum(axis=axis, keepdims=True)

    def onehot(*shape, axis=-1):
        labels = rng.integers(0, shape[axis], size=tuple(s for i, s in enumerate(shape) if i != axis % len(shape)))
        return np.moveaxis(np.eye(shape[axis])[labels], -1, axis)

    if kind == "reg":
        yt, yp = rng.normal(size=(N, C)), rng.normal(size=(N, C))
    elif kind == "reg_pos":
        yt, yp = rng.uniform(0.1, 2.0, size=(N, C)), rng.uniform(0.1, 2.0, size=(N, C))
    elif kind == "reg_col":  # (n,) targets against (n, 1) predictions
        yt, yp = rng.normal(size=(N,)), rng.normal(size=(N, 1))
    elif kind == "reg_3d":
        yt, yp = rng.normal(size=(N, T, C)), rng.normal(size=(N, T, C))
    elif kind == "huber":  # errors on both sides of delta
        yt = rng.normal(size=(N, C))
        yp = yt + rng.choice([-1, 1], size=(N, C)) * rng.uniform(0.05, 4.0, size=(N, C))
    elif kind == "prob":
        yt, yp = onehot(N, C), probs(N, C)
    elif kind == "soft":
        yt, yp = probs(N, C), probs(N, C)
    elif kind == "unnorm":  # unnormalised "probabilities": CCE renormalises them
        yt, yp = onehot(N, C), rng.uniform(0.05, 2.0, size=(N, C))
    elif kind == "logits":
        yt, yp = onehot(N, C), 2 * rng.normal(size=(N, C))
    elif kind == "prob_axis1":
        yt, yp = onehot(N, C, T, axis=1), probs(N, C, T, axis=1)
    elif kind == "logits_axis1":
        yt, yp = onehot(N, C, T, axis=1), 2 * rng.normal(size=(N, C, T))
    elif kind == "prob_3d":
        yt, yp = onehot(N, T, C), probs(N, T, C)
    elif kind == "sparse":
        yt, yp = rng.integers(0, C, size=(N,)), probs(N, C)
    elif kind == "sparse_col":
        yt, yp = rng.integers(0, C, size=(N, 1)), probs(N, C)
    elif kind == "sparse_float":
        yt, yp = rng.integers(0, C, size=(N,)).astype("float32"), probs(N, C)
    elif kind == "sparse_logits":
        yt, yp = rng.integers(0, C, size=(N,)), 2 * rng.normal(size=(N, C))
    elif kind == "sparse_3d":
        yt, yp = rng.integers(0, C, size=(N, T)), probs(N, T, C)
    elif kind == "sparse_ignore":  # some targets are the ignored class -1
        yt, yp = np.array([0, -1, 2, 3, -1]), probs(N, C)
    elif kind == "sparse_ignore_logits":
        yt, yp = np.array([1, -1, 2, -1, 0]), 2 * rng.normal(size=(N, C))
    elif kind == "sparse_ignore_3d":
        yt = rng.integers(0, C, size=(N, T))
        yt[0, 1] = yt[2, 0] = yt[4, 2] = 255
        yp = 2 * rng.normal(size=(N, T, C))
    elif kind == "bin":
        yt, yp = rng.integers(0, 2, size=(N, C)), rng.uniform(0.02, 0.98, size=(N, C))
    elif kind == "bin_logits":
        yt, yp = rng.integers(0, 2, size=(N, C)), 2 * rng.normal(size=(N, C))
    elif kind == "bin_col":
        yt, yp = rng.integers(0, 2, size=(N,)), rng.uniform(0.02, 0.98, size=(N, 1))
    elif kind == "bin_col_logits":
        yt, yp = rng.integers(0, 2, size=(N,)), 2 * rng.normal(size=(N, 1))
    elif kind == "bin_3d":
        yt, yp = rng.integers(0, 2, size=(N, T, C)), rng.uniform(0.02, 0.98, size=(N, T, C))
    elif kind == "bin_soft":
        yt, yp = rng.uniform(0, 1, size=(N, C)), rng.uniform(0.02, 0.98, size=(N, C))
    elif kind == "pm1":
        yt, yp = rng.choice([-1.0, 1.0], size=(N, C)), rng.normal(size=(N, C))
    elif kind == "bin01_hinge":
        yt, yp = rng.integers(0, 2, size=(N, C)).astype("float64"), rng.normal(size=(N, C))
    elif kind == "seg":
        yt, yp = rng.integers(0, 2, size=(N, 4, 4, 1)), rng.uniform(0.01, 0.99, size=(N, 4, 4, 1))
    elif kind == "emb":
        yt = np.array([0, 1, 0, 2, 1, 2])
        e = rng.normal(size=(6, 3))
        yp = e / np.linalg.norm(e, axis=1, keepdims=True)
    else:  # pragma: no cover
        raise KeyError(kind)
    yt = np.asarray(yt)
    if yt.dtype.kind == "f":
        yt = yt.astype(dtype)
    return yt, np.asarray(yp, dtype=dtype)


def keras_value_and_grad(tf, fn, y_true, y_pred, transform=None, sample_weight=None):
    x = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = transform(x) if transform is not None else x
        loss = fn(y_true, z) if sample_weight is None else fn(y_true, z, sample_weight=sample_weight)
    return np.asarray(loss), np.asarray(tape.gradient(loss, x))


def ours_value_and_grad(fn, y_true, y_pred, transform=None, sample_weight=None):
    with ops.GradientTape() as tape:
        x = tape.watch(y_pred)
        z = transform(x) if transform is not None else x
        loss = fn(y_true, z) if sample_weight is None else fn(y_true, z, sample_weight=sample_weight)
    grad = tape.gradient(loss, x)
    return np.asarray(value(loss)), (np.zeros_like(y_pred) if grad is None else np.asarray(grad))


def loss_item(ours_fn):
    """The public name a loss object is recorded under (`losses.CategoricalCrossentropy`)."""
    return f"losses.{type(ours_fn).__name__}"


def compare(tf, ours_fn, keras_fn, y_true, y_pred, tol=F32, transform_pair=(None, None), sample_weight=None,
            item=None):
    item = item or loss_item(ours_fn)
    kv, kg = keras_value_and_grad(tf, keras_fn, y_true, y_pred, transform_pair[1], sample_weight)
    mv, mg = ours_value_and_grad(ours_fn, y_true, y_pred, transform_pair[0], sample_weight)
    assert mv.shape == kv.shape, (mv.shape, kv.shape)
    assert mv.dtype == kv.dtype, (mv.dtype, kv.dtype)
    assert_close(mv, kv, err_msg="loss value", **tol, item=item)
    assert_close(mg, kg, err_msg="gradient w.r.t. y_pred", **tol, item=item, kind="gradient")
    return mv, kv


# -- every class and option -------------------------------------------------------------------

# (class name, constructor kwargs, data kind)
CLASS_CASES = [
    ("MeanSquaredError", {}, "reg"),
    ("MeanSquaredError", {}, "reg_col"),
    ("MeanSquaredError", {}, "reg_3d"),
    ("MeanAbsoluteError", {}, "reg"),
    ("MeanAbsoluteError", {}, "reg_col"),
    ("MeanAbsolutePercentageError", {}, "reg"),
    ("MeanAbsolutePercentageError", {}, "reg_pos"),
    ("MeanSquaredLogarithmicError", {}, "reg_pos"),
    ("MeanSquaredLogarithmicError", {}, "reg"),
    ("LogCosh", {}, "reg"),
    ("LogCosh", {}, "reg_3d"),
    ("Huber", {}, "huber"),
    ("Huber", {"delta": 0.5}, "huber"),
    ("Huber", {"delta": 2.5}, "huber"),
    ("CosineSimilarity", {}, "reg"),
    ("CosineSimilarity", {"axis": 1}, "reg_3d"),
    ("CosineSimilarity", {"axis": 0}, "reg"),
    ("Hinge", {}, "pm1"),
    ("Hinge", {}, "bin01_hinge"),
    ("SquaredHinge", {}, "pm1"),
    ("SquaredHinge", {}, "bin01_hinge"),
    ("CategoricalHinge", {}, "prob"),
    ("CategoricalHinge", {}, "logits"),
    ("KLDivergence", {}, "soft"),
    ("KLDivergence", {}, "prob"),
    ("Poisson", {}, "reg_pos"),
    ("BinaryCrossentropy", {}, "bin"),
    ("BinaryCrossentropy", {}, "bin_soft"),
    ("BinaryCrossentropy", {}, "bin_col"),
    ("BinaryCrossentropy", {"from_logits": True}, "bin_logits"),
    ("BinaryCrossentropy", {"from_logits": True}, "bin_col_logits"),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, "bin"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "bin_logits"),
    ("BinaryCrossentropy", {"axis": 1}, "bin_3d"),
    ("BinaryCrossentropy", {"axis": 0}, "bin"),
    ("BinaryFocalCrossentropy", {}, "bin"),
    ("BinaryFocalCrossentropy", {"gamma": 0.0}, "bin"),
    ("BinaryFocalCrossentropy", {"gamma": 3.5}, "bin"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True}, "bin"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.7}, "bin"),
    ("BinaryFocalCrossentropy", {"from_logits": True}, "bin_logits"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "apply_class_balancing": True, "gamma": 1.5}, "bin_logits"),
    ("BinaryFocalCrossentropy", {"label_smoothing": 0.3}, "bin"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "bin_col_logits"),
    ("BinaryFocalCrossentropy", {"axis": 1}, "bin_3d"),
    ("CategoricalCrossentropy", {}, "prob"),
    ("CategoricalCrossentropy", {}, "soft"),
    ("CategoricalCrossentropy", {}, "unnorm"),
    ("CategoricalCrossentropy", {}, "prob_3d"),
    ("CategoricalCrossentropy", {"from_logits": True}, "logits"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "prob"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.25}, "logits"),
    ("CategoricalCrossentropy", {"axis": 1}, "prob_axis1"),
    ("CategoricalCrossentropy", {"axis": 1, "from_logits": True}, "logits_axis1"),
    ("CategoricalFocalCrossentropy", {}, "prob"),
    ("CategoricalFocalCrossentropy", {}, "unnorm"),
    ("CategoricalFocalCrossentropy", {"gamma": 0.0, "alpha": 1.0}, "prob"),
    ("CategoricalFocalCrossentropy", {"gamma": 3.0, "alpha": 0.5}, "prob"),
    ("CategoricalFocalCrossentropy", {"alpha": [0.1, 0.2, 0.3, 0.4]}, "prob"),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, "logits"),
    ("CategoricalFocalCrossentropy", {"label_smoothing": 0.2}, "prob"),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("CategoricalFocalCrossentropy", {"axis": 1}, "prob_axis1"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {}, "sparse_col"),
    ("SparseCategoricalCrossentropy", {}, "sparse_float"),
    ("SparseCategoricalCrossentropy", {}, "sparse_3d"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"ignore_class": -1}, "sparse_ignore"),
    ("SparseCategoricalCrossentropy", {"ignore_class": -1, "from_logits": True}, "sparse_ignore_logits"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 255, "from_logits": True}, "sparse_ignore_3d"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 255, "from_logits": True, "reduction": "sum"},
     "sparse_ignore_3d"),
    ("SparseCategoricalCrossentropy", {"ignore_class": -1, "reduction": None}, "sparse_ignore"),
    ("SparseCategoricalCrossentropy", {"ignore_class": -1, "reduction": "mean_with_sample_weight"},
     "sparse_ignore"),
    ("CategoricalGeneralizedCrossEntropy", {}, "sparse"),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.2}, "sparse"),
    ("Dice", {}, "seg"),
    ("Dice", {"axis": (1, 2, 3)}, "seg"),
    ("Dice", {"axis": (1, 2, 3), "reduction": None}, "seg"),
    ("Tversky", {}, "seg"),
    ("Tversky", {"alpha": 0.3, "beta": 0.7, "axis": (1, 2, 3)}, "seg"),
    # The default gamma=80 makes the float32 gradient an ill-conditioned sum of large
    # terms (TF and NumPy round differently by ~1e-5 relative): checked in float64 below.
    ("Circle", {"gamma": 10.0, "margin": 0.25}, "emb"),
    ("Circle", {"remove_diagonal": False, "gamma": 5.0}, "emb"),
]


def _case_id(case):
    name, kwargs, kind = case
    opts = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{name}({opts})-{kind}"


@pytest.mark.parametrize("case", CLASS_CASES, ids=[_case_id(c) for c in CLASS_CASES])
def test_loss_class_matches_keras(tf, keras, case):
    name, kwargs, kind = case
    y_true, y_pred = make_data(kind, seed=len(name) + len(kwargs))
    ours = getattr(minikeras.losses, name)(**kwargs)
    theirs = getattr(keras.losses, name)(**kwargs)
    compare(tf, ours, theirs, y_true, y_pred)


# -- the plain functions (per-sample values, no reduction) ------------------------------------------

FUNCTION_CASES = [
    ("mean_squared_error", {}, "reg"),
    ("mean_squared_error", {}, "reg_col"),
    ("mean_absolute_error", {}, "reg_3d"),
    ("mean_absolute_percentage_error", {}, "reg"),
    ("mean_squared_logarithmic_error", {}, "reg_pos"),
    ("log_cosh", {}, "reg"),
    ("huber", {"delta": 1.5}, "huber"),
    ("cosine_similarity", {"axis": -1}, "reg"),
    ("hinge", {}, "bin01_hinge"),
    ("squared_hinge", {}, "pm1"),
    ("categorical_hinge", {}, "prob"),
    ("kl_divergence", {}, "soft"),
    ("poisson", {}, "reg_pos"),
    ("binary_crossentropy", {}, "bin"),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.2}, "bin_logits"),
    ("binary_focal_crossentropy", {"apply_class_balancing": True, "from_logits": True}, "bin_logits"),
    ("categorical_crossentropy", {}, "unnorm"),
    ("categorical_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("categorical_focal_crossentropy", {"from_logits": True}, "logits"),
    ("sparse_categorical_crossentropy", {}, "sparse"),
    ("sparse_categorical_crossentropy", {"from_logits": True}, "sparse_logits"),
    ("sparse_categorical_crossentropy", {"from_logits": True, "ignore_class": -1}, "sparse_ignore_logits"),
    ("dice", {"axis": (1, 2)}, "seg"),
    ("tversky", {"alpha": 0.2, "beta": 0.8}, "seg"),
    ("circle", {"gamma": 20}, "emb"),
    ("categorical_generalized_cross_entropy", {"q": 0.7}, "sparse"),
]


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=[_case_id(c) for c in FUNCTION_CASES])
def test_loss_function_matches_keras(tf, keras, case):
    name, kwargs, kind = case
    y_true, y_pred = make_data(kind, seed=3)
    ours = getattr(minikeras.losses, name)
    theirs = getattr(keras.losses, name)
    if name == "sparse_categorical_crossentropy":  # Keras's function wants tensors (it reads `.shape`)
        y_true = tf.constant(y_true)
        y_true_ours = y_true.numpy()
        kv, kg = keras_value_and_grad(tf, lambda t, p: theirs(t, p, **kwargs), y_true, y_pred)
        mv, mg = ours_value_and_grad(lambda t, p: ours(t, p, **kwargs), y_true_ours, y_pred)
        assert_close(mv, kv, **F32, item=f"losses.{name}")
        assert_close(mg, kg, **F32, item=f"losses.{name}", kind="gradient")
        return
    compare(tf, lambda t, p: ours(t, p, **kwargs), lambda t, p: theirs(t, p, **kwargs), y_true, y_pred,
            item=f"losses.{name}")


# -- the softmax/sigmoid logits shortcut, and clipping -------------------------------------------------

SHORTCUT_CASES = [
    # (loss class, kwargs, activation, data kind, scale of the logits)
    ("CategoricalCrossentropy", {}, "softmax", "logits", 1.0),
    ("CategoricalCrossentropy", {}, "softmax", "logits", 1e4),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "softmax", "logits", 1e4),
    ("CategoricalCrossentropy", {"from_logits": True}, "softmax", "logits", 5.0),
    ("SparseCategoricalCrossentropy", {}, "softmax", "sparse_logits", 1.0),
    ("SparseCategoricalCrossentropy", {}, "softmax", "sparse_logits", 1e4),
    ("BinaryCrossentropy", {}, "sigmoid", "bin_logits", 1.0),
    ("BinaryCrossentropy", {}, "sigmoid", "bin_logits", 1e4),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, "sigmoid", "bin_col_logits", 1e4),
    ("BinaryFocalCrossentropy", {}, "sigmoid", "bin_logits", 1.0),
    ("BinaryFocalCrossentropy", {"from_logits": True}, "none", "bin_logits", 1e4),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True}, "sigmoid", "bin_logits", 30.0),
    ("CategoricalFocalCrossentropy", {}, "softmax", "logits", 1.0),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, "none", "logits", 1e4),
    ("KLDivergence", {}, "softmax", "logits", 3.0),
    # `ignore_class` rebuilds y_pred with `where`, and a float64 loss casts it: both drop the logits link.
    ("SparseCategoricalCrossentropy", {"ignore_class": -1}, "softmax", "sparse_ignore_logits", 30.0),
    ("CategoricalCrossentropy", {"dtype": "float64"}, "softmax", "logits", 1e4),
    ("BinaryCrossentropy", {"dtype": "float64"}, "sigmoid", "bin_logits", 1e4),
]


@pytest.mark.parametrize("case", SHORTCUT_CASES, ids=[_case_id(c[:2] + (f"{c[2]}-{c[4]:g}",)) for c in SHORTCUT_CASES])
def test_activation_then_loss_matches_keras(tf, keras, case):
    """Gradients w.r.t. the logits through softmax/sigmoid + the loss (Keras uses the logits)."""
    name, kwargs, activation, kind, scale = case
    y_true, logits = make_data(kind, seed=7)
    logits = (logits * scale).astype("float32")
    ours = getattr(minikeras.losses, name)(**kwargs)
    theirs = getattr(keras.losses, name)(**kwargs)
    pair = (None, None)
    if activation != "none":
        pair = (getattr(minikeras.activations, activation), getattr(keras.activations, activation))
    value, _ = compare(tf, ours, theirs, y_true, logits, transform_pair=pair)
    assert np.all(np.isfinite(value))


@pytest.mark.parametrize("name", ["categorical_crossentropy", "binary_crossentropy"])
def test_function_uses_logits_of_activation_output_eagerly(keras, name):
    activation = "softmax" if name.startswith("categorical") else "sigmoid"
    y_true, _ = make_data("prob" if activation == "softmax" else "bin", seed=2)
    x = np.array([[1e4, 0.0, -1e4, 3.0]] * N, dtype="float32")
    probs_k = getattr(keras.activations, activation)(x)
    probs_m = getattr(minikeras.activations, activation)(x)
    with_logits = getattr(minikeras.losses, name)(y_true, probs_m)
    assert_close(with_logits, np.asarray(getattr(keras.losses, name)(y_true, probs_k)), **F32, item=f"losses.{name}")
    # The same probabilities as a plain array are clipped instead (a different number).
    clipped = getattr(minikeras.losses, name)(y_true, np.array(probs_m))
    assert_close(clipped, np.asarray(getattr(keras.losses, name)(y_true, np.asarray(probs_k))), **F32,
                 item=f"losses.{name}")
    assert not np.allclose(with_logits, clipped)


CLIP_CASES = [
    ("CategoricalCrossentropy", {}),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}),
    ("SparseCategoricalCrossentropy", {}),
    ("BinaryCrossentropy", {}),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}),
    ("BinaryFocalCrossentropy", {}),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True}),
    ("CategoricalFocalCrossentropy", {}),
    ("KLDivergence", {}),
    ("Poisson", {}),
    ("MeanSquaredLogarithmicError", {}),
]


@pytest.mark.parametrize("case", CLIP_CASES, ids=[_case_id(c + ("hard",)) for c in CLIP_CASES])
def test_probabilities_exactly_zero_and_one(tf, keras, case):
    """Hard 0/1 predictions hit the [epsilon, 1 - epsilon] clipping (and its zero gradient)."""
    name, kwargs = case
    y_pred = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.0]], dtype="float32")
    if name == "SparseCategoricalCrossentropy":
        y_true = np.array([0, 2, 2, 1])
    else:
        y_true = np.array([[1, 0, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0]], dtype="float32")
    ours = getattr(minikeras.losses, name)(**kwargs)
    theirs = getattr(keras.losses, name)(**kwargs)
    compare(tf, ours, theirs, y_true, y_pred)


# -- float64 ----------------------------------------------------------------------------------------

F64_CASES = [
    ("MeanSquaredError", {}, "reg"),
    ("MeanAbsoluteError", {}, "reg"),
    ("MeanAbsolutePercentageError", {}, "reg"),
    ("MeanSquaredLogarithmicError", {}, "reg_pos"),
    ("LogCosh", {}, "reg"),
    ("Huber", {"delta": 0.7}, "huber"),
    ("CosineSimilarity", {}, "reg"),
    ("Hinge", {}, "bin01_hinge"),
    ("SquaredHinge", {}, "pm1"),
    ("CategoricalHinge", {}, "logits"),
    ("KLDivergence", {}, "soft"),
    ("Poisson", {}, "reg_pos"),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "bin"),
    ("BinaryCrossentropy", {"from_logits": True}, "bin_logits"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True}, "bin"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "gamma": 1.5}, "bin_logits"),
    ("CategoricalCrossentropy", {}, "unnorm"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "logits"),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, "logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": -1}, "sparse_ignore_logits"),
    ("Dice", {"axis": (1, 2, 3)}, "seg"),
    ("Tversky", {"alpha": 0.3, "beta": 0.7}, "seg"),
    ("Circle", {}, "emb"),
    ("MeanSquaredLogarithmicError", {}, "reg"),
]


@pytest.fixture
def float64(keras):
    keras.config.set_floatx("float64")
    minikeras.config.set_floatx("float64")
    yield
    keras.config.set_floatx("float32")
    minikeras.config.set_floatx("float32")


@pytest.mark.parametrize("case", F64_CASES, ids=[_case_id(c) for c in F64_CASES])
def test_loss_class_matches_keras_float64(tf, keras, float64, case):
    name, kwargs, kind = case
    y_true, y_pred = make_data(kind, seed=11, dtype="float64")
    ours = getattr(minikeras.losses, name)(**kwargs)
    theirs = getattr(keras.losses, name)(**kwargs)
    assert ours.dtype == "float64"
    value, _ = compare(tf, ours, theirs, y_true, y_pred, tol=F64)
    assert value.dtype == np.float64


@pytest.mark.parametrize("activation,name,kind", [
    ("softmax", "CategoricalCrossentropy", "logits"),
    ("sigmoid", "BinaryCrossentropy", "bin_logits"),
])
def test_logits_shortcut_float64(tf, keras, float64, activation, name, kind):
    y_true, logits = make_data(kind, seed=5, dtype="float64")
    pair = (getattr(minikeras.activations, activation), getattr(keras.activations, activation))
    compare(tf, getattr(minikeras.losses, name)(), getattr(keras.losses, name)(), y_true, logits * 50,
            tol=F64, transform_pair=pair)


# -- kinks, ties and zeros: the gradient conventions at the edges ---------------------------------------

EDGE_CASES = [
    # (class, kwargs, y_true, y_pred)
    ("CosineSimilarity", {}, [[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]], [[0.0, 0.0], [1.0, 2.0], [1.0, -2.0]]),
    ("MeanAbsoluteError", {}, [[1.0, 0.0], [2.0, -1.0]], [[1.0, 0.5], [2.0, -1.0]]),
    ("MeanAbsolutePercentageError", {}, [[0.0, 1.0], [2.0, 0.0]], [[0.5, 1.0], [1.0, -3.0]]),
    ("Huber", {"delta": 1.0}, [[0.0, 0.0], [1.0, 2.0]], [[1.0, -1.0], [1.0, 0.5]]),
    ("Hinge", {}, [[1.0, -1.0], [1.0, 1.0]], [[1.0, -1.0], [0.5, 2.0]]),
    ("SquaredHinge", {}, [[1.0, -1.0], [0.0, 1.0]], [[1.0, -1.0], [-1.0, 0.0]]),
    ("CategoricalHinge", {}, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.5, 0.5, 0.5], [2.0, 0.0, 2.0]]),
    ("Poisson", {}, [[0.0, 1.0], [2.0, 0.0]], [[0.0, 1.0], [0.5, 0.0]]),
    ("KLDivergence", {}, [[0.0, 1.0], [0.5, 0.5]], [[0.0, 1.0], [1.0, 0.0]]),
    ("MeanSquaredLogarithmicError", {}, [[0.0, 1.0], [-1.0, 2.0]], [[-0.5, 0.0], [1.0, 2.0]]),
    ("CategoricalCrossentropy", {}, [[0.0, 1.0], [1.0, 0.0]], [[0.0, 0.0], [1e-9, 1.0]]),
]


@pytest.mark.parametrize("case", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_edges_match_keras(tf, keras, case):
    name, kwargs, y_true, y_pred = case
    ours = getattr(minikeras.losses, name)(**kwargs)
    theirs = getattr(keras.losses, name)(**kwargs)
    with np.errstate(all="ignore"):
        compare(tf, ours, theirs, np.array(y_true, "float32"), np.array(y_pred, "float32"))
