"""`Progbar`: the progress bar `fit`, `evaluate` and `predict` print (Keras 3's look, to the byte).

verbose=1, one line redrawn in place (the bar is 20 "━", green for the done part)::

    9/9 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - accuracy: 0.3455 - loss: 1.0925

verbose=2, one line when the bar is finalised::

    9/9 - 0s - 3ms/step - accuracy: 0.3455 - loss: 1.0925

Metric values print as `%.4f`, or `%.4e` when they are small (|v| <= 1e-3 for
verbose=1; v <= 1e-3, so negatives too, for verbose=2, as Keras does).
"""

import math
import os
import sys
import time

import numpy as np

from minikeras.utils import io_utils

_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"
_GRAY = "\x1b[37m"
_RESET = "\x1b[0m"
_BAR_CHAR = "\u2501"  # "━"
# Characters of each escape-wrapped piece that take no room on screen.
_BOLD_LEN = len(_BOLD) + len(_RESET)
_COLOR_LEN = len(_GREEN) + len(_RESET)


def _dynamic_display():
    """Whether the bar is redrawn in place with backspaces and a carriage return.

    Keras also counts any POSIX interpreter (the `posix` module is always loaded
    there) as dynamic, so on Linux and macOS the bar is redrawn in place even
    when stdout is a file or a pipe. Windows with redirected output gets one
    line per update, each starting with a newline.
    """
    stdout = sys.stdout
    return bool(
        (hasattr(stdout, "isatty") and stdout.isatty())
        or "ipykernel" in sys.modules
        or "posix" in sys.modules
        or "PYCHARM_HOSTED" in os.environ
    )


def _format_duration_per_unit(seconds, unit_name):
    """' 2ms/step', ' 1s/step', ' 35us/step' (0 shows as ' 0s/step')."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta):
    """'h:mm:ss' past an hour, 'm:ss' past a minute, else whole seconds."""
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


def _mean_of(entry):
    """The displayed value of a `[weighted_sum, weight]` pair."""
    total, weight = entry
    if not isinstance(total, float):
        total = np.mean(total)
    return total / max(1, weight)


class Progbar:
    """Displays a progress bar.

    If neither `stateful_metrics` nor `stateless_metrics` is given, every metric is
    stateless: the bar shows its step-weighted average over the updates so far.

    Args:
        target: Total number of steps expected, None if unknown.
        width: Progress bar width on screen.
        verbose: Verbosity mode, 0 (silent), 1 (verbose), 2 (semi-verbose).
        interval: Minimum visual progress update interval (in seconds).
        stateful_metrics: Iterable of metric names displayed as given (not
            averaged). Mutually exclusive with `stateless_metrics`.
        stateless_metrics: Iterable of metric names that are averaged; all the
            others are displayed as given. Mutually exclusive with
            `stateful_metrics`.
        unit_name: Display name for step counts (usually "step" or "sample").

    Example:
        >>> bar = Progbar(target=3)
        >>> for step in range(1, 4):
        ...     bar.update(step, values=[("loss", 0.5)])
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` can be provided. "
                "`stateful_metrics` is used to make metrics stateless by default (with an "
                "exclusion list), while `stateless_metrics` is used to make metrics stateful "
                "by default (with an exclusion list)."
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set(stateful_metrics or ())
            self.stateless_metrics = None
        self._dynamic_display = _dynamic_display()
        self._seen_so_far = 0
        self._values = {}  # name -> [weighted sum, weight]
        self._values_order = []
        self._start = time.time()
        self._last_update = 0
        self._time_at_epoch_start = self._start
        self._time_after_first_step = None
        self._prev_total_width = 0

    # -- public -----------------------------------------------------------------------------------
    def update(self, current, values=None, finalize=None):
        """Updates the progress bar.

        Args:
            current: Index of current step.
            values: List of tuples `(name, value_for_last_step)`. Stateful metrics
                are displayed as given; the others are averaged over time.
            finalize: Whether this is the last update for the progress bar. If
                `None`, defaults to `current >= self.target`.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values or [], finalize)
        self._seen_so_far = current

        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return  # throttled: the last draw time stays, so the next update may draw
            self._draw_bar(current, now, time_per_unit, finalize)
        elif self.verbose == 2:
            if finalize and self._has_target():
                self._print_summary_line(current, now, time_per_unit)
        self._last_update = now

    def add(self, n, values=None):
        """Advance the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    # -- bookkeeping ----------------------------------------------------------------------------------
    def _is_stateless(self, name):
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _record(self, current, values, finalize):
        for name, v in values:
            if name not in self._values_order:
                self._values_order.append(name)
            if not self._is_stateless(name) or finalize:
                # Shown as given. A final update replaces the running average too,
                # since the caller then passes the epoch's aggregate.
                self._values[name] = [v, 1]
                continue
            # Weight by the steps since the last update; at least 1 so a repeated
            # step (no target in the first epoch) does not zero the metric.
            steps = max(current - self._seen_so_far, 1)
            entry = self._values.get(name)
            if entry is None:
                self._values[name] = [v * steps, steps]
            else:
                entry[0] += v * steps
                entry[1] += steps

    def _has_target(self):
        return self.target is not None and self.target > 0

    def _estimate_step_duration(self, current, now):
        """Seconds per step; the first step (often slow: set-up) is left out once there are more."""
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit

    # -- rendering ----------------------------------------------------------------------------------
    def _counter(self, current):
        digits = int(math.log10(self.target)) + 1
        return f"%{digits}d/%d" % (current, self.target)

    def _draw_bar(self, current, now, time_per_unit, finalize):
        hidden = 0  # escape characters, which take no room on screen
        if self._has_target():
            bar = f"{_BOLD}{self._counter(current)}{_RESET} "
            hidden += _BOLD_LEN
            done = int(self.width * (float(current) / self.target))
            if done > 0:
                bar += f"{_GREEN}{_BAR_CHAR * done}{_RESET}"
                hidden += _COLOR_LEN
            bar += f"{_GRAY}{_BAR_CHAR * (self.width - done)}{_RESET}"
            hidden += _COLOR_LEN
        else:
            bar = "%7d/Unknown" % current

        if self._has_target() and not finalize:
            clock = _format_eta(time_per_unit * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        info = f" {_BOLD}{clock}{_RESET}"
        hidden += _BOLD_LEN
        info += _format_duration_per_unit(time_per_unit, self.unit_name)
        for name in self._values_order:
            avg = _mean_of(self._values[name])
            info += f" - {name}: {avg:.4f}" if abs(avg) > 1e-3 else f" - {name}: {avg:.4e}"

        if self._dynamic_display:
            message = "\b" * self._prev_total_width + "\r"
        else:
            message = "\n"
        message += bar + info
        total_width = len(bar) + len(info) - hidden
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)  # wipe the longer old line
        if finalize:
            message += "\n"
        io_utils.print_msg(message, line_break=False)
        self._prev_total_width = total_width

    def _print_summary_line(self, current, now, time_per_unit):
        line = f"{self._counter(current)} - {now - self._start:.0f}s"
        line += " -" + _format_duration_per_unit(time_per_unit, self.unit_name)
        for name in self._values_order:
            avg = _mean_of(self._values[name])
            # Keras tests `avg > 1e-3` here (no abs), so negative values print as %.4e.
            line += f" - {name}: {avg:.4f}" if avg > 1e-3 else f" - {name}: {avg:.4e}"
        io_utils.print_msg(line + "\n", line_break=False)
