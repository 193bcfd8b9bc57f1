"""Mean, Sum, MeanMetricWrapper and the Metric base: state, weights, reset, config."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import minikeras
from minikeras import metrics
from minikeras.ops.autodiff import GradientTape

BATCHES = [np.array([1.0, 3.0, 5.0, 7.0]), np.array([2.0, -4.0]), np.array([0.5, 0.5, 10.0])]
WEIGHTS = [np.array([1.0, 1.0, 0.0, 0.0]), np.array([0.5, 2.0]), np.array([1.0, 0.0, 3.0])]


def test_mean_unweighted_over_batches():
    m = metrics.Mean()
    for b in BATCHES:
        m.update_state(b)
    flat = np.concatenate(BATCHES)
    assert_allclose(m.result(), flat.mean(), rtol=1e-6)
    assert m.result().dtype == np.float32


def test_mean_weighted_over_batches():
    m = metrics.Mean()
    for b, w in zip(BATCHES, WEIGHTS):
        m.update_state(b, sample_weight=w)
    v, w = np.concatenate(BATCHES), np.concatenate(WEIGHTS)
    assert_allclose(m.result(), (v * w).sum() / w.sum(), rtol=1e-6)
    assert_allclose(m.count.numpy(), w.sum())


def test_sum_weighted_and_unweighted():
    s, sw = metrics.Sum(), metrics.Sum()
    for b, w in zip(BATCHES, WEIGHTS):
        s.update_state(b)
        sw.update_state(b, sample_weight=w)
    assert_allclose(s.result(), np.concatenate(BATCHES).sum(), rtol=1e-6)
    assert_allclose(sw.result(), (np.concatenate(BATCHES) * np.concatenate(WEIGHTS)).sum(), rtol=1e-6)


def test_mean_reduces_extra_axes_per_sample_first():
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    w = np.array([1.0, 0.0, 2.0], np.float32)
    m = metrics.Mean()
    m.update_state(values, sample_weight=w)
    per_sample = values.mean(axis=1)
    assert_allclose(m.result(), (per_sample * w).sum() / w.sum(), rtol=1e-6)


def test_mean_with_elementwise_weights_averages_weights_per_sample():
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    w = np.array([[1, 0, 1], [2, 2, 0]], np.float32)
    m = metrics.Mean()
    m.update_state(values, sample_weight=w)
    total = (values * w).mean(axis=1).sum()
    count = w.mean(axis=1).sum()
    assert_allclose(m.result(), total / count, rtol=1e-6)


def test_scalar_weight_scales_the_batch_mean():
    m = metrics.Mean()
    m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=2.0)
    assert_allclose(m.total.numpy(), 8.0)
    assert_allclose(m.count.numpy(), 2.0)


def test_empty_mean_is_zero_and_reset_clears():
    m = metrics.Mean()
    assert float(m.result()) == 0.0
    m.update_state([4.0, 6.0])
    assert float(m.result()) == 5.0
    m.reset_state()
    assert float(m.result()) == 0.0
    assert m.count.numpy() == 0 and m.total.numpy() == 0


def test_call_updates_and_returns_result():
    m = metrics.Mean()
    assert float(m([2.0, 4.0])) == 3.0
    assert float(m([9.0])) == 5.0


def test_state_variables_are_named_like_keras():
    m = metrics.Mean(name="loss")
    assert [v.name for v in m.variables] == ["total", "count"]
    assert [v.path for v in m.variables] == ["loss/total", "loss/count"]
    assert all(isinstance(v, minikeras.Variable) and not v.trainable for v in m.variables)


def test_default_names_and_auto_names():
    # A class with a default name keeps it; one without counts up like Keras.
    assert metrics.Mean().name == metrics.Mean().name == "mean"
    assert metrics.Precision().name == "precision"
    assert metrics.Precision().name == "precision_1"
    assert metrics.TruePositives().name == "true_positives"


def test_accepts_variables_and_recorded_tensors():
    v = minikeras.Variable(np.array([1.0, 2.0, 3.0], np.float32))
    m = metrics.Mean()
    m.update_state(v)
    with GradientTape():
        t = minikeras.ops.multiply(v, 2.0)
        m.update_state(t)
    assert_allclose(m.result(), (6 + 12) / 6)


def test_float64_dtype():
    m = metrics.Mean(dtype="float64")
    m.update_state(np.array([0.1, 0.2], np.float64))
    assert m.result().dtype == np.float64
    assert m.total.dtype == "float64"


def test_unbroadcastable_weights_raise():
    with pytest.raises(ValueError, match="cannot be broadcast"):
        metrics.Mean().update_state(np.ones(4), sample_weight=np.ones(3))


@pytest.mark.parametrize("cls", [metrics.Mean, metrics.Sum])
def test_config_round_trip(cls):
    m = cls(name="custom", dtype="float64")
    clone = cls.from_config(m.get_config())
    assert clone.get_config() == m.get_config() == {"name": "custom", "dtype": "float64"}


def test_mean_metric_wrapper_passes_kwargs_and_round_trips():
    def absolute_gap(y_true, y_pred, scale=1.0):
        return scale * np.abs(np.asarray(y_true) - np.asarray(y_pred)).mean(axis=-1)

    m = metrics.MeanMetricWrapper(absolute_gap, name="gap", scale=2.0)
    y_true = np.array([[0.0, 1.0], [1.0, 1.0]])
    y_pred = np.array([[0.5, 1.0], [0.0, 0.0]])
    m.update_state(y_true, y_pred, sample_weight=[1.0, 3.0])
    expected = (2 * 0.25 * 1 + 2 * 1.0 * 3) / 4
    assert_allclose(m.result(), expected, rtol=1e-6)
    config = m.get_config()
    assert config["scale"] == 2.0 and config["fn"]["config"] == "absolute_gap"
    with minikeras.utils.custom_object_scope({"absolute_gap": absolute_gap}):
        clone = metrics.MeanMetricWrapper.from_config(config)
    assert clone._fn is absolute_gap and clone._fn_kwargs == {"scale": 2.0}


def test_mean_metric_wrapper_builtin_function_round_trip():
    m = metrics.MeanMetricWrapper(metrics.binary_accuracy, threshold=0.3)
    clone = metrics.MeanMetricWrapper.from_config(m.get_config())
    assert clone._fn is metrics.binary_accuracy
    assert clone.get_config() == m.get_config()


def test_subclass_without_super_init_is_reported():
    class Broken(metrics.Metric):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match="super"):
        Broken().add_variable(shape=(), name="x")


def test_custom_metric_subclass_tracks_submetrics():
    class Pair(metrics.Metric):
        def __init__(self):
            super().__init__(name="pair")
            self.a = metrics.Mean(name="a")
            self.hits = self.add_variable(shape=(), name="hits")

        def update_state(self, values):
            self.a.update_state(values)
            self.hits.assign_add(1.0)

        def result(self):
            return self.a.result()

    p = Pair()
    p.update_state([1.0, 2.0])
    assert [v.name for v in p.variables] == ["hits", "total", "count"]
    p.reset_state()
    assert float(p.a.count.numpy()) == 0.0 and float(p.hits.numpy()) == 0.0
