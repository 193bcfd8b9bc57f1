"""`CallbackList`: dispatch, default callbacks, log normalisation, batch-hook skipping."""

import numpy as np
import pytest

from minikeras.callbacks import Callback, CallbackList, History, LambdaCallback, ProgbarLogger


class FakeModel:
    def __init__(self):
        self.stop_training = False
        self.history = None


class Recorder(Callback):
    def __init__(self, log):
        super().__init__()
        self.log = log

    def on_epoch_end(self, epoch, logs=None):
        self.log.append((id(self), epoch, logs))


def test_dispatch_reaches_every_callback_in_order_with_the_same_logs_dict():
    log = []
    a, b = Recorder(log), Recorder(log)
    CallbackList([a, b]).on_epoch_end(2, {"loss": 1.0})
    assert [entry[0] for entry in log] == [id(a), id(b)]
    assert log[0][2] is log[1][2]  # a key added by `a` reaches `b` (and History)


def test_logs_are_sorted_flattened_and_made_python_floats():
    seen = {}
    cb = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.update(logs=logs))
    logs = {"loss": np.float32(0.5), "accuracy": np.array(0.25), "out": {"b_mae": np.float64(2.0)},
            "name": "x"}
    CallbackList([cb]).on_epoch_end(0, logs)
    # Nested dicts are spliced in where their own key sorts ("out" after "name").
    assert list(seen["logs"]) == ["accuracy", "loss", "name", "b_mae"]
    assert all(type(seen["logs"][k]) is float for k in ("accuracy", "b_mae", "loss"))
    assert seen["logs"]["name"] == "x"
    assert "b_mae" not in logs  # the caller's dict is untouched


def test_add_history_and_progbar_appended_last():
    user = Callback()
    cbs = CallbackList([user], add_history=True, add_progbar=True)
    assert cbs.callbacks[0] is user
    assert isinstance(cbs.callbacks[1], History) and isinstance(cbs.callbacks[2], ProgbarLogger)
    assert cbs._history is cbs.callbacks[1] and cbs._progbar is cbs.callbacks[2]


def test_existing_history_and_progbar_are_reused():
    h, p = History(), ProgbarLogger()
    cbs = CallbackList([h, p], add_history=True, add_progbar=True)
    assert cbs.callbacks == [h, p]


def test_no_defaults_unless_asked_and_none_is_empty():
    assert CallbackList().callbacks == []
    assert CallbackList(None, add_history=False).callbacks == []


def test_nested_and_single_callbacks_are_flattened():
    a, b, c = Callback(), Callback(), Callback()
    assert CallbackList([a, [b, (c,)]]).callbacks == [a, b, c]
    assert CallbackList(a).callbacks == [a]


def test_set_model_and_params_propagate_and_history_attached_to_model():
    model = FakeModel()
    a = Callback()
    cbs = CallbackList([a], add_history=True, model=model, verbose=1, epochs=2, steps=5)
    assert a.model is model and cbs.model is model
    assert a.params == {"verbose": 1, "epochs": 2, "steps": 5}
    assert model.history is cbs._history


def test_empty_params_are_not_pushed():
    a = Callback()
    CallbackList([a])
    assert a.params is None


class TrainBatchEnd(Callback):
    def on_train_batch_end(self, batch, logs=None):
        pass


class LegacyBatchBegin(Callback):
    def on_batch_begin(self, batch, logs=None):
        pass


class BatchBeginInTest(Callback):
    def on_test_batch_begin(self, batch, logs=None):
        pass


class PredictBatchEnd(Callback):
    def on_predict_batch_end(self, batch, logs=None):
        pass


class EpochOnly(Callback):
    def on_epoch_end(self, epoch, logs=None):
        pass


@pytest.mark.parametrize("cb_cls, expected", [
    (EpochOnly, {"train": False, "test": False, "predict": False}),
    (TrainBatchEnd, {"train": True, "test": False, "predict": False}),
    (LegacyBatchBegin, {"train": True, "test": False, "predict": False}),
    (BatchBeginInTest, {"train": False, "test": True, "predict": False}),
    (PredictBatchEnd, {"train": False, "test": False, "predict": True}),
])
def test_batch_hooks_are_skipped_when_nobody_implements_them(cb_cls, expected):
    cbs = CallbackList([cb_cls()], add_history=True)
    for mode, want in expected.items():
        assert cbs._should_call_batch_hooks(mode) is want


def test_lambda_callback_batch_function_counts_as_implemented():
    cbs = CallbackList([LambdaCallback(on_train_batch_end=lambda b, logs: None)])
    assert cbs._should_call_batch_hooks("train")
    assert not cbs._should_call_batch_hooks("test")


@pytest.mark.parametrize("verbose, steps, train", [(1, 4, True), (2, 4, False), (2, None, True)])
def test_progbar_needs_batches_only_for_a_live_bar_or_unknown_length(verbose, steps, train):
    cbs = CallbackList(add_progbar=True, verbose=verbose, epochs=1, steps=steps)
    assert cbs._should_call_batch_hooks("train") is train


def test_progbar_test_batches_skipped_inside_fit_but_not_in_evaluate():
    evaluate = CallbackList(add_progbar=True, verbose=1, epochs=1, steps=3)
    evaluate.on_test_begin()
    assert evaluate._should_call_batch_hooks("test")
    fit = CallbackList(add_progbar=True, verbose=1, epochs=1, steps=3, model=FakeModel())
    fit.on_train_begin()
    assert not fit._should_call_batch_hooks("test")


ALL_HOOKS = (["on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
              "on_predict_end"],
             ["on_epoch_begin", "on_epoch_end"] + [f"on_{m}_batch_{w}" for m in ("train", "test", "predict")
                                                   for w in ("begin", "end")] + ["on_batch_begin",
                                                                                 "on_batch_end"])


@pytest.mark.parametrize("hook", ALL_HOOKS[0] + ALL_HOOKS[1])
def test_every_hook_is_dispatched(hook):
    calls = []

    class Spy(Callback):
        pass

    setattr(Spy, hook, lambda self, *args, **kwargs: calls.append((args, kwargs)))
    cbs = CallbackList([Spy()])
    if hook in ALL_HOOKS[0]:
        if hook.endswith("_end"):
            getattr(cbs, hook.replace("_end", "_begin"))()
        getattr(cbs, hook)({"loss": 1})
        assert calls[-1][0] == ({"loss": 1.0},)
    else:
        getattr(cbs, hook)(3, {"loss": 1})
        args, kwargs = calls[-1]
        assert args[0] == 3
        assert (args[1:] or (kwargs["logs"],))[0] == {"loss": 1.0}


def test_end_without_begin_raises():
    cbs = CallbackList()
    with pytest.raises(ValueError, match="called without corresponding"):
        cbs.on_train_end()
    cbs2 = CallbackList()
    cbs2.on_train_begin()
    cbs2.on_test_begin()
    cbs2.on_test_end()
    cbs2.on_train_end()  # nested blocks balance
