"""`LambdaCallback`: plain functions as hooks."""

import pytest

from minikeras.callbacks import CallbackList, LambdaCallback

NAMED = ["on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end", "on_train_batch_begin",
         "on_train_batch_end"]


@pytest.mark.parametrize("name", NAMED)
def test_named_hooks_are_called(name):
    calls = []
    cb = LambdaCallback(**{name: lambda *args, **kwargs: calls.append((args, kwargs))})
    cbs = CallbackList([cb])
    if "batch" in name or "epoch" in name:
        getattr(cbs, name)(2, {"loss": 1.0})
        assert calls[0][0][0] == 2
    else:
        cbs.on_train_begin()
        if name == "on_train_end":
            cbs.on_train_end({"loss": 1.0})
        assert calls[-1][0][-1] == ({} if name == "on_train_begin" else {"loss": 1.0})


@pytest.mark.parametrize("name", ["on_test_begin", "on_test_end", "on_predict_batch_end", "on_test_batch_end",
                                  "on_predict_begin", "on_batch_end"])
def test_other_hooks_by_keyword(name):
    calls = []
    cb = LambdaCallback(**{name: lambda *args, **kwargs: calls.append(args)})
    hook = getattr(cb, name)
    if "batch" in name:
        hook(1, logs={})
    else:
        hook({})
    assert len(calls) == 1


def test_unset_hooks_stay_default_so_batches_are_skipped():
    cbs = CallbackList([LambdaCallback(on_epoch_end=lambda e, logs: None)])
    assert not cbs._should_call_batch_hooks("train")
    cbs = CallbackList([LambdaCallback(on_train_batch_begin=lambda b, logs: None)])
    assert cbs._should_call_batch_hooks("train")


def test_batch_function_receives_logs_as_keyword():
    got = {}
    cb = LambdaCallback(on_train_batch_end=lambda batch, logs: got.update(batch=batch, logs=logs))
    CallbackList([cb]).on_train_batch_end(5, {"loss": 2})
    assert got == {"batch": 5, "logs": {"loss": 2.0}}
