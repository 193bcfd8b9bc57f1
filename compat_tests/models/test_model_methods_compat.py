"""The numeric `Model` methods beyond fit/evaluate/predict against TF Keras.

`call`, `compute_output_shape`, `compute_loss` (with a regularization penalty and
sample weights), the batch-level API (`train_on_batch`, `test_on_batch`,
`predict_on_batch`), the step methods (`train_step`, `test_step`,
`predict_step`) and the metric state (`get_metrics_result`, `reset_metrics`):
the same weights and data on both sides, the same numbers.
"""

import numpy as np
import pytest

import minikeras
from compat_tests.recording import assert_close, assert_equal
from compat_tests.tolerances import F32

rng = np.random.default_rng(41)
X = rng.normal(size=(12, 4)).astype("float32")
LABELS = rng.integers(0, 3, size=12)
SAMPLE_W = rng.uniform(0.0, 2.0, size=12).astype("float32")


def _sequential(lib):
    return lib.Sequential([lib.Input((4,)), lib.layers.Dense(6, activation="relu", kernel_regularizer="l2"),
                           lib.layers.BatchNormalization(), lib.layers.Dense(3, activation="softmax")])


def _functional(lib):
    a, b = lib.Input((4,), name="a"), lib.Input((2,), name="b")
    h = lib.layers.Dense(5, activation="tanh")(a)
    h = lib.layers.Concatenate()([h, b])
    return lib.Model([a, b], [lib.layers.Dense(3, activation="softmax", name="cls")(h),
                              lib.layers.Dense(1, name="reg")(h)])


BUILDERS = {"sequential": _sequential, "functional": _functional}


def _pair(keras, kind, compile_kwargs=None):
    k_model = BUILDERS[kind](keras)
    mk_model = BUILDERS[kind](minikeras)
    mk_model.set_weights(k_model.get_weights())
    if compile_kwargs is not None:
        for lib, model in ((keras, k_model), (minikeras, mk_model)):
            model.compile(optimizer=lib.optimizers.Adam(learning_rate=0.01), **compile_kwargs)
    return k_model, mk_model


def _inputs(kind):
    return X if kind == "sequential" else [X, X[:, :2] * 0.5]


def _as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_call_matches_keras(keras, kind, training):
    k_model, mk_model = _pair(keras, kind)
    x = _inputs(kind)
    for mine, ref in zip(_as_list(mk_model.call(x, training=training)), _as_list(k_model.call(x, training=training))):
        assert_close(np.asarray(mine), np.asarray(ref), **F32, item="Model.call")


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_compute_output_shape_matches_keras(request, keras, kind):
    if kind == "sequential":
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "Sequential.compute_output_shape((None, 4)) raises NotImplementedError (minikeras/layers/layer.py base; "
            "minikeras/models/sequential.py does not override it); Keras returns (None, 3)")))
    k_model, mk_model = _pair(keras, kind)
    shape = (None, 4) if kind == "sequential" else [(None, 4), (None, 2)]
    mine, ref = mk_model.compute_output_shape(shape), k_model.compute_output_shape(shape)
    if kind == "sequential":
        mine, ref = [mine], [ref]
    assert len(mine) == len(ref)
    for a, b in zip(mine, ref):
        assert_equal([-1 if d is None else d for d in a], [-1 if d is None else d for d in b],
                     item="Model.compute_output_shape")


@pytest.mark.parametrize("sample_weight", [None, SAMPLE_W], ids=["unweighted", "weighted"])
def test_compute_loss_matches_keras(keras, sample_weight):
    """The compiled loss plus the kernel_regularizer penalty, with and without sample weights."""
    k_model, mk_model = _pair(keras, "sequential", {"loss": "sparse_categorical_crossentropy"})
    k_pred, mk_pred = k_model(X, training=False), mk_model(X, training=False)
    ref = k_model.compute_loss(x=X, y=LABELS, y_pred=k_pred, sample_weight=sample_weight, training=False)
    mine = mk_model.compute_loss(x=X, y=LABELS, y_pred=mk_pred, sample_weight=sample_weight, training=False)
    assert_close(np.asarray(minikeras.ops.value(mine)), np.asarray(ref), **F32, item="Model.compute_loss")


COMPILE = {"loss": ["sparse_categorical_crossentropy", "mse"], "loss_weights": [1.0, 0.5],
           "metrics": [["accuracy"], ["mae"]]}


def _targets(kind):
    return LABELS if kind == "sequential" else [LABELS, X[:, :1]]


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_batch_methods_match_keras(keras, kind):
    compile_kwargs = ({"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]} if kind == "sequential"
                      else COMPILE)
    k_model, mk_model = _pair(keras, kind, compile_kwargs)
    x, y = _inputs(kind), _targets(kind)
    for step in range(4):
        weights = SAMPLE_W if step % 2 else None
        ref = k_model.train_on_batch(x, y, sample_weight=weights, return_dict=True)
        mine = mk_model.train_on_batch(x, y, sample_weight=weights, return_dict=True)
        assert list(mine) == list(ref)
        for key in ref:
            assert_close(mine[key], ref[key], **F32, err_msg=f"train_on_batch step {step}: {key}",
                         item="Model.train_on_batch")
    for mine, ref in zip(mk_model.get_weights(), k_model.get_weights()):
        assert_close(mine, ref, **F32, err_msg="weights after train_on_batch", item="Model.train_on_batch")
    ref = k_model.test_on_batch(x, y, sample_weight=SAMPLE_W, return_dict=True)
    mine = mk_model.test_on_batch(x, y, sample_weight=SAMPLE_W, return_dict=True)
    assert list(mine) == list(ref)
    for key in ref:
        assert_close(mine[key], ref[key], **F32, err_msg=f"test_on_batch: {key}", item="Model.test_on_batch")
    for mine, ref in zip(_as_list(mk_model.predict_on_batch(x)), _as_list(k_model.predict_on_batch(x))):
        assert_close(np.asarray(mine), np.asarray(ref), **F32, item="Model.predict_on_batch")


def _numbers(logs):
    return {k: float(np.asarray(v)) for k, v in logs.items()}


def _compare_logs(mine, ref, item, what, ordered=True):
    mine, ref = _numbers(mine), _numbers(ref)
    assert (list(mine) if ordered else sorted(mine)) == (list(ref) if ordered else sorted(ref))
    for key in ref:
        assert_close(mine[key], ref[key], **F32, err_msg=f"{what}: {key}", item=item)


def test_step_methods_and_metric_state_match_keras(keras):
    """Steps driven by hand with (x, y, sample_weight) data; their effect read through get_metrics_result."""
    compile_kwargs = {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    k_model, mk_model = _pair(keras, "sequential", compile_kwargs)
    # Keras builds the optimizer and the compiled metrics on the first batch-level call.
    k_model.test_on_batch(X, LABELS)
    mk_model.test_on_batch(X, LABELS)
    k_model.reset_metrics()
    mk_model.reset_metrics()
    for step in range(3):
        part = slice(step * 4, (step + 1) * 4)
        data = (X[part], LABELS[part], SAMPLE_W[part] if step else None)
        k_model.train_step(data)
        mk_model.train_step(data)
    for mine, ref in zip(mk_model.get_weights(), k_model.get_weights()):
        assert_close(mine, ref, **F32, err_msg="weights after train_step", item="Model.train_step")
    # Key order: see test_get_metrics_result_key_order_matches_keras.
    _compare_logs(mk_model.get_metrics_result(), k_model.get_metrics_result(),
                  ["Model.train_step", "Model.get_metrics_result"], "metrics after three train_step calls",
                  ordered=False)
    k_model.reset_metrics()
    mk_model.reset_metrics()
    k_model.test_step((X, LABELS, SAMPLE_W))
    mk_model.test_step((X, LABELS, SAMPLE_W))
    # after reset_metrics only this batch counts
    _compare_logs(mk_model.get_metrics_result(), k_model.get_metrics_result(),
                  ["Model.test_step", "Model.reset_metrics", "Model.get_metrics_result"], "test_step", ordered=False)
    assert_close(np.asarray(mk_model.predict_step((X,))), np.asarray(k_model.predict_step((X,))), **F32,
                 item="Model.predict_step")


# Known mismatches, reported for a fix in minikeras/trainers/trainer.py (not loosened here).
@pytest.mark.xfail(strict=True, reason="Model.get_metrics_result() keys: minikeras ['accuracy', 'loss'], Keras "
                                       "['loss', 'accuracy'] (same values)")
def test_get_metrics_result_key_order_matches_keras(keras):
    compile_kwargs = {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    k_model, mk_model = _pair(keras, "sequential", compile_kwargs)
    k_model.test_on_batch(X, LABELS)
    mk_model.test_on_batch(X, LABELS)
    assert list(mk_model.get_metrics_result()) == list(k_model.get_metrics_result())


STEP_RETURNS = pytest.mark.xfail(
    strict=True, reason="Model.train_step/test_step return None in minikeras; Keras returns the dict of metric "
                        "results, and accepts (x, y) as well as (x, y, sample_weight) data")


@STEP_RETURNS
@pytest.mark.parametrize("method", ["train_step", "test_step"])
def test_step_returns_logs_like_keras(keras, method):
    compile_kwargs = {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    k_model, mk_model = _pair(keras, "sequential", compile_kwargs)
    k_model.test_on_batch(X, LABELS)
    mk_model.test_on_batch(X, LABELS)
    ref = getattr(k_model, method)((X, LABELS))
    mine = getattr(mk_model, method)((X, LABELS))
    _compare_logs(mine, ref, f"Model.{method}", method)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_list_results_order_matches_keras(request, keras, kind):
    """evaluate / test_on_batch / train_on_batch without return_dict: a list in Keras's order."""
    if kind == "functional":
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "multi-output evaluate()/test_on_batch()/train_on_batch() lists: minikeras orders them "
            "[loss, cls_accuracy, reg_mae, cls_loss, reg_loss], Keras [loss, cls_loss, reg_loss, cls_accuracy, "
            "reg_mae] (the dicts agree)")))
    compile_kwargs = ({"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]} if kind == "sequential"
                      else COMPILE)
    k_model, mk_model = _pair(keras, kind, compile_kwargs)
    x, y = _inputs(kind), _targets(kind)
    assert_close(mk_model.evaluate(x, y, verbose=0), k_model.evaluate(x, y, verbose=0), **F32,
                 item="Model.evaluate")
    assert_close(mk_model.test_on_batch(x, y), k_model.test_on_batch(x, y), **F32, item="Model.test_on_batch")
    assert_close(mk_model.train_on_batch(x, y), k_model.train_on_batch(x, y), **F32, item="Model.train_on_batch")
