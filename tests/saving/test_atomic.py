"""Atomic writes: an interrupted or killed save leaves the previous file intact."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import minikeras
from minikeras.saving.atomic import atomic_write, write_bytes_atomically, write_text_atomically


def test_write_replaces_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    write_bytes_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    write_text_atomically(path, "text é")
    assert path.read_text(encoding="utf-8") == "text é"
    assert os.listdir(tmp_path) == ["f.bin"]


def test_exception_mid_write_keeps_previous_file(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"previous")
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_write(path) as f:
            f.write(b"half of the new")
            raise RuntimeError("boom")
    assert path.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["f.bin"]


def test_temporary_file_is_in_the_same_directory(tmp_path):
    path = tmp_path / "f.bin"
    with atomic_write(path) as f:
        f.write(b"x")
        (temporary,) = os.listdir(tmp_path)
        assert temporary.startswith(".f.bin.") and temporary.endswith(".tmp")
        assert not path.exists()
    assert os.listdir(tmp_path) == ["f.bin"]


def test_missing_directory_and_bad_mode(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_bytes_atomically(tmp_path / "no" / "f.bin", b"x")
    with pytest.raises(ValueError, match="`mode` must be 'wb' or 'w'"):
        with atomic_write(tmp_path / "f", mode="a"):
            pass


def test_failed_model_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    model = minikeras.Sequential([minikeras.Input((3,)), minikeras.layers.Dense(2)])
    path = tmp_path / "m.keras"
    model.save(path)
    before = path.read_bytes()
    model.layers[0].kernel.assign(np.ones((3, 2)))

    def failing_weights(_model):
        raise OSError("disk full")

    monkeypatch.setattr("minikeras.saving.weights_store.weights_to_h5_bytes", failing_weights)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before


CHILD = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    import minikeras
    from minikeras.saving import atomic

    directory = sys.argv[1]
    real_fdopen = os.fdopen
    calls = []

    class HangingFile:
        # Writes half of what it is given, flushes it to disk, then waits to be killed.
        def __init__(self, f):
            self.f = f
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self.f.__exit__(*exc)
        def __getattr__(self, name):
            return getattr(self.f, name)
        def write(self, data):
            self.f.write(data[: len(data) // 2])
            self.f.flush()
            os.fsync(self.f.fileno())
            open(os.path.join(directory, "child_is_writing"), "w").close()
            time.sleep(600)

    def fdopen(fd, mode="r", *args, **kwargs):
        f = real_fdopen(fd, mode, *args, **kwargs)
        calls.append(1)
        return HangingFile(f) if len(calls) == 2 else f   # the second checkpoint hangs mid-write

    atomic.os.fdopen = fdopen
    minikeras.utils.set_random_seed(0)
    x = np.random.RandomState(0).rand(32, 4).astype("float32")
    y = np.random.RandomState(1).rand(32, 1).astype("float32")
    model = minikeras.Sequential([minikeras.Input((4,)), minikeras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    checkpoint = minikeras.callbacks.ModelCheckpoint(os.path.join(directory, "ckpt.keras"), monitor="loss")
    model.fit(x, y, epochs=3, verbose=0, callbacks=[checkpoint])
""")


def test_killed_mid_checkpoint_leaves_previous_checkpoint_loadable(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen([sys.executable, str(script), str(tmp_path)])
    marker = tmp_path / "child_is_writing"
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, f"the child exited early with code {child.returncode}"
            assert time.monotonic() < deadline, "the child never reached the second checkpoint"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    leftovers = [name for name in os.listdir(tmp_path) if name.startswith(".ckpt.keras.")]
    assert leftovers, "the half-written temporary file should exist (the kill happened mid-write)"
    model = minikeras.models.load_model(tmp_path / "ckpt.keras")
    assert int(model.optimizer.iterations.numpy()) == 1  # the first epoch's checkpoint, intact
    assert model.predict(np.zeros((1, 4), dtype="float32"), verbose=0).shape == (1, 1)
