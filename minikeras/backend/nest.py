"""Nested structures (lists, tuples, dicts) of leaves: the walks every part of minikeras shares.

Dicts are walked in insertion order, the order in which a model's inputs and
outputs were given (not sorted as `keras.tree` does for its public API).
"""


def flatten(structure):
    """The leaves of a nested list/tuple/dict, in order (`None` leaves kept)."""
    if isinstance(structure, (list, tuple)):
        return [leaf for s in structure for leaf in flatten(s)]
    if isinstance(structure, dict):
        return [leaf for s in structure.values() for leaf in flatten(s)]
    return [structure]


def map_structure(fn, structure):
    """The same structure with `fn(leaf)` for every leaf."""
    if isinstance(structure, list):
        return [map_structure(fn, s) for s in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)
