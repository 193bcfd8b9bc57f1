"""`LearningRateScheduler`: sets the learning rate from the schedule at each epoch start."""

import numpy as np
import pytest

from minikeras.callbacks import CallbackList, LearningRateScheduler


class FakeOptimizer:
    def __init__(self, lr=0.1, name="sgd"):
        self.learning_rate = lr
        self.iterations = 0
        self.name = name


class FakeModel:
    def __init__(self, optimizer=None):
        self.stop_training = False
        self.optimizer = optimizer or FakeOptimizer()
        self.history = None


def run(cb, epochs, model=None):
    model = model or FakeModel()
    cbs = CallbackList([cb], add_history=True, model=model)
    cbs.on_train_begin()
    seen = []
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        seen.append(model.optimizer.learning_rate)
        cbs.on_epoch_end(epoch, {"loss": 1.0})
    cbs.on_train_end()
    return seen, model


def test_two_argument_schedule_sees_current_lr():
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return lr * 0.5

    seen, model = run(LearningRateScheduler(schedule), 3)
    assert seen == [0.05, 0.025, 0.0125]
    assert calls == [(0, 0.1), (1, 0.05), (2, 0.025)]
    assert model.history.history["learning_rate"] == [0.05, 0.025, 0.0125]


def test_one_argument_schedule_old_api():
    seen, _ = run(LearningRateScheduler(lambda epoch: 1.0 / (epoch + 1)), 3)
    assert seen == [1.0, 0.5, 1.0 / 3]


@pytest.mark.parametrize("value", [np.float32(0.5), np.float64(0.5), 0.5])
def test_float_types_accepted(value):
    seen, _ = run(LearningRateScheduler(lambda epoch, lr: value), 1)
    assert seen == [value]


@pytest.mark.parametrize("value", [1, "0.1", np.array(0.1), None])
def test_non_float_output_raises(value):
    with pytest.raises(ValueError, match="The output of the `schedule` function should be a float. Got: "):
        run(LearningRateScheduler(lambda epoch, lr: value), 1)


def test_optimizer_without_learning_rate_raises():
    model = FakeModel()
    model.optimizer = object()
    with pytest.raises(ValueError, match='Optimizer must have a "learning_rate" attribute.'):
        run(LearningRateScheduler(lambda e, lr: 0.1), 1, model=model)


def test_verbose_message(capsys):
    run(LearningRateScheduler(lambda e, lr: 0.5, verbose=1), 2)
    out = capsys.readouterr().out
    assert out == ("\nEpoch 1: LearningRateScheduler setting learning rate to 0.5.\n"
                   "\nEpoch 2: LearningRateScheduler setting learning rate to 0.5.\n")


def test_multi_optimizer():
    class Multi:
        def __init__(self):
            self.optimizers = [FakeOptimizer(0.1, "a"), FakeOptimizer(0.2, "b")]
            self.learning_rate = 0.1

    model = FakeModel(Multi())
    cb = LearningRateScheduler(lambda e, lr: lr / 2)
    cb.set_model(model)
    cb.on_epoch_begin(0)
    logs = {"loss": 1.0}
    cb.on_epoch_end(0, logs)
    assert [o.learning_rate for o in model.optimizer.optimizers] == [0.05, 0.1]
    assert logs == {"loss": 1.0, "learning_rate_a": 0.05, "learning_rate_b": 0.1}
