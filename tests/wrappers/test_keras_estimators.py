"""scikeras-style `KerasClassifier` / `KerasRegressor`: routing, encoding, determinism, pickling, sklearn tools."""

import pickle
import random

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import minikeras as keras  # noqa: E402
from minikeras.wrappers import KerasClassifier, KerasRegressor  # noqa: E402
from tests.wrappers.conftest import meta_mlp  # noqa: E402

SPARSE = dict(loss="sparse_categorical_crossentropy", optimizer="adam", optimizer__learning_rate=0.02,
              epochs=30, verbose=0, random_state=0)


def weights(est):
    return est.model_.get_weights()


def assert_same_weights(a, b):
    for wa, wb in zip(weights(a), weights(b)):
        np.testing.assert_array_equal(wa, wb)


# -- parameters and routing ---------------------------------------------------------------------------
def test_routed_params_are_sklearn_params():
    clf = KerasClassifier(meta_mlp, model__hidden=5, optimizer__learning_rate=0.1, fit__shuffle=False)
    params = clf.get_params()
    assert params["model__hidden"] == 5 and params["optimizer__learning_rate"] == 0.1
    assert "model__hidden" not in vars(clf)  # only constructor arguments are public attributes
    assert clf.model__hidden == 5
    clf.set_params(model__hidden=7, predict__batch_size=4)
    assert clf.get_params()["model__hidden"] == 7 and clf.get_params()["predict__batch_size"] == 4
    copy = clone(clf)
    assert copy.get_params()["model__hidden"] == 7 and copy.get_params()["fit__shuffle"] is False


def test_set_params_rejects_unknown_names():
    clf = KerasClassifier(meta_mlp)
    with pytest.raises(ValueError, match="Invalid parameter 'hiddn' for estimator KerasClassifier"):
        clf.set_params(hiddn=3)
    with pytest.raises(ValueError, match="Invalid parameter 'epochs__x'"):
        clf.set_params(epochs__x=3)


def test_model_params_reach_build_function(blobs):
    X, y = blobs
    clf = KerasClassifier(meta_mlp, model__hidden=6, **SPARSE).fit(X, y)
    assert clf.model_.layers[0].units == 6
    # an unprefixed extra parameter goes to the build function when it takes it
    clf = KerasClassifier(meta_mlp, hidden=3, **SPARSE).fit(X, y)
    assert clf.model_.layers[0].units == 3


def test_optimizer_loss_compile_routing(blobs):
    X, y = blobs
    clf = KerasClassifier(meta_mlp, loss=keras.losses.SparseCategoricalCrossentropy, loss__from_logits=True,
                          model__out_activation=None, optimizer=keras.optimizers.SGD, optimizer__momentum=0.5,
                          optimizer__learning_rate=0.05, metrics=["accuracy"], epochs=2, verbose=0, random_state=0)
    clf.fit(X, y)
    assert isinstance(clf.model_.optimizer, keras.optimizers.SGD)
    assert clf.model_.optimizer.momentum == 0.5
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(clf.model_.optimizer.learning_rate)), 0.05)
    assert clf.model_.loss.get_config()["from_logits"] is True
    assert "accuracy" in clf.history_
    # compile__ overrides the unprefixed parameter
    clf2 = KerasClassifier(meta_mlp, loss="mse", compile__loss="sparse_categorical_crossentropy", epochs=1,
                           verbose=0, random_state=0).fit(X, y)
    assert clf2.model_.loss == "sparse_categorical_crossentropy"


def test_optimizer_instance_is_rebuilt_each_fit(blobs):
    X, y = blobs
    opt = keras.optimizers.Adam(0.02)
    a = KerasClassifier(meta_mlp, loss="sparse_categorical_crossentropy", optimizer=opt, epochs=3, verbose=0,
                        random_state=0).fit(X, y)
    assert a.model_.optimizer is not opt
    b = clone(a).fit(X, y)
    a.fit(X, y)
    assert_same_weights(a, b)


def test_fit_and_predict_routing(blobs):
    X, y = blobs
    clf = KerasClassifier(meta_mlp, fit__epochs=4, fit__validation_split=0.2, predict__batch_size=7, **{
        k: v for k, v in SPARSE.items() if k != "epochs"})
    clf.fit(X, y)
    assert len(clf.history_["loss"]) == 4 and "val_loss" in clf.history_
    assert clf.predict(X).shape == (90,)
    clf.fit(X, y, epochs=2)  # fit's own keyword arguments win
    assert len(clf.history_["loss"]) == 2


def test_callbacks_class_built_with_routed_params(blobs):
    X, y = blobs
    clf = KerasClassifier(meta_mlp, callbacks=[keras.callbacks.EarlyStopping], callbacks__monitor="loss",
                          callbacks__patience=0, callbacks__min_delta=10.0, **{**SPARSE, "epochs": 20})
    clf.fit(X, y)
    assert len(clf.history_["loss"]) == 2  # stopped by the routed min_delta after the first non-improvement
    with pytest.raises(TypeError, match="callbacks"):
        KerasClassifier(meta_mlp, callbacks=["nope"], **SPARSE).fit(X, y)


def test_build_function_receives_meta_compile_kwargs_and_params(blobs):
    X, y = blobs
    seen = {}

    def build(meta, compile_kwargs, params):
        seen.update(meta=meta, compile_kwargs=compile_kwargs, params=params)
        model = meta_mlp(meta)
        model.compile(**compile_kwargs)
        return model

    KerasClassifier(build, **SPARSE).fit(X, y)
    assert seen["meta"]["n_features_in_"] == 4 and seen["meta"]["n_classes_"] == 3
    assert seen["meta"]["target_type_"] == "multiclass"
    assert isinstance(seen["compile_kwargs"]["optimizer"], keras.optimizers.Adam)
    assert seen["params"]["epochs"] == 30


# -- targets ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("labels", [["a", "b", "c"], [10, 20, 30], [1.0, 2.0, 5.0]])
@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical_crossentropy"])
def test_multiclass_labels(blobs, labels, loss):
    X, y = blobs
    y = np.array(labels)[y]
    clf = KerasClassifier(meta_mlp, **{**SPARSE, "loss": loss}).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, np.sort(labels))
    encoded = clf.target_encoder_.transform(y)
    assert encoded.shape == ((90, 3) if loss == "categorical_crossentropy" else (90, 1))
    pred = clf.predict(X)
    assert pred.dtype == y.dtype and clf.score(X, y) > 0.9
    proba = clf.predict_proba(X)
    assert proba.shape == (90, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], pred)


def test_binary_single_sigmoid_unit(blobs):
    X, y = blobs
    keep = y < 2
    X, y = X[keep], np.array(["no", "yes"])[y[keep]]
    clf = KerasClassifier(meta_mlp, model__out_units=1, model__out_activation="sigmoid", loss="binary_crossentropy",
                          optimizer="adam", optimizer__learning_rate=0.02, epochs=30, verbose=0, random_state=0)
    clf.fit(X, y)
    assert clf.target_type_ == "binary"
    raw = clf.model_.predict(X, verbose=0)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], raw[:, 0])
    np.testing.assert_allclose(proba[:, 0], 1 - raw[:, 0])
    assert clf.score(X, y) > 0.9


def test_pandas_inputs(blobs):
    pd = pytest.importorskip("pandas")
    X, y = blobs
    frame = pd.DataFrame(X, columns=["w", "x", "y", "z"])
    series = pd.Series(np.array(["a", "b", "c"])[y], name="species")
    clf = KerasClassifier(meta_mlp, **SPARSE).fit(frame, series)
    np.testing.assert_array_equal(clf.feature_names_in_, ["w", "x", "y", "z"])
    assert clf.n_features_in_ == 4
    assert clf.score(frame, series) > 0.9
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)


def test_classifier_rejects_unsupported_targets(blobs, regression):
    X, y = blobs
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        KerasClassifier(meta_mlp, **SPARSE).fit(*regression)
    with pytest.raises(ValueError, match="1d array"):
        KerasClassifier(meta_mlp, **SPARSE).fit(X, np.eye(3)[y])
    with pytest.raises(ValueError, match="only one class"):
        KerasClassifier(meta_mlp, **SPARSE).fit(X, np.ones(90))


def test_regressor_single_and_multi_output(regression):
    X, y = regression
    reg = KerasRegressor(meta_mlp, model__hidden=16, model__out_activation=None, loss="mse", optimizer="adam",
                         optimizer__learning_rate=0.02, epochs=100, verbose=0, random_state=0).fit(X, y)
    pred = reg.predict(X)
    assert pred.shape == (60,) and pred.dtype == np.float64
    assert reg.score(X, y) > 0.8
    Y = np.column_stack([y, 2 * y]).astype("float32")
    reg2 = clone(reg).fit(X, Y)
    assert reg2.predict(X).shape == (60, 2) and reg2.predict(X).dtype == np.float32
    with pytest.raises(ValueError, match="outputs"):
        reg2.partial_fit(X, y)


# -- fitting semantics -----------------------------------------------------------------------------------------
def test_random_state_makes_fit_bitwise_reproducible(blobs):
    X, y = blobs
    a = KerasClassifier(meta_mlp, batch_size=16, **SPARSE).fit(X, y)
    b = clone(a).fit(X, y)
    assert_same_weights(a, b)
    assert weights(a)[0].dtype == np.float32
    a_again = a.fit(X, y)
    assert_same_weights(a_again, b)
    c = clone(a).set_params(random_state=1).fit(X, y)
    assert not np.array_equal(weights(c)[0], weights(b)[0])
    d = clone(a).set_params(random_state=np.random.RandomState(5))
    e = clone(d)
    d.fit(X, y), d.fit(X, y)
    e.fit(X, y)
    assert_same_weights(d, e)


def test_random_state_leaves_global_streams_alone(blobs):
    X, y = blobs
    random.seed(3), np.random.seed(3)
    expected = (random.random(), np.random.rand())
    random.seed(3), np.random.seed(3)
    KerasClassifier(meta_mlp, **SPARSE).fit(X, y)
    assert (random.random(), np.random.rand()) == expected


def test_partial_fit_one_epoch_at_a_time(blobs):
    X, y = blobs
    clf = KerasClassifier(meta_mlp, **SPARSE)
    clf.partial_fit(X[:30], y[:30], classes=[0, 1, 2])
    model = clf.model_
    clf.partial_fit(X, y)
    clf.partial_fit(X, y)
    assert clf.model_ is model and clf.current_epoch == 3 and len(clf.history_["loss"]) == 3
    with pytest.raises(TypeError, match="always trains for 1 epoch"):
        clf.partial_fit(X, y, epochs=3)
    # a fresh fit starts over
    clf.fit(X, y, epochs=2)
    assert clf.current_epoch == 2 and clf.model_ is not model


def test_partial_fit_classes_cover_unseen_labels(blobs):
    X, y = blobs
    clf = KerasClassifier(meta_mlp, **SPARSE).partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert list(clf.classes_) == [0, 1, 2] and clf.predict_proba(X).shape == (90, 3)


def test_warm_start_continues(blobs):
    X, y = blobs
    clf = KerasClassifier(meta_mlp, warm_start=True, **{**SPARSE, "epochs": 2}).fit(X, y)
    model = clf.model_
    clf.fit(X, y)
    assert clf.model_ is model


def test_model_instance_is_cloned_with_seeded_weights(blobs):
    X, y = blobs
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    a = KerasClassifier(model, **SPARSE).fit(X, y)
    b = KerasClassifier(model, **SPARSE).fit(X, y)
    assert a.model_ is not model
    assert_same_weights(a, b)


def test_sample_and_class_weights(blobs):
    X, y = blobs
    base = KerasClassifier(meta_mlp, **{**SPARSE, "epochs": 3})
    w = np.ones(90)
    w[y == 0] = 0
    a = clone(base).fit(X, y, sample_weight=w)
    b = clone(base).fit(X[y != 0], y[y != 0])  # zero weights drop the samples, but classes_ keep all labels
    assert list(a.classes_) == [0, 1, 2] and list(b.classes_) == [1, 2]
    # weights scaled to mean 1: a constant factor changes nothing
    c = clone(base).fit(X, y, sample_weight=np.full(90, 3.0))
    d = clone(base).fit(X, y)
    assert_same_weights(c, d)
    e = clone(base).set_params(class_weight={0: 5.0, 1: 1.0, 2: 1.0}).fit(X, y)
    assert not np.array_equal(weights(e)[0], weights(d)[0])
    with pytest.raises(ValueError, match="non-zero"):
        clone(base).fit(X, y, sample_weight=np.zeros(90))


def test_errors(blobs):
    X, y = blobs
    with pytest.raises(NotFittedError):
        KerasClassifier(meta_mlp).predict(X)
    with pytest.raises(ValueError, match="You must provide a loss"):
        KerasClassifier(meta_mlp, verbose=0).fit(X, y)
    with pytest.raises(TypeError, match="must be a function returning a keras Model"):
        KerasClassifier(42, **SPARSE).fit(X, y)
    with pytest.raises(TypeError, match="must return a keras Model"):
        KerasClassifier(lambda: "model", **SPARSE).fit(X, y)
    with pytest.raises(ValueError, match="random_state"):
        KerasClassifier(meta_mlp, **{**SPARSE, "random_state": "zero"}).fit(X, y)


# -- pickling and scikit-learn tools ---------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [KerasClassifier, KerasRegressor])
def test_pickle_unfitted_and_fitted(cls, blobs):
    X, y = blobs
    kw = SPARSE if cls is KerasClassifier else dict(SPARSE, loss="mse", model__out_units=1,
                                                    model__out_activation=None)
    est = cls(meta_mlp, model__hidden=5, **kw)
    unfitted = pickle.loads(pickle.dumps(est))
    assert unfitted.get_params()["model__hidden"] == 5
    y = y if cls is KerasClassifier else y.astype("float64")
    est.fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    # the optimizer state travels too: one more epoch gives the same weights
    restored.partial_fit(X, y)
    est.partial_fit(X, y)
    assert_same_weights(restored, est)


def test_pipeline_cross_val_and_searches(blobs):
    X, y = blobs
    X = X * 100 + 7  # StandardScaler has work to do
    pipe = make_pipeline(StandardScaler(), KerasClassifier(meta_mlp, **{**SPARSE, "epochs": 15}))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    grid = GridSearchCV(pipe, {"kerasclassifier__model__hidden": [2, 8],
                               "kerasclassifier__optimizer__learning_rate": [0.001, 0.05]}, cv=2, n_jobs=2)
    grid.fit(X, y)
    assert grid.best_params_["kerasclassifier__optimizer__learning_rate"] == 0.05
    assert grid.best_estimator_[-1].model_.layers[0].units == grid.best_params_["kerasclassifier__model__hidden"]
    # n_jobs=2 fits in joblib processes: same scores as in-process
    serial = GridSearchCV(pipe, grid.param_grid, cv=2, n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(serial.cv_results_["mean_test_score"], grid.cv_results_["mean_test_score"])
    rand = RandomizedSearchCV(pipe, {"kerasclassifier__model__hidden": [4, 8, 16]}, n_iter=2, cv=2,
                              random_state=0).fit(X, y)
    assert rand.best_score_ > 0.8
