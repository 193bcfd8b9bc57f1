"""`set_random_seed`: one call makes a program's randomness repeatable (keras `utils/rng_utils.py`)."""

import random

import numpy as np

_STATE = {"seed": None}


def set_random_seed(seed):
    """Seed Python's `random`, NumPy's global generator and minikeras's random state.

    After the call, as in TensorFlow Keras:
    - unseeded initializers, `SeedGenerator`s and `Dropout` layers draw their
      seeds from Python's `random`, now seeded with `seed`;
    - the global seed generator (behind unseeded `minikeras.random.*` calls) is
      forgotten and recreated on next use;
    - `fit(shuffle=True)` orders samples exactly as TensorFlow does under
      `tf.random.set_seed(seed)`.

    Args:
        seed: an int.

    Raises:
        ValueError: if `seed` is not an int.
    """
    if not isinstance(seed, int):
        raise ValueError(
            "Expected `seed` argument to be an integer. " f"Received: seed={seed} (of type {type(seed)})"
        )
    from minikeras.random import fit_shuffle, seed_generator

    _STATE["seed"] = seed
    seed_generator.reset_global_seed_generator()
    random.seed(seed)
    np.random.seed(seed)
    fit_shuffle.set_tf_global_seed(seed)


def get_random_seed():
    """The seed given to `set_random_seed`, or None if it was never called."""
    return _STATE["seed"]
