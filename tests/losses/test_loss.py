"""The `Loss` base class: reductions, sample weights, masks, rank alignment, dtypes and errors."""

import numpy as np
import pytest

import minikeras
from minikeras import losses, ops
from minikeras.losses.loss import set_keras_mask, squeeze_or_expand_to_same_rank
from minikeras.ops.autodiff import value

Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype="float32")
P = np.array([[0.2, 0.7], [0.6, 0.1], [0.3, 0.9]], dtype="float32")
PER_SAMPLE = np.mean((Y - P) ** 2, axis=-1)  # [0.065, 0.085, 0.25]
W = np.array([1.0, 2.0, 0.5], dtype="float32")


@pytest.mark.parametrize("reduction,weights,expected", [
    ("sum_over_batch_size", None, PER_SAMPLE.mean()),
    ("mean", None, PER_SAMPLE.mean()),
    ("sum", None, PER_SAMPLE.sum()),
    ("mean_with_sample_weight", None, PER_SAMPLE.mean()),
    ("sum_over_batch_size", W, (PER_SAMPLE * W).sum() / 3),
    ("mean", W, (PER_SAMPLE * W).sum() / 3),
    ("sum", W, (PER_SAMPLE * W).sum()),
    ("mean_with_sample_weight", W, (PER_SAMPLE * W).sum() / W.sum()),
    ("sum", 2.0, 2 * PER_SAMPLE.sum()),
    ("mean_with_sample_weight", 2.0, PER_SAMPLE.sum()),  # divided by sum(2.0) = 2
    ("sum_over_batch_size", W[:, None], (PER_SAMPLE * W).sum() / 3),
    ("mean_with_sample_weight", np.zeros(3), 0.0),  # 0 / 0 is 0
])
def test_reduction_arithmetic(reduction, weights, expected):
    out = losses.MeanSquaredError(reduction=reduction)(Y, P, sample_weight=weights)
    assert np.shape(out) == () and np.asarray(out).dtype == np.float32
    np.testing.assert_allclose(float(out), expected, rtol=1e-6)


@pytest.mark.parametrize("reduction", ["none", None])
def test_no_reduction_keeps_weighted_per_sample_values(reduction):
    np.testing.assert_allclose(losses.MeanSquaredError(reduction=reduction)(Y, P), PER_SAMPLE, rtol=1e-6)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction=reduction)(Y, P, sample_weight=W),
                               PER_SAMPLE * W, rtol=1e-6)
    # A (n, 1) weight meets (n,) losses by expanding the losses, as Keras does.
    assert np.shape(losses.MeanSquaredError(reduction=reduction)(Y, P, sample_weight=W[:, None])) == (3, 1)


def test_invalid_reduction():
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`.*Received: reduction=average"):
        losses.MeanSquaredError(reduction="average")


def test_empty_batch_is_returned_unreduced():
    out = losses.MeanSquaredError()(np.zeros((0, 2)), np.zeros((0, 2)))
    assert np.shape(out) == (0,)


@pytest.mark.parametrize("s1,s2,expected", [
    ((4,), (4, 1), ((4, 1), (4, 1))),
    ((4, 1), (4,), ((4, 1), (4, 1))),
    ((4, 3, 1), (4, 3), ((4, 3), (4, 3))),
    ((4, 3), (4, 3, 1), ((4, 3), (4, 3))),
    ((4, 3), (4, 3), ((4, 3), (4, 3))),
    ((4, 3), (4,), ((4, 3), (4,))),  # no trailing 1: left alone
    ((4, 3, 2), (4,), ((4, 3, 2), (4,))),
])
def test_squeeze_or_expand_to_same_rank(s1, s2, expected):
    a, b = squeeze_or_expand_to_same_rank(np.zeros(s1), np.zeros(s2))
    assert (np.shape(a), np.shape(b)) == expected


def test_squeeze_without_expanding_rank_one():
    a, b = squeeze_or_expand_to_same_rank(np.zeros((4, 1)), np.zeros((4,)), expand_rank_1=False)
    assert (np.shape(a), np.shape(b)) == ((4,), (4,))


def test_mask_on_predictions_averages_over_valid_entries():
    y_true, y_pred = np.zeros((4, 3), "float32"), np.ones((4, 3), "float32")
    y_pred[1] = 3.0
    mask = np.array([True, False, True, True])
    masked = set_keras_mask(y_pred, mask)
    per_sample = losses.MeanSquaredError(reduction=None)(y_true, masked)
    np.testing.assert_allclose(per_sample, [1.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(float(losses.MeanSquaredError()(y_true, masked)), 1.0)
    np.testing.assert_allclose(float(losses.MeanSquaredError(reduction="sum")(y_true, masked)), 3.0)
    weights = np.array([2.0, 1.0, 1.0, 1.0], "float32")
    np.testing.assert_allclose(
        float(losses.MeanSquaredError(reduction="mean_with_sample_weight")(y_true, masked, sample_weight=weights)),
        4.0 / 4.0)


# -- dtypes ------------------------------------------------------------------------------------------


def test_inputs_are_cast_to_the_loss_dtype():
    out = losses.MeanSquaredError(dtype="float64")(Y, P)
    assert np.asarray(out).dtype == np.float64
    np.testing.assert_allclose(float(out), np.mean((Y.astype("f8") - P.astype("f8")) ** 2), rtol=1e-12)
    assert np.asarray(losses.MeanSquaredError()(Y.astype(int), P.astype("float64"))).dtype == np.float32


def test_dtype_policy_objects_and_floatx():
    class Policy:
        compute_dtype = "float64"

    assert losses.Huber(dtype=Policy()).dtype == "float64"
    assert losses.Huber(dtype="mixed_float16").dtype == "float16"
    minikeras.config.set_floatx("float64")
    assert losses.Huber().dtype == "float64"


def test_variable_prediction_gets_a_gradient():
    variable = minikeras.Variable(P.copy())
    with ops.GradientTape() as tape:
        loss = losses.MeanSquaredError()(Y, variable)
    grad = tape.gradient(loss, variable)
    np.testing.assert_allclose(grad, 2 * (P - Y) / P.size, rtol=1e-6)


def test_functions_keep_float64_and_cast_lists_to_floatx():
    assert np.asarray(losses.mean_squared_error(Y.astype("f8"), P.astype("f8"))).dtype == np.float64
    assert np.asarray(losses.mean_squared_error([[1, 2]], [[0.5, 1.0]])).dtype == np.float32


# -- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", [losses.MeanSquaredError(), losses.mean_absolute_error, losses.Huber(),
                                  losses.Hinge(), losses.KLDivergence(), losses.CosineSimilarity()])
def test_incompatible_shapes_are_a_clear_value_error(loss):
    with pytest.raises(ValueError, match=r"incompatible shapes.*y_true.shape=\(3, 2\), y_pred.shape=\(3, 4\)"):
        loss(np.zeros((3, 2)), np.zeros((3, 4)))


@pytest.mark.parametrize("loss,y_true,y_pred,message", [
    (losses.CategoricalCrossentropy(), np.zeros((3, 2)), np.ones((3, 4)), "must have the same shape"),
    (losses.BinaryCrossentropy(), np.zeros((3, 2)), np.ones((3, 4)) / 2, "must have the same shape"),
    (losses.SparseCategoricalCrossentropy(), np.zeros(4), np.ones((3, 4)) / 4, "same shape up until the last"),
    (losses.SparseCategoricalCrossentropy(), np.array([0, 5, 1]), np.ones((3, 4)) / 4,
     r"label value of 5 which is outside the valid range of \[0, 4\)"),
])
def test_crossentropy_shape_and_label_errors(loss, y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        loss(y_true, y_pred)


def test_sample_weight_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"sample_weight.*losses.shape=\(3,\), sample_weight.shape=\(4,\)"):
        losses.MeanSquaredError()(Y, P, sample_weight=np.ones(4))


@pytest.mark.parametrize("loss", [losses.MeanSquaredError(), losses.SparseCategoricalCrossentropy(),
                                  losses.CategoricalCrossentropy(), losses.mean_squared_error,
                                  losses.binary_crossentropy, losses.sparse_categorical_crossentropy])
def test_string_labels_are_rejected_clearly(loss):
    with pytest.raises(ValueError, match=r"expects numeric `y_true`.*dtype <U.*'cat'.*StringLookup"):
        loss(np.array(["cat", "dog", "cat"]), np.full((3, 2), 0.5, dtype="float32"))


def test_none_and_bad_arguments():
    with pytest.raises(ValueError, match="Expected `y_true` to be an array of numbers, but received None"):
        losses.MeanSquaredError()(None, P)
    with pytest.raises(ValueError, match="`axis` must be of type `int`"):
        losses.categorical_crossentropy(Y, P, axis=True)
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)


def test_single_class_categorical_crossentropy_warns():
    with pytest.warns(SyntaxWarning, match="Consider using 'binary_crossentropy'"):
        losses.categorical_crossentropy(np.ones((3, 1)), np.ones((3, 1)))


def test_recorded_loss_is_a_scalar_tensor():
    with ops.GradientTape() as tape:
        leaf = tape.watch(P)
        loss = losses.MeanSquaredError(reduction="sum")(Y, leaf)
    assert np.shape(value(loss)) == ()
    np.testing.assert_allclose(tape.gradient(loss, leaf), 2 * (P - Y) / 2, rtol=1e-6)
