"""`Progbar`: the exact text of Keras 3's bar, with a fake clock so timings are fixed."""

import io
import itertools
import time

import numpy as np
import pytest

from minikeras.utils import Progbar, io_utils
from minikeras.utils import progbar as progbar_module

B, R, G, W = "\x1b[1m", "\x1b[0m", "\x1b[32m", "\x1b[37m"


@pytest.fixture
def clock(monkeypatch):
    """time.time() advances 2 ms per call, starting at 100 s."""
    ticks = itertools.count()
    monkeypatch.setattr(time, "time", lambda: 100.0 + 0.002 * next(ticks))


def bar_line(current, target, done, clock_text, per_step, metrics):
    return (f"{B}{current}/{target}{R} " + (f"{G}{'━' * done}{R}" if done else "")
            + f"{W}{'━' * (20 - done)}{R} {B}{clock_text}{R} {per_step}" + metrics)


def test_verbose_1_non_dynamic_lines(clock, capsys):
    bar = Progbar(3, interval=0)
    bar._dynamic_display = False
    bar.update(1, [("loss", 1.0), ("acc", 0.0001)])
    bar.update(2, [("loss", 0.5), ("acc", 0.0001)])
    bar.update(3, [("loss", 0.25), ("acc", 0.5)])
    out = capsys.readouterr().out
    assert out == (
        "\n" + bar_line(1, 3, 6, "0s", "2ms/step", " - loss: 1.0000 - acc: 1.0000e-04")
        + "\n" + bar_line(2, 3, 13, "0s", "2ms/step", " - loss: 0.7500 - acc: 1.0000e-04")
        # The final update replaces the averages with the given values; the shorter line is padded.
        + "\n" + bar_line(3, 3, 20, "0s", "2ms/step", " - loss: 0.2500 - acc: 0.5000") + "    \n")


def test_verbose_1_dynamic_redraws_in_place(clock, capsys):
    bar = Progbar(2, interval=0)
    bar._dynamic_display = True
    bar.update(1, [("loss", 2.0)])
    first = bar_line(1, 2, 10, "0s", "2ms/step", " - loss: 2.0000")
    width = len(first) - 8 - 9 - 9 - 8  # on-screen width, escapes excluded
    assert bar._prev_total_width == width
    bar.update(2, [("loss", 1.0)])
    assert capsys.readouterr().out == (
        "\r" + first + "\b" * width + "\r" + bar_line(2, 2, 20, "0s", "2ms/step", " - loss: 1.0000") + "\n")


def test_verbose_2_prints_one_line_when_finalized(clock, capsys):
    bar = Progbar(9, verbose=2)
    for step in range(1, 10):
        bar.update(step, [("accuracy", 0.5), ("loss", -0.25)])
    # verbose=2 compares avg > 1e-3 without abs: negatives are printed in %.4e.
    assert capsys.readouterr().out == "9/9 - 0s - 2ms/step - accuracy: 0.5000 - loss: -2.5000e-01\n"


def test_verbose_0_prints_nothing(clock, capsys):
    bar = Progbar(2, verbose=0)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 1.0)])
    assert capsys.readouterr().out == ""


def test_verbose_2_without_target_prints_nothing(clock, capsys):
    bar = Progbar(None, verbose=2)
    bar.update(4, [("loss", 1.0)], finalize=True)
    assert capsys.readouterr().out == ""


def test_unknown_target(clock, capsys):
    bar = Progbar(None, interval=0)
    bar._dynamic_display = False
    bar.update(5, [("x", 2.0)])
    bar.update(12, [("x", 2.0)], finalize=True)
    assert capsys.readouterr().out == (f"\n      5/Unknown {B}0s{R} 400us/step - x: 2.0000"
                                       f"\n     12/Unknown {B}0s{R} 333us/step - x: 2.0000\n")


@pytest.mark.parametrize("kwargs, expected", [
    ({}, "0.1250"),  # stateless by default: (0.5 * 1 step + 0.0 * 3 steps) / 4
    ({"stateful_metrics": ["m"]}, "0.0000e+00"),  # shown as given
    ({"stateful_metrics": ["other"]}, "0.1250"),
    ({"stateless_metrics": ["m"]}, "0.1250"),
    ({"stateless_metrics": []}, "0.0000e+00"),  # what ProgbarLogger uses: everything as given
])
def test_stateful_and_stateless_metrics(clock, capsys, kwargs, expected):
    bar = Progbar(8, verbose=1, interval=0, **kwargs)
    bar._dynamic_display = False
    bar.update(1, [("m", 0.5)])
    bar.update(4, [("m", 0.0)])
    assert capsys.readouterr().out.split("\n")[-1].endswith(f" - m: {expected}")


def test_both_metric_lists_rejected():
    with pytest.raises(ValueError, match="Only one of `stateful_metrics` or `stateless_metrics` can be provided"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


def test_interval_throttles_but_finalize_always_prints(monkeypatch, capsys):
    ticks = iter([0.0, 0.01, 0.02, 0.03])
    monkeypatch.setattr(time, "time", lambda: next(ticks))
    bar = Progbar(3, interval=0.05)
    bar._last_update = 0.0
    bar.update(1)
    bar.update(2)
    assert capsys.readouterr().out == ""
    bar.update(3)
    assert capsys.readouterr().out.endswith("\n")


@pytest.mark.parametrize("seconds, text", [(0, " 0s/step"), (1.4, " 1s/step"), (0.0123, " 12ms/step"),
                                           (0.000123, " 123us/step")])
def test_time_per_step_units(seconds, text):
    assert progbar_module._format_duration_per_unit(seconds, "step") == text


@pytest.mark.parametrize("eta, text", [(5.7, "5s"), (61, "1:01"), (3601, "1:00:01"), (7325, "2:02:05")])
def test_eta_format(eta, text):
    assert progbar_module._format_eta(eta) == text


def test_eta_shown_before_the_end(monkeypatch, capsys):
    ticks = iter([0.0, 10.0, 20.0])
    monkeypatch.setattr(time, "time", lambda: next(ticks))
    bar = Progbar(100, interval=0)
    bar._dynamic_display = False
    bar.update(1)  # 10 s for the first step -> 99 steps left -> 990 s
    assert f" {B}16:30{R} 10s/step" in capsys.readouterr().out


def test_add_advances_and_unit_name(clock, capsys):
    bar = Progbar(4, verbose=2, unit_name="sample")
    bar.add(2, [("loss", 1.0)])
    bar.add(2, [("loss", 3.0)])
    assert bar._seen_so_far == 4
    assert capsys.readouterr().out == "4/4 - 0s - 1ms/sample - loss: 3.0000\n"


def test_numpy_values_are_averaged(clock, capsys):
    bar = Progbar(2, verbose=2)
    bar.update(1, [("v", np.array([1.0, 3.0]))])
    bar.update(2, [("v", np.float32(0.5))])
    assert capsys.readouterr().out.endswith(" - v: 0.5000\n")


def test_output_goes_through_print_msg(clock, monkeypatch):
    seen = []
    monkeypatch.setattr(io_utils, "print_msg", lambda msg, line_break=True: seen.append((msg, line_break)))
    bar = Progbar(1, verbose=2)
    bar.update(1)
    assert seen == [("1/1 - 0s - 2ms/step\n", False)]


def test_disable_interactive_logging_routes_to_logging(clock, capsys, caplog):
    import logging

    io_utils.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="minikeras"):
            Progbar(1, verbose=2).update(1)
    finally:
        io_utils.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert "1/1 - 0s - 2ms/step" in caplog.text
    assert io_utils.is_interactive_logging_enabled()


def test_dynamic_display_follows_keras_rule(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "posix", sys.modules.get("posix", object()))
    assert progbar_module._dynamic_display() is True
    monkeypatch.delitem(sys.modules, "posix")
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    monkeypatch.setattr(sys, "stdout", type("Pipe", (), {"isatty": lambda self: False})())
    assert progbar_module._dynamic_display() is False
    monkeypatch.setenv("PYCHARM_HOSTED", "1")
    assert progbar_module._dynamic_display() is True


def test_print_msg_falls_back_to_equals_bar_on_narrow_encodings(monkeypatch):
    import sys

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    io_utils.print_msg("3/3 ━━ done")
    stream.flush()
    assert raw.getvalue() == b"3/3 == done\n"
