"""Seed state, as Keras keeps it (keras `random/seed_generator.py`).

Keras's random functions are stateless: each takes a seed and always gives the
same numbers for it. Randomness that changes from call to call comes from a
`SeedGenerator`, whose state `[seed, counter]` is read and then advanced.

How a `seed` argument becomes the `(s0, s1)` pair of a stateless TF op
(`draw_seed` then the TF backend's `_cast_seed`):

* an int `s` -> `[s, 0]`;
* a `SeedGenerator` -> its state `[s, t]`, then `t += 1`;
* `None` -> the global generator's state `[a, b]`, then
  `[a, b] <- ((a + 1) * 5387 % 933199, (b + 1) * 5387 % 933199)`;

and finally each word modulo `2**31 - 2` (TF's `floormod(seed, int32.max - 1)`).
An unseeded generator draws its seed with `random.randint(1, 10**9)` from
Python's global `random` when it is created, as Keras does.
"""

import random as python_random

import numpy as np

from minikeras.utils.naming import auto_name

_TF_SEED_MODULUS = 2**31 - 2
_GLOBAL = {"generator": None}


def make_default_seed():
    """A fresh seed from Python's global `random` (seeded by `set_random_seed`)."""
    return python_random.randint(1, int(1e9))


class SeedGenerator:
    """A seed state that advances each time a random function uses it.

    Args:
        seed: an int, or None to draw one from Python's global `random` now.
        name: the generator's name (auto-generated if omitted).

    Example:
        >>> gen = SeedGenerator(seed=42)
        >>> a = minikeras.random.normal((2, 3), seed=gen)
        >>> b = minikeras.random.normal((2, 3), seed=gen)   # different from a
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name if name is not None else auto_name("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, (int, np.integer)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        from minikeras.backend.variables import Variable

        self.state = Variable(np.array([int(seed), 0], dtype=np.int64), shape=(2,), dtype="int64",
                              trainable=False, name="seed_generator_state")

    def next(self, ordered=True):
        """The current state (a copy); then advance it.

        `ordered=True` adds 1 to the counter; `ordered=False` (the global
        generator) maps each word `x` to `(x + 1) * 5387 % 933199`.
        """
        current = np.array(self.state.value, dtype=np.int64, copy=True)
        if ordered:
            self.state.assign(current + np.array([0, 1], dtype=np.int64))
        else:
            self.state.assign((current + 1) * 5387 % 933199)
        return current

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name} state={self.state.value.tolist()}>"


def global_seed_generator():
    """The generator behind unseeded random calls, created (drawing a seed) on first use."""
    if _GLOBAL["generator"] is None:
        _GLOBAL["generator"] = SeedGenerator()
    return _GLOBAL["generator"]


def reset_global_seed_generator():
    """Forget the global generator: the next unseeded call creates a new one."""
    _GLOBAL["generator"] = None


def draw_seed(seed):
    """The int64 seed state `[s, t]` a random function uses for `seed` (see module docstring)."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)):
        return np.array([int(seed), 0], dtype=np.int64)
    if seed is None:
        return global_seed_generator().next(ordered=False)
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed} (of type {type(seed)})"
    )


def tf_seed(seed):
    """`draw_seed(seed)` reduced as TF's backend does before a stateless op: a pair of ints in [0, 2**31 - 2)."""
    state = draw_seed(seed)
    return int(state[0]) % _TF_SEED_MODULUS, int(state[1]) % _TF_SEED_MODULUS
