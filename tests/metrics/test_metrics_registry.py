"""`get`, `serialize`, `deserialize` and the name table."""

import pytest

from minikeras import metrics


@pytest.mark.parametrize("name,cls", [
    ("mse", metrics.MeanSquaredError), ("MSE", metrics.MeanSquaredError), ("mae", metrics.MeanAbsoluteError),
    ("mape", metrics.MeanAbsolutePercentageError), ("msle", metrics.MeanSquaredLogarithmicError),
    ("bce", metrics.BinaryCrossentropy), ("accuracy", metrics.Accuracy),
    ("binary_accuracy", metrics.BinaryAccuracy), ("BinaryAccuracy", metrics.BinaryAccuracy),
    ("auc", metrics.AUC), ("f1_score", metrics.F1Score), ("categorical_crossentropy", metrics.CategoricalCrossentropy),
])
def test_get_names_give_fresh_instances(name, cls):
    a, b = metrics.get(name), metrics.get(name)
    assert type(a) is cls and a is not b


def test_get_passes_through_instances_functions_and_none():
    m = metrics.Mean()
    assert metrics.get(m) is m
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert metrics.get(None) is None


def test_get_from_config_dict():
    m = metrics.get({"class_name": "AUC", "config": {"curve": "PR", "num_thresholds": 10}})
    assert isinstance(m, metrics.AUC) and m.num_thresholds == 10 and m.curve.value == "PR"


@pytest.mark.parametrize("name,suggestion", [("acc", "auc"), ("precison", "precision"), ("Recal", "Recall"),
                                             ("mean_squared_eror", "mean_squared_error")])
def test_unknown_names_suggest_close_ones(name, suggestion):
    with pytest.raises(ValueError, match="Could not interpret metric identifier") as info:
        metrics.get(name)
    assert repr(suggestion) in str(info.value).split("Expected")[0]


def test_get_rejects_non_callables():
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get(42)


CLASS_KWARGS = {
    "SensitivityAtSpecificity": {"specificity": 0.5}, "SpecificityAtSensitivity": {"sensitivity": 0.5},
    "PrecisionAtRecall": {"recall": 0.5}, "RecallAtPrecision": {"precision": 0.5},
    "MeanMetricWrapper": {"fn": metrics.binary_accuracy},
}


@pytest.mark.parametrize("cls", [c for c in metrics.ALL_OBJECTS if c is not metrics.Metric],
                         ids=lambda c: c.__name__)
def test_serialize_round_trip_for_every_metric(cls):
    m = cls(**CLASS_KWARGS.get(cls.__name__, {}))
    config = metrics.serialize(m)
    assert config["class_name"] == cls.__name__ and config["module"] == "keras.metrics"
    clone = metrics.deserialize(config)
    assert type(clone) is cls
    assert clone.get_config() == m.get_config()


def test_serialize_functions_like_keras():
    assert metrics.serialize(metrics.binary_accuracy) == {
        "module": "builtins", "class_name": "function", "config": "binary_accuracy", "registered_name": "function"}
    assert metrics.deserialize(metrics.serialize(metrics.binary_accuracy)) is metrics.binary_accuracy
    assert metrics.deserialize("mse").name == "mean_squared_error"


def test_loss_functions_are_reexported_from_losses():
    from minikeras import losses

    assert metrics.mean_squared_error is losses.mean_squared_error
    assert metrics.binary_crossentropy is losses.binary_crossentropy
    with pytest.raises(AttributeError):
        metrics.not_a_metric  # noqa: B018
