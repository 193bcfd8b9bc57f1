"""`ModelCheckpoint` and `BackupAndRestore`."""

import json
import os

import numpy as np
import pytest

import minikeras
from minikeras import layers
from minikeras.callbacks import BackupAndRestore, Callback, ModelCheckpoint


def data(n=32, seed=0):
    rng = np.random.RandomState(seed)
    return rng.rand(n, 4).astype("float32"), rng.randint(0, 2, (n, 1)).astype("float32")


def model(lr=0.01):
    m = minikeras.Sequential([minikeras.Input((4,)), layers.Dense(3, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer=minikeras.optimizers.Adam(lr), loss="binary_crossentropy", metrics=["accuracy"])
    return m


class Scripted(Callback):
    """Replace the epoch's logs with scripted values (before ModelCheckpoint sees them)."""

    def __init__(self, key, values):
        super().__init__()
        self.key, self.values = key, values

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


# -- arguments -----------------------------------------------------------------------------------
def test_filepath_extension_checks(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `.keras` \(Keras model format\). Received: filepath=.*m.txt"):
        ModelCheckpoint(str(tmp_path / "m.txt"))
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match="Unrecognized save_freq: 'batch'|Unrecognized save_freq: batch"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")


# -- templates and frequency ------------------------------------------------------------------------
def test_epoch_and_log_templates(tmp_path):
    x, y = data()
    pattern = str(tmp_path / "model_{epoch:02d}-{val_loss:.2f}.keras")
    m = model()
    history = m.fit(x, y, validation_split=0.25, epochs=3, verbose=0, callbacks=[ModelCheckpoint(pattern)])
    expected = sorted(f"model_{e + 1:02d}-{v:.2f}.keras" for e, v in enumerate(history.history["val_loss"]))
    assert sorted(os.listdir(tmp_path)) == expected
    last = minikeras.models.load_model(tmp_path / expected[-1])
    np.testing.assert_array_equal(last.predict(x, verbose=0), m.predict(x, verbose=0))


def test_weights_only(tmp_path):
    x, y = data()
    m = model()
    m.fit(x, y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(str(tmp_path / "w{epoch}.weights.h5"),
                                                                save_weights_only=True)])
    assert sorted(os.listdir(tmp_path)) == ["w1.weights.h5", "w2.weights.h5"]
    other = model()
    other.load_weights(tmp_path / "w2.weights.h5")
    for a, b in zip(m.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_integer_save_freq_and_batch_template(tmp_path):
    x, y = data(40)
    m = model()
    m.fit(x, y, batch_size=8, epochs=2, verbose=0,
          callbacks=[ModelCheckpoint(str(tmp_path / "e{epoch}b{batch}.keras"), save_freq=3)])
    # 5 batches per epoch: saves after batches 3 (epoch 1), 6 -> epoch 2 batch 1, 9 -> epoch 2 batch 4.
    assert sorted(os.listdir(tmp_path)) == ["e1b3.keras", "e2b1.keras", "e2b4.keras"]


def test_missing_template_key(tmp_path):
    x, y = data()
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        model().fit(x, y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(str(tmp_path / "{nope}.keras"))])


def test_creates_directories(tmp_path):
    x, y = data()
    model().fit(x, y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(str(tmp_path / "a" / "b" / "m.keras"))])
    assert os.path.exists(tmp_path / "a" / "b" / "m.keras")


def test_existing_directory_as_filepath(tmp_path):
    (tmp_path / "d.keras").mkdir()
    x, y = data()
    with pytest.raises(IOError, match="non-directory filepath"):
        model().fit(x, y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(str(tmp_path / "d.keras"))])


# -- best only -------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode, values, saved_epochs", [
    ("min", [0.5, 0.4, 0.6, 0.3], [1, 2, 4]),
    ("max", [0.5, 0.4, 0.6, 0.3], [1, 3]),
    ("auto", [0.5, 0.4, 0.6, 0.3], [1, 2, 4]),  # a loss: minimised
])
def test_save_best_only(tmp_path, mode, values, saved_epochs, capsys):
    x, y = data()
    saves = []

    class Spy(ModelCheckpoint):
        def _save_model(self, epoch, batch, logs):
            before = self.best
            super()._save_model(epoch, batch, logs)
            if self.best != before:
                saves.append(epoch + 1)

    m = model()
    m.fit(x, y, epochs=4, verbose=0, callbacks=[
        Scripted("val_loss", values),
        Spy(str(tmp_path / "best.keras"), monitor="val_loss", mode=mode, save_best_only=True, verbose=1)])
    assert saves == saved_epochs
    out = capsys.readouterr().out
    assert f"Epoch 1: val_loss improved from None to {values[0]:.5f}, saving model to" in out
    assert "finished saving model to" in out
    assert ("did not improve from" in out) == (len(saved_epochs) < 4)
    assert os.listdir(tmp_path) == ["best.keras"]


def test_auto_mode_maximises_accuracy(tmp_path):
    x, y = data()
    checkpoint = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_accuracy", save_best_only=True)
    model().fit(x, y, epochs=3, verbose=0, callbacks=[Scripted("val_accuracy", [0.5, 0.7, 0.6]), checkpoint])
    assert checkpoint.best == 0.7


def test_initial_value_threshold(tmp_path):
    x, y = data()
    checkpoint = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_loss", mode="min", save_best_only=True,
                                 initial_value_threshold=0.3)
    model().fit(x, y, epochs=2, verbose=0, callbacks=[Scripted("val_loss", [0.5, 0.4]), checkpoint])
    assert not os.path.exists(tmp_path / "m.keras")
    assert checkpoint.best == 0.3


def test_missing_monitor_warns_and_saves(tmp_path):
    x, y = data()
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        model().fit(x, y, epochs=1, verbose=0,
                    callbacks=[ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True)])
    assert os.path.exists(tmp_path / "m.keras")


def test_verbose_plain_save_message(tmp_path, capsys):
    x, y = data()
    path = str(tmp_path / "m.keras")
    model().fit(x, y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(path, verbose=1)])
    assert f"\nEpoch 1: saving model to {path}\n" in capsys.readouterr().out


def test_most_recent_matching_file(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "m{epoch:02d}.keras"))
    for i, name in enumerate(["m01.keras", "m03.keras", "m02.keras"]):
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (1000 + i, 1000 + i))
    assert checkpoint._get_most_recently_modified_file_matching_pattern(
        str(tmp_path / "m{epoch:02d}.keras")) == str(tmp_path / "m02.keras")
    os.utime(tmp_path / "m03.keras", (1002, 1002))  # a tie: the largest name wins
    assert checkpoint._get_most_recently_modified_file_matching_pattern(
        str(tmp_path / "m{epoch:02d}.keras")) == str(tmp_path / "m03.keras")


# -- BackupAndRestore --------------------------------------------------------------------------------
class StopAt(Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("interrupted")


def test_backup_and_restore_resumes_exactly(tmp_path):
    x, y = data(48)
    minikeras.utils.set_random_seed(1)
    reference = model()
    initial = reference.get_weights()
    reference.fit(x, y, epochs=6, batch_size=16, shuffle=False, verbose=0)

    m = model()
    m.set_weights(initial)
    backup = BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(RuntimeError, match="interrupted"):
        m.fit(x, y, epochs=6, batch_size=16, shuffle=False, verbose=0, callbacks=[backup, StopAt(4)])
    metadata = json.loads((tmp_path / "backup" / "training_metadata.json").read_text())
    assert metadata == {"epoch": 4, "batch": 0}

    resumed = model()  # a fresh process would rebuild the model from code
    resumed.set_weights([np.zeros_like(w) for w in initial])
    history = resumed.fit(x, y, epochs=6, batch_size=16, shuffle=False, verbose=0, callbacks=[backup])
    assert history.epoch == [4, 5]
    for a, b in zip(reference.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(resumed.optimizer.iterations.numpy()) == 18
    assert not os.path.exists(tmp_path / "backup")  # deleted after a successful run


def test_backup_keep_and_double_checkpoint(tmp_path):
    x, y = data()
    backup = BackupAndRestore(str(tmp_path / "b"), double_checkpoint=True, delete_checkpoint=False)
    model().fit(x, y, epochs=2, verbose=0, callbacks=[backup])
    assert sorted(os.listdir(tmp_path / "b")) == ["latest.weights.h5", "latest.weights.h5.bkp",
                                                  "training_metadata.json", "training_metadata.json.bkp"]
    # A corrupted latest backup falls back on the previous one.
    (tmp_path / "b" / "latest.weights.h5").write_bytes(b"garbage")
    m = model()
    history = m.fit(x, y, epochs=3, verbose=0, callbacks=[backup])
    assert history.epoch == [1, 2]


def test_backup_batch_frequency(tmp_path):
    x, y = data(40)
    backup = BackupAndRestore(str(tmp_path / "b"), save_freq=2, delete_checkpoint=False)
    model().fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[backup])
    # 5 batches, saves after batches 2 and 4; with an integer save_freq the epoch end does not save (Keras).
    assert json.loads((tmp_path / "b" / "training_metadata.json").read_text()) == {"epoch": 0, "batch": 3}


def test_backup_arguments():
    with pytest.raises(ValueError, match="Empty `backup_dir` argument passed"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="Invalid value for argument `save_freq`"):
        BackupAndRestore("d", save_freq="batch")


def test_backup_needs_built_model(tmp_path):
    m = minikeras.Sequential([layers.Dense(1)])
    m.compile("sgd", "mse")
    backup = BackupAndRestore(str(tmp_path / "b"))
    backup.set_model(m)
    with pytest.raises(ValueError, match="must be built before you call `fit\\(\\)`"):
        backup.on_train_begin()
