"""Initializers: seed semantics, shapes, dtypes, statistics, configs and lookup errors."""

import random

import numpy as np
import pytest

import minikeras
from minikeras import initializers as mi

RANDOM = ["GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal", "RandomUniform",
          "RandomNormal", "TruncatedNormal", "VarianceScaling", "Orthogonal"]
ALL = RANDOM + ["Zeros", "Ones", "Constant", "Identity"]


@pytest.mark.parametrize("name", RANDOM)
def test_seeded_repeats_and_unseeded_fixed_at_construction(name):
    cls = getattr(mi, name)
    np.testing.assert_array_equal(cls(seed=3)((6, 4)), cls(seed=3)((6, 4)))
    init = cls()
    np.testing.assert_array_equal(init((6, 4)), init((6, 4)))  # seed fixed once drawn
    assert not np.array_equal(cls()((6, 4)), init((6, 4)))
    gen_init = cls(seed=minikeras.random.SeedGenerator(1))
    assert not np.array_equal(gen_init((6, 4)), gen_init((6, 4)))


@pytest.mark.parametrize("name", RANDOM)
def test_unseeded_seed_comes_from_python_random(name):
    random.seed(21)
    expected = random.randint(1, 10**9)
    random.seed(21)
    assert getattr(mi, name)().seed == expected


def test_zeros_and_constants_draw_nothing():
    random.seed(1)
    state = random.getstate()
    mi.Zeros(), mi.Ones(), mi.Constant(2.0), mi.Identity(), mi.get("zeros")
    assert random.getstate() == state


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_shapes_and_dtypes(name, dtype):
    out = getattr(mi, name)()((5, 3), dtype=dtype)
    assert out.shape == (5, 3) and out.dtype == np.dtype(dtype)
    minikeras.config.set_floatx(dtype)
    assert getattr(mi, name)()((5, 3)).dtype == np.dtype(dtype)


@pytest.mark.parametrize("name,limit", [("GlorotUniform", np.sqrt(6 / 500)), ("HeUniform", np.sqrt(6 / 200)),
                                        ("LecunUniform", np.sqrt(3 / 200))])
def test_uniform_limits(name, limit):
    w = getattr(mi, name)(seed=0)((200, 300))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit


@pytest.mark.parametrize("name,std", [("GlorotNormal", np.sqrt(2 / 500)), ("HeNormal", np.sqrt(2 / 200)),
                                      ("LecunNormal", np.sqrt(1 / 200))])
def test_normal_scales(name, std):
    w = getattr(mi, name)(seed=0)((200, 300))
    assert abs(w.std() / std - 1) < 0.02
    assert np.abs(w).max() < 2 * std / 0.87962566103423978


def test_variance_scaling_modes_and_fans():
    assert mi.compute_fans((3, 3, 4, 8)) == (36, 72)
    assert mi.compute_fans((7,)) == (7, 7) and mi.compute_fans(()) == (1, 1)
    w = mi.VarianceScaling(scale=4.0, mode="fan_out", distribution="untruncated_normal", seed=1)((100, 400))
    assert abs(w.std() - 0.1) < 0.002
    assert mi.VarianceScaling(distribution="normal").distribution == "truncated_normal"


@pytest.mark.parametrize("kwargs,match", [({"scale": 0}, "must be positive"), ({"mode": "fan"}, "Invalid `mode`"),
                                          ({"distribution": "cauchy"}, "Invalid `distribution`"),
                                          ({"seed": 1.5}, "`seed` argument should be")])
def test_variance_scaling_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mi.VarianceScaling(**kwargs)


@pytest.mark.parametrize("shape", [(6, 6), (9, 4), (4, 9), (2, 3, 5)])
def test_orthogonal(shape):
    w = mi.Orthogonal(gain=2.0, seed=1)(shape, dtype="float64").reshape(-1, shape[-1])
    gram = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(gram.shape[0]), atol=1e-10)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        mi.Orthogonal()((3,))


def test_constant_and_identity():
    np.testing.assert_array_equal(mi.Constant(3)((2, 2)), np.full((2, 2), 3, np.float32))
    np.testing.assert_array_equal(mi.Identity(gain=2.0)((2, 3)), 2 * np.eye(2, 3, dtype=np.float32))
    with pytest.raises(ValueError, match="2D matrices"):
        mi.Identity()((2, 2, 2))


@pytest.mark.parametrize("name", ALL)
def test_config_round_trip(name):
    cls = getattr(mi, name)
    obj = cls(seed=5) if name in RANDOM else cls()
    again = cls.from_config(obj.get_config())
    assert again.get_config() == obj.get_config()
    np.testing.assert_array_equal(again((4, 4)), obj((4, 4)))
    np.testing.assert_array_equal(mi.deserialize(mi.serialize(obj))((4, 4)), obj((4, 4)))
    np.testing.assert_array_equal(obj.clone()((4, 4)), obj((4, 4)))


def test_clone_of_unseeded_draws_a_new_seed():
    init = mi.GlorotUniform()
    assert init.clone().get_config() == {"seed": None, "input_axes": None, "output_axes": None}


@pytest.mark.parametrize("name,cls", [("glorot_uniform", "GlorotUniform"), ("GlorotUniform", "GlorotUniform"),
                                      ("he_normal", "HeNormal"), ("normal", "RandomNormal"), ("uniform", "RandomUniform"),
                                      ("zero", "Zeros"), ("one", "Ones"), ("orthogonal", "Orthogonal"),
                                      ("OrthogonalInitializer", "Orthogonal"), ("IdentityInitializer", "Identity"),
                                      ("variance_scaling", "VarianceScaling"), ("truncated_normal", "TruncatedNormal")])
def test_get_by_name(name, cls):
    assert type(mi.get(name)).__name__ == cls


def test_get_other_identifiers():
    assert mi.get(None) is None
    inst = mi.Ones()
    assert mi.get(inst) is inst
    assert isinstance(mi.get(mi.HeUniform), mi.HeUniform)
    fn = lambda shape, dtype=None: np.zeros(shape)  # noqa: E731
    assert mi.get(fn) is fn
    arr_init = mi.get(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(arr_init((2, 3)), np.arange(6.0, dtype=np.float32).reshape(2, 3))
    with pytest.raises(ValueError, match="Expected `shape`"):
        arr_init((3, 2))
    cfg = {"class_name": "RandomUniform", "config": {"minval": 0.0, "maxval": 2.0, "seed": 1}}
    assert mi.get(cfg).maxval == 2.0


def test_unknown_name_suggests():
    with pytest.raises(ValueError, match="glorot_uniform"):
        mi.get("glorot_unifrom")


def test_function_aliases():
    assert mi.glorot_uniform is mi.GlorotUniform and mi.he_normal is mi.HeNormal
    assert mi.random_normal is mi.RandomNormal and mi.zeros is mi.Zeros
