"""Whole training runs against TensorFlow Keras: same starting weights, same data, same History.

The lesson network (4 -> Dense(10, relu) -> Dense(3, softmax), categorical
cross-entropy, accuracy) for 100 epochs, batch 32, shuffle=False,
validation_split=0.2, with each optimizer the lesson uses; then `evaluate` and
`predict`. Every History entry must agree per epoch within CURVE (1e-4 relative).
"""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close
from compat_tests.tolerances import CURVE


def penguins():
    from palmerpenguins import load_penguins

    frame = load_penguins().dropna(subset=["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"])
    x = frame[["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]].to_numpy("float32")
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    labels = np.searchsorted(np.unique(frame["species"]), frame["species"].to_numpy())
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))  # mix the species so the validation tail holds all three
    return x[order], np.eye(3, dtype="float32")[labels[order]]


X, Y = penguins()
X_TRAIN, Y_TRAIN, X_TEST, Y_TEST = X[:273], Y[:273], X[273:], Y[273:]


def build(lib, weights=None):
    inputs = lib.Input(shape=(4,))
    hidden = lib.layers.Dense(10, activation="relu")(inputs)
    outputs = lib.layers.Dense(3, activation="softmax")(hidden)
    model = lib.Model(inputs, outputs)
    if weights is not None:
        model.set_weights(weights)
    return model


# What a lesson-network run exercises besides the optimizer.
LESSON_ITEMS = ["layers.Dense", "activations.relu", "activations.softmax", "losses.categorical_crossentropy",
                "metrics.categorical_accuracy"]

OPTIMIZERS = {
    "sgd": lambda lib: lib.optimizers.SGD(learning_rate=0.01),
    "sgd_nesterov": lambda lib: lib.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
    "adam": lambda lib: lib.optimizers.Adam(),
    "rmsprop": lambda lib: lib.optimizers.RMSprop(),
    "adagrad": lambda lib: lib.optimizers.Adagrad(learning_rate=0.05),
}


def run(lib, optimizer_name, weights):
    model = build(lib, weights)
    model.compile(loss="categorical_crossentropy", optimizer=OPTIMIZERS[optimizer_name](lib), metrics=["accuracy"])
    history = model.fit(X_TRAIN, Y_TRAIN, epochs=100, batch_size=32, shuffle=False, validation_split=0.2, verbose=0)
    return model, history


@pytest.mark.parametrize("optimizer_name", sorted(OPTIMIZERS))
def test_lesson_network_history_matches(optimizer_name, keras):
    tf_model = build(keras)
    weights = [np.asarray(w) for w in tf_model.get_weights()]
    tf_model, tf_history = run(keras, optimizer_name, weights)
    mk_model, mk_history = run(minikeras, optimizer_name, weights)
    assert list(mk_history.history) == list(tf_history.history)
    fit_items = ["Model.fit", "callbacks.History", f"optimizers.{type(mk_model.optimizer).__name__}"] + LESSON_ITEMS
    for key in tf_history.history:
        assert_close(mk_history.history[key], tf_history.history[key], err_msg=key, **CURVE, item=fit_items)
    assert_close(mk_model.evaluate(X_TEST, Y_TEST, verbose=0),
                 tf_model.evaluate(X_TEST, Y_TEST, verbose=0), **CURVE, item=["Model.evaluate"] + LESSON_ITEMS)
    assert_close(mk_model.predict(X_TEST, verbose=0), tf_model.predict(X_TEST, verbose=0), **CURVE,
                 item=["Model.predict", "layers.Dense", "activations.relu", "activations.softmax"])
    for mk_w, tf_w in zip(mk_model.get_weights(), tf_model.get_weights()):
        assert_close(mk_w, tf_w, **CURVE, item=fit_items)


def test_regression_network_with_mse(keras):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 2)) + 0.1 * rng.normal(size=(200, 2))).astype("float32")

    def make(lib, weights=None):
        model = lib.Sequential([lib.Input((5,)), lib.layers.Dense(8, activation="tanh"), lib.layers.Dense(2)])
        if weights is not None:
            model.set_weights(weights)
        model.compile(loss="mse", optimizer=lib.optimizers.Adam(learning_rate=0.01), metrics=["mae"])
        return model

    tf_model = make(keras)
    mk_model = make(minikeras, tf_model.get_weights())
    tf_h = tf_model.fit(x, y, epochs=30, batch_size=16, shuffle=False, validation_split=0.25, verbose=0)
    mk_h = mk_model.fit(x, y, epochs=30, batch_size=16, shuffle=False, validation_split=0.25, verbose=0)
    assert list(mk_h.history) == list(tf_h.history)
    for key in tf_h.history:
        assert_close(mk_h.history[key], tf_h.history[key], err_msg=key, **CURVE,
                     item=["Model.fit", "models.Sequential", "optimizers.Adam", "losses.mean_squared_error",
                           "metrics.mean_absolute_error", "activations.tanh"])


def test_binary_classifier_with_sigmoid_and_binary_crossentropy(keras):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(160, 3)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype("float32")

    def make(lib, weights=None):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(6, activation="relu"),
                                lib.layers.Dense(1, activation="sigmoid")])
        if weights is not None:
            model.set_weights(weights)
        model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
        return model

    tf_model = make(keras)
    mk_model = make(minikeras, tf_model.get_weights())
    tf_h = tf_model.fit(x, y, epochs=30, batch_size=32, shuffle=False, validation_split=0.2, verbose=0)
    mk_h = mk_model.fit(x, y, epochs=30, batch_size=32, shuffle=False, validation_split=0.2, verbose=0)
    for key in tf_h.history:
        assert_close(mk_h.history[key], tf_h.history[key], err_msg=key, **CURVE,
                     item=["Model.fit", "models.Sequential", "optimizers.RMSprop", "losses.binary_crossentropy",
                           "metrics.binary_accuracy", "activations.sigmoid"])


def test_functional_two_inputs_two_outputs_with_loss_weights(keras):
    rng = np.random.default_rng(5)
    xa = rng.normal(size=(96, 3)).astype("float32")
    xb = rng.normal(size=(96, 2)).astype("float32")
    y_cls = np.eye(2, dtype="float32")[(xa[:, 0] > 0).astype(int)]
    y_reg = (xb @ np.array([[1.0], [-2.0]], dtype="float32")).astype("float32")

    def make(lib, weights=None):
        a = lib.Input((3,), name="a")
        b = lib.Input((2,), name="b")
        h = lib.layers.Dense(8, activation="relu")(lib.layers.Concatenate()([a, b]))
        cls = lib.layers.Dense(2, activation="softmax", name="cls")(h)
        reg = lib.layers.Dense(1, name="reg")(h)
        model = lib.Model([a, b], [cls, reg])
        if weights is not None:
            model.set_weights(weights)
        model.compile(optimizer=lib.optimizers.Adam(learning_rate=0.01),
                      loss=["categorical_crossentropy", "mse"], loss_weights=[1.0, 0.3],
                      metrics=[["accuracy"], ["mae"]])
        return model

    tf_model = make(keras)
    mk_model = make(minikeras, tf_model.get_weights())
    tf_h = tf_model.fit([xa, xb], [y_cls, y_reg], epochs=20, batch_size=16, shuffle=False, validation_split=0.25, verbose=0)
    mk_h = mk_model.fit([xa, xb], [y_cls, y_reg], epochs=20, batch_size=16, shuffle=False, validation_split=0.25, verbose=0)
    assert sorted(mk_h.history) == sorted(tf_h.history)
    for key in tf_h.history:
        assert_close(mk_h.history[key], tf_h.history[key], err_msg=key, **CURVE,
                     item=["Model.fit", "models.Model", "layers.Concatenate", "optimizers.Adam"])
