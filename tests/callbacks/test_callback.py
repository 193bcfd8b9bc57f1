"""The base `Callback`: every Keras hook, with Keras's signatures, doing nothing by default."""

import inspect

import pytest

from minikeras.callbacks import Callback
from minikeras.callbacks.callback import is_default

BATCH_HOOKS = [f"on_{m}_batch_{w}" for m in ("train", "test", "predict") for w in ("begin", "end")] + [
    "on_batch_begin", "on_batch_end"]
EPOCH_HOOKS = ["on_epoch_begin", "on_epoch_end"]
BLOCK_HOOKS = [f"on_{m}_{w}" for m in ("train", "test", "predict") for w in ("begin", "end")]


@pytest.mark.parametrize("name", BATCH_HOOKS)
def test_batch_hook_signature(name):
    assert list(inspect.signature(getattr(Callback, name)).parameters) == ["self", "batch", "logs"]
    assert inspect.signature(getattr(Callback, name)).parameters["logs"].default is None


@pytest.mark.parametrize("name", EPOCH_HOOKS)
def test_epoch_hook_signature(name):
    assert list(inspect.signature(getattr(Callback, name)).parameters) == ["self", "epoch", "logs"]


@pytest.mark.parametrize("name", BLOCK_HOOKS)
def test_block_hook_signature(name):
    assert list(inspect.signature(getattr(Callback, name)).parameters) == ["self", "logs"]


@pytest.mark.parametrize("name", BATCH_HOOKS + EPOCH_HOOKS + BLOCK_HOOKS)
def test_base_hooks_are_marked_default_and_overrides_are_not(name):
    cb = Callback()
    assert is_default(getattr(cb, name))

    class Sub(Callback):
        pass

    setattr(Sub, name, lambda self, *a, **k: None)
    assert not is_default(getattr(Sub(), name))


def test_init_set_params_set_model_and_model_property():
    cb = Callback()
    assert cb.params is None and cb.model is None
    cb.set_params({"epochs": 3})
    assert cb.params == {"epochs": 3}
    sentinel = object()
    cb.set_model(sentinel)
    assert cb.model is sentinel


@pytest.mark.parametrize("mode", ["begin", "end"])
def test_train_batch_hook_forwards_to_legacy_alias(mode):
    seen = []

    class Legacy(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch, logs))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, logs))

    getattr(Legacy(), f"on_train_batch_{mode}")(4, logs={"loss": 1.0})
    assert seen == [(mode, 4, {"loss": 1.0})]


def test_test_and_predict_batch_hooks_do_not_forward_to_alias():
    seen = []

    class Legacy(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(batch)

    cb = Legacy()
    cb.on_test_batch_end(1)
    cb.on_predict_batch_end(2)
    assert seen == []
