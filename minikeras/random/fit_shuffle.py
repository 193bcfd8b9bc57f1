"""The sample order of `fit(shuffle=True)`, as TensorFlow Keras produces it.

Keras's TF backend shuffles each epoch's indices with `tf.random.shuffle`
inside a `tf.data` map (keras `trainers/data_adapters/array_data_adapter.py`).
That op has no seed of its own, so TF derives `(seed, seed2)` from the global
seed set by `set_random_seed(S)` (TF `framework/random_seed.py`, `get_seed`):
`(S mod (2**31 - 1), 0)`, replaced by `(0, 2**31 - 1)` when both are 0. The
`RandomShuffle` kernel (TF `core/kernels/random_shuffle_op.cc`) then runs a
Fisher-Yates pass over `range(n)` with a Philox stream keyed directly by
those seeds (no scrambling): for j = 0 .. n-2 it swaps positions j and
`j + u_j % (n - j)`, `u_j` the j-th uint32 word of the stream. The map
function is instantiated afresh for every epoch, so every epoch (and every
`fit` call) sees the same order while the global seed stays set.

Without `set_random_seed`, TF draws a new seed every epoch; minikeras uses
NumPy's global generator then.
"""

import numpy as np

from minikeras.random import philox

_MAXINT32 = 2**31 - 1
_STATE = {"tf_global_seed": None}


def set_tf_global_seed(seed):
    """Remember the global seed that TF's own random ops would use (None to forget it)."""
    _STATE["tf_global_seed"] = None if seed is None else int(seed)


def get_tf_global_seed():
    return _STATE["tf_global_seed"]


def op_seeds(global_seed, op_seed=0):
    """TF's `(seed, seed2)` for an op without a seed of its own under `global_seed`."""
    pair = (int(global_seed) % _MAXINT32, int(op_seed) % _MAXINT32)
    return (0, _MAXINT32) if pair == (0, 0) else pair


def shuffle_permutation(n, seed_pair):
    """The permutation of `range(n)` that TF's `RandomShuffle` makes with `(seed, seed2)`.

    Args:
        n: the number of items (sizes up to 2**32 - 1).
        seed_pair: the op's `(seed, seed2)` (see `op_seeds`).

    Returns:
        int64 array: the shuffled indices.
    """
    n = int(n)
    perm = np.arange(n, dtype=np.int64)
    if n < 2:
        return perm
    if n >= 2**32:
        raise ValueError(f"shuffle_permutation supports n < 2**32, received n={n}")
    key, counter = philox.key_counter_from_op_seeds(*seed_pair)
    words = philox.uint32_stream(key, counter, n - 1).astype(np.int64)
    j = np.arange(n - 1, dtype=np.int64)
    targets = j + words % (n - j)
    # The swaps are sequential (each sees the previous ones); a plain loop over
    # Python ints is the fastest exact way with NumPy alone.
    p = perm.tolist()
    for i, t in enumerate(targets.tolist()):
        p[i], p[t] = p[t], p[i]
    return np.array(p, dtype=np.int64)


def fit_shuffle_indices(n):
    """This epoch's sample order for `fit(shuffle=True)` over `n` samples.

    TF Keras's order when a global seed was set with `set_random_seed`,
    otherwise a fresh `np.random.permutation(n)`.
    """
    seed = _STATE["tf_global_seed"]
    if seed is None:
        return np.random.permutation(int(n))
    return shuffle_permutation(n, op_seeds(seed))
