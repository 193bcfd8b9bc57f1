"""Keras's automatic names: `dense`, `dense_1`, `dense_2`... per session."""

import re

_counts = {}


def to_snake_case(name):
    """`BatchNormalization` -> `batch_normalization` (Keras's rule)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def auto_name(prefix):
    """The next unused name for `prefix`: `prefix`, then `prefix_1`, `prefix_2`..."""
    count = _counts.get(prefix, 0)
    _counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reset_names():
    """Forget every name handed out (part of `clear_session`)."""
    _counts.clear()
