"""Name -> object tables, and the `get(identifier)` every kind shares.

Activations, losses, optimizers, metrics, initializers, regularizers and
constraints each keep one table; `resolve` turns `None`, a name, a config dict,
an instance or a callable into the object, and an unknown name into a
`ValueError` that names what was received and the closest valid names.
"""


def closest_names(name, valid, n=3):
    """Up to `n` valid names that look like `name` (for error messages)."""
    import difflib  # only error messages need it; keeps `import minikeras` light

    return difflib.get_close_matches(str(name).lower(), sorted(valid), n=n, cutoff=0.5)


def unknown_name_error(kind, name, valid):
    """A `ValueError` for an unknown identifier, suggesting the closest names."""
    close = closest_names(name, valid)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(
        f"Could not interpret {kind} identifier: {name!r}.{hint} "
        f"Expected one of: {', '.join(sorted(valid))}."
    )


def resolve(kind, identifier, table, *, base=None, instantiate=True, allow_none=True):
    """Look up `identifier` in `table` (a dict of lower-case name -> class or function).

    Args:
        kind: what is being looked up, for messages (`"optimizer"`, `"loss"`...).
        identifier: None, a name, a config dict (`{"class_name": ..., "config": ...}`),
            an instance of `base`, or a callable.
        table: name -> class or function.
        base: the base class; instances of it are returned unchanged.
        instantiate: whether a name resolving to a class is instantiated.
    """
    if identifier is None:
        if allow_none:
            return None
        raise ValueError(f"Could not interpret {kind} identifier: None")
    if base is not None and isinstance(identifier, base):
        return identifier
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        config = identifier.get("config") or {}
        target = _find(kind, name, table)
        if isinstance(target, type):
            if hasattr(target, "from_config"):
                return target.from_config(config)
            return target(**config)
        return target
    if isinstance(identifier, str):
        target = _find(kind, identifier, table)
        if instantiate and isinstance(target, type):
            return target()
        return target
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret {kind} identifier: {identifier!r} (of type "
        f"{type(identifier).__name__}). Expected a string, a config dict, a callable or None."
    )


def _find(kind, name, table):
    if name in table:
        return table[name]
    low = str(name).lower()
    if low in table:
        return table[low]
    from minikeras.saving.object_registration import get_registered_object

    custom = get_registered_object(name)
    if custom is not None:
        return custom
    raise unknown_name_error(kind, name, [k for k in table if k == k.lower()])
