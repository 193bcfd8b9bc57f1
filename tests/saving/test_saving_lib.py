"""The `.keras` archive and `.weights.h5` files: layout, round trips, exact continuation, errors."""

import io
import json
import os
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import minikeras
from minikeras import layers
from minikeras.models import load_model, model_from_json
from minikeras.saving import object_registration, saving_lib, weights_store


def data(n=40, d=4, classes=3, seed=0):
    rng = np.random.RandomState(seed)
    return rng.rand(n, d).astype("float32"), rng.randint(0, classes, n)


def functional_model(compile=True, optimizer="adam"):
    inputs = minikeras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    model = minikeras.Model(inputs, outputs)
    if compile:
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def sequential_model():
    model = minikeras.Sequential([minikeras.Input((4,)), layers.Dense(6, activation="tanh"), layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def multi_input_model():
    a, b = minikeras.Input((3,), name="a"), minikeras.Input((2,), name="b")
    xa = layers.Dense(4, name="da")(a)
    xb = layers.Dense(5, name="db2")(layers.Dense(4, name="db")(b))
    out = layers.Dense(1, name="out")(layers.Concatenate()([xa, xb]))
    model = minikeras.Model([a, b], out)
    model.compile(optimizer="adam", loss="mse")
    return model


def assert_same_state(m1, m2):
    assert [w.shape for w in m1.weights] == [w.shape for w in m2.weights]
    for a, b in zip(m1.get_weights(), m2.get_weights()):
        np.testing.assert_array_equal(a, b)
    if m1.optimizer is not None and m1.optimizer.built:  # an unbuilt optimizer has no state to compare
        assert len(m1.optimizer.variables) == len(m2.optimizer.variables)
        for a, b in zip(m1.optimizer.variables, m2.optimizer.variables):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


# -- the archive ----------------------------------------------------------------------------------
def test_archive_members_metadata_and_config(tmp_path):
    x, y = data()
    model = functional_model()
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in zf.infolist())
        metadata = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
    assert metadata["keras_version"] == "3.15.1"
    assert set(metadata) == {"keras_version", "date_saved"}
    assert len(metadata["date_saved"]) == len("2024-01-01@00:00:00") and "@" in metadata["date_saved"]
    assert config["class_name"] == "Functional"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "sparse_categorical_crossentropy"


def test_weights_layout_is_keras(tmp_path):
    x, y = data()
    model = functional_model()
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert f["vars"].attrs["name"] == model.name
        assert f["layers/input_layer/vars"].attrs["name"] == "input_layer"
        assert len(f["layers/input_layer/vars"]) == 0
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], model.layers[1].kernel.numpy())
        np.testing.assert_array_equal(f["layers/dense_1/vars/1"][()], model.layers[3].bias.numpy())
        bn = model.layers[2]
        for i, v in enumerate([bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance]):
            np.testing.assert_array_equal(f[f"layers/batch_normalization/vars/{i}"][()], v.numpy())
        assert f["optimizer/vars"].attrs["name"] == "adam"
        assert len(f["optimizer/vars"]) == 2 + 2 * 6  # iterations, learning rate, m and v per weight
        assert f["optimizer/vars/0"][()] == 2  # 40 samples, batch 32: two steps
        assert f["optimizer/vars/0"].dtype == np.int64


def test_layers_named_by_class_in_keras_order():
    model = multi_input_model()
    paths = [path for path, _ in weights_store.walk(model)]
    # Keras orders a functional model's layers by depth: both inputs, then db, da (same depth), db2...
    assert [layer.name for layer in model.layers] == ["b", "a", "db", "da", "db2", "concatenate", "out"]
    assert paths[:8] == ["", "layers/input_layer", "layers/input_layer_1", "layers/dense", "layers/dense_1",
                         "layers/dense_2", "layers/concatenate", "layers/dense_3"]
    assert paths[-1] == "optimizer"


@pytest.mark.parametrize("make", [functional_model, sequential_model, multi_input_model])
def test_round_trip_predictions_weights_and_optimizer(tmp_path, make):
    model = make()
    n = 40
    rng = np.random.RandomState(1)
    if make is multi_input_model:
        x = [rng.rand(n, 3).astype("float32"), rng.rand(n, 2).astype("float32")]
        y = rng.rand(n, 1).astype("float32")
    else:
        x, y = data(n)
        if make is sequential_model:
            y = rng.rand(n, 3).astype("float32")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert type(loaded) is type(model)
    assert loaded.compiled and loaded.optimizer.built
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert_same_state(model, loaded)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_continuing_after_reload_is_exact(tmp_path):
    x, y = data(64)
    minikeras.utils.set_random_seed(3)
    reference = functional_model()
    initial = reference.get_weights()
    reference.fit(x, y, epochs=10, batch_size=16, shuffle=False, verbose=0)

    minikeras.utils.set_random_seed(3)
    model = functional_model()
    model.set_weights(initial)
    model.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0)
    model.save(tmp_path / "half.keras")
    resumed = load_model(tmp_path / "half.keras")
    resumed.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0)
    assert int(resumed.optimizer.iterations.numpy()) == 40
    assert_same_state(reference, resumed)


def test_compile_false_gives_uncompiled_model(tmp_path):
    model = functional_model()
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled
    assert loaded.optimizer is None


def test_uncompiled_model_round_trip(tmp_path):
    model = functional_model(compile=False)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert not loaded.compiled
    assert_same_state(model, loaded)


def test_unzipped_directory_round_trip(tmp_path):
    x, y = data()
    model = functional_model()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "dir", zipped=False)
    assert sorted(os.listdir(tmp_path / "dir")) == ["config.json", "metadata.json", "model.weights.h5"]
    assert_same_state(model, load_model(tmp_path / "dir"))
    with pytest.raises(ValueError, match="should not end in `.keras`"):
        model.save(tmp_path / "x.keras", zipped=False)


def test_file_objects(tmp_path):
    model = functional_model()
    buffer = io.BytesIO()
    saving_lib.save_model(model, buffer)
    buffer.seek(0)
    assert_same_state(model, load_model(buffer))


def test_lesson_save_and_load(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = data()
    model = minikeras.Sequential([minikeras.Input((4,)), layers.Dense(10, activation="relu"),
                                  layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=3, verbose=0)
    model.save("my_first_model.keras")
    loaded = minikeras.models.load_model("my_first_model.keras")
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    np.testing.assert_array_equal(model.evaluate(x, y, verbose=0), loaded.evaluate(x, y, verbose=0))


# -- weights files --------------------------------------------------------------------------------
def test_save_and_load_weights_include_optimizer(tmp_path):
    x, y = data()
    model = functional_model()
    model.fit(x, y, epochs=2, verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    other = functional_model()
    other.load_weights(tmp_path / "w.weights.h5")
    assert_same_state(model, other)


def test_load_weights_from_keras_archive(tmp_path):
    model = functional_model()
    model.save(tmp_path / "m.keras")
    other = functional_model(compile=False)
    other.load_weights(tmp_path / "m.keras")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_weights_filename_must_end_in_weights_h5(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `.weights.h5`. Received: filepath=.*w.h5"):
        functional_model().save_weights(tmp_path / "w.h5")


def test_unbuilt_model_weights_errors(tmp_path):
    model = minikeras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="has not yet been built"):
        model.save_weights(tmp_path / "w.weights.h5")


def test_mismatched_architecture_raises_or_warns(tmp_path):
    model = functional_model(compile=False)
    model.save_weights(tmp_path / "w.weights.h5")
    inputs = minikeras.Input((4,))
    x = layers.Dense(5, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    other = minikeras.Model(inputs, layers.Dense(3)(x))
    with pytest.raises(ValueError, match=r"objects could not be loaded.*\n\n.*shape \(4, 5\).*\(4, 8\)"):
        other.load_weights(tmp_path / "w.weights.h5")
    with pytest.warns(UserWarning, match="could not be loaded"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)


def test_layer_count_mismatch_names_expected_variables(tmp_path):
    model = functional_model(compile=False)
    model.save_weights(tmp_path / "w.weights.h5")
    inputs = minikeras.Input((4,))
    x = layers.Dense(8, activation="relu", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    other = minikeras.Model(inputs, layers.Dense(3)(x))
    with pytest.raises(ValueError, match=r"Layer 'dense_2' expected 1 variables, but received 2"):
        other.load_weights(tmp_path / "w.weights.h5")


def test_optimizer_count_mismatch_warns_and_skips(tmp_path):
    x, y = data()
    model = functional_model(optimizer="sgd")
    model.fit(x, y, epochs=1, verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    other = functional_model(optimizer="adam")
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer 'adam'"):
        other.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


# -- subclassed layers and models, custom objects ------------------------------------------------
@object_registration.register_keras_serializable(package="SavingTest")
class Block(layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = layers.Dense(units)
        self.stack = [layers.Dense(units), layers.Dense(units, use_bias=False)]
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def build(self, input_shape):
        self.inner.build(input_shape)
        self.stack[0].build((None, self.units))
        self.stack[1].build((None, self.units))

    def call(self, x):
        return self.stack[1](self.stack[0](self.inner(x))) * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_nested_layers_are_saved_under_attribute_paths(tmp_path):
    inputs = minikeras.Input((4,))
    model = minikeras.Model(inputs, Block(3)(inputs))
    model.layers[1].scale.assign(2.5)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf, h5py.File(io.BytesIO(zf.read("model.weights.h5"))) as f:
        assert f["layers/block/vars/0"][()] == 2.5
        assert f["layers/block/inner/vars/0"].shape == (4, 3)
        assert f["layers/block/stack/dense/vars/0"].shape == (3, 3)
        assert len(f["layers/block/stack/dense_1/vars"]) == 1
    loaded = load_model(tmp_path / "m.keras")
    assert_same_state(model, loaded)


class Unregistered(layers.Layer):
    def call(self, x):
        return x * 2.0


def test_custom_objects_and_scope(tmp_path):
    inputs = minikeras.Input((2,))
    model = minikeras.Model(inputs, Unregistered()(inputs))
    model.save(tmp_path / "m.keras")
    with pytest.raises(TypeError, match="Could not locate class 'Unregistered'"):
        load_model(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", custom_objects={"Unregistered": Unregistered})
    assert isinstance(loaded.layers[1], Unregistered)
    with object_registration.CustomObjectScope({"Unregistered": Unregistered}):
        assert isinstance(load_model(tmp_path / "m.keras").layers[1], Unregistered)


def test_json_round_trip():
    model = functional_model()
    clone = model_from_json(model.to_json())
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert json.loads(clone.to_json())["config"] == json.loads(model.to_json())["config"]


# -- paths and arguments --------------------------------------------------------------------------
def test_save_requires_keras_extension(tmp_path):
    with pytest.raises(ValueError, match="Invalid filepath extension for saving"):
        functional_model().save(tmp_path / "m.txt")


def test_save_overwrite_false_asks(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    path.write_bytes(b"old")
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    functional_model().save(path, overwrite=False)
    assert path.read_bytes() == b"old"
    monkeypatch.setattr("builtins.input", lambda prompt="": "y")
    functional_model().save(path, overwrite=False)
    assert zipfile.is_zipfile(path)


def test_unknown_save_argument():
    with pytest.raises(ValueError, match=r"not supported: \['foo'\]"):
        functional_model().save("m.keras", foo=1)


def test_load_missing_file(tmp_path):
    with pytest.raises(ValueError, match="File not found"):
        load_model(tmp_path / "nope.keras")
    with pytest.raises(ValueError, match="File format not supported"):
        load_model(tmp_path / "nope.txt")


def test_saving_unbuilt_model_warns(tmp_path):
    model = minikeras.Sequential([layers.Dense(2)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.save(tmp_path / "m.keras")
    assert any("not yet been built" in str(w.message) for w in caught)


# -- legacy HDF5 ----------------------------------------------------------------------------------
def write_legacy_weights(path, model):
    with h5py.File(path, "w") as f:
        names = [layer.name for layer in model.layers]
        f.attrs["layer_names"] = np.array(names, dtype="S")
        for layer in model.layers:
            group = f.create_group(layer.name)
            weights = layer.trainable_weights + layer.non_trainable_weights
            group.attrs["weight_names"] = np.array([f"{layer.name}/{v.name}" for v in weights], dtype="S")
            for v in weights:
                group[f"{layer.name}/{v.name}"] = v.numpy()


@pytest.mark.parametrize("by_name", [False, True])
def test_legacy_weights_file(tmp_path, by_name):
    model = sequential_model()
    write_legacy_weights(tmp_path / "w.h5", model)
    other = sequential_model()
    if by_name:  # name-based loading needs the same layer names
        for layer, source in zip(other.layers, model.layers):
            layer.name = source.name
    other.load_weights(tmp_path / "w.h5", by_name=by_name)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_legacy_keras2_model_file(tmp_path):
    model = sequential_model()
    path = tmp_path / "model.h5"
    with h5py.File(path, "w") as f:
        dense = [{"class_name": "Dense", "config": {
            "name": layer.name, "trainable": True, "dtype": "float32", "units": layer.units,
            "activation": "tanh" if i == 0 else "linear", "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}} for i, layer in enumerate(model.layers)]
        config = {"class_name": "Sequential", "config": {"name": "legacy", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32",
                                                    "sparse": False, "ragged": False, "name": "dense_input"}},
            *dense]}}
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["training_config"] = json.dumps({"loss": "mse", "metrics": None, "weighted_metrics": None,
                                                 "loss_weights": None, "optimizer_config": {
                                                     "class_name": "SGD", "config": {"learning_rate": 0.1}}})
        weights = f.create_group("model_weights")
    write_legacy_weights(tmp_path / "w.h5", model)
    with h5py.File(tmp_path / "w.h5", "r") as src, h5py.File(path, "a") as dst:
        for key in src:
            src.copy(key, dst["model_weights"])
        dst["model_weights"].attrs["layer_names"] = src.attrs["layer_names"]
    del weights
    loaded = load_model(path)
    x, _ = data()
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert loaded.compiled and type(loaded.optimizer).__name__ == "SGD"
    np.testing.assert_allclose(float(loaded.optimizer.learning_rate.numpy()), 0.1, rtol=1e-7)


def test_writing_legacy_h5_is_refused_clearly(tmp_path):
    with pytest.raises(NotImplementedError, match="Save as `.keras`"):
        functional_model().save(tmp_path / "m.h5")


def test_multi_output_loss_weights_round_trip(tmp_path):
    inputs = minikeras.Input((3,))
    model = minikeras.Model(inputs, [layers.Dense(1, name="a")(inputs), layers.Dense(1, name="b")(inputs)])
    model.compile(optimizer="adam", loss=["mse", "mae"], loss_weights=[0.3, 2.0], metrics=[["mae"], ["mse"]])
    x = np.random.RandomState(0).rand(8, 3).astype("float32")
    ys = [np.ones((8, 1), "float32"), np.zeros((8, 1), "float32")]
    model.fit(x, ys, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        assert json.loads(zf.read("config.json"))["compile_config"]["loss_weights"] == [0.3, 2.0]
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.evaluate(x, ys, verbose=0, return_dict=True) == model.evaluate(x, ys, verbose=0, return_dict=True)


@object_registration.register_keras_serializable(package="SavingTest")
class SubclassedNet(minikeras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.zeta = layers.Dense(units)
        self.alpha = layers.Dense(1)
        self.blocks = [layers.Dense(2), layers.Dense(2)]

    def call(self, x):
        return self.alpha(self.blocks[1](self.blocks[0](self.zeta(x))))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_round_trip_and_layout(tmp_path):
    model = SubclassedNet()
    model.compile(optimizer="adam", loss="mse")
    x = np.random.RandomState(0).rand(8, 4).astype("float32")
    model.fit(x, np.ones((8, 1), "float32"), verbose=0)
    # Keras's walk: attributes in sorted order, then the unvisited rest of `model.layers`.
    assert [path for path, _ in weights_store.walk(model)] == [
        "", "alpha", "blocks/dense", "blocks/dense_1", "layers/dense", "optimizer"]
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert isinstance(loaded, SubclassedNet) and loaded.optimizer.built
    assert_same_state(model, loaded)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
