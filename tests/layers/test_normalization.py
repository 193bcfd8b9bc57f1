"""Normalization (preprocessing): adapt, given statistics, invert, axes, gradients, config."""

import numpy as np
import pytest

from minikeras import layers
from tests.layers.layer_checks import assert_config_round_trip, check_layer_grads

rng = np.random.default_rng(2)


def test_adapt_array_and_formula():
    data = rng.normal(3, 2, size=(50, 3))
    layer = layers.Normalization()
    layer.adapt(data)
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert layer.trainable_weights == []
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(0), rtol=1e-6)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(0), rtol=1e-6)
    assert int(layer.count.numpy()) == 0 and layer.count.dtype == "int64"
    x = rng.normal(size=(4, 3)).astype("float32")
    expected = (x - data.mean(0)) / np.sqrt(data.var(0))
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5)


def test_adapt_batches_equals_whole_array():
    data = rng.normal(1, 3, size=(30, 2)).astype("float32")
    whole, batched = layers.Normalization(), layers.Normalization()
    whole.adapt(data)
    batched.adapt([data[:7], data[7:20], (data[20:], None)])
    np.testing.assert_allclose(batched.adapt_mean.numpy(), whole.adapt_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(batched.adapt_variance.numpy(), whole.adapt_variance.numpy(), rtol=1e-4)


def test_adapt_generator():
    data = rng.normal(size=(12, 2)).astype("float32")
    layer = layers.Normalization()
    layer.adapt(data[i:i + 4] for i in range(0, 12, 4))
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(0), rtol=1e-5, atol=1e-6)


def test_axis_none_gives_scalar_statistics():
    data = rng.normal(size=(10, 3))
    layer = layers.Normalization(axis=None)
    layer.adapt(data)
    assert layer.adapt_mean.shape == ()
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(), rtol=1e-6)


def test_multiple_axes():
    data = rng.normal(size=(5, 3, 4))
    layer = layers.Normalization(axis=(1, 2))
    layer.adapt(data)
    assert layer.adapt_mean.shape == (3, 4)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(0), rtol=1e-5)


def test_given_mean_and_variance_have_no_weights_and_broadcast():
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    x = np.array([[3.0, 5.0]], dtype="float32")
    np.testing.assert_allclose(np.asarray(layer(x)), [[1.0, 1.0]])
    assert layer.weights == []
    scalar = layers.Normalization(mean=2.0, variance=4.0)
    np.testing.assert_allclose(np.asarray(scalar(x)), [[0.5, 1.5]])


def test_invert_undoes_normalization():
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    inverse = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0], invert=True)
    x = rng.normal(size=(3, 2)).astype("float32")
    np.testing.assert_allclose(np.asarray(inverse(layer(x))), x, rtol=1e-5, atol=1e-6)


def test_zero_variance_uses_epsilon_floor():
    layer = layers.Normalization(mean=[0.0], variance=[0.0])
    np.testing.assert_allclose(np.asarray(layer(np.array([[1e-7]], "float32"))), [[1.0]], rtol=1e-6)


def test_set_weights_takes_effect():
    layer = layers.Normalization()
    layer.build((None, 2))
    layer.set_weights([np.array([1.0, 2.0]), np.array([4.0, 9.0]), np.array(0)])
    np.testing.assert_allclose(np.asarray(layer(np.array([[3.0, 5.0]], "float32"))), [[1.0, 1.0]])


def test_gradient_with_respect_to_inputs():
    layer = layers.Normalization(mean=[1.0, -1.0], variance=[4.0, 0.5], dtype="float64")
    check_layer_grads(layer, rng.normal(size=(3, 2)))
    inverse = layers.Normalization(mean=[1.0, -1.0], variance=[4.0, 0.5], invert=True, dtype="float64")
    check_layer_grads(inverse, rng.normal(size=(3, 2)))


@pytest.mark.parametrize("kwargs,match", [
    ({"mean": [1.0]}, "both `mean` and `variance` must be set"),
    ({"mean": [1.0, 2.0], "variance": [1.0]}, "must have the same shape"),
    ({"mean": [[1.0]], "variance": [[1.0]]}, "rank of `mean`"),
])
def test_constructor_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Normalization(**kwargs)


def test_adapt_errors():
    with pytest.raises(TypeError, match="`.shape` attribute"):
        layers.Normalization().adapt([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="empty iterable"):
        layers.Normalization().adapt([])
    with pytest.raises(TypeError, match="Unsupported data type"):
        layers.Normalization().adapt(3.0)
    layer = layers.Normalization()
    layer.adapt(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"range \[-ndim, ndim\)"):
        layers.Normalization(axis=3).build((None, 2))


def test_config_round_trip():
    layer = layers.Normalization(axis=-1, mean=[1.0, 2.0], variance=[3.0, 4.0], invert=True)
    config = layer.get_config()
    assert config["mean"] == [1.0, 2.0] and config["axis"] == (-1,)
    assert_config_round_trip(layer)
    assert layers.Normalization().get_config()["mean"] is None
