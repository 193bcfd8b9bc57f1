"""Confusion-count metrics, Precision/Recall, AUC: against brute-force loops in the test."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from minikeras import metrics

rng = np.random.default_rng(1)


def brute_counts(y_true, y_pred, thresholds, weights=None):
    """TP, FP, TN, FN per threshold by explicit loops over every entry."""
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred, np.float32).reshape(-1)
    weights = np.ones_like(y_pred, dtype=np.float64) if weights is None else np.asarray(weights).reshape(-1)
    out = np.zeros((4, len(thresholds)))
    for i, t in enumerate(np.asarray(thresholds, np.float32)):
        for label, score, w in zip(y_true, y_pred, weights):
            predicted, actual = score > t, label != 0
            out[(0 if actual else 1) if predicted else (3 if actual else 2), i] += w
    return out  # rows: tp, fp, tn, fn


def batches(n_batches=3, shape=(6,)):
    out = []
    for _ in range(n_batches):
        y_true = rng.integers(0, 2, shape).astype(np.float32)
        y_pred = rng.uniform(size=shape).astype(np.float32)
        y_pred.reshape(-1)[:2] = [0.0, 1.0]
        # Quarter weights keep every weighted count exact in float32 (TN = total - FP
        # would otherwise carry rounding noise around 0, as it does in Keras).
        out.append((y_true, y_pred, rng.integers(0, 9, shape[0]) / 4))
    return out


@pytest.mark.parametrize("thresholds", [None, 0.3, [0.1, 0.5, 0.9], [0.0, 0.25, 0.5, 0.75, 1.0]])
@pytest.mark.parametrize("weighted", [False, True])
def test_confusion_counts(thresholds, weighted):
    data = batches()
    ms = [metrics.TruePositives(thresholds), metrics.FalsePositives(thresholds),
          metrics.TrueNegatives(thresholds), metrics.FalseNegatives(thresholds)]
    expected = 0
    for y_true, y_pred, w in data:
        for m in ms:
            m.update_state(y_true, y_pred, sample_weight=w if weighted else None)
        t = [0.5] if thresholds is None else np.atleast_1d(thresholds)
        expected = expected + brute_counts(y_true, y_pred, t, w if weighted else None)
    for m, row in zip(ms, expected):
        got = m.result()
        assert_allclose(np.atleast_1d(got), row, rtol=1e-5)
        assert np.ndim(got) == (0 if np.ndim(thresholds) == 0 else 1)


@pytest.mark.parametrize("thresholds", [None, [0.2, 0.6], [0.0, 0.5, 1.0]])
def test_precision_and_recall(thresholds):
    p, r = metrics.Precision(thresholds=thresholds), metrics.Recall(thresholds=thresholds)
    total = 0
    for y_true, y_pred, w in batches(shape=(5, 3)):
        p.update_state(y_true, y_pred, sample_weight=w)
        r.update_state(y_true, y_pred, sample_weight=w)
        t = [0.5] if thresholds is None else thresholds
        total = total + brute_counts(y_true, y_pred, t, np.repeat(w, 3))
    tp, fp, _, fn = total
    with np.errstate(invalid="ignore"):  # 0/0 is 0 for the metric (divide_no_nan)
        precision, recall = np.nan_to_num(tp / (tp + fp)), np.nan_to_num(tp / (tp + fn))
    assert_allclose(np.atleast_1d(p.result()), precision, rtol=1e-5)
    assert_allclose(np.atleast_1d(r.result()), recall, rtol=1e-5)


def test_precision_top_k_and_class_id():
    y_true = np.array([[0, 0, 1, 1], [1, 0, 0, 1]], np.float32)
    y_pred = np.array([[0.9, 0.1, 0.8, 0.3], [0.2, 0.9, 0.1, 0.6]], np.float32)
    # top 2 per row: {0, 2} and {1, 3}; correct: class 2 in row 0, class 3 in row 1.
    p = metrics.Precision(top_k=2)
    p.update_state(y_true, y_pred)
    assert_allclose(p.result(), 2 / 4)
    r = metrics.Recall(top_k=2)
    r.update_state(y_true, y_pred)
    assert_allclose(r.result(), 2 / 4)
    pc = metrics.Precision(class_id=3, thresholds=0.5)
    pc.update_state(y_true, y_pred)  # class 3 predicted only in row 1, where it is right
    assert_allclose(pc.result(), 1.0)
    rc = metrics.Recall(class_id=3)
    rc.update_state(y_true, y_pred)  # class 3 is true in both rows, found once
    assert_allclose(rc.result(), 0.5)


def test_class_id_needs_2d_predictions():
    with pytest.raises(ValueError, match="class_id"):
        metrics.Precision(class_id=1).update_state([1, 0], [0.3, 0.7])


def test_thresholds_out_of_range_rejected():
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\]"):
        metrics.Precision(thresholds=[0.5, 1.5])


def riemann_auc(tp, fp, tn, fn, curve, method):
    n = len(tp)
    area = 0.0
    for i in range(n - 1):
        rec = [tp[j] / (tp[j] + fn[j]) if tp[j] + fn[j] else 0.0 for j in (i, i + 1)]
        if curve == "ROC":
            x = [fp[j] / (fp[j] + tn[j]) if fp[j] + tn[j] else 0.0 for j in (i, i + 1)]
            y = rec
        else:
            x = rec
            y = [tp[j] / (tp[j] + fp[j]) if tp[j] + fp[j] else 0.0 for j in (i, i + 1)]
        h = {"interpolation": (y[0] + y[1]) / 2, "minoring": min(y), "majoring": max(y)}[method]
        area += (x[0] - x[1]) * h
    return area


@pytest.mark.parametrize("curve,method", [("ROC", "interpolation"), ("ROC", "minoring"), ("ROC", "majoring"),
                                          ("PR", "minoring"), ("PR", "majoring")])
@pytest.mark.parametrize("num_thresholds", [5, 200])
def test_auc_riemann_sums(curve, method, num_thresholds):
    m = metrics.AUC(num_thresholds=num_thresholds, curve=curve, summation_method=method)
    thresholds = np.array(m.thresholds)
    total = 0
    for y_true, y_pred, w in batches():
        m.update_state(y_true, y_pred, sample_weight=w)
        total = total + brute_counts(y_true, y_pred, thresholds, w)
    assert_allclose(m.true_positives.numpy(), total[0], rtol=1e-5)
    assert_allclose(m.true_negatives.numpy(), total[2], rtol=1e-5)
    assert_allclose(m.result(), riemann_auc(*total, curve, method), rtol=1e-5)


def test_auc_roc_of_perfect_and_reversed_scores():
    y_true = np.array([0, 0, 1, 1], np.float32)
    perfect = metrics.AUC()
    perfect.update_state(y_true, np.array([0.1, 0.2, 0.8, 0.9], np.float32))
    assert_allclose(perfect.result(), 1.0, rtol=1e-6)
    reversed_ = metrics.AUC()
    reversed_.update_state(y_true, np.array([0.9, 0.8, 0.2, 0.1], np.float32))
    assert_allclose(reversed_.result(), 0.0, atol=1e-6)


def test_auc_pr_interpolation_matches_davis_goadrich():
    m = metrics.AUC(num_thresholds=4, curve="PR")
    y_true = np.array([0, 1, 1, 0, 1], np.float32)
    y_pred = np.array([0.1, 0.4, 0.8, 0.6, 0.9], np.float32)
    m.update_state(y_true, y_pred)
    tp, fp, _, fn = brute_counts(y_true, y_pred, m.thresholds)
    area = 0.0
    for i in range(3):
        p0, p1 = tp[i] + fp[i], tp[i + 1] + fp[i + 1]
        dtp, dp = tp[i] - tp[i + 1], p0 - p1
        slope = dtp / dp if dp > 0 else 0.0
        intercept = tp[i + 1] - slope * p1
        ratio = p0 / p1 if p0 > 0 and p1 > 0 else 1.0
        denom = tp[i + 1] + fn[i + 1]
        area += slope * (dtp + intercept * np.log(ratio)) / denom if denom > 0 else 0.0
    assert_allclose(m.result(), area, rtol=1e-5)


def test_auc_multi_label_averages_label_areas():
    y_true = rng.integers(0, 2, (20, 3)).astype(np.float32)
    y_pred = rng.uniform(size=(20, 3)).astype(np.float32)
    multi = metrics.AUC(multi_label=True, label_weights=[1.0, 2.0, 1.0])
    multi.update_state(y_true, y_pred)
    areas = []
    for j in range(3):
        single = metrics.AUC()
        single.update_state(y_true[:, j], y_pred[:, j])
        areas.append(float(single.result()))
    assert_allclose(multi.result(), np.average(areas, weights=[1, 2, 1]), rtol=1e-5)
    assert multi.true_positives.shape == (200, 3)


def test_auc_from_logits_equals_sigmoid_scores():
    y_true = rng.integers(0, 2, 30).astype(np.float32)
    logits = rng.normal(size=30).astype(np.float32)
    a, b = metrics.AUC(from_logits=True), metrics.AUC()
    a.update_state(y_true, logits)
    b.update_state(y_true, 1 / (1 + np.exp(-logits)))
    assert_allclose(a.result(), b.result(), rtol=1e-6)


@pytest.mark.parametrize("kwargs,message", [
    ({"num_thresholds": 1}, "num_thresholds"),
    ({"curve": "XY"}, "Invalid AUC curve"),
    ({"summation_method": "trapezoid"}, "Invalid AUC summation method"),
    ({"num_labels": 3}, "num_labels"),
])
def test_auc_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.AUC(**kwargs)


@pytest.mark.parametrize("cls,arg", [(metrics.SensitivityAtSpecificity, "specificity"),
                                     (metrics.SpecificityAtSensitivity, "sensitivity"),
                                     (metrics.PrecisionAtRecall, "recall"),
                                     (metrics.RecallAtPrecision, "precision")])
def test_at_constraint_metrics(cls, arg):
    y_true = np.array([0, 0, 1, 1, 1, 0], np.float32)
    y_pred = np.array([0.1, 0.45, 0.4, 0.8, 0.9, 0.7], np.float32)
    m = cls(0.6, num_thresholds=11)
    m.update_state(y_true, y_pred)
    tp, fp, tn, fn = brute_counts(y_true, y_pred, np.linspace(0, 1, 11))
    with np.errstate(invalid="ignore", divide="ignore"):
        sens, spec, prec = [np.nan_to_num(a) for a in (tp / (tp + fn), tn / (tn + fp), tp / (tp + fp))]
    constrained, dependent = {"specificity": (spec, sens), "sensitivity": (sens, spec),
                              "recall": (sens, prec), "precision": (prec, sens)}[arg]
    expected = max([d for c, d in zip(constrained, dependent) if c >= 0.6] + [0.0])
    assert_allclose(m.result(), expected, rtol=1e-6)
    with pytest.raises(ValueError, match=arg):
        cls(1.5)


@pytest.mark.parametrize("cls,kwargs", [
    (metrics.TruePositives, {"thresholds": [0.2, 0.4]}), (metrics.FalseNegatives, {}),
    (metrics.Precision, {"thresholds": 0.3, "top_k": 2, "class_id": 1}), (metrics.Recall, {"top_k": 1}),
    (metrics.AUC, {"curve": "PR", "summation_method": "majoring", "num_thresholds": 20}),
    (metrics.AUC, {"thresholds": [0.1, 0.7], "multi_label": True, "label_weights": [1.0, 2.0]}),
    (metrics.SensitivityAtSpecificity, {"specificity": 0.4, "num_thresholds": 10, "class_id": 2}),
    (metrics.RecallAtPrecision, {"precision": 0.9}),
])
def test_config_round_trip_and_reset(cls, kwargs):
    m = cls(**kwargs)
    clone = cls.from_config(m.get_config())
    assert clone.get_config() == m.get_config()
    if isinstance(m, metrics.AUC) and m.multi_label:
        m.update_state(np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]]))
    else:
        m.update_state(np.array([[1.0, 0.0, 1.0]]), np.array([[0.9, 0.2, 0.6]]))
    m.reset_state()
    assert all(not v.numpy().any() for v in m.variables)


def test_mismatched_shapes_are_reported():
    with pytest.raises(ValueError, match="same shape"):
        metrics.AUC().update_state(np.zeros((4, 3)), np.zeros((4, 2)))
