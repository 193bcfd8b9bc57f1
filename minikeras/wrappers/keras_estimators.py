"""scikeras-style `KerasClassifier` and `KerasRegressor`: routed parameters and reproducible fits.

The interface of scikeras 0.13 (`scikeras.wrappers`), on minikeras:

- `model` is a function building the model (it receives the routed
  `model__` parameters, and `meta`, `compile_kwargs`, `params` when it asks for
  them) or a `Model` (cloned before each fit, unless `warm_start=True`). An
  uncompiled model is compiled from the wrapper's `optimizer`, `loss`,
  `metrics`... with `optimizer__`, `loss__`, `metrics__`, `compile__` routing.
- Parameters with a prefix reach their destination: `model__hidden=16` is the
  build function's `hidden`, `fit__validation_split`, `predict__batch_size`,
  `optimizer__learning_rate`, `loss__from_logits`, `callbacks__patience`. They
  are ordinary scikit-learn parameters (`get_params`, `set_params`, `clone`,
  `GridSearchCV(param_grid={"model__hidden": [8, 16]})`).
- `random_state` (int or `RandomState`) seeds model construction and `fit`
  (shuffling, dropout) and restores the caller's random state afterwards: two
  fits give bitwise-identical models, so `check_fit_idempotent` passes.

Differences from scikeras, on purpose: extra parameters live in a private dict
(so `check_no_attributes_set_in_init` passes); an optimizer instance is
rebuilt from its config at each fit (no state shared between fits or clones); a
`Model` passed as `model` is cloned (fresh, seeded weights) rather than trained
in place; regressor predictions come back in the target's float dtype (float64
for integer targets); the deprecated `build_fn` argument is not accepted.
"""

import numpy as np

from minikeras.wrappers import utils
from minikeras.wrappers.utils import assert_sklearn_installed

assert_sklearn_installed("minikeras.wrappers")

from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.utils.validation import _check_sample_weight, validate_data  # noqa: E402

ROUTING_PREFIXES = ("model", "fit", "compile", "predict", "optimizer", "loss", "metrics", "callbacks", "score")
_FIT_KWARGS = {"batch_size", "epochs", "verbose", "validation_split", "shuffle", "class_weight", "initial_epoch",
               "validation_steps", "validation_batch_size", "validation_freq"}
_PREDICT_KWARGS = {"batch_size", "verbose", "steps"}
_COMPILE_KWARGS = {"optimizer", "loss", "metrics", "loss_weights", "weighted_metrics", "run_eagerly"}


class BaseWrapper(BaseEstimator):
    """What `KerasClassifier` and `KerasRegressor` share (scikeras's `BaseWrapper`).

    Args:
        model: a function returning a `Model` (compiled or not), or a `Model`.
        warm_start: bool. If True, `fit` continues training the fitted model.
        random_state: None, an int or a `np.random.RandomState`: seeds model
            construction and training. None leaves minikeras's global random state
            alone (fits then differ unless the program seeds it).
        optimizer: name, class or instance (compiles an uncompiled model).
        loss: name, function, class or instance.
        metrics: list of metric names, functions, classes or instances.
        batch_size, validation_batch_size, verbose, validation_split, shuffle,
            run_eagerly, epochs: passed to `compile` / `fit` / `predict`.
            `batch_size=-1` means the whole data set as one batch.
        callbacks: list of callbacks (instances, or classes built with the
            routed `callbacks__` parameters).
        **kwargs: routed parameters (`model__units=...`, `fit__shuffle=...`) and
            extra parameters for the build function.

    Attributes:
        model_: the fitted `Model`.
        history_: dict of per-epoch logs over every fit (`{"loss": [...], ...}`).
        n_features_in_, feature_names_in_: the features seen in `fit`.
        X_shape_, X_dtype_, y_dtype_, n_outputs_, n_outputs_expected_: metadata.
    """

    def __init__(self, model=None, *, warm_start=False, random_state=None, optimizer="rmsprop", loss=None,
                 metrics=None, batch_size=None, validation_batch_size=None, verbose=1, callbacks=None,
                 validation_split=0.0, shuffle=True, run_eagerly=False, epochs=1, **kwargs):
        self.model = model
        self.warm_start = warm_start
        self.random_state = random_state
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.batch_size = batch_size
        self.validation_batch_size = validation_batch_size
        self.verbose = verbose
        self.callbacks = callbacks
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.run_eagerly = run_eagerly
        self.epochs = epochs
        # Routed and extra parameters: private, so scikit-learn sees only parameters in __init__'s attributes.
        self._extra_params = dict(kwargs)

    # -- parameters ------------------------------------------------------------------------------------
    def get_params(self, deep=True):
        """The constructor's parameters plus the routed / extra ones."""
        params = super().get_params(deep=deep)
        params.update(self._extra_params)
        return params

    def set_params(self, **params):
        """Set parameters, routed ones (`model__hidden=...`) included; returns self."""
        own = set(super().get_params(deep=False))
        for key, value in params.items():
            if key in own:
                setattr(self, key, value)
            elif key in self._extra_params or ("__" in key and key.split("__", 1)[0] in ROUTING_PREFIXES):
                self._extra_params[key] = value
            else:
                name = type(self).__name__
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {name}. Valid parameters are: "
                    f"{sorted(self.get_params(deep=False))}, or routed parameters starting with one of "
                    f"{[p + '__' for p in ROUTING_PREFIXES]} (e.g. `model__{key}` for the build function). "
                    f"An extra build-function parameter can also be given to the constructor: {name}({key}=...)."
                )
        return self

    def __getattr__(self, name):
        # Routed / extra parameters read like attributes (`est.model__hidden`), as in scikeras.
        extra = self.__dict__.get("_extra_params")
        if extra is not None and name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # With a random_state, construction and fit are bitwise repeatable.
        tags.non_deterministic = self.random_state is None
        return tags

    @property
    def current_epoch(self):
        """Epochs trained so far (over `partial_fit` / warm-started fits)."""
        return len(getattr(self, "history_", {}).get("loss", []))

    @property
    def initialized_(self):
        return hasattr(self, "model_")

    # -- data ----------------------------------------------------------------------------------------
    def _validate_data(self, X, y="no_validation", reset=False):
        kw = dict(reset=reset, allow_nd=True, dtype="numeric")
        if isinstance(y, str) and y == "no_validation":
            X = validate_data(self, X, **kw)
        else:
            X, y = validate_data(self, X, y, multi_output=self._multi_output, y_numeric=self._y_numeric, **kw)
        if reset:
            self.X_dtype_ = X.dtype
            self.X_shape_ = X.shape
        return X, y

    def _meta(self):
        """Fitted metadata for the build function (`meta["n_features_in_"]`, `meta["classes_"]`...)."""
        return {k: v for k, v in vars(self).items() if k.endswith("_") and not k.startswith("_") and k[-2] != "_"}

    # -- model ---------------------------------------------------------------------------------------
    def _compile_kwargs(self):
        params = self.get_params(deep=False)
        kw = utils.route_params(params, "compile", _COMPILE_KWARGS)
        kw["optimizer"] = utils.make_optimizer(kw["optimizer"], utils.route_params(params, "optimizer", set(), True))
        kw["loss"] = utils.make_loss(kw["loss"], utils.route_params(params, "loss", set()))
        metrics = utils.make_from_class(kw.get("metrics"), utils.route_params(params, "metrics", set()))
        if metrics is not None and not isinstance(metrics, (list, dict)):
            metrics = [metrics]
        kw["metrics"] = metrics
        return kw

    def _build_model(self):
        from minikeras.models import Model, clone_model

        model = self.model
        if isinstance(model, Model):
            return clone_model(model)
        if not callable(model):
            raise TypeError(
                "`model` must be a function returning a keras Model, or a Model. "
                f"Received: model={model!r} (of type {type(model).__name__})"
            )
        params = self.get_params(deep=False)
        # Extra unprefixed parameters go to the build function when it takes them; `model__` ones always do.
        build = {k: v for k, v in self._extra_params.items()
                 if "__" not in k and (utils.accepts_kwargs(model) or utils.has_param(model, k))}
        build.update(utils.route_params(params, "model", set(), strict=True))
        for name, make in (("meta", self._meta), ("compile_kwargs", self._compile_kwargs),
                           ("params", lambda: self.get_params(deep=False))):
            if utils.has_param(model, name) or utils.accepts_kwargs(model):
                build[name] = make()
        model = model(**build)
        if not isinstance(model, Model):
            raise TypeError(f"The build function must return a keras Model. It returned {model!r}.")
        return model

    def _ensure_compiled(self):
        if not self.model_.compiled:
            self.model_.compile(**self._compile_kwargs())
        if not getattr(self.model_, "loss", None):
            raise ValueError(
                "You must provide a loss or a compiled model: pass `loss=` to the wrapper (e.g. "
                f"{type(self).__name__}(model=..., loss='sparse_categorical_crossentropy')) or compile the model "
                "in the build function."
            )

    def _make_callbacks(self, destination):
        from minikeras.callbacks import Callback

        params = self.get_params(deep=False)
        items = []
        for name in ("callbacks", f"{destination}__callbacks"):
            cbs = params.get(name)
            if cbs is None:
                continue
            cbs = utils.make_from_class(cbs, utils.route_params(params, "callbacks", set()))
            if isinstance(cbs, dict):
                cbs = list(cbs.values())
            elif isinstance(cbs, Callback):
                cbs = [cbs]
            if not isinstance(cbs, (list, tuple)) or not all(isinstance(cb, Callback) for cb in cbs):
                raise TypeError(
                    "`callbacks` must be a callback, a list of callbacks (instances of keras.callbacks.Callback "
                    f"or classes, built with the `callbacks__` parameters), or a dict of them. Received: {cbs!r}"
                )
            items.extend(cbs)
        return items

    # -- fit -----------------------------------------------------------------------------------------
    def _initialize(self, X, y):
        X, y = self._validate_data(X, y, reset=True)
        self._fit_target_encoder(y)
        self.model_ = self._build_model()
        return X, y

    def initialize(self, X, y=None):
        """Build the model (and the encoders) without training; returns self."""
        with utils.seeded(utils.seed_from_random_state(self.random_state)):
            self._initialize(X, y)
            self._ensure_compiled()
        return self

    def fit(self, X, y, sample_weight=None, **kwargs):
        """Build (or, with `warm_start`, reuse) the model and train it for `epochs` epochs.

        Args:
            X: array-like (n_samples, n_features...), pandas DataFrames included.
            y: targets, pandas Series included.
            sample_weight: optional per-sample weights; zero-weight samples are dropped.
            **kwargs: passed to `model.fit` (over the routed `fit__` parameters).

        Returns:
            self
        """
        kwargs.setdefault("epochs", self._extra_params.get("fit__epochs", self.epochs))
        kwargs.setdefault("initial_epoch", 0)
        return self._fit(X, y, sample_weight, warm_start=self.warm_start, **kwargs)

    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train for one more epoch, keeping the model (built on the first call); returns self."""
        for bad in ("epochs", "initial_epoch"):
            if bad in kwargs:
                raise TypeError(f"Invalid argument `{bad}` to `partial_fit`: `partial_fit` always trains for 1 epoch "
                                "from the current epoch.")
        return self._fit(X, y, sample_weight, warm_start=True, epochs=1, initial_epoch=self.current_epoch, **kwargs)

    def _fit(self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs):
        seed = utils.seed_from_random_state(self.random_state)
        with utils.seeded(seed):
            fresh = not (warm_start and self.initialized_)
            if fresh:
                X, y = self._initialize(X, y)
            else:
                X, y = self._validate_data(X, y)
            self._ensure_compiled()
            if fresh:
                self._refit_target_encoder_for(self.model_.loss, y)
            if sample_weight is not None or getattr(self, "class_weight", None) is not None:
                X, y, sample_weight = self._sample_weights(X, y, sample_weight)
            y = self.target_encoder_.transform(y)
            params = self.get_params(deep=False)
            fit_args = utils.route_params(params, "fit", _FIT_KWARGS - {"class_weight"})
            fit_args.pop("callbacks", None)
            fit_args.update(kwargs)
            fit_args.update(sample_weight=sample_weight, epochs=initial_epoch + epochs, initial_epoch=initial_epoch)
            for key in ("batch_size", "validation_batch_size"):
                if fit_args.get(key) == -1:
                    fit_args[key] = X.shape[0]
            fit_args["callbacks"] = self._make_callbacks("fit")
            history = self.model_.fit(X, y, **fit_args)
        if fresh or initial_epoch == 0 or not hasattr(self, "history_"):
            self.history_ = {}
        for key, values in history.history.items():
            self.history_.setdefault(key, []).extend(values)
        return self

    def _sample_weights(self, X, y, sample_weight):
        from minikeras import config

        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.dtype(config.floatx()))
        class_weight = getattr(self, "class_weight", None)
        if class_weight is not None:
            from sklearn.utils.class_weight import compute_sample_weight

            sample_weight = sample_weight * compute_sample_weight(class_weight, y).astype(sample_weight.dtype)
        if np.all(sample_weight == 0):
            raise ValueError("No training samples had any weight; only zeros were passed in sample_weight. "
                             "There is nothing to train on.")
        keep = sample_weight != 0
        sample_weight = sample_weight[keep]
        # Rescaled to mean 1: Keras divides a batch's weighted loss by its sample count,
        # so a full-batch fit then equals fitting on repeated samples (sklearn's
        # sample-weight semantics) and the weights' overall scale does not act as a
        # hidden learning-rate factor.
        sample_weight = sample_weight * (len(sample_weight) / sample_weight.sum(dtype=np.float64))
        return X[keep], y[keep], sample_weight

    # -- predict / score -----------------------------------------------------------------------------
    def _predict_raw(self, X, **kwargs):
        if not self.initialized_:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with appropriate arguments "
                "before using this estimator."
            )
        X, _ = self._validate_data(X)
        params = self.get_params(deep=False)
        args = utils.route_params(params, "predict", _PREDICT_KWARGS, strict=True)
        args.pop("callbacks", None)
        args["callbacks"] = self._make_callbacks("predict")
        args.update(kwargs)
        if args.get("batch_size") == -1:
            args["batch_size"] = X.shape[0]
        return self.model_.predict(X, **args)

    def score(self, X, y, sample_weight=None):
        """Accuracy (classifier) or R² (regressor); `score__` parameters go to the metric."""
        y_pred = self.predict(X)
        args = utils.route_params(self.get_params(deep=False), "score", set())
        return self.scorer(np.asarray(y) if not hasattr(y, "iloc") else y, y_pred, sample_weight=sample_weight,
                           **args)

    # Subclasses set these.
    _multi_output = False
    _y_numeric = False

    def _fit_target_encoder(self, y):
        raise NotImplementedError

    def _refit_target_encoder_for(self, loss, y):
        pass


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """scikit-learn classifier around a minikeras model, scikeras-style.

    Targets: binary or multiclass labels (strings or integers, lists, arrays or
    pandas Series). They are encoded for the model as integer codes
    `0..n_classes-1` (for `sparse_categorical_crossentropy`, or a single sigmoid
    unit with `binary_crossentropy`), or one-hot when the loss is categorical
    cross-entropy. `predict_proba` returns (n_samples, n_classes).

    Args:
        class_weight: None, "balanced" or `{label: weight}` (multiplies the
            sample weights, as scikit-learn computes them).
        Others: see `BaseWrapper`.

    Attributes:
        classes_, n_classes_, target_type_: the labels learnt in `fit`.
        Others: see `BaseWrapper`.

    Example:

    ```python
    def build(hidden, meta):
        model = keras.Sequential([keras.Input((meta["n_features_in_"],)),
                                  keras.layers.Dense(hidden, activation="relu"),
                                  keras.layers.Dense(meta["n_classes_"], activation="softmax")])
        return model

    clf = KerasClassifier(build, model__hidden=10, loss="sparse_categorical_crossentropy", optimizer="adam",
                          optimizer__learning_rate=0.01, epochs=100, verbose=0, random_state=0)
    GridSearchCV(clf, {"model__hidden": [8, 16]}, cv=3).fit(X, y)
    ```
    """

    _multi_output = False

    def __init__(self, model=None, *, warm_start=False, random_state=None, optimizer="rmsprop", loss=None,
                 metrics=None, batch_size=None, validation_batch_size=None, verbose=1, callbacks=None,
                 validation_split=0.0, shuffle=True, run_eagerly=False, epochs=1, class_weight=None, **kwargs):
        super().__init__(model=model, warm_start=warm_start, random_state=random_state, optimizer=optimizer,
                         loss=loss, metrics=metrics, batch_size=batch_size,
                         validation_batch_size=validation_batch_size, verbose=verbose, callbacks=callbacks,
                         validation_split=validation_split, shuffle=shuffle, run_eagerly=run_eagerly, epochs=epochs,
                         **kwargs)
        self.class_weight = class_weight

    @staticmethod
    def scorer(y_true, y_pred, **kwargs):
        from sklearn.metrics import accuracy_score

        return accuracy_score(y_true, y_pred, **kwargs)

    def _fit_target_encoder(self, y, loss=None):
        categories = "auto" if getattr(self, "_partial_classes", None) is None else [self._partial_classes]
        enc = utils.ClassifierLabelEncoder(loss=self.loss if loss is None else loss, categories=categories).fit(y)
        if enc.n_classes_ == 1:
            raise ValueError(f"Classifier can't train when only one class is present. Received one class: "
                             f"{enc.classes_[0]!r}")
        self.target_encoder_ = enc
        self.classes_ = enc.classes_
        self.n_classes_ = enc.n_classes_
        self.target_type_ = enc.target_type_
        self.y_dtype_ = np.asarray(y).dtype
        self.n_outputs_ = 1
        self.n_outputs_expected_ = 1

    def _refit_target_encoder_for(self, loss, y):
        # The model may be compiled in the build function with a loss the wrapper was not told about.
        if self.loss is None and utils.is_categorical_crossentropy(loss) != self.target_encoder_.one_hot_:
            self._fit_target_encoder(y, loss=loss)

    def fit(self, X, y, sample_weight=None, **kwargs):
        """Fit on labels `y`; see `BaseWrapper.fit`. Returns self."""
        self._partial_classes = None
        return super().fit(X, y, sample_weight=sample_weight, **kwargs)

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """One epoch on (X, y); `classes` (all labels) is needed when the first batch lacks some. Returns self."""
        if not self.initialized_:
            self._partial_classes = None if classes is None else np.asarray(classes)
        return super().partial_fit(X, y, sample_weight=sample_weight, **kwargs)

    def predict(self, X, **kwargs):
        """Class labels, shape (n_samples,)."""
        raw = self._predict_raw(X, **kwargs)
        return self.target_encoder_.inverse_transform(raw)

    def predict_proba(self, X, **kwargs):
        """Class probabilities, shape (n_samples, n_classes), columns in `classes_` order."""
        raw = self._predict_raw(X, **kwargs)
        return self.target_encoder_.predict_proba(raw)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        tags.classifier_tags.multi_label = False
        return tags


class KerasRegressor(RegressorMixin, BaseWrapper):
    """scikit-learn regressor around a minikeras model, scikeras-style.

    Targets: 1-D or 2-D (multi-output) numbers. `predict` returns the shape of
    the training target, in its float dtype (float64 for integer targets).
    `score` is R².

    Args: see `BaseWrapper`.

    Attributes: see `BaseWrapper`.
    """

    _multi_output = True
    _y_numeric = True

    @staticmethod
    def scorer(y_true, y_pred, **kwargs):
        from sklearn.metrics import r2_score

        return r2_score(y_true, y_pred, **kwargs)

    def _fit_target_encoder(self, y):
        y = np.asarray(y)
        self.y_dtype_ = y.dtype
        self.y_shape_ = y.shape
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self.n_outputs_expected_ = 1
        self.target_type_ = "continuous" if y.ndim == 1 else "continuous-multioutput"
        self.target_encoder_ = _RegressorTarget(self.n_outputs_)

    def predict(self, X, **kwargs):
        """Predictions, shaped like the training target."""
        y_pred = self._predict_raw(X, **kwargs)
        y_pred = y_pred.reshape(-1, *self.y_shape_[1:])
        dtype = self.y_dtype_ if self.y_dtype_.kind == "f" else np.float64
        return y_pred.astype(dtype, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        tags.target_tags.multi_output = True
        return tags


class _RegressorTarget:
    """Checks a regression target's number of outputs (and passes it on unchanged)."""

    def __init__(self, n_outputs):
        self.n_outputs = n_outputs

    def transform(self, y):
        n = 1 if np.ndim(y) == 1 else np.shape(y)[1]
        if n != self.n_outputs:
            raise ValueError(f"Detected `y` to have {n} outputs with y.shape={np.shape(y)}, but this regressor "
                             f"was fitted with {self.n_outputs} outputs.")
        return y
