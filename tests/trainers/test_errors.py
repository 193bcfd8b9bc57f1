"""Bad input gets a clear error saying what was received and what was expected."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


def compiled(loss="categorical_crossentropy"):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(10, activation="relu"), layers.Dense(3, activation="softmax")])
    model.compile(loss=loss, optimizer="sgd", metrics=["accuracy"])
    return model


X = np.random.default_rng(0).normal(size=(10, 4)).astype("float32")
Y = np.eye(3, dtype="float32")[np.arange(10) % 3]


def test_wrong_input_width():
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(10, 3\)"):
        compiled().fit(X[:, :3], Y, verbose=0)


def test_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="(?s)Data cardinality is ambiguous.*'x' sizes: 10.*'y' sizes: 9"):
        compiled().fit(X, Y[:9], verbose=0)


def test_y_of_the_wrong_width_for_the_loss():
    with pytest.raises(ValueError, match=r"target.shape=\(\d+, 2\), output.shape=\(\d+, 3\)"):
        compiled().fit(X, Y[:, :2], verbose=0)


def test_string_labels_where_numbers_are_needed():
    labels = np.array(["Adelie", "Gentoo"] * 5)
    with pytest.raises(ValueError, match="expected numeric data.*'Adelie'"):
        compiled("sparse_categorical_crossentropy").fit(X, labels, verbose=0)


def test_empty_arrays():
    with pytest.raises(ValueError, match="non-empty"):
        compiled().fit(X[:0], Y[:0], verbose=0)


@pytest.mark.parametrize("kind,kwargs,close", [
    ("loss", {"loss": "categorical_crossentropi"}, "categorical_crossentropy"),
    ("optimizer", {"optimizer": "adma"}, "adam"),
    ("metric", {"metrics": ["accurcy"]}, "accuracy"),
])
def test_unknown_names_suggest_close_ones(kind, kwargs, close):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
    args = {"loss": "categorical_crossentropy", "optimizer": "sgd"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=close):
        model.compile(**args)
        model.fit(X, Y, verbose=0)


def test_unknown_activation_suggests_close_ones():
    with pytest.raises(ValueError, match="'relu'"):
        layers.Dense(3, activation="rellu")


def test_fit_before_compile():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    with pytest.raises(ValueError, match=r"You must call `compile\(\)` before using the model"):
        model.fit(X, Y, verbose=0)


def test_predict_on_a_model_without_layers():
    with pytest.raises(ValueError, match="no layers"):
        keras.Sequential().predict(X, verbose=0)


def test_deferred_sequential_builds_on_first_data():
    model = keras.Sequential([layers.Dense(5, activation="relu"), layers.Dense(3)])
    assert not model.built
    out = model.predict(X, verbose=0)
    assert out.shape == (10, 3) and model.built
    assert model.count_params() == 4 * 5 + 5 + 5 * 3 + 3
