"""The one place minikeras prints from (Keras's `keras.utils.io_utils`).

Progress bars and callback messages all go through `print_msg`, so a test can
capture them with pytest's `capsys`, and a server job can route them to the
`logging` module with `disable_interactive_logging()`.
"""

import logging
import sys

_STATE = {"interactive_logging": True}
_LOGGER = logging.getLogger("minikeras")


def enable_interactive_logging():
    """Send messages (progress bars, callback notes) to stdout. The default."""
    _STATE["interactive_logging"] = True


def disable_interactive_logging():
    """Send messages to the `logging` module (logger "minikeras", level INFO) instead of stdout."""
    _STATE["interactive_logging"] = False


def is_interactive_logging_enabled():
    """Whether messages go to stdout (True) or to `logging` (False)."""
    return _STATE["interactive_logging"]


def print_msg(message, line_break=True):
    """Write `message` to stdout (plus a newline unless `line_break=False`) and flush.

    `sys.stdout` is looked up on every call so redirections made after import
    (pytest's capsys, `contextlib.redirect_stdout`) are honoured.
    """
    message = str(message)
    if not is_interactive_logging_enabled():
        _LOGGER.info(message)
        return
    if line_break:
        message += "\n"
    stream = sys.stdout
    try:
        stream.write(message)
    except UnicodeEncodeError:
        # A terminal that cannot show the bar character gets Keras 2's "=" bar.
        encoding = getattr(stream, "encoding", None) or "utf-8"
        message = message.replace("\u2501", "=").encode(encoding, errors="ignore").decode(encoding)
        stream.write(message)
    stream.flush()
