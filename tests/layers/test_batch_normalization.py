"""BatchNormalization: weights, both modes, moving statistics, masks, renorm, gradients, config."""

import numpy as np
import pytest

import minikeras
from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads

rng = np.random.default_rng(0)


def _x(*shape):
    return rng.normal(1.0, 2.0, size=shape)


def test_weights_names_order_and_trainability():
    layer = layers.BatchNormalization()
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.path for w in layer.weights][0] == "batch_normalization/gamma"
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]
    np.testing.assert_array_equal(layer.gamma.numpy(), np.ones(3))
    np.testing.assert_array_equal(layer.moving_variance.numpy(), np.ones(3))


@pytest.mark.parametrize("center,scale,names", [
    (True, False, ["beta", "moving_mean", "moving_variance"]),
    (False, True, ["gamma", "moving_mean", "moving_variance"]),
    (False, False, ["moving_mean", "moving_variance"]),
])
def test_center_scale_select_weights(center, scale, names):
    layer = layers.BatchNormalization(center=center, scale=scale)
    layer.build((2, 4))
    assert [w.name for w in layer.weights] == names


def test_training_uses_batch_statistics_with_biased_variance():
    x = _x(8, 3).astype("float32")
    layer = layers.BatchNormalization(epsilon=1e-3)
    y = np.asarray(layer(x, training=True))
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


def test_inference_uses_moving_statistics_and_is_default():
    x = _x(5, 2).astype("float32")
    layer = layers.BatchNormalization()
    layer.build(x.shape)
    layer.set_weights([np.array([2.0, 0.5]), np.array([0.1, -0.2]), np.array([1.0, -1.0]), np.array([4.0, 0.25])])
    expected = np.array([2.0, 0.5]) * (x - [1.0, -1.0]) / np.sqrt(np.array([4.0, 0.25]) + 1e-3) + [0.1, -0.2]
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(layer(x, training=False)), expected, rtol=1e-5, atol=1e-6)


def test_moving_statistics_after_three_training_steps():
    momentum = 0.9
    layer = layers.BatchNormalization(momentum=momentum)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(3):
        x = _x(6, 3).astype("float32")
        layer(x, training=True)
        mean = mean * momentum + x.mean(0) * (1 - momentum)
        var = var * momentum + x.var(0) * (1 - momentum)  # biased batch variance
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), var, rtol=1e-5, atol=1e-6)


def test_inference_call_leaves_moving_statistics_alone():
    layer = layers.BatchNormalization()
    layer(_x(4, 2).astype("float32"))
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(2))


def test_frozen_layer_runs_in_inference_mode_even_when_training():
    x = _x(4, 2).astype("float32")
    layer = layers.BatchNormalization()
    layer.build(x.shape)
    layer.trainable = False
    y = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(2))


def test_channels_first_axis():
    x = _x(4, 3, 5).astype("float32")
    layer = layers.BatchNormalization(axis=1)
    y = np.asarray(layer(x, training=True))
    assert layer.gamma.shape == (3,)
    m, v = x.mean((0, 2), keepdims=True), x.var((0, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - m) / np.sqrt(v + 1e-3), rtol=1e-4, atol=1e-5)


def test_mask_excludes_entries_from_batch_statistics():
    x = _x(2, 4, 3).astype("float32")
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], dtype=bool)
    layer = layers.BatchNormalization(momentum=0.0)
    layer(x, training=True, mask=mask)
    kept = x[mask]
    np.testing.assert_allclose(layer.moving_mean.numpy(), kept.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), kept.var(0), rtol=1e-4)
    with pytest.raises(ValueError, match="one dimension less"):
        layer(x, training=True, mask=np.ones((2, 4, 3), bool))


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("axis,shape", [(-1, (5, 3)), (1, (3, 2, 4)), (-1, (2, 3, 2))])
def test_gradients_inputs_and_weights(training, axis, shape):
    layer = layers.BatchNormalization(axis=axis, dtype="float64")
    layer.build(shape)
    c = shape[axis]
    layer.set_weights([rng.uniform(0.5, 2, c), rng.normal(size=c), rng.normal(size=c), rng.uniform(0.5, 2, c)])
    check_layer_grads(layer, _x(*shape), training=training, rtol=1e-5, atol=1e-7)


def test_training_gradient_includes_batch_statistics():
    # With batch statistics, the gradient of sum(y) with respect to x is 0 when gamma is constant
    # (the normalised output sums to zero per channel): a test that fails if the mean is treated as a constant.
    layer = layers.BatchNormalization(dtype="float64", center=False)
    x = _x(6, 2)
    with minikeras.GradientTape() as tape:
        xt = tape.watch(x)
        total = minikeras.ops.sum(layer(xt, training=True))
    np.testing.assert_allclose(np.asarray(tape.gradient(total, xt)), np.zeros_like(x), atol=1e-12)


def test_renorm_weights_and_statistics():
    layer = layers.BatchNormalization(renorm=True, momentum=0.5, renorm_momentum=0.5,
                                      renorm_clipping={"rmax": 3.0, "rmin": 0.5, "dmax": 1.0})
    x = _x(8, 2).astype("float32")
    layer(x, training=True)
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance", "moving_stddev",
                                               "renorm_mean", "renorm_stddev"]
    std = np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(layer.moving_stddev.numpy(), 0.5 + 0.5 * std, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), (0.5 + 0.5 * std) ** 2 - 1e-3, rtol=1e-5)


def test_renorm_gradients_treat_corrections_as_constants():
    # Keras stops the gradient through r and d, so renorm's gradients are those of plain batch
    # normalisation with gamma' = r * gamma and beta' = d * gamma + beta held fixed.
    gamma, beta = np.array([1.5, 0.7]), np.array([0.1, 0.2])
    renorm_mean, renorm_std = np.array([0.3, -0.2]), np.array([1.2, 0.9])
    x = _x(5, 2)
    layer = layers.BatchNormalization(renorm=True, dtype="float64", renorm_clipping={"rmax": 1.5, "dmax": 0.5})
    layer.build(x.shape)
    layer.set_weights([gamma, beta, np.zeros(2), np.ones(2), np.ones(2), renorm_mean, renorm_std])
    r = np.minimum(np.sqrt(x.var(0) + 1e-3) / renorm_std, 1.5)
    d = np.clip((x.mean(0) - renorm_mean) / renorm_std, -0.5, 0.5)
    plain = layers.BatchNormalization(dtype="float64")
    plain.build(x.shape)
    plain.set_weights([r * gamma, d * gamma + beta, np.zeros(2), np.ones(2)])
    weights = rng.uniform(0.5, 1.5, size=x.shape)

    def grads(bn):
        with minikeras.GradientTape() as tape:
            xt = tape.watch(x)
            total = minikeras.ops.sum(minikeras.ops.multiply(bn(xt, training=True), weights))
        return [np.asarray(g) for g in tape.gradient(total, [xt, bn.gamma, bn.beta])]

    gx, ggamma, gbeta = grads(layer)
    px, pgamma, pbeta = grads(plain)
    np.testing.assert_allclose(gx, px, rtol=1e-10)
    np.testing.assert_allclose(ggamma, r * pgamma + d * pbeta, rtol=1e-10)
    np.testing.assert_allclose(gbeta, pbeta, rtol=1e-10)


@pytest.mark.parametrize("clipping,match", [({"bad": 1}, "invalid keys"), ({"rmax": 1, "rmin": 2}, "rmax should"),
                                            ({"dmax": -1}, "dmax should")])
def test_renorm_clipping_errors(clipping, match):
    with pytest.raises(ValueError, match=match):
        layers.BatchNormalization(renorm=True, renorm_clipping=clipping)


def test_compute_output_shape_and_axis_errors():
    layer = layers.BatchNormalization(axis=2)
    assert layer.compute_output_shape((None, 3, 4)) == (None, 3, 4)
    with pytest.raises(ValueError, match="out of bounds"):
        layer.compute_output_shape((None, 3))
    with pytest.raises(ValueError, match="out of bounds"):
        layer.build((None, 3))


def test_input_spec_after_build():
    layer = layers.BatchNormalization()
    layer(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1"):
        layer(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="expected ndim=2"):
        layer(np.zeros((2, 3, 3), "float32"))


def test_config_round_trip_and_keys():
    layer = layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-5, center=False, gamma_regularizer="l2",
                                      beta_constraint="non_neg", renorm=True, renorm_clipping={"rmax": 2.0})
    config = layer.get_config()
    assert set(config) == {"name", "trainable", "dtype", "axis", "momentum", "epsilon", "center", "scale",
                           "beta_initializer", "gamma_initializer", "moving_mean_initializer",
                           "moving_variance_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
                           "gamma_constraint", "synchronized", "renorm", "renorm_clipping", "renorm_momentum"}
    assert config["momentum"] == 0.9 and config["gamma_regularizer"]["class_name"] == "L2"
    assert_config_round_trip(layer)


def test_regularizer_losses():
    layer = layers.BatchNormalization(gamma_regularizer=minikeras.regularizers.L2(0.5))
    layer.build((None, 2))
    np.testing.assert_allclose(float(np.asarray(layer.losses[0])), 0.5 * 2, rtol=1e-6)


def test_in_functional_model_training_flag_propagates():
    inputs = minikeras.Input((3,))
    outputs = layers.BatchNormalization(momentum=0.0)(inputs)
    model = minikeras.Model(inputs, outputs)
    x = _x(4, 3).astype("float32")
    model(x, training=True)
    bn = model.layers[-1]
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean(0), rtol=1e-5)
