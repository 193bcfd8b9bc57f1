"""The built-in losses: hand-checked values, float64 gradient checks, configs, registry, errors."""

import numpy as np
import pytest

import minikeras
from minikeras import losses, ops
from minikeras.ops.autodiff import value
from tests.gradcheck import check_grad

rng = np.random.default_rng(0)
N, C = 4, 3


def _probs(*shape):
    p = rng.uniform(0.1, 1.0, size=shape)
    return p / p.sum(-1, keepdims=True)


def _onehot(n=N, c=C):
    return np.eye(c)[rng.integers(0, c, size=n)]


Y_REG, P_REG = rng.normal(size=(N, C)), rng.normal(size=(N, C))
Y_POS, P_POS = rng.uniform(0.2, 2, size=(N, C)), rng.uniform(0.2, 2, size=(N, C))
Y_BIN, P_BIN = rng.integers(0, 2, size=(N, C)).astype(float), rng.uniform(0.05, 0.95, size=(N, C))
Y_CAT, P_CAT = _onehot(), _probs(N, C)
# One-hot along axis 0 (each column sums to 1): with axis=0 the softmax runs over
# that axis, and TensorFlow's logits gradient softmax - y assumes targets summing to 1.
Y_COL = np.zeros((N, C))
Y_COL[rng.integers(0, N, C), np.arange(C)] = 1.0
Y_SPARSE = rng.integers(0, C, size=(N,))
LOGITS = 2 * rng.normal(size=(N, C))

# (function name, kwargs, y_true, y_pred): every function, every option that changes the formula.
GRAD_CASES = [
    ("mean_squared_error", {}, Y_REG, P_REG),
    ("mean_absolute_error", {}, Y_REG, P_REG),
    ("mean_absolute_percentage_error", {}, Y_REG, P_REG),
    ("mean_squared_logarithmic_error", {}, Y_POS, P_POS),
    ("log_cosh", {}, Y_REG, P_REG),
    ("huber", {}, Y_REG, 3 * P_REG),
    ("huber", {"delta": 0.3}, Y_REG, P_REG),
    ("cosine_similarity", {}, Y_REG, P_REG),
    ("cosine_similarity", {"axis": 0}, Y_REG, P_REG),
    ("hinge", {}, Y_BIN, P_REG),
    ("hinge", {}, 2 * Y_BIN - 1, P_REG),
    ("squared_hinge", {}, Y_BIN, P_REG),
    ("categorical_hinge", {}, Y_CAT, P_REG),
    ("kl_divergence", {}, _probs(N, C), P_CAT),
    ("poisson", {}, Y_POS, P_POS),
    ("binary_crossentropy", {}, Y_BIN, P_BIN),
    ("binary_crossentropy", {"label_smoothing": 0.2}, Y_BIN, P_BIN),
    ("binary_crossentropy", {"from_logits": True}, Y_BIN, LOGITS),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.1, "axis": 0}, Y_BIN, LOGITS),
    ("binary_focal_crossentropy", {}, Y_BIN, P_BIN),
    ("binary_focal_crossentropy", {"apply_class_balancing": True, "alpha": 0.6, "gamma": 3.0}, Y_BIN, P_BIN),
    ("binary_focal_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, Y_BIN, LOGITS),
    ("categorical_crossentropy", {}, Y_CAT, P_CAT),
    ("categorical_crossentropy", {}, Y_CAT, rng.uniform(0.1, 2, size=(N, C))),
    ("categorical_crossentropy", {"label_smoothing": 0.2}, Y_CAT, P_CAT),
    ("categorical_crossentropy", {"from_logits": True}, Y_CAT, LOGITS),
    # (Keras smooths with the size of the last axis even when axis=0, so smoothed
    # targets no longer sum to 1 along axis 0; that case is covered by compat tests.)
    ("categorical_crossentropy", {"from_logits": True, "axis": 0}, Y_COL, LOGITS),
    ("categorical_focal_crossentropy", {}, Y_CAT, P_CAT),
    ("categorical_focal_crossentropy", {"alpha": [0.2, 0.3, 0.5], "gamma": 1.5}, Y_CAT, P_CAT),
    ("categorical_focal_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, Y_CAT, LOGITS),
    ("sparse_categorical_crossentropy", {}, Y_SPARSE, P_CAT),
    ("sparse_categorical_crossentropy", {"from_logits": True}, Y_SPARSE, LOGITS),
    ("sparse_categorical_crossentropy", {"from_logits": True, "ignore_class": 1}, Y_SPARSE, LOGITS),
    ("categorical_generalized_cross_entropy", {"q": 0.4}, Y_SPARSE, P_CAT),
    ("dice", {}, Y_BIN, P_BIN),
    ("dice", {"axis": 1}, Y_BIN, P_BIN),
    ("tversky", {"alpha": 0.3, "beta": 0.7, "axis": 1}, Y_BIN, P_BIN),
    ("circle", {"gamma": 4.0}, np.array([0, 1, 0, 1]), P_REG / np.linalg.norm(P_REG, axis=1, keepdims=True)),
]


def _id(case):
    return case[0] + "".join(f"-{k}={v}" for k, v in case[1].items())


@pytest.mark.parametrize("case", GRAD_CASES, ids=[_id(c) for c in GRAD_CASES])
def test_function_gradient_float64(case):
    name, kwargs, y_true, y_pred = case
    fn = getattr(losses, name)
    out = fn(y_true, y_pred, **kwargs)
    assert np.asarray(out).dtype == np.float64
    check_grad(lambda p: fn(y_true, p, **kwargs), y_pred)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", None])
@pytest.mark.parametrize("name,kwargs,y_true,y_pred", [
    ("CategoricalCrossentropy", {"from_logits": True}, Y_CAT, LOGITS),
    ("SparseCategoricalCrossentropy", {}, Y_SPARSE, P_CAT),
    ("BinaryCrossentropy", {}, Y_BIN, P_BIN),
    ("Huber", {"delta": 0.5}, Y_REG, P_REG),
])
def test_class_gradient_with_sample_weight_float64(name, kwargs, y_true, y_pred, reduction):
    loss = getattr(losses, name)(reduction=reduction, dtype="float64", **kwargs)
    weights = np.array([0.5, 2.0, 1.0, 0.0])
    check_grad(lambda p: loss(y_true, p, sample_weight=weights), y_pred)


@pytest.mark.parametrize("activation,name", [
    ("softmax", "categorical_crossentropy"),
    ("softmax", "sparse_categorical_crossentropy"),
    ("sigmoid", "binary_crossentropy"),
    ("sigmoid", "binary_focal_crossentropy"),
])
def test_activation_then_crossentropy_gradient_float64(activation, name):
    y_true = Y_SPARSE if name.startswith("sparse") else (Y_CAT if activation == "softmax" else Y_BIN)
    act = getattr(minikeras.activations, activation)
    check_grad(lambda z: getattr(losses, name)(y_true, act(z)), LOGITS)


# -- hand-worked values --------------------------------------------------------------------------


def test_values_by_hand():
    yt = np.array([[0.0, 1.0], [0.0, 0.0]], dtype="float32")
    yp = np.array([[0.6, 0.4], [0.4, 0.6]], dtype="float32")
    np.testing.assert_allclose(losses.mean_squared_error(yt, yp), [0.36, 0.26], rtol=1e-6)
    np.testing.assert_allclose(losses.mean_absolute_error(yt, yp), [0.6, 0.5], rtol=1e-6)
    np.testing.assert_allclose(losses.binary_crossentropy(yt, yp), [0.9162905, 0.7135582], rtol=1e-6)
    np.testing.assert_allclose(float(losses.Huber()(yt, yp)), 0.155, rtol=1e-6)
    np.testing.assert_allclose(
        losses.categorical_crossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]),
        [0.05129331, 2.3025851], rtol=1e-6)
    # 0/1 hinge labels become -1/+1: max(1 - (-1)(0.6), 0) = 1.6 ...
    np.testing.assert_allclose(losses.hinge(yt, yp), [(1.6 + 0.6) / 2, (1.4 + 1.6) / 2], rtol=1e-6)


def test_label_smoothing_formulas():
    yt = np.array([[0.0, 1.0, 0.0]])
    p = np.array([[0.2, 0.5, 0.3]])
    smoothed = yt * 0.7 + 0.3 / 3
    expected = -np.sum(smoothed * np.log(p))
    np.testing.assert_allclose(losses.categorical_crossentropy(yt, p, label_smoothing=0.3), [expected], rtol=1e-12)
    bt, bp = np.array([[1.0, 0.0]]), np.array([[0.8, 0.3]])
    s = bt * 0.8 + 0.1
    expected = np.mean(-(s * np.log(bp) + (1 - s) * np.log(1 - bp)))
    np.testing.assert_allclose(losses.binary_crossentropy(bt, bp, label_smoothing=0.2), [expected], rtol=1e-12)


def test_focal_reduces_to_crossentropy_with_gamma_zero():
    np.testing.assert_allclose(
        losses.binary_focal_crossentropy(Y_BIN, P_BIN, gamma=0.0), losses.binary_crossentropy(Y_BIN, P_BIN),
        rtol=1e-12)
    np.testing.assert_allclose(
        losses.categorical_focal_crossentropy(Y_CAT, P_CAT, gamma=0.0, alpha=1.0),
        losses.categorical_crossentropy(Y_CAT, P_CAT), rtol=1e-12)


def test_ignore_class_masks_the_mean():
    y = np.array([0, -1, 2, -1])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    per_sample = losses.sparse_categorical_crossentropy(y, LOGITS, from_logits=True, ignore_class=-1)
    assert per_sample[1] == 0 and per_sample[3] == 0
    full = losses.sparse_categorical_crossentropy(np.array([0, 0, 2, 0]), LOGITS, from_logits=True)
    np.testing.assert_allclose(float(loss(y, LOGITS)), (full[0] + full[2]) / 2, rtol=1e-6)


# -- extreme logits --------------------------------------------------------------------------------


@pytest.mark.parametrize("activation,loss", [
    ("softmax", losses.CategoricalCrossentropy()),
    ("softmax", losses.CategoricalCrossentropy(label_smoothing=0.1)),
    ("softmax", losses.SparseCategoricalCrossentropy()),
    ("sigmoid", losses.BinaryCrossentropy()),
    ("sigmoid", losses.BinaryFocalCrossentropy(apply_class_balancing=True)),
    ("none", losses.BinaryFocalCrossentropy(from_logits=True)),
    ("none", losses.CategoricalFocalCrossentropy(from_logits=True)),
    ("none", losses.CategoricalCrossentropy(from_logits=True)),
])
def test_extreme_logits_give_finite_loss_and_gradient(activation, loss):
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [0.0, -1e4, 1e4]], dtype="float32")
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        y = np.array([2, 0, 1])
    else:
        y = np.eye(3, dtype="float32")[[2, 0, 1]]
    with ops.GradientTape() as tape:
        z = tape.watch(logits)
        out = loss(y, getattr(minikeras.activations, activation)(z) if activation != "none" else z)
    grad = np.asarray(tape.gradient(out, z))
    assert np.isfinite(float(value(out))) and np.all(np.isfinite(grad))
    if activation == "softmax":  # computed from the logits, not clipped: about 2e4 / 3
        assert float(value(out)) > 1e3


# -- configs -------------------------------------------------------------------------------------------

CLASS_KWARGS = {
    "MeanSquaredError": {}, "MeanAbsoluteError": {}, "MeanAbsolutePercentageError": {},
    "MeanSquaredLogarithmicError": {}, "CosineSimilarity": {"axis": 0}, "Huber": {"delta": 2.5}, "LogCosh": {},
    "Hinge": {}, "SquaredHinge": {}, "CategoricalHinge": {}, "KLDivergence": {}, "Poisson": {},
    "BinaryCrossentropy": {"from_logits": True, "label_smoothing": 0.1, "axis": 0},
    "BinaryFocalCrossentropy": {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0, "from_logits": True},
    "CategoricalCrossentropy": {"from_logits": True, "label_smoothing": 0.2, "axis": 1},
    "CategoricalFocalCrossentropy": {"alpha": 0.5, "gamma": 1.0, "label_smoothing": 0.1},
    "SparseCategoricalCrossentropy": {"from_logits": True, "ignore_class": 3},
    "CategoricalGeneralizedCrossEntropy": {"q": 0.3}, "Dice": {"axis": (1, 2)},
    "Tversky": {"alpha": 0.2, "beta": 0.8, "axis": 1}, "Circle": {"gamma": 20.0, "margin": 0.3},
}


@pytest.mark.parametrize("name", list(CLASS_KWARGS))
def test_config_round_trip(name):
    cls = getattr(losses, name)
    loss = cls(reduction="sum", name="my_loss", **CLASS_KWARGS[name])
    config = loss.get_config()
    assert config["name"] == "my_loss" and config["reduction"] == "sum"
    for key, val in CLASS_KWARGS[name].items():
        if not (name == "SparseCategoricalCrossentropy" and key == "axis"):
            assert config[key] == val
    clone = cls.from_config(config)
    assert type(clone) is cls and clone.get_config() == config
    again = losses.deserialize(losses.serialize(loss))
    assert type(again) is cls and again.get_config() == config


@pytest.mark.parametrize("name", list(CLASS_KWARGS))
def test_default_names(name):
    loss = getattr(losses, name)()
    assert loss.reduction == "sum_over_batch_size"
    assert loss.dtype == "float32"
    assert getattr(losses, name)().name == loss.name  # fixed names, not uniquified


def test_wrapper_config_round_trip():
    wrapper = losses.LossFunctionWrapper(losses.huber, reduction="sum", delta=2.0)
    assert wrapper.name == "loss_function_wrapper"
    config = wrapper.get_config()
    assert config["fn"]["config"] == "huber" and config["delta"] == 2.0
    clone = losses.LossFunctionWrapper.from_config(config)
    assert clone.fn is losses.huber and clone._fn_kwargs == {"delta": 2.0}
    np.testing.assert_allclose(clone(Y_REG, P_REG), wrapper(Y_REG, P_REG))


def test_custom_loss_subclass_and_auto_names():
    class MyAbsoluteLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.abs(ops.subtract(y_pred, y_true)), axis=-1)

    first, second = MyAbsoluteLoss(), MyAbsoluteLoss()
    assert (first.name, second.name) == ("my_absolute_loss", "my_absolute_loss_1")
    np.testing.assert_allclose(float(first(Y_REG, P_REG)), float(losses.MeanAbsoluteError()(Y_REG, P_REG)),
                               rtol=1e-6)
    with pytest.raises(NotImplementedError):
        losses.Loss()(Y_REG, P_REG)


# -- registry --------------------------------------------------------------------------------------


@pytest.mark.parametrize("alias,target", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
    ("mae", losses.mean_absolute_error), ("MAE", losses.mean_absolute_error),
    ("mape", losses.mean_absolute_percentage_error), ("MAPE", losses.mean_absolute_percentage_error),
    ("msle", losses.mean_squared_logarithmic_error), ("MSLE", losses.mean_squared_logarithmic_error),
    ("kld", losses.kl_divergence), ("KLD", losses.kl_divergence),
    ("bce", losses.binary_crossentropy), ("BCE", losses.binary_crossentropy),
    ("categorical_crossentropy", losses.categorical_crossentropy), ("log_cosh", losses.log_cosh),
    ("huber", losses.huber), ("kl_divergence", losses.kl_divergence),
])
def test_get_function_names_and_aliases(alias, target):
    assert losses.get(alias) is target


@pytest.mark.parametrize("name", [n for n in CLASS_KWARGS if n != "CategoricalGeneralizedCrossEntropy"])
def test_get_class_name_gives_an_instance(name):
    loss = losses.get(name)
    assert type(loss) is getattr(losses, name)


def test_get_other_identifiers():
    assert losses.get(None) is None
    instance = losses.Huber(delta=3.0)
    assert losses.get(instance) is instance
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    assert losses.get({"class_name": "Huber", "config": {"delta": 3.0}}).delta == 3.0

    def custom(y_true, y_pred):
        return ops.mean(y_pred, axis=-1)

    assert losses.get(custom) is custom
    assert losses.get({"module": "builtins", "class_name": "function", "config": "mse",
                       "registered_name": "function"}) is losses.mean_squared_error


def test_get_registered_custom_objects():
    from minikeras.saving.object_registration import get_custom_objects, register_keras_serializable

    @register_keras_serializable(package="test_losses")
    def doubled_mse(y_true, y_pred):
        return ops.multiply(2.0, losses.mean_squared_error(y_true, y_pred))

    try:
        config = losses.serialize(doubled_mse)
        assert config["config"] == "test_losses>doubled_mse"
        assert losses.deserialize(config) is doubled_mse
        assert losses.get("test_losses>doubled_mse") is doubled_mse
    finally:
        get_custom_objects().pop("test_losses>doubled_mse", None)


@pytest.mark.parametrize("bad,suggestion", [("msee", "mse"), ("categorical_crossentropi", "categorical_crossentropy"),
                                            ("binary_crossentopy", "binary_crossentropy")])
def test_unknown_name_suggests_closest(bad, suggestion):
    with pytest.raises(ValueError, match="Could not interpret loss identifier") as info:
        losses.get(bad)
    assert repr(bad) in str(info.value) and f"'{suggestion}'" in str(info.value)


def test_get_rejects_non_callables():
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 5"):
        losses.get(5)
