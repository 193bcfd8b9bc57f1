"""`minikeras.wrappers`: scikit-learn estimators around minikeras models.

- `SKLearnClassifier`, `SKLearnRegressor`, `SKLearnTransformer`: Keras 3's
  `keras.wrappers` (a compiled model or a model-building callable).
- `KerasClassifier`, `KerasRegressor`: scikeras-style estimators with routed
  parameters (`model__`, `fit__`, `compile__`, `optimizer__`, `loss__`,
  `predict__` ...) and `random_state` for reproducible fits.

scikit-learn is needed only when one of them is used: the classes load on
first access, so `import minikeras` stays NumPy-only.
"""

import importlib

_NAMES = {
    "SKLearnClassifier": "minikeras.wrappers.sklearn_wrapper",
    "SKLearnRegressor": "minikeras.wrappers.sklearn_wrapper",
    "SKLearnTransformer": "minikeras.wrappers.sklearn_wrapper",
    "KerasClassifier": "minikeras.wrappers.keras_estimators",
    "KerasRegressor": "minikeras.wrappers.keras_estimators",
}

__all__ = sorted(_NAMES)


def __getattr__(name):
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'minikeras.wrappers' has no attribute '{name}'")


def __dir__():
    return __all__
