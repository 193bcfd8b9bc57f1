"""End to end: one seed, no weight copying, the same training as TensorFlow Keras.

Each side calls its own `set_random_seed(S)` and then builds, compiles and
fits the same model from scratch. Nothing is copied between them, so the
initial weights (seeds drawn at construction from Python's `random`), the
`fit(shuffle=True)` sample order (TF's global seed) and the Dropout masks (each
Dropout layer's seed generator, one step per batch) must all be TensorFlow's
for the curves to agree: initial weights bitwise, every epoch's History entry
within CURVE.

To keep the runtime modest, the Sequential lesson network is compared with the
functional one's TensorFlow run: `test_tf_sequential_equals_tf_functional`
shows that in TensorFlow both give the same initial weights (bitwise) and the
same History, so that one TF fit serves both.
"""

import random

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close, assert_equal
from compat_tests.tolerances import CURVE
from minikeras.random import fit_shuffle

EPOCHS = 100
BATCH = 32  # 273 rows -> 8 batches of 32 and a short one of 17; 218 (after validation_split=0.2) -> 26


def penguins():
    """The lesson's data: four standardised measurements, one-hot species, 273 training rows."""
    from palmerpenguins import load_penguins

    columns = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    frame = load_penguins().dropna(subset=columns)
    x = frame[columns].to_numpy("float32")
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    labels = np.searchsorted(np.unique(frame["species"]), frame["species"].to_numpy())
    order = np.random.default_rng(0).permutation(len(x))  # mix the species so a validation tail holds all three
    return x[order][:273], np.eye(3, dtype="float32")[labels[order]][:273]


X, Y = penguins()


# -- models: everything random is drawn while these run, after set_random_seed ----------------------


def lesson_functional(lib):
    inputs = lib.Input(shape=(4,))
    hidden = lib.layers.Dense(10, activation="relu")(inputs)
    return lib.Model(inputs, lib.layers.Dense(3, activation="softmax")(hidden))


def lesson_sequential(lib):
    return lib.Sequential([lib.Input(shape=(4,)), lib.layers.Dense(10, activation="relu"),
                           lib.layers.Dense(3, activation="softmax")])


def dropout_model(lib):
    return lib.Sequential([lib.Input(shape=(4,)), lib.layers.Dense(16, activation="relu"), lib.layers.Dropout(0.3),
                           lib.layers.Dense(3, activation="softmax")])


def unusual_order_model(lib):
    """Layers constructed in another order than they are called; extra draws in between.

    Seeds are drawn at construction, in this order: the output layer's kernel
    then its random-normal bias, the first Dropout, a standalone initializer,
    a Dense that is never used, the hidden layer's He-normal kernel (its
    glorot-normal object was drawn earlier), the second Dropout.
    """
    out = lib.layers.Dense(3, activation="softmax", bias_initializer="random_normal")
    drop = lib.layers.Dropout(0.25)
    late_init = lib.initializers.GlorotNormal()
    lib.layers.Dense(5)  # constructed, never built: it still takes a seed
    hidden = lib.layers.Dense(12, activation="tanh", kernel_initializer="he_normal")
    extra = lib.layers.Dense(6, activation="relu", kernel_initializer=late_init)
    drop_features = lib.layers.Dropout(0.1, noise_shape=(None, 1))
    inputs = lib.Input(shape=(4,))
    h = extra(drop_features(drop(hidden(inputs))))
    return lib.Model(inputs, out(h))


MODELS = {"functional": lesson_functional, "sequential": lesson_sequential, "dropout": dropout_model,
          "unusual_order": unusual_order_model}
# The public items whose seeding each model exercises (for compat_tests/recording.py).
SEEDED_ITEMS = {
    "functional": ["utils.set_random_seed", "initializers.GlorotUniform"],
    "sequential": ["utils.set_random_seed", "initializers.GlorotUniform", "models.Sequential"],
    "dropout": ["utils.set_random_seed", "initializers.GlorotUniform", "layers.Dropout"],
    "unusual_order": ["utils.set_random_seed", "initializers.GlorotUniform", "initializers.GlorotNormal",
                      "initializers.HeNormal", "initializers.RandomNormal", "layers.Dropout"],
}
OPTIMIZERS = {"adam": lambda lib: lib.optimizers.Adam(), "sgd": lambda lib: lib.optimizers.SGD(learning_rate=0.01)}


def weights_of(model):
    return [np.array(w) for w in model.get_weights()]


def seeded_run(lib, model_name, optimizer="adam", seed=2, epochs=EPOCHS, validation_split=0.0, seed_fn=None):
    """Seed, build, compile, fit; return (initial weights, History dict, final weights, model)."""
    (seed_fn or lib.utils.set_random_seed)(seed)
    model = MODELS[model_name](lib)
    initial = weights_of(model)
    model.compile(loss="categorical_crossentropy", optimizer=OPTIMIZERS[optimizer](lib), metrics=["accuracy"])
    history = model.fit(X, Y, epochs=epochs, batch_size=BATCH, shuffle=True, validation_split=validation_split,
                        verbose=0)
    return initial, history.history, weights_of(model), model


_TF_RUNS = {}


def tf_run(keras, *args, **kwargs):
    """TensorFlow's run, computed once per argument set (the slow side of every comparison)."""
    key = (args, tuple(sorted(kwargs.items())))
    if key not in _TF_RUNS:
        _TF_RUNS[key] = seeded_run(keras, *args, **kwargs)
    return _TF_RUNS[key]


def assert_same_training(mk, tf, model_name):
    mk_initial, mk_history, mk_final = mk[:3]
    tf_initial, tf_history, tf_final = tf[:3]
    items = SEEDED_ITEMS[model_name]
    assert len(mk_initial) == len(tf_initial)
    for got, want in zip(mk_initial, tf_initial):
        assert got.dtype == want.dtype
        assert_equal(got, want, item=items)  # no weight copying: the seeds alone make these
    assert list(mk_history) == list(tf_history)
    for key, want in tf_history.items():
        assert len(mk_history[key]) == len(want)
        assert_close(mk_history[key], want, err_msg=key, **CURVE, item=items + ["Model.fit"])
    for got, want in zip(mk_final, tf_final):
        assert_close(got, want, **CURVE, item=items + ["Model.fit"])


# -- the lesson network -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 42, 2**31 + 5])
@pytest.mark.parametrize("model_name", ["functional", "sequential", "dropout", "unusual_order"])
def test_initial_weights_bitwise(keras, model_name, seed):
    keras.utils.set_random_seed(seed)
    want = weights_of(MODELS[model_name](keras))
    minikeras.utils.set_random_seed(seed)
    got = weights_of(MODELS[model_name](minikeras))
    assert [w.shape for w in got] == [w.shape for w in want]
    for a, b in zip(got, want):
        assert_equal(a, b, item=SEEDED_ITEMS[model_name])


def test_tf_sequential_equals_tf_functional(keras):
    """In TF the two lesson models draw the same seeds and train identically (so they share a TF reference)."""
    sequential = seeded_run(keras, "sequential", "sgd")
    functional = tf_run(keras, "functional", "sgd")
    for a, b in zip(sequential[0], functional[0]):
        np.testing.assert_array_equal(a, b)
    for key in functional[1]:
        np.testing.assert_array_equal(sequential[1][key], functional[1][key])


@pytest.mark.parametrize("validation_split", [0.0, 0.2])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("model_name", ["functional", "sequential"])
def test_lesson_network_trains_like_tf(keras, model_name, optimizer, validation_split):
    want = tf_run(keras, "functional", optimizer, validation_split=validation_split)
    got = seeded_run(minikeras, model_name, optimizer, validation_split=validation_split)
    assert_same_training(got, want, model_name)


# -- Dropout and construction order ------------------------------------------------------------------------


@pytest.mark.parametrize("validation_split", [0.0, 0.2])
def test_dropout_model_trains_like_tf(keras, validation_split):
    want = tf_run(keras, "dropout", "adam", validation_split=validation_split)
    got = seeded_run(minikeras, "dropout", "adam", validation_split=validation_split)
    assert_same_training(got, want, "dropout")
    # One mask per training step: both seed generators stand at [d, steps] (9 or 7 batches per epoch).
    steps = EPOCHS * (9 if validation_split == 0.0 else 7)
    tf_state = np.asarray(want[3].layers[1].seed_generator.state.value)
    assert tf_state[1] == steps
    assert_equal(got[3].layers[1].seed_generator.state.numpy(), tf_state, item="layers.Dropout")


@pytest.mark.parametrize("seed", [0, 2**31 + 5])
def test_dropout_model_edge_seeds(keras, seed):
    """Seed 0 (TF's shuffle seeds become (0, 2**31 - 1)) and a seed above 2**31."""
    want = tf_run(keras, "dropout", "sgd", seed=seed, epochs=20)
    assert_same_training(seeded_run(minikeras, "dropout", "sgd", seed=seed, epochs=20), want, "dropout")


def test_unusual_construction_order(keras):
    want = tf_run(keras, "unusual_order", "adam", epochs=30, validation_split=0.2)
    got = seeded_run(minikeras, "unusual_order", "adam", epochs=30, validation_split=0.2)
    assert_same_training(got, want, "unusual_order")


def test_two_fits_evaluate_and_predict_continue_the_streams(keras):
    """A second `fit` reuses the seeded order; the Dropout stream continues; evaluate/predict draw nothing."""

    def run(lib):
        lib.utils.set_random_seed(4)
        model = dropout_model(lib)
        model.compile(loss="categorical_crossentropy", optimizer=lib.optimizers.SGD(0.05, momentum=0.9),
                      metrics=["accuracy"])
        first = model.fit(X, Y, epochs=5, batch_size=BATCH, verbose=0).history
        evaluated = np.asarray(model.evaluate(X, Y, verbose=0))
        predicted = model.predict(X[:50], verbose=0)
        second = model.fit(X, Y, epochs=5, batch_size=50, verbose=0).history
        return first, evaluated, predicted, second, weights_of(model)

    got, want = run(minikeras), run(keras)
    items = SEEDED_ITEMS["dropout"] + ["Model.fit"]
    for g, w, extra in zip(got, want, [[], ["Model.evaluate"], ["Model.predict"], [], []]):
        if isinstance(w, dict):
            for key in w:
                assert_close(g[key], w[key], err_msg=key, **CURVE, item=items)
        elif isinstance(w, list):
            for a, b in zip(g, w):
                assert_close(a, b, **CURVE, item=items)
        else:
            assert_close(g, w, **CURVE, item=items + extra)


# -- tf.random.set_seed on its own ---------------------------------------------------------------------------


def test_tf_set_seed_alone_leaves_initializers_unseeded(keras, tf):
    """TF's global seed is not where Keras 3 draws initializer or Dropout seeds: Python's `random` is."""
    random.seed(5)
    np.random.seed(5)
    before = (random.getstate(), np.random.get_state()[1].copy())
    tf.random.set_seed(2)
    assert random.getstate() == before[0]  # tf.random.set_seed touches neither Python's nor NumPy's state
    np.testing.assert_array_equal(np.random.get_state()[1], before[1])
    first = weights_of(lesson_functional(keras))
    tf.random.set_seed(2)
    second = weights_of(lesson_functional(keras))
    assert not np.array_equal(first[0], second[0])  # the same TF seed, yet new weights


@pytest.mark.parametrize("setup", ["python_random_only", "set_random_seed_then_tf_seed"])
def test_tf_set_seed_fixes_the_shuffle_order_only(keras, tf, setup):
    """What the drop-in's `tf.random.set_seed(S)` must do: `fit_shuffle.set_tf_global_seed(S)`, nothing else.

    Python's `random` is seeded identically on both sides by other means
    (standing for whatever state it holds in a real script), so the weights
    agree; the order comes from the TF seed alone.
    """

    def seed_tf(seed):
        if setup == "python_random_only":
            random.seed(11)
        else:
            keras.utils.set_random_seed(11)
        tf.random.set_seed(seed)

    def seed_minikeras(seed):
        if setup == "python_random_only":
            random.seed(11)
        else:
            minikeras.utils.set_random_seed(11)
        fit_shuffle.set_tf_global_seed(seed)

    want = seeded_run(keras, "dropout", "adam", seed=9, epochs=20, seed_fn=seed_tf)
    got = seeded_run(minikeras, "dropout", "adam", seed=9, epochs=20, seed_fn=seed_minikeras)
    assert_same_training(got, want, "dropout")
    # ...and it is the TF seed that set the order: seed 11 everywhere gives other curves.
    other = seeded_run(minikeras, "dropout", "adam", seed=11, epochs=20, seed_fn=seed_minikeras)
    for a, b in zip(other[0], got[0]):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(other[1]["loss"], got[1]["loss"], **CURVE)


def test_clear_session_keeps_the_tf_seed(keras):
    """Keras's `clear_session` resets its own seed generator, not TF's global seed: the order stays seeded."""
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    keras.utils.set_random_seed(3)
    keras.backend.clear_session()
    order = np.concatenate([b.numpy() for b in ArrayDataAdapter(np.arange(50), shuffle=True,
                                                                 batch_size=50).get_tf_dataset()])
    minikeras.utils.set_random_seed(3)
    minikeras.utils.clear_session()
    assert_equal(minikeras.random.fit_shuffle_indices(50), order, item=["utils.set_random_seed", "Model.fit"])
