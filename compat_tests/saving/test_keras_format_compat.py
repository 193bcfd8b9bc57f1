"""`.keras` files in both directions between minikeras and TensorFlow Keras 3.

For every case the model is built with the same code on one side, trained a
few steps, saved, and loaded on the other side. Then: the loaded model
predicts what the original predicts, holds the same optimizer state (Adam's
iterations, moments and velocities), and after a few more identical training
steps on each side both sides still agree.
"""

import json
import zipfile

import numpy as np
import pytest

import minikeras
from compat_tests.tolerances import F32

RNG = np.random.RandomState(0)
X4 = RNG.rand(32, 4).astype("float32")
X23 = RNG.rand(32, 2, 3).astype("float32")
Y1 = RNG.rand(32, 1).astype("float32")
Y3 = np.eye(3, dtype="float32")[RNG.randint(0, 3, 32)]


def lesson(K):
    inputs = K.Input(shape=(4,))
    hidden = K.layers.Dense(10, activation="relu")(inputs)
    outputs = K.layers.Dense(3, activation="softmax")(hidden)
    model = K.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss=K.losses.CategoricalCrossentropy(), metrics=["accuracy"])
    return model, X4, Y3


def sequential(K):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(6, activation="tanh"), K.layers.Dense(1)])
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model, X4, Y1


def multi_input(K):
    a, b = K.Input((3,), name="a"), K.Input((1,), name="b")
    xa = K.layers.Dense(4, activation="relu")(a)
    xb = K.layers.Dense(4)(K.layers.Dense(2)(b))
    merged = K.layers.Concatenate()([xa, xb])
    out = K.layers.Dense(1, name="out")(merged)
    model = K.Model([a, b], out)
    model.compile(optimizer="adam", loss="mse")
    return model, [X4[:, :3], X4[:, 3:]], Y1


def one_layer(make, x=X4, y=Y1, hidden=True):
    """A model `Input -> [Dense(5)] -> layer -> Flatten -> Dense(1)` around the layer under test."""
    def build(K):
        inputs = K.Input(x.shape[1:])
        h = K.layers.Dense(5)(inputs) if hidden else inputs
        h = make(K, h, x)
        if len(h.shape) > 2:
            h = K.layers.Flatten()(h)
        out = K.layers.Dense(1)(h)
        model = K.Model(inputs, out)
        model.compile(optimizer="adam", loss="mse")
        return model, x, y
    return build


def _normalization(K, h, x):
    layer = K.layers.Normalization()
    layer.adapt(x)
    return layer(h)


def _merge(name, **kwargs):
    def make(K, h, x):
        a, b = K.layers.Dense(3)(h), K.layers.Dense(3)(h)
        return getattr(K.layers, name)(**kwargs)([a, b])
    return make


def nested(K):
    inner = K.Sequential([K.Input((4,)), K.layers.Dense(5, activation="relu"), K.layers.Dense(3)], name="inner")
    inputs = K.Input((4,))
    out = K.layers.Dense(1)(K.layers.Concatenate()([inner(inputs), K.layers.Dense(2)(inputs)]))
    model = K.Model(inputs, out)
    model.compile(optimizer="adam", loss="mse")
    return model, X4, Y1


CASES = {
    "lesson": lesson,
    "nested": nested,
    "sequential": sequential,
    "multi_input": multi_input,
    "Dense": one_layer(lambda K, h, x: K.layers.Dense(3, activation="relu", kernel_regularizer="l2")(h)),
    "Dropout": one_layer(lambda K, h, x: K.layers.Dropout(0.3)(h)),
    # Straight on the inputs: a bias just before BatchNormalization has a zero gradient, and Adam would
    # turn its rounding noise into full-size steps that differ between any two implementations.
    "BatchNormalization": one_layer(lambda K, h, x: K.layers.BatchNormalization(momentum=0.9)(h), hidden=False),
    "LayerNormalization": one_layer(lambda K, h, x: K.layers.LayerNormalization()(h)),
    "Normalization": one_layer(_normalization, hidden=False),
    "Rescaling": one_layer(lambda K, h, x: K.layers.Rescaling(1 / 255.0, offset=0.5)(h), hidden=False),
    "Flatten": one_layer(lambda K, h, x: K.layers.Flatten()(h), x=X23, hidden=False),
    "Reshape": one_layer(lambda K, h, x: K.layers.Reshape((5, 1))(h)),
    "Activation": one_layer(lambda K, h, x: K.layers.Activation("sigmoid")(h)),
    "Softmax": one_layer(lambda K, h, x: K.layers.Softmax()(h)),
    "ReLU": one_layer(lambda K, h, x: K.layers.ReLU(max_value=2.0, negative_slope=0.1)(h)),
    "LeakyReLU": one_layer(lambda K, h, x: K.layers.LeakyReLU(negative_slope=0.2)(h)),
    "ELU": one_layer(lambda K, h, x: K.layers.ELU(alpha=0.5)(h)),
    "Identity": one_layer(lambda K, h, x: K.layers.Identity()(h)),
    "Concatenate": one_layer(_merge("Concatenate")),
    "Add": one_layer(_merge("Add")),
    "Subtract": one_layer(_merge("Subtract")),
    "Multiply": one_layer(_merge("Multiply")),
    "Average": one_layer(_merge("Average")),
    "Maximum": one_layer(_merge("Maximum")),
    "Minimum": one_layer(_merge("Minimum")),
    "Dot": one_layer(_merge("Dot", axes=1)),
}
# Dropout draws different random masks on each side: compare loading, not further training.
STOCHASTIC = {"Dropout"}


def fit(model, x, y, steps_batch=8):
    model.fit(x, y, batch_size=steps_batch, epochs=1, shuffle=False, verbose=0)


def optimizer_state(model):
    return [(v.path if hasattr(v, "path") else v.name, np.asarray(v.numpy())) for v in model.optimizer.variables]


def assert_same_optimizer_state(a, b, tol=None):
    # By position, as the file stores them (TensorFlow's Sequential prefixes the slot names with the model's).
    state_a, state_b = optimizer_state(a), optimizer_state(b)
    assert [np.shape(v) for _, v in state_a] == [np.shape(v) for _, v in state_b]
    for (name, va), (_, vb) in zip(state_a, state_b):
        if tol is None:
            np.testing.assert_array_equal(va, vb, err_msg=name)
        else:
            np.testing.assert_allclose(va, vb, err_msg=name, **tol)


def assert_same_weights(a, b, tol):
    # Matched by path: minikeras lists `model.weights` trainable-first, Keras layer by layer.
    # (A Sequential built by TensorFlow prefixes its paths with the model's name: keep "layer/weight".)
    wa = {"/".join(v.path.split("/")[-2:]): np.asarray(v.numpy()) for v in a.weights}
    wb = {"/".join(v.path.split("/")[-2:]): np.asarray(v.numpy()) for v in b.weights}
    assert sorted(wa) == sorted(wb)
    for path in wa:
        np.testing.assert_allclose(wa[path], wb[path], err_msg=path, **tol)


@pytest.mark.parametrize("case", list(CASES))
def test_minikeras_to_tensorflow(case, keras, tmp_path):
    minikeras.utils.set_random_seed(1)
    model, x, y = CASES[case](minikeras)
    fit(model, x, y)
    path = str(tmp_path / "mk.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), model.predict(x, verbose=0), **F32)
    assert_same_weights(model, loaded, dict(rtol=0, atol=0))
    assert_same_optimizer_state(model, loaded)
    assert int(loaded.optimizer.iterations.numpy()) == 4
    if case not in STOCHASTIC:
        fit(model, x, y)
        fit(loaded, x, y)
        assert_same_weights(model, loaded, F32)
        assert_same_optimizer_state(model, loaded, F32)


@pytest.mark.parametrize("case", list(CASES))
def test_tensorflow_to_minikeras(case, keras, tmp_path):
    keras.utils.set_random_seed(1)
    model, x, y = CASES[case](keras)
    fit(model, x, y)
    path = str(tmp_path / "tf.keras")
    model.save(path)
    loaded = minikeras.models.load_model(path)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), np.asarray(model.predict(x, verbose=0)), **F32)
    assert_same_weights(model, loaded, dict(rtol=0, atol=0))
    assert_same_optimizer_state(model, loaded)
    if case not in STOCHASTIC:
        fit(model, x, y)
        fit(loaded, x, y)
        assert_same_weights(model, loaded, F32)
        assert_same_optimizer_state(model, loaded, F32)
    # And back again: the minikeras copy saves a file TensorFlow reads to the same state.
    loaded.save(str(tmp_path / "back.keras"))
    again = keras.models.load_model(str(tmp_path / "back.keras"))
    assert_same_weights(loaded, again, dict(rtol=0, atol=0))
    assert_same_optimizer_state(loaded, again)


@pytest.mark.parametrize("case", ["lesson", "sequential", "multi_input", "nested", "BatchNormalization"])
def test_same_archive_layout_as_tensorflow(case, keras, tmp_path):
    """The HDF5 groups, datasets and shapes minikeras writes are those TensorFlow writes."""
    import io

    import h5py

    def layout(path):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            config = json.loads(zf.read("config.json"))
            with h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r") as f:
                items = []
                f.visititems(lambda n, o: items.append((n, getattr(o, "shape", None), str(getattr(o, "dtype", "")))))
        return names, config, sorted(items)

    keras.utils.set_random_seed(1)
    k_model, x, y = CASES[case](keras)
    fit(k_model, x, y)
    k_model.save(str(tmp_path / "tf.keras"))
    minikeras.utils.set_random_seed(1)
    mk_model, _, _ = CASES[case](minikeras)
    fit(mk_model, x, y)
    mk_model.save(str(tmp_path / "mk.keras"))
    k_names, k_config, k_items = layout(tmp_path / "tf.keras")
    mk_names, mk_config, mk_items = layout(tmp_path / "mk.keras")
    assert mk_names == k_names
    assert mk_items == k_items
    assert mk_config["class_name"] == k_config["class_name"]
    assert mk_config["compile_config"].keys() == k_config["compile_config"].keys()
    assert mk_config["compile_config"]["optimizer"] == k_config["compile_config"]["optimizer"]


def test_lesson_file_opens_in_tensorflow(keras, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    minikeras.utils.set_random_seed(0)
    model, x, y = lesson(minikeras)
    model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    model.save("my_first_model.keras")
    pretrained = keras.models.load_model("my_first_model.keras")
    np.testing.assert_allclose(np.asarray(pretrained.predict(x, verbose=0)), model.predict(x, verbose=0), **F32)
    tf_loss = pretrained.evaluate(x, y, verbose=0)
    mk_loss = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(tf_loss, mk_loss, **F32)


OPTIMIZERS = {
    "SGD": lambda K: K.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "RMSprop": lambda K: K.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "Adagrad": lambda K: K.optimizers.Adagrad(0.05),
    "Adadelta": lambda K: K.optimizers.Adadelta(1.0),
    "Adamax": lambda K: K.optimizers.Adamax(0.01),
    "Nadam": lambda K: K.optimizers.Nadam(0.01),
    "AdamW": lambda K: K.optimizers.AdamW(0.01, weight_decay=0.1),
    "Lion": lambda K: K.optimizers.Lion(0.001),
    "Adam_amsgrad_schedule": lambda K: K.optimizers.Adam(
        K.optimizers.schedules.ExponentialDecay(0.01, decay_steps=2, decay_rate=0.5), amsgrad=True),
    "Adam_ema_clipnorm": lambda K: K.optimizers.Adam(0.01, use_ema=True, clipnorm=1.0),
}
LOSSES = {
    "mse": ("mse", ["mae", "mse"]),
    # (Not Huber(delta=...): Keras 3.15's Huber.get_config drops `delta`, so no file carries it.)
    "smoothed": (lambda K: K.losses.BinaryCrossentropy(label_smoothing=0.1),
                 [lambda K: K.metrics.RootMeanSquaredError()]),
    "binary": ("binary_crossentropy", ["accuracy", lambda K: K.metrics.AUC(name="auc")]),
}


@pytest.mark.parametrize("direction", ["mk_to_tf", "tf_to_mk"])
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_optimizer_state_travels(optimizer, direction, keras, tmp_path):
    sides = (minikeras, keras) if direction == "mk_to_tf" else (keras, minikeras)
    source, target = sides
    source.utils.set_random_seed(2)
    model = source.Sequential([source.Input((4,)), source.layers.Dense(3, activation="relu"),
                               source.layers.Dense(1)])
    model.compile(optimizer=OPTIMIZERS[optimizer](source), loss="mse")
    fit(model, X4, Y1)
    model.save(str(tmp_path / "m.keras"))
    loaded = target.models.load_model(str(tmp_path / "m.keras"))
    assert type(loaded.optimizer).__name__ == type(model.optimizer).__name__
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert_same_optimizer_state(model, loaded)
    fit(model, X4, Y1)
    fit(loaded, X4, Y1)
    assert_same_weights(model, loaded, F32)
    assert_same_optimizer_state(model, loaded, F32)


@pytest.mark.parametrize("direction", ["mk_to_tf", "tf_to_mk"])
@pytest.mark.parametrize("loss", list(LOSSES))
def test_losses_and_metrics_travel(loss, direction, keras, tmp_path):
    sides = (minikeras, keras) if direction == "mk_to_tf" else (keras, minikeras)
    source, target = sides
    loss_spec, metric_specs = LOSSES[loss]
    y = (Y1 > 0.5).astype("float32")
    model = source.Sequential([source.Input((4,)), source.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss=loss_spec if isinstance(loss_spec, str) else loss_spec(source),
                  metrics=[m if isinstance(m, str) else m(source) for m in metric_specs])
    fit(model, X4, y)
    model.save(str(tmp_path / "m.keras"))
    loaded = target.models.load_model(str(tmp_path / "m.keras"))
    expected = model.evaluate(X4, y, verbose=0, return_dict=True)
    got = loaded.evaluate(X4, y, verbose=0, return_dict=True)
    assert sorted(got) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], err_msg=key, **F32)


def _subclassed(K):
    class Net(K.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.zeta = K.layers.Dense(3)
            self.alpha = K.layers.Dense(1)
            self.blocks = [K.layers.Dense(2), K.layers.Dense(2)]

        def call(self, x):
            return self.alpha(self.blocks[1](self.blocks[0](self.zeta(x))))

    model = Net()
    model.compile(optimizer="adam", loss="mse")
    fit(model, X4, Y1)
    return model


def test_subclassed_model_weights_layout_as_tensorflow(keras, tmp_path):
    import h5py

    def layout(path):
        with h5py.File(path, "r") as f:
            items = []
            f.visititems(lambda n, o: items.append((n, getattr(o, "shape", None))))
        return sorted(items)

    _subclassed(keras).save_weights(str(tmp_path / "tf.weights.h5"))
    _subclassed(minikeras).save_weights(str(tmp_path / "mk.weights.h5"))
    assert layout(tmp_path / "mk.weights.h5") == layout(tmp_path / "tf.weights.h5")
