"""F-scores, regression, probabilistic and hinge metrics against formulas written out here."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from minikeras import metrics

rng = np.random.default_rng(2)
EPS = 1e-7


def f_beta(tp, fp, fn, beta):
    p, r = tp / (tp + fp + EPS), tp / (tp + fn + EPS)
    return (1 + beta ** 2) * p * r / (beta ** 2 * p + r + EPS)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.5])
@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_fbeta_over_weighted_batches(average, threshold, beta):
    m = metrics.FBetaScore(average=average, beta=beta, threshold=threshold)
    counts = np.zeros((4, 3))
    for n in (5, 6, 4):
        y_true = rng.integers(0, 2, (n, 3)).astype(np.float32)
        y_pred = rng.uniform(size=(n, 3)).astype(np.float32)
        w = rng.uniform(0, 2, n)
        m.update_state(y_true, y_pred, sample_weight=w)
        if threshold is None:
            hard = (y_pred == y_pred.max(axis=1, keepdims=True)).astype(float)
        else:
            hard = (y_pred > threshold).astype(float)
        ww = w[:, None]
        counts += np.stack([(hard * y_true * ww).sum(0), (hard * (1 - y_true) * ww).sum(0),
                            ((1 - hard) * y_true * ww).sum(0), (y_true * ww).sum(0)])
    tp, fp, fn, support = counts
    if average == "micro":
        expected = f_beta(tp.sum(), fp.sum(), fn.sum(), beta)
    elif average == "macro":
        expected = f_beta(tp, fp, fn, beta).mean()
    elif average == "weighted":
        expected = (f_beta(tp, fp, fn, beta) * support / (support.sum() + EPS)).sum()
    else:
        expected = f_beta(tp, fp, fn, beta)
    assert_allclose(m.result(), expected, rtol=1e-5)


def test_f1_all_zero_row_predicts_nothing():
    m = metrics.F1Score()
    m.update_state(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
    assert_allclose(m.false_negatives.numpy(), [1.0, 0.0])
    assert_allclose(m.true_positives.numpy(), [0.0, 0.0])


@pytest.mark.parametrize("kwargs,message", [
    ({"average": "mean"}, "average"), ({"beta": 1}, "beta"), ({"beta": -1.0}, "beta"),
    ({"threshold": 1}, "threshold"), ({"threshold": 1.5}, "threshold"),
])
def test_fbeta_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.FBetaScore(**kwargs)


def test_fbeta_needs_2d_inputs():
    with pytest.raises(ValueError, match="2D inputs"):
        metrics.F1Score().update_state(np.ones(3), np.ones(3))


@pytest.mark.parametrize("cls,kwargs", [(metrics.F1Score, {"average": "macro", "threshold": 0.3}),
                                        (metrics.FBetaScore, {"beta": 0.5, "average": "weighted"})])
def test_fscore_config_round_trip(cls, kwargs):
    m = cls(**kwargs)
    assert cls.from_config(m.get_config()).get_config() == m.get_config()
    assert "beta" not in metrics.F1Score().get_config()


def test_root_mean_squared_error_weighted():
    m = metrics.RootMeanSquaredError()
    sq, ws = [], []
    for n in (4, 3):
        y_true, y_pred, w = rng.normal(size=(n, 2)), rng.normal(size=(n, 2)), rng.uniform(0, 2, n)
        m.update_state(y_true, y_pred, sample_weight=w)
        sq.append(((y_pred - y_true) ** 2).mean(axis=1))
        ws.append(w)
    sq, ws = np.concatenate(sq), np.concatenate(ws)
    assert_allclose(m.result(), np.sqrt((sq * ws).sum() / ws.sum()), rtol=1e-5)


@pytest.mark.parametrize("aggregation", ["uniform_average", "variance_weighted_average", None])
def test_r2_score(aggregation):
    y_true, y_pred = rng.normal(size=(12, 3)), rng.normal(size=(12, 3))
    m = metrics.R2Score(class_aggregation=aggregation)
    m.update_state(y_true[:5], y_pred[:5])
    m.update_state(y_true[5:], y_pred[5:])
    ss_res = ((y_true - y_pred) ** 2).sum(0)
    ss_tot = ((y_true - y_true.mean(0)) ** 2).sum(0)
    scores = 1 - ss_res / ss_tot
    expected = {"uniform_average": scores.mean(), None: scores,
                "variance_weighted_average": (scores * ss_tot).sum() / ss_tot.sum()}[aggregation]
    assert_allclose(m.result(), expected, rtol=1e-4)


def test_r2_adjusted_and_errors():
    y_true, y_pred = rng.normal(size=(10, 1)), rng.normal(size=(10, 1))
    plain, adjusted = metrics.R2Score(), metrics.R2Score(num_regressors=2)
    plain.update_state(y_true, y_pred)
    adjusted.update_state(y_true, y_pred)
    r2 = float(plain.result())
    assert_allclose(adjusted.result(), 1 - (1 - r2) * 9 / 7, rtol=1e-5)
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match="num_regressors"):
        metrics.R2Score(num_regressors=-1)
    with pytest.raises(ValueError, match="2D inputs"):
        metrics.R2Score().update_state(np.ones(3), np.ones(3))


def test_cosine_similarity():
    y_true = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0]], np.float32)
    y_pred = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 0.0]], np.float32)
    assert_allclose(metrics.cosine_similarity(y_true, y_pred), [0.0, 1.0, 0.0], atol=1e-6)
    m = metrics.CosineSimilarity()
    m.update_state(y_true, y_pred, sample_weight=[1.0, 3.0, 0.0])
    assert_allclose(m.result(), 0.75, rtol=1e-6)


def test_pearson_correlation_of_linear_relation_is_one():
    x = rng.normal(size=(3, 10))
    assert_allclose(metrics.pearson_correlation(x, 2 * x + 1), np.ones(3), rtol=1e-5)
    assert_allclose(metrics.pearson_correlation(x, -x), -np.ones(3), rtol=1e-5)


# The loss-backed metrics: the running weighted mean of the per-sample formula.
def _mse(t, p):
    return ((t - p) ** 2).mean(-1)


def _mae(t, p):
    return np.abs(t - p).mean(-1)


def _mape(t, p):
    return 100 * (np.abs(t - p) / np.maximum(np.abs(t), EPS)).mean(-1)


def _msle(t, p):
    return ((np.log(np.maximum(t, EPS) + 1) - np.log(np.maximum(p, EPS) + 1)) ** 2).mean(-1)


def _logcosh(t, p):
    return np.log(np.cosh(p - t)).mean(-1)


def _poisson(t, p):
    return (p - t * np.log(p + EPS)).mean(-1)


def _hinge(t, p):
    return np.maximum(1 - t * p, 0).mean(-1)


def _squared_hinge(t, p):
    return (np.maximum(1 - t * p, 0) ** 2).mean(-1)


def _bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1)


def _cce(t, p):
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -(t * np.log(p)).sum(-1)


def _kld(t, p):
    t, p = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    return (t * np.log(t / p)).sum(-1)


def _positive(n):
    return rng.uniform(0.1, 3, (n, 3)), rng.uniform(0.1, 3, (n, 3))


def _signed(n):
    return (rng.integers(0, 2, (n, 3)) * 2 - 1).astype(float), rng.normal(size=(n, 3))


def _binary(n):
    return rng.integers(0, 2, (n, 3)).astype(float), rng.uniform(0.05, 0.95, (n, 3))


def _dist(n):
    a, b = rng.uniform(0.1, 1, (n, 4)), rng.uniform(0.1, 1, (n, 4))
    return a / a.sum(-1, keepdims=True), b / b.sum(-1, keepdims=True)


def _onehot(n):
    b = rng.uniform(0.1, 1, (n, 4))
    return np.eye(4)[rng.integers(0, 4, n)], b / b.sum(-1, keepdims=True)


@pytest.mark.parametrize("cls,formula,data", [
    (metrics.MeanSquaredError, _mse, _positive), (metrics.MeanAbsoluteError, _mae, _positive),
    (metrics.MeanAbsolutePercentageError, _mape, _positive), (metrics.MeanSquaredLogarithmicError, _msle, _positive),
    (metrics.LogCoshError, _logcosh, _signed), (metrics.Poisson, _poisson, _positive),
    (metrics.Hinge, _hinge, _signed), (metrics.SquaredHinge, _squared_hinge, _signed),
    (metrics.BinaryCrossentropy, _bce, _binary), (metrics.CategoricalCrossentropy, _cce, _onehot),
    (metrics.KLDivergence, _kld, _dist),
])
def test_loss_backed_metrics_average_the_formula(cls, formula, data):
    m = cls()
    values, weights = [], []
    for n in (4, 5):
        y_true, y_pred = (a.astype(np.float32) for a in data(n))
        w = rng.uniform(0, 2, n)
        m.update_state(y_true, y_pred, sample_weight=w)
        values.append(formula(y_true.astype(float), y_pred.astype(float)))
        weights.append(w)
    values, weights = np.concatenate(values), np.concatenate(weights)
    assert_allclose(m.result(), (values * weights).sum() / weights.sum(), rtol=1e-5)
    config = m.get_config()
    assert config["name"] == m.name and config["dtype"] == "float32"
    assert type(m).from_config(config).get_config() == config
