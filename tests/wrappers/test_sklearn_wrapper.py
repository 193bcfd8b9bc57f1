"""Keras-style wrappers (`SKLearnClassifier`, `SKLearnRegressor`, `SKLearnTransformer`)."""

import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

import minikeras as keras  # noqa: E402
from minikeras.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402
from tests.wrappers.conftest import seeded_mlp  # noqa: E402

FIT = {"epochs": 30, "verbose": 0}


def compiled_model(n_in=4, n_out=3, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((n_in,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(n_out, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    return model


def test_signature_matches_keras():
    import inspect

    params = list(inspect.signature(SKLearnClassifier.__init__).parameters)
    assert params == ["self", "model", "warm_start", "model_kwargs", "fit_kwargs"]
    est = SKLearnRegressor(model=seeded_mlp)
    assert est.get_params() == {"model": seeded_mlp, "warm_start": False, "model_kwargs": None, "fit_kwargs": None}


@pytest.mark.parametrize("labels", [np.array(["adelie", "chinstrap", "gentoo"]), np.array([3, 7, 11])])
def test_classifier_labels_roundtrip(blobs, labels):
    X, y = blobs
    y = labels[y]
    clf = SKLearnClassifier(seeded_mlp, fit_kwargs=FIT).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, np.sort(labels))
    pred = clf.predict(X)
    assert pred.dtype == y.dtype and pred.shape == y.shape
    assert clf.score(X, y) > 0.9
    # the model callable received one-hot targets: one unit per class
    assert clf.model_.output_shape[-1] == 3
    assert clf.n_features_in_ == 4


def test_classifier_pandas_series_and_feature_names(blobs):
    pd = pytest.importorskip("pandas")
    X, y = blobs
    frame = pd.DataFrame(X, columns=list("abcd"))
    series = pd.Series(np.array(["x", "y", "z"])[y])
    clf = SKLearnClassifier(seeded_mlp, fit_kwargs=FIT).fit(frame, series)
    np.testing.assert_array_equal(clf.feature_names_in_, list("abcd"))
    assert clf.score(frame, series) > 0.9


def test_decision_function_binary_is_one_score_per_sample(blobs):
    X, y = blobs
    keep = y < 2
    X, y = X[keep], y[keep]
    clf = SKLearnClassifier(seeded_mlp, fit_kwargs=FIT).fit(X, y)
    raw = clf.model_.predict(X, verbose=0)
    dec = clf.decision_function(X)
    assert dec.shape == (len(X),)
    np.testing.assert_allclose(dec, raw[:, 1] - raw[:, 0])
    np.testing.assert_array_equal((dec > 0).astype(int), clf.predict(X))


def test_decision_function_multiclass_is_raw_output(blobs):
    X, y = blobs
    clf = SKLearnClassifier(seeded_mlp, fit_kwargs=FIT).fit(X, y)
    np.testing.assert_array_equal(clf.decision_function(X), clf.model_.predict(X, verbose=0))
    np.testing.assert_array_equal(np.argmax(clf.decision_function(X), axis=1), clf.predict(X))


def test_model_instance_is_cloned_not_trained(blobs):
    X, y = blobs
    model = compiled_model()
    before = [w.copy() for w in model.get_weights()]
    clf = SKLearnClassifier(model, fit_kwargs=FIT).fit(X, y)
    assert clf.model_ is not model
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_warm_start_continues_training(blobs):
    X, y = blobs
    model = compiled_model()
    clf = SKLearnClassifier(model, warm_start=True, fit_kwargs={"epochs": 2, "verbose": 0})
    clf.fit(X, y)
    assert clf.model_ is model  # trained in place, as documented by Keras
    first = [w.copy() for w in model.get_weights()]
    loss_1 = clf.history_.history["loss"][-1]
    clf.fit(X, y)
    assert clf.model_ is model
    assert clf.history_.history["loss"][0] < loss_1 + 1e-3
    assert any(not np.array_equal(a, b) for a, b in zip(first, model.get_weights()))


def test_fit_kwargs_precedence_and_not_mutated(blobs):
    X, y = blobs
    fit_kwargs = {"epochs": 3, "verbose": 0}
    clf = SKLearnClassifier(seeded_mlp, fit_kwargs=fit_kwargs)
    clf.fit(X, y, epochs=2)
    assert clf.epoch_ == 2
    assert fit_kwargs == {"epochs": 3, "verbose": 0}
    clf.fit(X, y)
    assert clf.epoch_ == 3


def test_clone_keeps_parameters():
    est = SKLearnRegressor(seeded_mlp, model_kwargs={"loss": "mse"}, fit_kwargs={"epochs": 4})
    copy = clone(est)
    assert copy.get_params()["fit_kwargs"] == {"epochs": 4}  # Keras 3.15 drops them
    assert copy.model_kwargs == {"loss": "mse"} and copy.model_kwargs is not est.model_kwargs
    est.set_params(model_kwargs={"loss": "mae", "hidden": 3})
    assert est.model_kwargs["hidden"] == 3


def test_fit_is_bitwise_reproducible_in_float32(blobs):
    X, y = blobs
    a = SKLearnClassifier(seeded_mlp, fit_kwargs={"epochs": 5, "verbose": 0, "batch_size": 16}).fit(X, y)
    b = clone(a).fit(X, y)
    for wa, wb in zip(a.model_.get_weights(), b.model_.get_weights()):
        assert wa.dtype == np.float32
        np.testing.assert_array_equal(wa, wb)
    c = SKLearnClassifier(seeded_mlp, model_kwargs={"seed": 1}, fit_kwargs={"epochs": 5, "verbose": 0}).fit(X, y)
    assert not np.array_equal(a.model_.get_weights()[0], c.model_.get_weights()[0])


@pytest.mark.parametrize("cls", [SKLearnClassifier, SKLearnRegressor, SKLearnTransformer])
def test_pickle_unfitted_and_fitted(cls, blobs):
    X, y = blobs
    kwargs = {} if cls is SKLearnClassifier else {"loss": "mse", "out_activation": None}
    est = cls(seeded_mlp, model_kwargs=kwargs, fit_kwargs={"epochs": 3, "verbose": 0})
    unfitted = pickle.loads(pickle.dumps(est))
    assert unfitted.get_params()["fit_kwargs"] == est.fit_kwargs
    est.fit(X, y.astype("float32") if cls is not SKLearnClassifier else y)
    restored = pickle.loads(pickle.dumps(est))
    method = "transform" if cls is SKLearnTransformer else "predict"
    np.testing.assert_array_equal(getattr(restored, method)(X), getattr(est, method)(X))


def test_regressor_and_transformer(regression):
    X, y = regression
    reg = SKLearnRegressor(seeded_mlp, model_kwargs={"loss": "mse", "out_activation": None, "hidden": 16},
                           fit_kwargs={"epochs": 100, "verbose": 0}).fit(X, y)
    assert reg.predict(X).shape == (60,)
    assert reg.score(X, y) > 0.8
    trs = SKLearnTransformer(seeded_mlp, model_kwargs={"loss": "mse", "out_activation": None},
                             fit_kwargs={"epochs": 2, "verbose": 0}).fit(X, y)
    assert trs.transform(X).shape == (60, 1)
    # Keras validates y as 1-D: no multi-output targets
    with pytest.raises(ValueError, match="y should be a 1d array"):
        clone(reg).fit(X, np.column_stack([y, -y]))


def test_errors(blobs, regression):
    X, y = blobs
    with pytest.raises(NotFittedError):
        SKLearnClassifier(seeded_mlp).predict(X)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        SKLearnClassifier(seeded_mlp).fit(*regression)
    with pytest.raises(ValueError, match="y should be a 1d array"):
        SKLearnClassifier(seeded_mlp).fit(X, np.eye(3)[y].astype(int))
    with pytest.raises(ValueError, match="only one class"):
        SKLearnClassifier(seeded_mlp).fit(X, np.zeros(len(X)))
    uncompiled = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    with pytest.raises(RuntimeError, match="needs to be compiled"):
        SKLearnClassifier(uncompiled).fit(X, y)
    with pytest.raises(TypeError, match="compiled keras Model or a callable"):
        SKLearnClassifier("not a model").fit(X, y)
    clf = SKLearnClassifier(seeded_mlp, fit_kwargs={"verbose": 0}).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])
