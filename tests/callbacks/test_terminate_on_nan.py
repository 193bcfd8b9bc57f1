"""`TerminateOnNaN`: stops (or raises) on a NaN/Inf batch loss."""

import numpy as np
import pytest

from minikeras.callbacks import CallbackList, TerminateOnNaN


class FakeModel:
    stop_training = False
    history = None


@pytest.mark.parametrize("loss", [float("nan"), float("inf"), -float("inf"), np.float32("nan")])
def test_invalid_loss_stops_training(loss, capsys):
    model = FakeModel()
    cbs = CallbackList([TerminateOnNaN()], model=model)
    assert cbs._should_call_batch_hooks("train")
    cbs.on_train_batch_end(3, {"loss": loss})
    assert model.stop_training is True
    assert capsys.readouterr().out == "Batch 3: Invalid loss, terminating training\n"


@pytest.mark.parametrize("logs", [{"loss": 1.0}, {}, None, {"accuracy": float("nan")}])
def test_valid_or_missing_loss_keeps_training(logs):
    model = FakeModel()
    cb = TerminateOnNaN()
    cb.set_model(model)
    cb.on_batch_end(0, logs)
    assert model.stop_training is False


def test_raise_error():
    cb = TerminateOnNaN(raise_error=True)
    cb.set_model(FakeModel())
    with pytest.raises(RuntimeError, match=r"NaN or Inf loss encountered at batch 7. Loss value: nan. "
                                           r"Terminating training immediately."):
        cb.on_train_batch_end(7, {"loss": float("nan")})
    assert cb.model.stop_training is False
