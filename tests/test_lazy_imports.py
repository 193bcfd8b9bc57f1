"""`import minikeras` and the lesson's names load only what they need (structural, not timed).

Each check runs in a fresh interpreter: in the test process most modules are
already imported by other tests.
"""

import ast
import subprocess
import sys

import pytest

import minikeras

LESSON = ("import minikeras as k\n"
          "k.Sequential, k.Input, k.layers.Dense, k.optimizers.Adam, k.losses.CategoricalCrossentropy\n"
          "k.metrics.Accuracy, k.callbacks.History, k.utils.to_categorical\n")

# Modules the lesson's names must not pull in: other layers, metrics, callbacks and optimizers,
# the random package (with `ctypes.util`, which starts subprocess machinery), error-message helpers.
NOT_IMPORTED = [
    "minikeras.layers.merging.add", "minikeras.layers.normalization.batch_normalization",
    "minikeras.layers.preprocessing.normalization", "minikeras.layers.regularization.dropout",
    "minikeras.layers.reshaping.flatten", "minikeras.layers.core.lambda_layer",
    "minikeras.layers.activations.activation", "minikeras.layers.activations.softmax",
    "minikeras.metrics.auc", "minikeras.metrics.confusion_metrics", "minikeras.metrics.regression_metrics",
    "minikeras.metrics.probabilistic_metrics", "minikeras.metrics.f_score_metrics",
    "minikeras.callbacks.callback_list", "minikeras.callbacks.progbar_logger", "minikeras.callbacks.csv_logger",
    "minikeras.callbacks.model_checkpoint", "minikeras.callbacks.backup_and_restore",
    "minikeras.optimizers.sgd", "minikeras.optimizers.rmsprop", "minikeras.optimizers.adamw",
    "minikeras.random", "minikeras.saving.serialization", "minikeras.utils.progbar",
    "ctypes.util", "difflib", "json", "logging", "csv",
]
# ...while these are what the names are made of (so the check above is not vacuous).
IMPORTED = [
    "minikeras.models.sequential", "minikeras.layers.core.input_layer", "minikeras.layers.core.dense",
    "minikeras.optimizers.adam", "minikeras.losses.losses", "minikeras.metrics.accuracy_metrics",
    "minikeras.callbacks.history", "minikeras.utils.numerical_utils",
]
LAZY_PACKAGES = ["layers", "metrics", "callbacks", "optimizers"]


def run_fresh(code):
    """The Python literal on the last line `code` prints, run in a new interpreter.

    (`repr`, not JSON: importing `json` would spoil the check that nothing imports it.)
    """
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def lesson_modules():
    return set(run_fresh(LESSON + "import sys\nprint(sorted(sys.modules))"))


@pytest.mark.parametrize("name", NOT_IMPORTED)
def test_lesson_names_do_not_import(lesson_modules, name):
    assert name not in lesson_modules


@pytest.mark.parametrize("name", IMPORTED)
def test_lesson_names_import_what_they_use(lesson_modules, name):
    assert name in lesson_modules


def test_bare_import_is_numpy_free():
    loaded = run_fresh("import minikeras, sys\nprint(sorted(sys.modules))")
    assert "numpy" not in loaded
    # Only the lazy-export helper itself.
    assert [m for m in loaded if m.startswith("minikeras.")] == ["minikeras._lazy"]


def test_names_and_registries_work_before_anything_is_loaded():
    # Every lookup by name must import what it needs itself.
    code = """
import minikeras as k
out = {
    "dir_layers": sorted(n for n in dir(k.layers) if not n.startswith("_")),
    "all_layers": sorted(k.layers.__all__),
    "metric_auc": type(k.metrics.get("auc")).__name__,
    "metric_mse": type(k.metrics.get("mse")).__name__,
    "metric_fn": k.metrics.get_function("categorical_accuracy").__name__,
    "metric_loss_fn": k.metrics.mean_squared_error.__name__,
    "optimizer": type(k.optimizers.get("rmsprop")).__name__,
    "optimizer_all": sorted(k.optimizers.ALL_OBJECTS_DICT),
    "dense_activation": k.layers.Dense(2, activation="relu").activation.__name__,
    "deserialized": type(k.saving.deserialize_keras_object(
        {"module": "keras.layers", "class_name": "Dropout", "config": {"rate": 0.5}})).__name__,
    "callback": k.callbacks.EarlyStopping.__name__,
}
ns = {}
exec("from minikeras.layers import *", ns)
out["star"] = sorted(n for n in ns if not n.startswith("_"))
print(repr(out))
"""
    out = run_fresh(code)
    layer_names = ["Activation", "Add", "BatchNormalization", "Concatenate", "Dense", "Dropout", "Flatten",
                   "Input", "InputLayer", "InputSpec", "Lambda", "Layer", "LayerNormalization", "Normalization",
                   "ReLU", "Reshape", "Softmax", "add", "concatenate"]
    for name in layer_names:
        assert name in out["dir_layers"]
        assert name in out["all_layers"]
        assert name in out["star"]
    assert out["metric_auc"] == "AUC"
    assert out["metric_mse"] == "MeanSquaredError"
    assert out["metric_fn"] == "categorical_accuracy"
    assert out["metric_loss_fn"] == "mean_squared_error"
    assert out["optimizer"] == "RMSprop"
    assert set(out["optimizer_all"]) >= {"adam", "sgd", "rmsprop", "lion", "optimizer"}
    assert out["dense_activation"] == "relu"
    assert out["deserialized"] == "Dropout"
    assert out["callback"] == "EarlyStopping"


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_listed_name_resolves(package):
    module = getattr(minikeras, package)
    for name in dir(module):
        assert getattr(module, name) is not None, f"minikeras.{package}.{name}"
    for name in getattr(module, "__all__", ()):
        assert hasattr(module, name), f"minikeras.{package}.{name}"


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_unknown_name_is_an_attribute_error(package):
    with pytest.raises(AttributeError, match="no_such_name"):
        getattr(getattr(minikeras, package), "no_such_name")


def test_from_import_of_a_lazy_name():
    from minikeras.layers import Dense
    from minikeras.metrics import AUC
    from minikeras.optimizers import SGD, schedules

    assert Dense.__module__ == "minikeras.layers.core.dense"
    assert AUC.__module__ == "minikeras.metrics.auc"
    assert SGD.__module__ == "minikeras.optimizers.sgd"
    assert schedules.__name__ == "minikeras.optimizers.schedules"
