"""Confusion-count metrics (TP ... AUC) and F-scores against TF Keras."""

import pytest

EVEN = [0.0, 0.25, 0.5, 0.75, 1.0]
UNEVEN = [0.1, 0.3, 0.5, 0.8]

CASES = [
    ("TruePositives", {}, "binary", "per_sample"),
    ("TruePositives", {"thresholds": UNEVEN}, "multilabel", "per_sample"),
    ("TruePositives", {"thresholds": EVEN}, "binary", "per_sample"),
    ("FalsePositives", {}, "binary_flat", "per_sample"),
    ("FalsePositives", {"thresholds": EVEN}, "multilabel", "elementwise"),
    ("TrueNegatives", {"thresholds": UNEVEN}, "binary", None),
    ("TrueNegatives", {"thresholds": EVEN}, "multilabel", "per_sample"),
    ("FalseNegatives", {}, "multilabel", "per_sample"),
    ("FalseNegatives", {"thresholds": EVEN}, "binary", "column"),
    ("Precision", {}, "binary", "per_sample"),
    ("Precision", {}, "multilabel", None),
    ("Precision", {"thresholds": UNEVEN}, "multilabel", "per_sample"),
    ("Precision", {"thresholds": EVEN}, "binary", "per_sample"),
    ("Precision", {"top_k": 2}, "multilabel", "per_sample"),
    ("Precision", {"class_id": 2}, "multilabel", "per_sample"),
    ("Precision", {"top_k": 1, "class_id": 1}, "multilabel", "per_sample"),
    ("Recall", {}, "binary", "per_sample"),
    ("Recall", {"thresholds": UNEVEN}, "multilabel", "elementwise"),
    ("Recall", {"thresholds": EVEN}, "multilabel", "per_sample"),
    ("Recall", {"top_k": 2}, "multilabel", "per_sample"),
    ("Recall", {"class_id": 3}, "multilabel", None),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, "binary", "per_sample"),
    ("SensitivityAtSpecificity", {"specificity": 0.7, "num_thresholds": 1}, "binary", "per_sample"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.5}, "multilabel", "per_sample"),
    ("PrecisionAtRecall", {"recall": 0.5}, "binary", "per_sample"),
    ("PrecisionAtRecall", {"recall": 0.6, "class_id": 1}, "multilabel", "per_sample"),
    ("RecallAtPrecision", {"precision": 0.6}, "binary", "per_sample"),
    ("AUC", {}, "binary", "per_sample"),
    ("AUC", {}, "binary", None),
    ("AUC", {}, "multilabel", "elementwise"),
    ("AUC", {"curve": "PR"}, "binary", "per_sample"),
    ("AUC", {"curve": "PR"}, "multilabel", None),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "binary", "per_sample"),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, "binary", "per_sample"),
    ("AUC", {"summation_method": "minoring"}, "binary", "per_sample"),
    ("AUC", {"summation_method": "majoring"}, "multilabel", "per_sample"),
    ("AUC", {"curve": "PRGAIN"}, "binary", "per_sample"),
    ("AUC", {"num_thresholds": 7}, "binary", "per_sample"),
    ("AUC", {"thresholds": UNEVEN}, "binary", "per_sample"),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75]}, "binary", "per_sample"),
    ("AUC", {"multi_label": True}, "multilabel", "per_sample"),
    ("AUC", {"multi_label": True, "curve": "PR"}, "multilabel", "per_sample"),
    ("AUC", {"multi_label": True, "num_labels": 4, "label_weights": [1.0, 2.0, 0.5, 0.0]}, "multilabel", None),
    ("AUC", {"multi_label": True, "thresholds": UNEVEN}, "multilabel", "per_sample"),
    ("AUC", {"label_weights": [1.0, 2.0, 0.5, 0.0]}, "multilabel", "per_sample"),
    ("AUC", {"from_logits": True}, "binary_logits", "per_sample"),
    ("AUC", {"from_logits": True, "curve": "PR"}, "multilabel_logits", "per_sample"),
    ("F1Score", {}, "multilabel", "per_sample"),
    ("F1Score", {"average": "micro"}, "multilabel", "per_sample"),
    ("F1Score", {"average": "macro"}, "categorical", "per_sample"),
    ("F1Score", {"average": "weighted"}, "multilabel", "per_sample"),
    ("F1Score", {"average": "macro", "threshold": 0.5}, "multilabel", None),
    ("F1Score", {"average": "weighted", "threshold": 0.3}, "categorical", "per_sample"),
    ("F1Score", {"threshold": 0.6}, "multilabel", "per_sample"),
    ("FBetaScore", {"beta": 2.0}, "multilabel", "per_sample"),
    ("FBetaScore", {"beta": 0.5, "average": "micro", "threshold": 0.4}, "multilabel", "per_sample"),
]


@pytest.mark.parametrize("name,kwargs,kind,weights", CASES, ids=lambda v: str(v))
def test_confusion_metric_matches_keras(compare_metric, name, kwargs, kind, weights):
    compare_metric(name, kwargs, kind, weights)
