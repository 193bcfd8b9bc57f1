"""Model building: Sequential, functional graphs, structure accessors, custom layers and losses."""

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops


def test_lesson_snippet_has_7114_parameters_and_trains():
    model = keras.Sequential()
    with pytest.warns(UserWarning, match="input_shape"):
        model.add(layers.Dense(units=64, activation="relu", input_dim=100))
    model.add(layers.Dense(units=10, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    assert model.count_params() == 7114
    x = np.random.default_rng(0).random((64, 100)).astype("float32")
    y = keras.utils.to_categorical(np.arange(64) % 10, 10)
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert len(history.history["loss"]) == 2


def test_sequential_add_pop_and_layers():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(2)])
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert model.name == "sequential"
    popped = model.pop()
    assert isinstance(popped, layers.Dense) and len(model.layers) == 1
    model.add(layers.Dense(3))
    assert model.output_shape == (None, 3)
    with pytest.raises(ValueError, match="unique names"):
        model.add(model.layers[0])


def test_auto_names_follow_keras():
    a, b = layers.Dense(2), layers.Dense(2)
    assert (a.name, b.name) == ("dense", "dense_1")
    keras.utils.clear_session()
    assert layers.Dense(2).name == "dense"


def test_weights_accessors_and_set_get():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.Dense(2, use_bias=False)])
    assert [w.path for w in model.weights] == ["dense/kernel", "dense/bias", "dense_1/kernel"]
    assert len(model.trainable_weights) == 3 and model.non_trainable_weights == []
    new = [np.full(w.shape, i, dtype="float32") for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    for got, expected in zip(model.get_weights(), new):
        np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError, match="expecting 3 weights"):
        model.set_weights(new[:2])
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 1 and len(model.non_trainable_weights) == 2
    assert model.get_layer("dense_1") is model.layers[1]
    assert model.get_layer(index=0) is model.layers[0]


def test_functional_multi_input_multi_output_with_dicts():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    joined = layers.Dense(4, activation="relu")(ops_concat(a, b))
    out1 = layers.Dense(1, activation="sigmoid", name="flag")(joined)
    out2 = layers.Dense(2, name="value")(joined)
    model = keras.Model(inputs={"a": a, "b": b}, outputs=[out1, out2])
    model.compile(optimizer="adam", loss=["binary_crossentropy", "mse"], loss_weights=[1.0, 0.5],
                  metrics=[["accuracy"], ["mae"]])
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(32, 3)), rng.normal(size=(32, 2))
    y1, y2 = (xa[:, :1] > 0).astype("float32"), rng.normal(size=(32, 2))
    history = model.fit({"a": xa, "b": xb}, [y1, y2], epochs=2, verbose=0)
    assert set(history.history) == {"loss", "flag_loss", "value_loss", "flag_accuracy", "value_mae"}
    p1, p2 = model.predict({"a": xa, "b": xb}, verbose=0)
    assert p1.shape == (32, 1) and p2.shape == (32, 2)


def ops_concat(a, b):
    return layers.Concatenate()([a, b]) if hasattr(layers, "Concatenate") else a


class Scale(layers.Layer):
    """A custom layer written with ops: y = x * w + c."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.c = self.add_weight(shape=(), initializer="zeros", name="c")

    def call(self, inputs):
        return ops.add(ops.multiply(inputs, self.w), self.c)


def my_loss(y_true, y_pred):
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def test_custom_layer_and_custom_loss_train_with_correct_gradients():
    from minikeras.ops.autodiff import GradientTape
    from tests.gradcheck import numeric_grad

    keras.config.set_floatx("float64")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 3))
    y = x * np.array([2.0, -1.0, 0.5]) + 0.3
    model = keras.Sequential([keras.Input((3,)), Scale()])
    layer = model.layers[0]
    with GradientTape() as tape:
        loss = ops.mean(my_loss(y, model(x)))
    gw, gc = tape.gradient(loss, [layer.w, layer.c])

    def loss_at(w=None, c=None):
        w = layer.w.numpy() if w is None else w
        c = layer.c.numpy() if c is None else c
        return np.mean(np.mean((y - (x * w + c)) ** 2, axis=-1))

    np.testing.assert_allclose(gw, numeric_grad(lambda w: loss_at(w=w), layer.w.numpy()), rtol=1e-6)
    np.testing.assert_allclose(gc, numeric_grad(lambda c: loss_at(c=c), layer.c.numpy()), rtol=1e-6)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.3), loss=my_loss)
    history = model.fit(x, y, epochs=200, verbose=0)
    assert history.history["loss"][-1] < 1e-3
    np.testing.assert_allclose(layer.w.numpy(), [2.0, -1.0, 0.5], atol=0.05)


def test_regularization_losses_enter_the_training_loss():
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.5),
                                                              kernel_initializer="ones", use_bias=False)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    x = np.zeros((4, 2), dtype="float32")
    y = np.zeros((4, 1), dtype="float32")
    history = model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], 0.5 * 2.0, rtol=1e-6)


def test_model_call_on_arrays_and_training_flag():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
    x = np.ones((2, 4), dtype="float32")
    out = model(x)
    np.testing.assert_allclose(np.sum(out, axis=1), 1.0, rtol=1e-6)


def test_graph_disconnected_and_bad_outputs():
    a = keras.Input((3,))
    b = keras.Input((3,))
    out = layers.Dense(2)(b)
    with pytest.raises(ValueError, match="disconnected"):
        keras.Model(a, out)
    with pytest.raises(ValueError, match="KerasTensor"):
        keras.Model(a, np.zeros(3))
