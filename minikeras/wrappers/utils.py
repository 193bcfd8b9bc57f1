"""Helpers shared by the scikit-learn wrappers: seeding, routing, target encoding, model checks.

scikit-learn is imported inside the functions and classes that need it, so
this module (and `import minikeras`) stays NumPy-only until a wrapper is used.
"""

import contextlib
import inspect
import random

import numpy as np


def assert_sklearn_installed(symbol_name):
    """Raise a clear ImportError when scikit-learn is missing."""
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{symbol_name} requires `scikit-learn` to be installed. Run `pip install scikit-learn` to install it."
        ) from exc


def check_model(model):
    """A wrapper trains only a compiled model with a loss and an optimizer (Keras's message)."""
    if not getattr(model, "compiled", False) or not getattr(model, "loss", None) or not model.optimizer:
        raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer.")


# -- randomness -------------------------------------------------------------------------------------
def seed_from_random_state(random_state):
    """An int seed from scikit-learn's `random_state` (None, int or `np.random.RandomState`).

    A `RandomState` is read from a copy of its state, so repeated fits with the
    same instance are identical (as scikeras does): `fit` stays idempotent.
    """
    if random_state is None:
        return None
    if isinstance(random_state, np.random.RandomState):
        copy = np.random.RandomState()
        copy.set_state(random_state.get_state())
        return int(copy.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return int(random_state)
    raise ValueError(
        f"`random_state` must be None, an int or a numpy.random.RandomState. Received: random_state={random_state!r}"
    )


@contextlib.contextmanager
def seeded(seed):
    """Run a block under `keras.utils.set_random_seed(seed)`, then put every global generator back.

    Inside the block, model construction (unseeded initializers draw their seeds
    from Python's `random`), `fit`'s shuffling and dropout are all determined by
    `seed`, so building and fitting twice gives bitwise-identical weights. The
    caller's own random streams are restored afterwards, as scikeras does for
    TensorFlow. `seed=None` runs the block untouched.
    """
    if seed is None:
        yield
        return
    from minikeras.random import fit_shuffle, seed_generator
    from minikeras.utils import rng_utils

    # These module-level states are what `set_random_seed` writes; saving them
    # keeps a wrapper's fit free of side effects on the user's program.
    saved = (random.getstate(), np.random.get_state(), dict(rng_utils._STATE), dict(fit_shuffle._STATE),
             dict(seed_generator._GLOBAL))
    rng_utils.set_random_seed(seed)
    try:
        yield
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])
        rng_utils._STATE.update(saved[2])
        fit_shuffle._STATE.update(saved[3])
        seed_generator._GLOBAL.update(saved[4])


# -- routed parameters (scikeras's `model__x`, `fit__x` ...) ---------------------------------------------
def route_params(params, destination, pass_filter=None, strict=False):
    """The parameters meant for `destination`.

    Unprefixed parameters pass when they are in `pass_filter` (all when it is
    None); `destination__name` parameters pass as `name` and override them. With
    `strict`, `destination__a__b` (meant for a nested object) is left out.
    """
    out = {k: v for k, v in params.items() if "__" not in k and (pass_filter is None or k in pass_filter)}
    prefix = destination + "__"
    for key, val in params.items():
        if key.startswith(prefix):
            name = key[len(prefix):]
            if strict and "__" in name:
                continue
            out[name] = val
    return out


def has_param(func, name):
    """Whether `func` takes a parameter called `name`."""
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def accepts_kwargs(func):
    """Whether `func` takes `**kwargs`."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind == p.VAR_KEYWORD for p in params)


def _snake(name):
    from minikeras.utils.naming import to_snake_case

    return to_snake_case(name)


def make_optimizer(optimizer, params):
    """A fresh optimizer instance from a name, class or instance, with routed `optimizer__` params.

    An instance is rebuilt from its config so that no optimizer state (moments,
    iteration count) leaks from one fit into the next.
    """
    from minikeras import optimizers

    if isinstance(optimizer, optimizers.Optimizer):
        return type(optimizer).from_config({**optimizer.get_config(), **params})
    if inspect.isclass(optimizer):
        return optimizer(**params)
    instance = optimizers.get(optimizer)
    if params:
        instance = type(instance).from_config({**instance.get_config(), **params})
    return instance


def make_loss(loss, params):
    """The loss to compile with: as given, or the `Loss` class it names built with routed `loss__` params."""
    from minikeras import losses

    if inspect.isclass(loss):
        return loss(**params)
    if not params or loss is None:
        return loss
    if isinstance(loss, losses.Loss):
        return type(loss).from_config({**loss.get_config(), **params})
    resolved = losses.get(loss) if isinstance(loss, str) else loss
    if isinstance(resolved, losses.Loss):
        return type(resolved).from_config({**resolved.get_config(), **params})
    classes = {_snake(c.__name__): c for c in vars(losses).values() if inspect.isclass(c) and issubclass(c, losses.Loss)}
    cls = classes.get(getattr(resolved, "__name__", None))
    if cls is None:
        raise ValueError(
            f"Routed `loss__` parameters {sorted(params)} need a loss class, but loss={loss!r} has none. "
            "Pass a `keras.losses.Loss` class or its name instead."
        )
    return cls(**params)


def make_from_class(item, params):
    """Instantiate classes (in lists/dicts too) with `params`; leave anything else as it is."""
    if inspect.isclass(item):
        return item(**params)
    if isinstance(item, list):
        return [make_from_class(x, params) for x in item]
    if isinstance(item, tuple):
        return tuple(make_from_class(x, params) for x in item)
    if isinstance(item, dict):
        return {k: make_from_class(v, params) for k, v in item.items()}
    return item


def loss_name(loss):
    """The snake-case name of a loss given as a string, function, class or instance (None if unknown)."""
    from minikeras import losses

    if loss is None:
        return None
    if isinstance(loss, str):
        try:
            loss = losses.get(loss)
        except ValueError:
            return loss
    if inspect.isclass(loss):
        return _snake(loss.__name__)
    if isinstance(loss, losses.LossFunctionWrapper):
        fn = getattr(loss, "fn", None)
        if fn is not None and hasattr(fn, "__name__"):
            return fn.__name__
    if isinstance(loss, losses.Loss):
        return _snake(type(loss).__name__)
    return getattr(loss, "__name__", None)


def is_categorical_crossentropy(loss):
    """Whether `loss` wants one-hot targets (then the classifier one-hot encodes, as scikeras does)."""
    return loss_name(loss) in ("categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge")


# -- target encoders ------------------------------------------------------------------------------------
def _sklearn_base():
    from sklearn.base import BaseEstimator, TransformerMixin

    return BaseEstimator, TransformerMixin


class TargetReshaper:
    """Make 1-D targets 2-D (n, 1) for sklearn's encoders, and undo it on the way back."""

    def fit(self, y):
        self.ndim_ = np.ndim(y)
        return self

    def transform(self, y):
        y = np.asarray(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        if not hasattr(self, "ndim_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("This TargetReshaper is not fitted yet. Call `fit` before `inverse_transform`.")
        if self.ndim_ == 1 and y.ndim == 2:
            return np.squeeze(y, axis=1)
        return y


SUPPORTED_CLASSIFIER_TARGETS = ("binary", "multiclass")


def classifier_target_type(y, classes=None):
    """sklearn's `type_of_target`, rejecting what a classifier cannot learn with a clear error.

    The message starts with "Unknown label type" as scikit-learn's own
    classifiers' do, so callers (and `check_estimator`) recognise it.
    """
    from sklearn.utils.multiclass import type_of_target

    target_type = type_of_target(y, input_name="y")
    if target_type == "binary" and classes is not None and len(classes) > 2:
        target_type = "multiclass"
    if target_type not in SUPPORTED_CLASSIFIER_TARGETS:
        raise ValueError(
            f"Unknown label type: {target_type}. Only binary and multiclass target types are supported "
            f"(a 1-D array of class labels, strings or integers). Received y with shape {np.shape(y)}."
        )
    return target_type


class ClassifierLabelEncoder:
    """Class labels <-> the numbers a Keras model trains on.

    Integer (ordinal) codes `0..n_classes-1` of shape (n, 1), or one-hot rows of
    shape (n, n_classes) when the loss is categorical cross-entropy (scikeras's
    rule). Predictions are decoded by argmax; a single-column output (a sigmoid
    unit for a binary problem) is read as the probability of the second class.
    """

    def __init__(self, loss=None, categories="auto"):
        self.loss = loss
        self.categories = categories

    def fit(self, y):
        from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

        from minikeras import config

        classes = None if isinstance(self.categories, str) else self.categories[0]
        self.target_type_ = classifier_target_type(y, classes)
        self.one_hot_ = is_categorical_crossentropy(self.loss)
        dtype = np.dtype(config.floatx())
        if self.one_hot_:
            encoder = OneHotEncoder(sparse_output=False, dtype=dtype, categories=self.categories)
        else:
            encoder = OrdinalEncoder(dtype=dtype, categories=self.categories)
        self._reshaper = TargetReshaper().fit(y)
        self._encoder = encoder.fit(self._reshaper.transform(y))
        self.classes_ = self._encoder.categories_[0]
        self.n_classes_ = len(self.classes_)
        return self

    def transform(self, y):
        return self._encoder.transform(self._reshaper.transform(y))

    def predict_proba(self, raw):
        """Model outputs -> (n, n_classes) class probabilities."""
        raw = np.asarray(raw)
        if raw.ndim == 1:
            raw = raw.reshape(-1, 1)
        if raw.shape[1] == 1 and self.n_classes_ == 2:
            raw = np.column_stack([1 - raw[:, 0], raw[:, 0]])
        return raw

    def inverse_transform(self, raw):
        """Model outputs -> class labels (argmax over the classes)."""
        idx = np.argmax(self.predict_proba(raw), axis=1)
        return self.classes_[idx]
