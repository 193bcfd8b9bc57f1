"""`CSVLogger`: header, val_ columns, NA, separator, append, lists, file closed at the end."""

import numpy as np
import pytest

from minikeras.callbacks import CSVLogger


def run(cb, epoch_logs):
    cb.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        cb.on_epoch_end(epoch, logs)
    cb.on_train_end()


def read(path):
    with open(path, newline="") as f:
        return f.read()


def test_header_sorted_and_rows_with_validation(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(str(path)), [{"loss": 0.5, "accuracy": 0.25, "val_loss": 0.75, "val_accuracy": 0.125}])
    assert read(path) == "epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.25,0.5,0.125,0.75\r\n"


def test_val_columns_reserved_and_filled_with_na(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(path), [{"loss": 0.5}, {"loss": 0.25, "val_loss": 0.5}])
    assert read(path) == "epoch,loss,val_loss\r\n0,0.5,NA\r\n1,0.25,0.5\r\n"


def test_separator(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(path, separator=";"), [{"loss": 1.5}])
    assert read(path) == "epoch;loss;val_loss\r\n0;1.5;NA\r\n"


@pytest.mark.parametrize("append, expected", [
    (True, "epoch,loss,val_loss\r\n0,1.0,NA\r\n0,2.0,NA\r\n"),
    (False, "epoch,loss,val_loss\r\n0,2.0,NA\r\n"),
])
def test_append_or_overwrite(tmp_path, append, expected):
    path = tmp_path / "log.csv"
    cb = CSVLogger(path, append=append)
    run(cb, [{"loss": 1.0}])
    run(cb, [{"loss": 2.0}])
    assert read(path) == expected


def test_append_to_empty_file_writes_header(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("")
    run(CSVLogger(path, append=True), [{"loss": 1.0}])
    assert read(path) == "epoch,loss,val_loss\r\n0,1.0,NA\r\n"


def test_iterables_and_strings_and_zero_d_arrays(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(path), [{"a": np.array([1, 2]), "b": "text", "c": np.array(3.5), "val_a": [0.5]}])
    assert read(path) == 'epoch,a,b,c,val_a\r\n0,"""[1, 2]""",text,3.5,"""[0.5]"""\r\n'


def test_file_is_closed_at_train_end_and_flushed_each_epoch(tmp_path):
    path = tmp_path / "log.csv"
    cb = CSVLogger(path)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0})
    assert read(path).endswith("0,1.0,NA\r\n")  # visible before the end of training
    cb.on_train_end()
    assert cb.csv_file.closed and cb.writer is None


def test_empty_logs_write_epoch_only(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(path), [{}, None])
    assert read(path) == "epoch\r\n0\r\n1\r\n"


def test_attributes():
    cb = CSVLogger("x.csv", separator="\t", append=True)
    assert (cb.filename, cb.sep, cb.append) == ("x.csv", "\t", True)
