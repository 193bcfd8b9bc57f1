"""Lazy package exports: a package's public names, each imported from its module on first use.

`import minikeras` must stay cheap, so packages (`minikeras`, `minikeras.layers`,
`minikeras.optimizers`...) list where each public name lives instead of
importing it. `lazy_exports` returns the module-level `__getattr__` (PEP 562)
and `__dir__` that resolve and cache those names.
"""

import importlib
import sys


def lazy_exports(package, names, submodules=(), computed=None):
    """`(__getattr__, __dir__, loaded)` for the package named `package`.

    Args:
        package: the package's `__name__`.
        names: `{public name: module defining it}`.
        submodules: names of subpackages/modules loaded on attribute access.
        computed: `{name: zero-argument function}` for values built on first
            use (registries that would otherwise import every module).

    `loaded(name)` returns the value whether or not it was resolved before.
    Resolved values are cached in the package's globals, so each lookup
    happens once.
    """
    module_globals = sys.modules[package].__dict__
    submodules = frozenset(submodules)
    computed = dict(computed or {})

    def __getattr__(name):
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
        elif name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        elif name in computed:
            value = computed[name]()
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_globals[name] = value
        return value

    def __dir__():
        return sorted(set(module_globals) | set(names) | submodules | set(computed))

    def loaded(name):
        return module_globals[name] if name in module_globals else __getattr__(name)

    return __getattr__, __dir__, loaded
