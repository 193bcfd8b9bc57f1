"""`minikeras.random`: Keras's random functions and seed state, bit-compatible with TensorFlow Keras.

Layout: `philox` (the Philox4x32-10 generator), `stateless` (TF's stateless
ops), `seed_generator` (`SeedGenerator`, `draw_seed`, the global generator),
`random` (the public functions), `fit_shuffle` (the order of `fit(shuffle=True)`).
"""

from minikeras.random.fit_shuffle import fit_shuffle_indices, shuffle_permutation  # noqa: F401
from minikeras.random.random import (  # noqa: F401
    categorical,
    dropout,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from minikeras.random.seed_generator import (  # noqa: F401
    SeedGenerator,
    draw_seed,
    global_seed_generator,
    make_default_seed,
)
from minikeras.random.stateless import (  # noqa: F401
    stateless_normal,
    stateless_truncated_normal,
    stateless_uniform,
)
