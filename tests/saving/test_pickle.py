"""`pickle` and `copy.deepcopy` of models (scikit-learn's clone and joblib rely on them)."""

import copy
import pickle

import numpy as np
import pytest

import minikeras
from minikeras import layers


def trained_model(kind):
    rng = np.random.RandomState(0)
    x, y = rng.rand(32, 4).astype("float32"), rng.rand(32, 2).astype("float32")
    if kind == "sequential":
        model = minikeras.Sequential([minikeras.Input((4,)), layers.Dense(5, activation="relu"), layers.Dense(2)])
    else:
        inputs = minikeras.Input((4,))
        x1 = layers.BatchNormalization()(layers.Dense(5)(inputs))
        model = minikeras.Model(inputs, layers.Dense(2)(x1))
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model, x, y


def copies(model):
    return {"pickle": pickle.loads(pickle.dumps(model)), "deepcopy": copy.deepcopy(model)}


@pytest.mark.parametrize("kind", ["sequential", "functional"])
@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_copy_predicts_and_trains_identically(kind, how):
    model, x, y = trained_model(kind)
    clone = copies(model)[how]
    assert clone is not model
    assert type(clone) is type(model) and clone.name == model.name
    np.testing.assert_array_equal(model.predict(x, verbose=0), clone.predict(x, verbose=0))
    for a, b in zip(model.optimizer.variables, clone.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    model.fit(x, y, epochs=1, shuffle=False, verbose=0)
    clone.fit(x, y, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), clone.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_copy_is_independent():
    model, x, _ = trained_model("sequential")
    clone = copy.deepcopy(model)
    clone.layers[0].kernel.assign(np.zeros((4, 5)))
    assert not np.array_equal(model.layers[0].kernel.numpy(), clone.layers[0].kernel.numpy())


def test_deepcopy_inside_a_container_uses_memo():
    model, _, _ = trained_model("sequential")
    pair = copy.deepcopy([model, model])
    assert pair[0] is pair[1] and pair[0] is not model


def test_uncompiled_model_pickles():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2)])
    clone = pickle.loads(pickle.dumps(model))
    assert not clone.compiled
    np.testing.assert_array_equal(model.get_weights()[0], clone.get_weights()[0])


def test_pickle_holds_no_pickled_functions():
    """The payload is a `.keras` archive: the only callable pickle references is the loader."""
    import pickletools

    model, _, _ = trained_model("sequential")
    globals_used = [arg for op, arg, _ in pickletools.genops(pickle.dumps(model, protocol=2))
                    if op.name == "GLOBAL"]
    # (protocol 2 spells bytes through `_codecs.encode`)
    assert set(globals_used) == {"minikeras.saving.saving_lib unpickle_model", "_codecs encode"}
