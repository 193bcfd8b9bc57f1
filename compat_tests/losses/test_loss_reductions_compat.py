"""Reductions, sample weights, masks, dtypes, configs and `get` against TensorFlow Keras."""

import inspect

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32, F64
from minikeras import ops
from minikeras.ops.autodiff import value

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


@pytest.fixture(autouse=True)
def _fresh_sessions():
    """Losses use no layer auto-names: skip the (slow) Keras `clear_session` of the shared conftest."""
    minikeras.utils.clear_session()
    yield


def _both(tf, ours, theirs, y_true, y_pred, sample_weight=None, tol=F32):
    x = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(x)
        kv = theirs(y_true, x, sample_weight=sample_weight)
    kg = tape.gradient(kv, x)
    with ops.GradientTape() as t:
        leaf = t.watch(y_pred)
        mv = ours(y_true, leaf, sample_weight=sample_weight)
    mg = t.gradient(mv, leaf)
    mv, kv = np.asarray(value(mv)), np.asarray(kv)
    assert mv.shape == kv.shape and mv.dtype == kv.dtype, (mv.shape, kv.shape, mv.dtype, kv.dtype)
    item = f"losses.{type(ours).__name__}"
    assert_close(mv, kv, err_msg="loss value", **tol, item=item)
    assert_close(np.asarray(mg), np.asarray(kg), err_msg="gradient", **tol, item=item, kind="gradient")


rng = np.random.default_rng(42)
_N, _C, _T = 4, 3, 5
DATA = {
    "mse": (rng.normal(size=(_N, _C)).astype("float32"), rng.normal(size=(_N, _C)).astype("float32")),
    "mse_seq": (rng.normal(size=(_N, _T, _C)).astype("float32"), rng.normal(size=(_N, _T, _C)).astype("float32")),
    "cce": (np.eye(_C, dtype="float32")[[0, 2, 1, 2]], rng.normal(size=(_N, _C)).astype("float32")),
    "scce": (np.array([0, 2, 1, 2]), rng.normal(size=(_N, _C)).astype("float32")),
    "bce": (rng.integers(0, 2, size=(_N, 1)).astype("float32"), rng.normal(size=(_N, 1)).astype("float32")),
    "huber": (rng.normal(size=(_N, _C)).astype("float32"), 3 * rng.normal(size=(_N, _C)).astype("float32")),
}
LOSSES = {
    "mse": ("MeanSquaredError", {}),
    "mse_seq": ("MeanSquaredError", {}),
    "cce": ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
    "scce": ("SparseCategoricalCrossentropy", {"from_logits": True}),
    "bce": ("BinaryCrossentropy", {"from_logits": True}),
    "huber": ("Huber", {"delta": 1.5}),
}
WEIGHTS = {
    "none": None,
    "per_sample": np.array([1.0, 2.0, 0.5, 0.0], dtype="float32"),
    "column": np.array([[1.0], [2.0], [0.5], [3.0]], dtype="float32"),
    "scalar": 2.5,
    "list": [0.2, 0.4, 0.6, 0.8],
    "int": np.array([1, 0, 2, 1]),
    "all_zero": np.zeros(_N, dtype="float32"),
}
SEQ_WEIGHTS = {
    "per_timestep": rng.uniform(0, 2, size=(_N, _T)).astype("float32"),
    "per_timestep_col": rng.uniform(0, 2, size=(_N, _T, 1)).astype("float32"),
}


@pytest.mark.parametrize("reduction", REDUCTIONS, ids=str)
@pytest.mark.parametrize("weights", list(WEIGHTS))
@pytest.mark.parametrize("key", ["mse", "cce", "scce", "bce", "huber"])
def test_reduction_and_sample_weight(tf, keras, key, weights, reduction):
    name, kwargs = LOSSES[key]
    y_true, y_pred = DATA[key]
    ours = getattr(minikeras.losses, name)(reduction=reduction, **kwargs)
    theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)
    _both(tf, ours, theirs, y_true, y_pred, sample_weight=WEIGHTS[weights])


@pytest.mark.parametrize("reduction", REDUCTIONS, ids=str)
@pytest.mark.parametrize("weights", list(SEQ_WEIGHTS))
def test_sequence_sample_weights(tf, keras, weights, reduction):
    y_true, y_pred = DATA["mse_seq"]
    ours = minikeras.losses.MeanSquaredError(reduction=reduction)
    theirs = keras.losses.MeanSquaredError(reduction=reduction)
    _both(tf, ours, theirs, y_true, y_pred, sample_weight=SEQ_WEIGHTS[weights])


def test_per_sample_weights_do_not_broadcast_over_timesteps(tf, keras):
    """Keras multiplies (n, t) losses by (n,) weights without aligning them: both sides refuse."""
    y_true, y_pred = DATA["mse_seq"]
    weights = np.array([1.0, 2.0, 0.5, 0.0], dtype="float32")
    with pytest.raises(tf.errors.InvalidArgumentError):
        keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights)
    with pytest.raises(ValueError, match=r"sample_weight.shape=\(4,\)"):
        minikeras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights)


@pytest.mark.parametrize("reduction", REDUCTIONS, ids=str)
def test_ignore_class_mask_with_sample_weight(tf, keras, reduction):
    y_true = np.array([[0, 1, -1], [2, -1, -1], [1, 1, 0], [-1, 2, 2]])
    y_pred = rng.normal(size=(4, 3, 3)).astype("float32")
    weights = rng.uniform(0.5, 2.0, size=(4, 3)).astype("float32")
    kwargs = dict(from_logits=True, ignore_class=-1, reduction=reduction)
    ours = minikeras.losses.SparseCategoricalCrossentropy(**kwargs)
    theirs = keras.losses.SparseCategoricalCrossentropy(**kwargs)
    _both(tf, ours, theirs, y_true, y_pred)
    _both(tf, ours, theirs, y_true, y_pred, sample_weight=weights)


def test_all_targets_ignored_gives_zero(tf, keras):
    y_true = np.array([-1, -1])
    y_pred = rng.normal(size=(2, 3)).astype("float32")
    ours = minikeras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    theirs = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    _both(tf, ours, theirs, y_true, y_pred)
    assert float(value(ours(y_true, y_pred))) == 0.0


# -- targets of other dtypes and shapes --------------------------------------------------------------

TARGET_CASES = [
    ("CategoricalCrossentropy", np.eye(3, dtype="int32")[[0, 2, 1, 1]], (4, 3)),
    ("CategoricalCrossentropy", np.eye(3, dtype="int64")[[0, 2, 1, 1]], (4, 3)),
    ("CategoricalCrossentropy", np.eye(3, dtype=bool)[[0, 2, 1, 1]], (4, 3)),
    ("SparseCategoricalCrossentropy", np.array([0, 2, 1, 1], dtype="int32"), (4, 3)),
    ("SparseCategoricalCrossentropy", np.array([[0], [2], [1], [1]], dtype="int64"), (4, 3)),
    ("SparseCategoricalCrossentropy", np.array([0.0, 2.0, 1.0, 1.0]), (4, 3)),
    ("BinaryCrossentropy", np.array([0, 1, 1, 0], dtype="int32"), (4, 1)),
    ("BinaryCrossentropy", np.array([[0], [1], [1], [0]], dtype="uint8"), (4, 1)),
    ("BinaryCrossentropy", np.array([True, False, True, True]), (4,)),
    ("MeanSquaredError", np.array([1, 2, 3, 4], dtype="int64"), (4, 1)),
    ("MeanSquaredError", np.array([[1.0], [2.0], [3.0], [4.0]]), (4,)),
    ("Hinge", np.array([[0, 1, 1], [1, 0, 0], [1, 1, 1], [0, 0, 0]]), (4, 3)),
    ("Hinge", np.array([[-1, 1, 1], [1, -1, -1], [1, 1, 1], [-1, -1, -1]]), (4, 3)),
    ("KLDivergence", np.eye(3, dtype="int32")[[0, 2, 1, 1]], (4, 3)),
]


@pytest.mark.parametrize("case", TARGET_CASES, ids=lambda c: f"{c[0]}-{np.asarray(c[1]).dtype}-{np.shape(c[1])}")
def test_target_dtypes_and_shapes(tf, keras, case):
    name, y_true, pred_shape = case
    y_pred = rng.uniform(0.05, 0.95, size=pred_shape).astype("float32")
    if name == "CategoricalCrossentropy":
        y_pred /= y_pred.sum(-1, keepdims=True)
    _both(tf, getattr(minikeras.losses, name)(), getattr(keras.losses, name)(), y_true, y_pred)


def test_python_list_targets(tf, keras):
    """Keras's Loss maps over a Python-list target as a structure (and fails); minikeras takes it as an array."""
    y_pred = rng.uniform(0.05, 0.95, size=(4, 3)).astype("float32")
    ours = minikeras.losses.SparseCategoricalCrossentropy()([0, 2, 1, 1], y_pred)
    theirs = keras.losses.SparseCategoricalCrossentropy()(np.array([0, 2, 1, 1]), y_pred)
    assert_close(ours, theirs, **F32, item="losses.SparseCategoricalCrossentropy")


@pytest.mark.parametrize("name", ["MeanSquaredError", "CategoricalCrossentropy", "BinaryCrossentropy"])
def test_loss_dtype_float64_casts_float32_inputs(tf, keras, name):
    y_true, y_pred = DATA["cce"]
    y_pred = 1 / (1 + np.exp(-y_pred))
    ours = getattr(minikeras.losses, name)(dtype="float64")
    theirs = getattr(keras.losses, name)(dtype="float64")
    assert ours.dtype == theirs.dtype == "float64"
    _both(tf, ours, theirs, y_true, y_pred.astype("float32"), tol=F64)


def test_loss_dtype_fixed_at_construction(keras):
    ours, theirs = minikeras.losses.MeanSquaredError(), keras.losses.MeanSquaredError()
    minikeras.config.set_floatx("float64")
    keras.config.set_floatx("float64")
    try:
        assert ours.dtype == theirs.dtype == "float32"
        assert minikeras.losses.MeanSquaredError().dtype == keras.losses.MeanSquaredError().dtype == "float64"
    finally:
        minikeras.config.set_floatx("float32")
        keras.config.set_floatx("float32")


# -- signatures, configs and names ------------------------------------------------------------------

CLASS_NAMES = [
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
    "CosineSimilarity", "Huber", "LogCosh", "Hinge", "SquaredHinge", "CategoricalHinge", "KLDivergence",
    "Poisson", "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy", "SparseCategoricalCrossentropy", "CategoricalGeneralizedCrossEntropy",
    "Dice", "Tversky", "Circle",
]
FUNCTION_NAMES = [
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "cosine_similarity", "huber", "log_cosh", "hinge", "squared_hinge",
    "categorical_hinge", "kl_divergence", "poisson", "binary_crossentropy", "binary_focal_crossentropy",
    "categorical_crossentropy", "categorical_focal_crossentropy", "sparse_categorical_crossentropy",
    "categorical_generalized_cross_entropy", "dice", "tversky", "circle",
]
# Keras 3.15 leaves these constructor arguments out of get_config (they are lost on reload);
# minikeras writes them so the config round-trips. Everything else must be identical.
EXTRA_CONFIG_KEYS = {"Huber": {"delta"}, "CosineSimilarity": {"axis"}}


@pytest.mark.parametrize("name", CLASS_NAMES + ["Loss"])
def test_class_signature_matches_keras(keras, name):
    ours = inspect.signature(getattr(minikeras.losses, name))
    theirs = inspect.signature(getattr(keras.losses, name))
    assert str(ours) == str(theirs)


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_function_signature_matches_keras(keras, name):
    assert str(inspect.signature(getattr(minikeras.losses, name))) == str(inspect.signature(getattr(keras.losses, name)))


@pytest.mark.parametrize("name", CLASS_NAMES)
def test_default_config_matches_keras(keras, name):
    ours = getattr(minikeras.losses, name)().get_config()
    theirs = getattr(keras.losses, name)().get_config()
    extra = EXTRA_CONFIG_KEYS.get(name, set())
    assert {k: v for k, v in ours.items() if k not in extra} == theirs
    assert set(ours) - set(theirs) == extra


def test_keras_reads_minikeras_configs(keras):
    """A config written by minikeras builds the same loss in Keras (extra keys are constructor arguments)."""
    for name in CLASS_NAMES:
        ours = getattr(minikeras.losses, name)(reduction="sum", name="custom_name")
        theirs = getattr(keras.losses, name).from_config(ours.get_config())
        assert theirs.name == "custom_name" and theirs.reduction == "sum"
    huber = keras.losses.Huber.from_config(minikeras.losses.Huber(delta=2.5).get_config())
    assert float(huber(np.zeros((1, 1)), np.full((1, 1), 10.0))) == pytest.approx(2.5 * 10 - 0.5 * 2.5**2)


def test_serialize_matches_keras(keras):
    for obj_ours, obj_theirs in [
        (minikeras.losses.CategoricalCrossentropy(from_logits=True), keras.losses.CategoricalCrossentropy(from_logits=True)),
        (minikeras.losses.mean_squared_error, keras.losses.mean_squared_error),
        (minikeras.losses.BinaryFocalCrossentropy(gamma=3.0), keras.losses.BinaryFocalCrossentropy(gamma=3.0)),
    ]:
        assert minikeras.losses.serialize(obj_ours) == keras.losses.serialize(obj_theirs)


def test_get_resolves_every_keras_name_the_same_way(keras):
    from keras.src.losses import ALL_OBJECTS_DICT as KERAS_NAMES

    skipped = {"CTC", "ctc"}  # not implemented in minikeras
    for name, obj in KERAS_NAMES.items():
        if name in skipped:
            continue
        if name in ("Loss", "LossFunctionWrapper"):
            assert name in minikeras.losses.ALL_OBJECTS_DICT
            continue
        theirs = keras.losses.get(name)
        ours = minikeras.losses.get(name)
        if inspect.isfunction(theirs):
            assert inspect.isfunction(ours) and ours.__name__ == theirs.__name__, name
        else:
            assert type(ours).__name__ == type(theirs).__name__, name
            assert ours.get_config().items() >= theirs.get_config().items(), name
    assert set(minikeras.losses.ALL_OBJECTS_DICT) == set(KERAS_NAMES) - skipped


@pytest.mark.parametrize("name", ["logcosh", "huber_loss", "kullback_leibler_divergence", "crossentropy"])
def test_names_unknown_to_keras_get_are_unknown(keras, name):
    with pytest.raises(ValueError):
        keras.losses.get(name)
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        minikeras.losses.get(name)


def test_get_config_dict_matches_keras(tf, keras):
    identifier = {"class_name": "CategoricalCrossentropy", "config": {"from_logits": True, "label_smoothing": 0.3}}
    ours, theirs = minikeras.losses.get(identifier), keras.losses.get(identifier)
    assert ours.get_config() == theirs.get_config()
    y_true, y_pred = DATA["cce"]
    _both(tf, ours, theirs, y_true, y_pred)
