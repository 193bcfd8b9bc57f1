"""Non-interactive plotting under the drop-in: `plt.show()` neither blocks nor fails without a display."""

import os
import sys
import warnings


def has_display():
    """Whether a GUI backend could open a window (X11/Wayland on Linux; assumed elsewhere)."""
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def use_agg_without_display(environ=None):
    """Select matplotlib's Agg backend (MPLBACKEND=Agg) when there is no display and none was chosen.

    Also silences matplotlib's "non-interactive, cannot be shown" warning that
    `plt.show()` gives under Agg: the script asked to show, there is nowhere to show.
    Returns True when Agg was selected.
    """
    environ = os.environ if environ is None else environ
    if has_display() or environ.get("MPLBACKEND"):
        return False
    environ["MPLBACKEND"] = "Agg"
    warnings.filterwarnings("ignore", message=r".*(non-interactive|non-GUI backend).*cannot be shown",
                            category=UserWarning)
    warnings.filterwarnings("ignore", message=r"FigureCanvasAgg is non-interactive", category=UserWarning)
    return True
