"""SeedGenerator, draw_seed, the global generator, the public functions and fit's shuffle order."""

import random

import numpy as np
import pytest

import minikeras
from minikeras import random as mr
from minikeras.random import seed_generator
from minikeras.random.fit_shuffle import op_seeds, shuffle_permutation


def test_seed_generator_state_and_next():
    gen = mr.SeedGenerator(7)
    assert gen.state.numpy().tolist() == [7, 0]
    assert gen.next().tolist() == [7, 0]
    assert gen.next().tolist() == [7, 1]
    assert gen.state.numpy().tolist() == [7, 2]
    assert gen.state.dtype == "int64" and not gen.state.trainable


def test_unordered_next_is_keras_mixing():
    gen = mr.SeedGenerator(10)
    assert gen.next(ordered=False).tolist() == [10, 0]
    assert gen.state.numpy().tolist() == [11 * 5387 % 933199, 5387]


def test_unseeded_generator_draws_from_python_random():
    random.seed(5)
    expected = random.randint(1, 10**9)
    random.seed(5)
    assert mr.SeedGenerator().state.numpy().tolist() == [expected, 0]


def test_seed_generator_config_round_trip():
    gen = mr.SeedGenerator(3, name="g")
    again = mr.SeedGenerator.from_config(gen.get_config())
    assert again.get_config() == {"seed": 3, "name": "g"}


def test_draw_seed_and_errors():
    assert mr.draw_seed(5).tolist() == [5, 0]
    with pytest.raises(ValueError, match="must be either an integer"):
        mr.draw_seed("5")
    with pytest.raises(ValueError, match="must be an integer"):
        mr.SeedGenerator(1.5)
    with pytest.raises(ValueError, match="Unrecognized keyword"):
        mr.SeedGenerator(1, foo=2)


def test_tf_seed_reduction():
    assert seed_generator.tf_seed(2**31 - 2) == (0, 0)
    assert seed_generator.tf_seed(-1) == (2**31 - 3, 0)
    np.testing.assert_array_equal(mr.uniform((4,), seed=0), mr.uniform((4,), seed=2**31 - 2))


def test_set_random_seed_resets_global_generator():
    minikeras.utils.set_random_seed(3)
    a = mr.normal((5,))
    b = mr.normal((5,))
    minikeras.utils.set_random_seed(3)
    np.testing.assert_array_equal(mr.normal((5,)), a)
    np.testing.assert_array_equal(mr.normal((5,)), b)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("bad", [1.0, "3", None])
def test_set_random_seed_rejects_non_ints(bad):
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        minikeras.utils.set_random_seed(bad)


def test_public_functions_shapes_dtypes_and_errors():
    assert mr.uniform((2, 3), seed=1).dtype == np.float32
    assert mr.normal((2, 3), dtype="float64", seed=1).shape == (2, 3)
    assert mr.randint((4,), 0, 5, seed=1).dtype == np.int32
    assert mr.randint((4,), 0, 5, dtype="uint8", seed=1).dtype == np.uint8
    with pytest.raises(ValueError, match="floating point"):
        mr.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="integer"):
        mr.randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match="2-D"):
        mr.categorical(np.zeros(3), 2)


def test_int_seed_repeats_and_generator_advances():
    np.testing.assert_array_equal(mr.normal((3,), seed=4), mr.normal((3,), seed=4))
    gen = mr.SeedGenerator(4)
    assert not np.array_equal(mr.normal((3,), seed=gen), mr.normal((3,), seed=gen))


def test_shuffle_and_dropout():
    x = np.arange(20.0).reshape(10, 2)
    s = mr.shuffle(x, seed=1)
    assert sorted(s[:, 0].tolist()) == x[:, 0].tolist()
    np.testing.assert_array_equal(s[:, 1] - s[:, 0], np.ones(10))
    out = mr.dropout(np.ones((100, 100), np.float32), 0.5, seed=2)
    assert set(np.unique(out).tolist()) == {0.0, 2.0}
    np.testing.assert_array_equal(mr.dropout(x, 0.0), x)
    np.testing.assert_array_equal(mr.dropout(x, 1.0), np.zeros_like(x))


def test_dropout_is_differentiable():
    from minikeras.ops.autodiff import GradientTape

    v = minikeras.Variable(np.ones((4, 5), np.float32))
    with GradientTape() as tape:
        y = minikeras.ops.sum(mr.dropout(v, 0.5, seed=3))
    g = tape.gradient(y, v)
    np.testing.assert_array_equal(np.asarray(g), mr.dropout(np.ones((4, 5), np.float32), 0.5, seed=3))


def test_categorical_frequencies():
    logits = np.log(np.array([[0.2, 0.8]], np.float32))
    draws = mr.categorical(logits, 20000, seed=1)
    assert draws.shape == (1, 20000) and abs(draws.mean() - 0.8) < 0.02


@pytest.mark.parametrize("n", [0, 1, 2, 23, 1000])
def test_shuffle_permutation_is_a_permutation(n):
    p = shuffle_permutation(n, (5, 0))
    assert sorted(p.tolist()) == list(range(n))
    np.testing.assert_array_equal(shuffle_permutation(n, (5, 0)), p)


def test_fit_shuffle_indices_follow_the_global_seed():
    assert op_seeds(0) == (0, 2**31 - 1)
    assert op_seeds(2**31 + 1) == (2, 0)
    minikeras.utils.set_random_seed(8)
    a, b = mr.fit_shuffle_indices(50), mr.fit_shuffle_indices(50)
    np.testing.assert_array_equal(a, b)  # TF: the same order every epoch under a set seed
    np.testing.assert_array_equal(a, shuffle_permutation(50, (8, 0)))
