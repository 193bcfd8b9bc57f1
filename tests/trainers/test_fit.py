"""fit/evaluate/predict semantics: History, the validation tail, weights, callbacks."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


def make_data(n=64, features=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    labels = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int)
    return x, keras.utils.to_categorical(labels, classes)


def lesson_model(optimizer="sgd", metrics=("accuracy",)):
    inputs = keras.Input(shape=(4,))
    hidden = layers.Dense(10, activation="relu")(inputs)
    outputs = layers.Dense(3, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=list(metrics))
    return model


def test_history_keys_params_and_epochs():
    x, y = make_data()
    model = lesson_model()
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.epoch == [0, 1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 3}
    assert history.model is model
    assert all(len(v) == 3 for v in history.history.values())


def test_epoch_loss_is_the_batch_size_weighted_mean():
    # With a zero learning rate the weights never move, so the epoch's running mean
    # over batches of 16, 16 and 8 must equal the loss over all 40 samples at once.
    x, y = make_data(40)
    model = lesson_model(optimizer=keras.optimizers.SGD(learning_rate=0.0))
    history = model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    full_loss, full_acc = model.evaluate(x, y, batch_size=40, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], full_loss, rtol=1e-6)
    np.testing.assert_allclose(history.history["accuracy"][0], full_acc, rtol=1e-6)


def test_validation_split_takes_the_tail_before_shuffling():
    x, y = make_data(50)
    model = lesson_model(optimizer=keras.optimizers.SGD(learning_rate=0.0))
    history = model.fit(x, y, epochs=1, validation_split=0.2, shuffle=True, verbose=0)
    tail_loss = model.evaluate(x[40:], y[40:], verbose=0)[0]
    head_loss = model.evaluate(x[:40], y[:40], verbose=0)[0]
    np.testing.assert_allclose(history.history["val_loss"][0], tail_loss, rtol=1e-6)
    np.testing.assert_allclose(history.history["loss"][0], head_loss, rtol=1e-6)


def test_validation_data_and_validation_freq():
    x, y = make_data(48)
    model = lesson_model()
    history = model.fit(x[:32], y[:32], validation_data=(x[32:], y[32:]), validation_freq=2, epochs=4, verbose=0)
    assert len(history.history["val_loss"]) == 2
    assert len(history.history["loss"]) == 4


def test_training_reduces_the_loss():
    keras.utils.set_random_seed(0)  # initial weights and batch order fixed: the test is deterministic
    x, y = make_data(128)
    model = lesson_model(optimizer="adam")
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]


def test_sample_weight_and_class_weight_arithmetic():
    x, y = make_data(30)
    model = lesson_model(optimizer=keras.optimizers.SGD(learning_rate=0.0))
    probs = model.predict(x, verbose=0)
    per_sample = -np.sum(y * np.log(np.clip(probs / probs.sum(1, keepdims=True), 1e-7, 1 - 1e-7)), axis=1)
    weights = np.linspace(0.5, 2.0, 30).astype("float32")
    h = model.fit(x, y, sample_weight=weights, batch_size=30, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(h.history["loss"][0], np.sum(per_sample * weights) / 30, rtol=1e-4)
    class_weight = {0: 3.0, 1: 1.0, 2: 0.5}
    h = model.fit(x, y, class_weight=class_weight, batch_size=30, epochs=1, shuffle=False, verbose=0)
    cw = np.array([class_weight[c] for c in np.argmax(y, 1)])
    np.testing.assert_allclose(h.history["loss"][0], np.sum(per_sample * cw) / 30, rtol=1e-4)
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(x, y, class_weight=class_weight, sample_weight=weights, verbose=0)


def test_evaluate_returns_scalar_list_or_dict():
    x, y = make_data(20)
    model = lesson_model()
    assert isinstance(model.evaluate(x, y, verbose=0), list)
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(result) == {"loss", "accuracy"}
    plain = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    plain.compile(loss="mse", optimizer="sgd")
    assert isinstance(plain.evaluate(x, y, verbose=0), float)


def test_predict_and_call_agree():
    x, _ = make_data(70)
    model = lesson_model()
    out = model.predict(x, batch_size=32, verbose=0)
    assert out.shape == (70, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out, np.asarray(model(x)), rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), out[:5], rtol=1e-6)


def test_train_and_test_on_batch():
    x, y = make_data(16)
    model = lesson_model()
    loss, acc = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 <= acc <= 1
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}


def test_early_stopping_restores_the_best_weights():
    x, y = make_data(64)
    model = lesson_model(optimizer=keras.optimizers.SGD(learning_rate=0.5))
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((logs["val_loss"], [w.copy() for w in self.model.get_weights()]))

    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=40, validation_split=0.25, callbacks=[Record(), stop], verbose=0)
    best_loss, best_weights = min(seen, key=lambda s: s[0])
    for got, expected in zip(model.get_weights(), best_weights):
        np.testing.assert_array_equal(got, expected)
    assert len(history.epoch) <= 40


def test_initial_epoch_and_steps_per_epoch():
    x, y = make_data(64)
    model = lesson_model()
    history = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4]
    history = model.fit(x, y, epochs=2, steps_per_epoch=1, batch_size=8, verbose=0)
    assert history.params["steps"] == 1


def test_dataframe_and_bool_targets_are_cast_to_floatx():
    pd = pytest.importorskip("pandas")
    x, y = make_data(30)
    frame = pd.DataFrame(x, columns=list("abcd"))
    targets = pd.get_dummies(pd.Series(np.argmax(y, 1)).map({0: "a", 1: "b", 2: "c"}))
    assert targets.dtypes.iloc[0] == bool
    model = lesson_model()
    history = model.fit(frame, targets, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_verbose_progress_bar_prints_keras_lines(capsys):
    x, y = make_data(40)
    model = lesson_model()
    model.fit(x, y, epochs=2, batch_size=16, verbose=2, validation_split=0.2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "accuracy:" in out and "val_loss:" in out


def test_fit_is_deterministic_with_a_seed():
    x, y = make_data(64)

    def run():
        keras.utils.set_random_seed(3)
        model = lesson_model(optimizer="adam")
        return model.fit(x, y, epochs=3, verbose=0).history["loss"]

    assert run() == run()
