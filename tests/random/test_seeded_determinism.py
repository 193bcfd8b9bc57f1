"""`set_random_seed(S)` makes a whole training run repeatable, and decides which seed goes where.

No TensorFlow here (compat_tests/random/test_seeded_training.py compares with it):
the same seed twice gives bitwise identical weights and History; other seeds
give other runs; seeds are drawn at construction, in construction order.
"""

import random

import numpy as np
import pytest

import minikeras
from minikeras.random import fit_shuffle
from minikeras.random.fit_shuffle import op_seeds, shuffle_permutation


def synthetic_data(n=273):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    labels = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int) + (x[:, 2] > 1).astype(int)
    return x, np.eye(3, dtype="float32")[labels]


X, Y = synthetic_data()


@pytest.fixture(autouse=True)
def _unseeded_afterwards():
    """Leave no global seed behind for other tests."""
    yield
    fit_shuffle.set_tf_global_seed(None)


def functional():
    inputs = minikeras.Input((4,))
    hidden = minikeras.layers.Dense(10, activation="relu")(inputs)
    return minikeras.Model(inputs, minikeras.layers.Dense(3, activation="softmax")(hidden))


def sequential():
    return minikeras.Sequential([minikeras.Input((4,)), minikeras.layers.Dense(10, activation="relu"),
                                 minikeras.layers.Dense(3, activation="softmax")])


def with_dropout():
    return minikeras.Sequential([minikeras.Input((4,)), minikeras.layers.Dense(16, activation="relu"),
                                 minikeras.layers.Dropout(0.3), minikeras.layers.Dense(3, activation="softmax")])


MODELS = {"functional": functional, "sequential": sequential, "dropout": with_dropout}


def run(seed, model_name="dropout", optimizer="adam", validation_split=0.2, epochs=8):
    minikeras.utils.set_random_seed(seed)
    model = MODELS[model_name]()
    initial = [w.copy() for w in model.get_weights()]
    model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    history = model.fit(X, Y, epochs=epochs, batch_size=32, shuffle=True, validation_split=validation_split,
                        verbose=0)
    return initial, history.history, model.get_weights()


@pytest.mark.parametrize("validation_split", [0.0, 0.2])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("model_name", sorted(MODELS))
def test_same_seed_twice_is_bitwise_identical(model_name, optimizer, validation_split):
    first = run(2, model_name, optimizer, validation_split)
    minikeras.utils.clear_session()
    second = run(2, model_name, optimizer, validation_split)
    for a, b in zip(first[0] + first[2], second[0] + second[2]):
        np.testing.assert_array_equal(a, b)
    assert list(first[1]) == list(second[1])
    for key in first[1]:
        np.testing.assert_array_equal(first[1][key], second[1][key])


@pytest.mark.parametrize("model_name", sorted(MODELS))
def test_different_seeds_give_different_runs(model_name):
    a, b = run(2, model_name), run(3, model_name)
    assert not np.array_equal(a[0][0], b[0][0])
    assert not np.array_equal(a[1]["loss"], b[1]["loss"])


def test_the_order_alone_changes_the_run():
    """Same weights and masks (Python's random seeded alike), another TF seed: another History."""
    runs = []
    for tf_seed in (5, 6):
        random.seed(11)
        fit_shuffle.set_tf_global_seed(tf_seed)
        model = with_dropout()
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        runs.append((model.get_weights(), model.fit(X, Y, epochs=3, batch_size=32, verbose=0).history["loss"]))
    for a, b in zip(runs[0][0], runs[1][0]):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(runs[0][1], runs[1][1])


# -- who draws a seed, and when ------------------------------------------------------------------------


def expected_seeds(seed, count):
    state = random.Random(seed)
    return [state.randint(1, 10**9) for _ in range(count)]


def test_seeds_are_drawn_at_construction_in_construction_order():
    minikeras.utils.set_random_seed(7)
    first = minikeras.layers.Dense(5)
    dropout = minikeras.layers.Dropout(0.5)
    second = minikeras.layers.Dense(5, bias_initializer="random_normal")
    seeds = expected_seeds(7, 4)
    assert first.kernel_initializer.seed == seeds[0]
    assert int(dropout.seed_generator.state.numpy()[0]) == seeds[1]
    assert second.kernel_initializer.seed == seeds[2]
    assert second.bias_initializer.seed == seeds[3]


@pytest.mark.parametrize("make", [
    lambda: minikeras.Input((4,)),
    lambda: minikeras.Sequential(),
    lambda: minikeras.layers.Dropout(0.0),
    lambda: minikeras.layers.Dense(3, kernel_initializer="zeros"),
    lambda: minikeras.layers.Dense(3, kernel_initializer=minikeras.initializers.GlorotUniform(seed=1)),
])
def test_what_draws_nothing(make):
    minikeras.utils.set_random_seed(7)
    before = random.getstate()
    make()
    assert random.getstate() == before


def test_build_order_does_not_matter():
    def kernels(build_second_first):
        minikeras.utils.set_random_seed(3)
        a, b = minikeras.layers.Dense(4), minikeras.layers.Dense(4)
        for layer in ((b, a) if build_second_first else (a, b)):
            layer.build((None, 6))
        return a.kernel.numpy(), b.kernel.numpy()

    for x, y in zip(kernels(False), kernels(True)):
        np.testing.assert_array_equal(x, y)


def test_construction_order_does():
    minikeras.utils.set_random_seed(3)
    a, b = minikeras.layers.Dense(4), minikeras.layers.Dense(4)
    minikeras.utils.set_random_seed(3)
    b2, a2 = minikeras.layers.Dense(4), minikeras.layers.Dense(4)
    for layer in (a, b, a2, b2):
        layer.build((None, 6))
    np.testing.assert_array_equal(a.kernel.numpy(), b2.kernel.numpy())
    np.testing.assert_array_equal(b.kernel.numpy(), a2.kernel.numpy())
    assert not np.array_equal(a.kernel.numpy(), a2.kernel.numpy())


# -- the fit order and the Dropout stream ----------------------------------------------------------------------


def _record_orders(monkeypatch):
    orders = []
    real = minikeras.random.fit_shuffle_indices

    def recording(n):
        orders.append(real(n))
        return orders[-1]

    monkeypatch.setattr(minikeras.random, "fit_shuffle_indices", recording)
    return orders


def test_seeded_fit_uses_tf_order_every_epoch_and_every_fit(monkeypatch):
    orders = _record_orders(monkeypatch)
    minikeras.utils.set_random_seed(2)
    model = functional()
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    model.fit(X, Y, epochs=3, batch_size=32, verbose=0)
    model.fit(X, Y, epochs=2, batch_size=50, validation_split=0.2, verbose=0)
    assert len(orders) == 5
    for order in orders[:3]:
        np.testing.assert_array_equal(order, shuffle_permutation(273, op_seeds(2)))
    for order in orders[3:]:  # validation_split takes the tail first: 218 rows are shuffled
        np.testing.assert_array_equal(order, shuffle_permutation(218, op_seeds(2)))


def test_unseeded_fit_reshuffles_every_epoch(monkeypatch):
    orders = _record_orders(monkeypatch)
    fit_shuffle.set_tf_global_seed(None)
    model = functional()
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    model.fit(X, Y, epochs=2, batch_size=32, verbose=0)
    assert sorted(orders[0].tolist()) == list(range(273))
    assert not np.array_equal(orders[0], orders[1])


def test_tf_global_seed_alone_touches_no_other_state():
    random.seed(1)
    np.random.seed(1)
    python_state, numpy_state = random.getstate(), np.random.get_state()[1].copy()
    fit_shuffle.set_tf_global_seed(9)
    assert random.getstate() == python_state
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)
    np.testing.assert_array_equal(minikeras.random.fit_shuffle_indices(40), shuffle_permutation(40, (9, 0)))


def test_dropout_stream_advances_once_per_training_step():
    minikeras.utils.set_random_seed(4)
    model = with_dropout()
    dropout = model.layers[1]
    d = int(dropout.seed_generator.state.numpy()[0])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    model.fit(X, Y, epochs=3, batch_size=32, validation_split=0.2, verbose=0)  # 218 rows: 7 steps an epoch
    np.testing.assert_array_equal(dropout.seed_generator.state.numpy(), [d, 21])
    model.evaluate(X, Y, verbose=0)
    model.predict(X, verbose=0)
    np.testing.assert_array_equal(dropout.seed_generator.state.numpy(), [d, 21])
    model.train_on_batch(X[:10], Y[:10])
    np.testing.assert_array_equal(dropout.seed_generator.state.numpy(), [d, 22])


# -- the vectorised Philox paths agree with the general ones -----------------------------------------------------


@pytest.mark.parametrize("counter,start,count", [
    ((0, 0, 5, 6), 0, 10),  # a stateless op's counter: only word 0 moves
    ((2**32 - 3, 7, 1, 2), 0, 10),  # carries into word 1
    ((2**32 - 3, 2**32 - 1, 2**32 - 1, 9), 1, 10),  # carries through three words
    ((5, 0, 0, 0), 2**32 - 8, 8),  # ends exactly at the word boundary
    ((0, 0, 0, 0), 2**40, 3),  # starts beyond word 0
])
def test_consecutive_counters_match_general_offsets(counter, start, count):
    from minikeras.random import philox

    offsets = np.arange(count, dtype=np.uint64) + np.uint64(start)
    np.testing.assert_array_equal(philox.counters_from(counter, start, count), philox.counters_at(counter, offsets))
