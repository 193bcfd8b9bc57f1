"""`History`: per-epoch records, reattached to the model, accumulating across fits when reused."""

from minikeras.callbacks import CallbackList, History


class FakeModel:
    stop_training = False
    history = None


def _fit(cbs, epoch_logs):
    cbs.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        cbs.on_epoch_end(epoch, logs)
    cbs.on_train_end()


def test_records_each_key_per_epoch_and_sets_model_history():
    model = FakeModel()
    cbs = CallbackList(add_history=True, model=model, verbose=0, epochs=2, steps=3)
    _fit(cbs, [{"loss": 2.0, "val_loss": 3.0}, {"loss": 1.0, "val_loss": 2.5}])
    h = model.history
    assert isinstance(h, History)
    assert h.history == {"loss": [2.0, 1.0], "val_loss": [3.0, 2.5]}
    assert h.epoch == [0, 1]
    assert h.params == {"verbose": 0, "epochs": 2, "steps": 3}
    assert h.model is model


def test_reused_history_keeps_values_but_restarts_epochs():
    model = FakeModel()
    h = History()
    _fit(CallbackList([h], model=model), [{"loss": 3.0}, {"loss": 2.0}])
    _fit(CallbackList([h], model=model), [{"loss": 1.0}])
    assert h.history == {"loss": [3.0, 2.0, 1.0]}
    assert h.epoch == [0]


def test_fresh_history_per_fit_by_default():
    model = FakeModel()
    _fit(CallbackList(add_history=True, model=model), [{"loss": 3.0}])
    first = model.history
    _fit(CallbackList(add_history=True, model=model), [{"loss": 1.0}])
    assert model.history is not first
    assert model.history.history == {"loss": [1.0]}
    assert first.history == {"loss": [3.0]}


def test_none_logs_record_only_the_epoch():
    h = History()
    h.set_model(FakeModel())
    h.on_train_begin()
    h.on_epoch_end(0, None)
    assert h.epoch == [0] and h.history == {}
