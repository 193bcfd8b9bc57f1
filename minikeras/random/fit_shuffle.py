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
    return fisher_yates(j + words % (n - j))


def fisher_yates(targets):
    """The result of swapping `perm[j]` with `perm[targets[j]]` for j = 0, 1, ... on `perm = range(n)`.

    `targets[j] >= j` (n - 1 of them). Vectorised instead of n sequential swaps:
    position j is final after step j (later steps touch only positions above j)
    and then holds what position `targets[j]` held just before step j. A position
    p >= j holds its original value p until some step i < j targets it, and from
    then on the value step i moved there: the value `a_i` that position i held
    just before step i. So, with "last i < j with targets[i] = p" found by one
    stable sort of the targets:

        a_j      = a_i of the last i < j with targets[i] = j, else j
        final[j] = a_i of the last i < j with targets[i] = targets[j], else targets[j]

    The first line is a forest of pointers to earlier steps; pointer jumping
    resolves every a_j to its root in a few passes.
    """
    targets = np.asarray(targets, dtype=np.int64)
    n = targets.size + 1
    order = np.argsort(targets, kind="stable")  # by target, then by step
    sorted_targets = targets[order]
    # prev[j]: the last earlier step with the same target as step j (-1 if none).
    prev = np.full(n - 1, -1, dtype=np.int64)
    same = np.flatnonzero(sorted_targets[1:] == sorted_targets[:-1])
    prev[order[same + 1]] = order[same]
    # parent[p]: the last step i < p that targeted p (the last step targeting p, unless that is p itself).
    last = np.flatnonzero(np.append(sorted_targets[1:] != sorted_targets[:-1], True))
    value, step = sorted_targets[last], order[last]
    step = np.where(step == value, prev[step], step)
    root = np.arange(n, dtype=np.int64)
    has = step >= 0
    root[value[has]] = step[has]
    while True:
        jumped = root[root]
        if np.array_equal(jumped, root):
            break
        root = jumped
    out = np.empty(n, dtype=np.int64)
    out[:-1] = np.where(prev >= 0, root[np.maximum(prev, 0)], targets)
    out[-1] = root[-1]
    return out


def fit_shuffle_indices(n):
    """This epoch's sample order for `fit(shuffle=True)` over `n` samples.

    TF Keras's order when a global seed was set with `set_random_seed`,
    otherwise a fresh `np.random.permutation(n)`.
    """
    seed = _STATE["tf_global_seed"]
    if seed is None:
        return np.random.permutation(int(n))
    return shuffle_permutation(n, op_seeds(seed))
