"""Atomic file writes: a crash or a kill mid-write never leaves a half-written file.

Every file minikeras writes (`.keras` archives, `.weights.h5`, checkpoints)
goes through here: the bytes go to a temporary file in the *same* directory
(so the final rename never crosses a filesystem), are flushed and fsynced,
and only then `os.replace` moves the file over the target in one step. A
reader sees either the previous file or the new one, never a mixture.
"""

import contextlib
import os
import tempfile


def _fsync_directory(dirpath):
    """Make the rename itself durable (POSIX); silently skipped where directories cannot be opened."""
    try:
        fd = os.open(dirpath, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temporary_path(filepath):
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"Cannot write '{filepath}': the directory '{directory}' does not exist.")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(filepath)}.", suffix=".tmp")
    return fd, tmp, directory


@contextlib.contextmanager
def atomic_write(filepath, mode="wb"):
    """Open a temporary file for writing; on success it replaces `filepath` atomically.

    If the body raises, the temporary file is removed and `filepath` is left
    exactly as it was.

    Example:

        with atomic_write("model.keras") as f:
            f.write(data)
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"`mode` must be 'wb' or 'w'. Received: mode={mode!r}")
    fd, tmp, directory = _temporary_path(filepath)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_directory(directory)


def write_bytes_atomically(filepath, data):
    """Write `data` (bytes) to `filepath` atomically."""
    with atomic_write(filepath, "wb") as f:
        f.write(data)


def write_text_atomically(filepath, text):
    """Write `text` (UTF-8) to `filepath` atomically."""
    write_bytes_atomically(filepath, text.encode("utf-8"))
