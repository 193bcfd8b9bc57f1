"""minikeras.random against TensorFlow Keras: every draw must be bitwise equal."""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_equal
from minikeras import random as mr
from minikeras.random import stateless
from minikeras.random.fit_shuffle import op_seeds, shuffle_permutation

SEED_PAIRS = [(0, 0), (1, 0), (42, 0), (7, 13), (-3, 5), (2147483645, 99)]
SHAPES = [(1,), (3, 5), (1001,), (2, 3, 7), (70001,)]


def _same(a, b, item):
    b = np.asarray(b)
    assert np.asarray(a).dtype == b.dtype
    assert_equal(a, b, item=item)


@pytest.mark.parametrize("seed", SEED_PAIRS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stateless_float_ops(tf, seed, shape, dtype):
    s = tf.constant(seed, tf.int32)
    _same(stateless.stateless_uniform(shape, seed, -0.3, 0.7, dtype),
          tf.random.stateless_uniform(shape, s, -0.3, 0.7, dtype=dtype), item="random.stateless_uniform")
    _same(stateless.stateless_normal(shape, seed, 0.5, 2.0, dtype),
          tf.random.stateless_normal(shape, s, 0.5, 2.0, dtype=dtype), item="random.stateless_normal")
    _same(stateless.stateless_truncated_normal(shape, seed, 0.1, 0.05, dtype),
          tf.random.stateless_truncated_normal(shape, s, 0.1, 0.05, dtype=dtype),
          item="random.stateless_truncated_normal")


@pytest.mark.parametrize("seed", SEED_PAIRS[:4])
@pytest.mark.parametrize("dtype,lo,hi", [("int32", 0, 10), ("int32", -5, 2**31 - 1), ("int64", 3, 1000),
                                         ("int64", -2**40, 2**50)])
def test_stateless_int_ops(tf, seed, dtype, lo, hi):
    _same(stateless.stateless_uniform((3, 333), seed, lo, hi, dtype),
          tf.random.stateless_uniform((3, 333), tf.constant(seed, tf.int32), lo, hi, dtype=dtype),
          item="random.stateless_uniform")


def test_one_million_normals(tf):
    _same(stateless.stateless_normal((1000000,), (5, 6)), tf.random.stateless_normal((1000000,), (5, 6)),
          item="random.stateless_normal")
    _same(stateless.stateless_truncated_normal((400000,), (8, 1)),
          tf.random.stateless_truncated_normal((400000,), (8, 1)), item="random.stateless_truncated_normal")


INT_SEEDS = [0, 1, 42, 2**31 - 2, 2**31 + 5, 3_000_000_000, -7]


@pytest.mark.parametrize("seed", INT_SEEDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_public_functions_int_seed(keras, seed, dtype):
    kr = keras.random
    _same(mr.uniform((4, 9), -2.0, 3.0, dtype=dtype, seed=seed), kr.uniform((4, 9), -2.0, 3.0, dtype=dtype, seed=seed),
          item="random.uniform")
    _same(mr.normal((4, 9), 1.0, 0.3, dtype=dtype, seed=seed), kr.normal((4, 9), 1.0, 0.3, dtype=dtype, seed=seed),
          item="random.normal")
    _same(mr.truncated_normal((4, 9), 1.0, 0.3, dtype=dtype, seed=seed),
          kr.truncated_normal((4, 9), 1.0, 0.3, dtype=dtype, seed=seed), item="random.truncated_normal")


@pytest.mark.parametrize("seed", INT_SEEDS)
@pytest.mark.parametrize("dtype", ["int32", "int64", "int16", "uint8"])
def test_randint(keras, seed, dtype):
    _same(mr.randint((5, 7), 2, 200, dtype=dtype, seed=seed),
          keras.random.randint((5, 7), 2, 200, dtype=dtype, seed=seed), item="random.randint")


@pytest.mark.parametrize("seed", [0, 3, 42])
@pytest.mark.parametrize("n", [1, 5, 100, 1000])
def test_shuffle(keras, seed, n):
    x = np.arange(n * 2, dtype="float32").reshape(n, 2)
    _same(mr.shuffle(x, seed=seed), keras.random.shuffle(x, seed=seed), item="random.shuffle")
    _same(mr.shuffle(x.T.copy(), axis=1, seed=seed), keras.random.shuffle(x.T.copy(), axis=1, seed=seed),
          item="random.shuffle")


@pytest.mark.parametrize("seed", [0, 11])
def test_categorical(keras, seed):
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25], [0.9, 0.05, 0.05]], dtype="float32"))
    _same(mr.categorical(logits, 50, seed=seed), keras.random.categorical(logits, 50, seed=seed),
          item="random.categorical")


def test_seed_generator_streams(keras):
    k_gen, m_gen = keras.random.SeedGenerator(123), mr.SeedGenerator(123)
    for _ in range(4):
        _same(mr.normal((3, 4), seed=m_gen), keras.random.normal((3, 4), seed=k_gen),
              item=["random.normal", "random.SeedGenerator"])
        _same(mr.uniform((7,), seed=m_gen), keras.random.uniform((7,), seed=k_gen),
              item=["random.uniform", "random.SeedGenerator"])
    assert_equal(m_gen.state.numpy(), np.asarray(k_gen.state.value), item="random.SeedGenerator")


def test_unseeded_calls_after_set_random_seed(keras):
    keras.utils.set_random_seed(9)
    ref = [keras.random.uniform((5,)), keras.random.normal((2, 2)), keras.random.truncated_normal((3,)),
           keras.random.randint((4,), 0, 9)]
    minikeras.utils.set_random_seed(9)
    got = [mr.uniform((5,)), mr.normal((2, 2)), mr.truncated_normal((3,)), mr.randint((4,), 0, 9)]
    for a, b, name in zip(got, ref, ["uniform", "normal", "truncated_normal", "randint"]):
        _same(a, b, item=[f"random.{name}", "utils.set_random_seed"])
    # an unseeded SeedGenerator draws its seed from Python's random, like Keras's
    keras.utils.set_random_seed(4)
    k = keras.random.SeedGenerator()
    minikeras.utils.set_random_seed(4)
    m = mr.SeedGenerator()
    assert_equal(m.state.numpy(), np.asarray(k.state.value), item=["random.SeedGenerator", "utils.set_random_seed"])


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.75])
@pytest.mark.parametrize("noise_shape", [None, (1, 6), (None, 1)])
def test_dropout_function(keras, rate, noise_shape):
    x = np.random.default_rng(0).normal(size=(8, 6)).astype("float32")
    for seed in (0, 5, 77):
        _same(mr.dropout(x, rate, noise_shape=noise_shape, seed=seed),
              keras.random.dropout(x, rate, noise_shape=noise_shape, seed=seed), item="random.dropout")


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_dropout_layer_masks_over_steps(keras, rate):
    """Keras's Dropout: state [d, 0] from Python's random at construction, one step per training call."""
    keras.utils.set_random_seed(3)
    layer = keras.layers.Dropout(rate)
    minikeras.utils.set_random_seed(3)
    gen = mr.SeedGenerator()
    for batch in (4, 4, 7, 1, 32):
        x = np.ones((batch, 5), dtype="float32")
        _same(mr.dropout(x, rate, seed=gen), layer(x, training=True), item=["random.dropout", "layers.Dropout"])


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31 - 1, 2**31 + 5])
@pytest.mark.parametrize("n", [23, 100, 273, 60000])
def test_fit_shuffle_order(keras, seed, n):
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    keras.utils.set_random_seed(seed)
    adapter = ArrayDataAdapter(np.arange(n), shuffle=True, batch_size=n)
    minikeras.utils.set_random_seed(seed)
    for _epoch in range(2):  # every epoch gets the same order under a set seed
        order = np.concatenate([b.numpy() for b in adapter.get_tf_dataset()])
        assert_equal(mr.fit_shuffle_indices(n), order, item="random.fit_shuffle_indices")
    assert_equal(shuffle_permutation(n, op_seeds(seed)), order,
                 item=["random.fit_shuffle_indices", "random.shuffle_permutation"])


def test_fit_shuffle_in_a_real_fit(keras, tf):
    seen = []

    class Recorder(keras.Model):
        def train_step(self, data):
            seen.append(data[0].numpy()[:, 0].astype(int))
            return {"z": tf.constant(0.0)}

    keras.utils.set_random_seed(2)
    inp = keras.Input((1,))
    model = Recorder(inp, keras.layers.Dense(1)(inp))
    model.compile(run_eagerly=True)
    x = np.arange(50, dtype="float32")[:, None]
    model.fit(x, x, batch_size=16, epochs=2, verbose=0, shuffle=True)
    minikeras.utils.set_random_seed(2)
    expected = np.concatenate([mr.fit_shuffle_indices(50), mr.fit_shuffle_indices(50)])
    assert_equal(np.concatenate(seen), expected, item=["random.fit_shuffle_indices", "Model.fit"])
