"""`CSVLogger`: stream each epoch's logs to a CSV file."""

import collections.abc
import csv
import os

import numpy as np

from minikeras.callbacks.callback import Callback


def _cell(value):
    """Strings as is; 1-D iterables as a quoted "[a, b]" list; everything else via csv's str()."""
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Callback that streams epoch results to a CSV file.

    The header is `epoch` followed by the log keys of the first epoch, sorted;
    when that epoch has no `val_*` key, `val_<key>` columns are added for every
    key (filled with `NA` when missing). Rows end in `\\r\\n` (the csv module's
    excel dialect). The file is opened in `on_train_begin` and closed in
    `on_train_end`.

    Args:
        filename: Filename of the CSV file, e.g. `'run/log.csv'` (str or PathLike).
        separator: String used to separate elements in the CSV file.
        append: Boolean. True: append if the file exists (the header is written
            only if the file is empty). False: overwrite.

    Example:
        >>> csv_logger = CSVLogger("training.log")
        >>> model.fit(x_train, y_train, callbacks=[csv_logger])
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename) if isinstance(filename, os.PathLike) else filename
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, "r") as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, mode)
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                # No validation yet: reserve the columns validation would fill.
                self.keys.extend([f"val_{k}" for k in self.keys])

        if not self.writer:
            dialect = type("CustomDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + (self.keys or []),
                                         dialect=dialect)
            if self.append_header:
                self.writer.writeheader()

        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
