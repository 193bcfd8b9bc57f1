"""The import shim: `keras`, `tensorflow.keras` and a minimal `tensorflow` resolved to minikeras.

Once `install()` has run, in this interpreter:

* `import keras`, `import keras.layers`, `from keras.models import Sequential`,
  `import keras.<submodule>` give minikeras's modules (the same objects as
  `minikeras.<submodule>`, so classes and registries are shared);
* `import tensorflow as tf` gives a small stand-in module with `tf.keras`,
  `tf.random.set_seed`, `tf.__version__` ("2.21.0", the TensorFlow minikeras
  follows), `tf.version.VERSION`, `tf.GradientTape`, `tf.constant` and
  `tf.convert_to_tensor`;
* anything else taken from `tensorflow` (`tf.data`, `tf.nn.relu`,
  `from tensorflow import lite`...) raises `NotProvidedError` saying what is
  missing and to run the script with TensorFlow.

The shim is a `sys.meta_path` finder placed first, so it wins over a real
TensorFlow or Keras installed in the same environment. Aliased modules keep
their own `__spec__` (the alias only adds a second name in `sys.modules`).
"""

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

TF_VERSION = "2.21.0"

_TF_PROVIDED = ("tf.keras", "tf.random.set_seed", "tf.__version__", "tf.version.VERSION", "tf.GradientTape",
                "tf.constant", "tf.convert_to_tensor")


def not_provided_message(name):
    """The one message every missing TensorFlow/Keras name gets."""
    if name.startswith("tensorflow"):
        return (f"{name} is not provided by minikeras; run this script with TensorFlow "
                f"(minikeras's drop-in provides only {', '.join(_TF_PROVIDED)}).")
    return (f"{name} is not provided by minikeras; run this script with TensorFlow Keras "
            "(pip install 'minikeras[compat]', then plain `python SCRIPT`).")


class NotProvidedError(AttributeError):
    """A `tensorflow`/`keras` attribute the drop-in does not provide.

    An `AttributeError`, so `hasattr(tf, name)` stays False as for any module.
    """


class NotProvidedImportError(ModuleNotFoundError):
    """A `tensorflow.X` / `keras.X` module the drop-in does not provide."""


def _is_dunder(name):
    return name.startswith("__") and name.endswith("__")


class _KerasModule(types.ModuleType):
    """`keras` (and `tf.keras`): minikeras's names, with a clear error for the rest."""

    def __getattr__(self, name):
        import minikeras

        try:
            value = getattr(minikeras, name)
        except AttributeError:
            if _is_dunder(name):
                raise
            raise NotProvidedError(not_provided_message(f"{self.__name__}.{name}")) from None
        setattr(self, name, value)
        return value

    def __dir__(self):
        import minikeras

        return sorted(set(dir(minikeras)) | set(self.__dict__))


class _TFModule(types.ModuleType):
    """The stand-in `tensorflow` package and its `random` / `version` submodules."""

    def __getattr__(self, name):
        if _is_dunder(name):
            raise AttributeError(name)
        if name == "keras" and self.__name__ == "tensorflow":
            return importlib.import_module("tensorflow.keras")
        raise NotProvidedError(not_provided_message(f"{self.__name__}.{name}"))


def _tf_set_seed(seed):
    """`tf.random.set_seed`: TensorFlow's global seed, which Keras 3 uses for `fit`'s shuffle order.

    As in TensorFlow Keras 3, it does not fix unseeded initializers or dropout
    (those draw from Python's `random`; `keras.utils.set_random_seed` fixes all).
    """
    from minikeras.random import fit_shuffle

    fit_shuffle.set_tf_global_seed(None if seed is None else int(seed))


def _default_dtype(array, np):
    # TensorFlow's defaults for Python data: floats -> float32, ints -> int32.
    if array.dtype == np.float64:
        return np.float32
    if array.dtype == np.int64:
        return np.int32
    return array.dtype


def _tf_convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """`tf.convert_to_tensor`: a NumPy array (minikeras's tensors are NumPy arrays)."""
    import numpy as np

    from minikeras.ops import autodiff

    if isinstance(value, autodiff.Tensor):
        return value
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    is_python = not isinstance(value, (np.ndarray, np.generic))
    array = np.asarray(value)
    if dtype is None and is_python:
        dtype = dtype_hint or _default_dtype(array, np)
    return array.astype(dtype, copy=False) if dtype is not None else array


def _tf_constant(value, dtype=None, shape=None, name=None):
    """`tf.constant`: a NumPy array, broadcast to `shape` if given."""
    import numpy as np

    array = _tf_convert_to_tensor(value, dtype=dtype)
    if shape is not None:
        array = np.array(np.broadcast_to(array, shape) if array.size == 1 else array.reshape(shape))
    return array


def _make_tensorflow():
    tf = _TFModule("tensorflow", "minikeras's stand-in for TensorFlow (see minikeras.dropin).")
    tf.__path__ = []  # a package: `import tensorflow.keras.layers` goes through the finder
    tf.__version__ = TF_VERSION
    tf.__minikeras_dropin__ = True
    random = _TFModule("tensorflow.random")
    random.__path__ = []
    random.set_seed = _tf_set_seed
    version = _TFModule("tensorflow.version")
    version.VERSION = TF_VERSION
    tf.random = random
    tf.version = version
    tf.constant = _tf_constant
    tf.convert_to_tensor = _tf_convert_to_tensor
    from minikeras.ops.autodiff import GradientTape

    tf.GradientTape = GradientTape
    return tf, {"tensorflow.random": random, "tensorflow.version": version}


def _make_keras(name):
    import minikeras

    module = _KerasModule(name, minikeras.__doc__)
    module.__path__ = []
    module.__version__ = minikeras.__version__
    module.__minikeras_dropin__ = True
    return module


class _ExistingModuleLoader(importlib.abc.Loader):
    """Hands the import system a module that already exists, without touching its attributes."""

    def __init__(self, module, restore):
        self.module = module
        keys = ("__spec__", "__loader__", "__name__", "__package__") if restore else ()
        self.saved = {k: module.__dict__[k] for k in keys if k in module.__dict__}

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        # The import system overwrote __spec__ (and maybe __loader__) with the alias's; restore them.
        for key, value in self.saved.items():
            setattr(module, key, value)


class DropinFinder(importlib.abc.MetaPathFinder):
    """Resolves `keras`, `keras.*`, `tensorflow`, `tensorflow.*` (see module docstring)."""

    def __init__(self):
        self._tf_modules = None

    def _modules_for(self, fullname):
        """The module object for `fullname`, or raises NotProvidedImportError."""
        if fullname == "keras":
            return _make_keras("keras")
        if fullname == "tensorflow":
            tf, children = _make_tensorflow()
            self._tf_modules = children
            return tf
        if fullname in ("tensorflow.keras", "tensorflow.python.keras", "tf_keras"):
            return _make_keras(fullname)
        if fullname in ("tensorflow.random", "tensorflow.version"):
            tf = sys.modules.get("tensorflow") or importlib.import_module("tensorflow")
            return getattr(tf, fullname.split(".")[1])
        for prefix in ("keras.", "tensorflow.keras.", "tensorflow.python.keras.", "tf_keras."):
            if fullname.startswith(prefix):
                target = "minikeras." + fullname[len(prefix):]
                if target.startswith("minikeras.src.") or target == "minikeras.src":
                    raise NotProvidedImportError(
                        f"{fullname}: Keras's private `keras.src` modules are not provided by minikeras; "
                        "import the public names (keras.layers.Dense...) instead.", name=None)
                try:
                    return importlib.import_module(target)
                except ModuleNotFoundError as exc:
                    if exc.name is not None and exc.name.startswith("minikeras"):
                        raise NotProvidedImportError(not_provided_message(fullname), name=None) from None
                    raise
        raise NotProvidedImportError(not_provided_message(fullname), name=None)

    def find_spec(self, fullname, path=None, target=None):
        root = fullname.partition(".")[0]
        if root not in ("keras", "tensorflow", "tf_keras"):
            return None
        module = self._modules_for(fullname)
        # minikeras's own modules keep their identity; the stand-ins take the alias's spec.
        loader = _ExistingModuleLoader(module, restore=module.__name__.startswith("minikeras"))
        return importlib.machinery.ModuleSpec(fullname, loader, is_package=hasattr(module, "__path__"))


_FINDER = DropinFinder()


def is_installed():
    return _FINDER in sys.meta_path


def install():
    """Put the shim first on `sys.meta_path` and forget any real `keras`/`tensorflow` already imported."""
    if not is_installed():
        sys.meta_path.insert(0, _FINDER)
    for name in list(sys.modules):
        if name.partition(".")[0] in ("keras", "tensorflow", "tf_keras"):
            module = sys.modules[name]
            if not (getattr(module, "__minikeras_dropin__", False) or
                    getattr(module, "__name__", "").startswith("minikeras")):
                del sys.modules[name]


def uninstall():
    """Remove the shim and the aliases it created."""
    while _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in list(sys.modules):
        if name.partition(".")[0] in ("keras", "tensorflow", "tf_keras"):
            del sys.modules[name]
