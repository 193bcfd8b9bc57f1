"""`Progbar` text against Keras's, byte for byte, with the same fake clock on both sides."""

import io
import itertools
import time
from contextlib import redirect_stdout

import numpy as np
import pytest

import minikeras


def render(cls, monkeypatch, target, updates, verbose, dt, dynamic, **kwargs):
    ticks = itertools.count()
    monkeypatch.setattr(time, "time", lambda: 1000.0 + dt * next(ticks))
    out = io.StringIO()
    with redirect_stdout(out):
        bar = cls(target, verbose=verbose, **kwargs)
        bar._dynamic_display = dynamic
        for current, values, finalize in updates:
            bar.update(current, values, finalize=finalize)
    return out.getvalue()


def updates_for(target, n, seed):
    rng = np.random.default_rng(seed)
    ups = []
    for step in range(1, n + 1):
        values = [("loss", float(rng.uniform(0.0005, 3))), ("accuracy", float(rng.uniform(0, 1))),
                  ("tiny", float(rng.choice([1e-5, -1e-5, 2e-3]))), ("neg", -float(rng.uniform(0, 2)))]
        if step % 3 == 0:
            values = values[:2]  # metrics may come and go
        ups.append((step, values, None))
    ups.append((n, [("loss", 0.25), ("accuracy", 0.5), ("tiny", 1e-4), ("neg", -0.5)], True if target is None
               else None))
    return ups


@pytest.mark.parametrize("verbose", [0, 1, 2])
@pytest.mark.parametrize("kwargs", [{}, {"stateful_metrics": ["accuracy"]}, {"stateless_metrics": []},
                                    {"interval": 0.0, "width": 30, "unit_name": "sample"}],
                         ids=["default", "stateful", "all-stateful", "options"])
def test_progbar_text_matches_keras(keras, monkeypatch, verbose, kwargs):
    # The grid runs inside one test: each test pays the shared (slow) Keras session reset once.
    for dynamic in (True, False):
        for target, n in [(9, 9), (100, 100), (1000, 37), (None, 12), (1, 1)]:
            for dt in (0.0004, 0.0137, 1.7, 75.0, 4000.0):
                ups = updates_for(target, n, seed=n)
                expected = render(keras.utils.Progbar, monkeypatch, target, ups, verbose, dt, dynamic, **kwargs)
                got = render(minikeras.utils.Progbar, monkeypatch, target, ups, verbose, dt, dynamic, **kwargs)
                assert got == expected, (dynamic, target, dt)


def test_progbar_add_matches_keras(keras, monkeypatch):
    outs = []
    for cls in (keras.utils.Progbar, minikeras.utils.Progbar):
        ticks = itertools.count()
        monkeypatch.setattr(time, "time", lambda t=ticks: 10.0 + 0.01 * next(t))
        buf = io.StringIO()
        with redirect_stdout(buf):
            bar = cls(6, verbose=2)
            for _ in range(3):
                bar.add(2, [("loss", np.float32(0.5)), ("arr", np.array([1.0, 2.0]))])
        outs.append(buf.getvalue())
    assert outs[1] == outs[0]


def test_dynamic_display_default_matches_keras(keras):
    assert minikeras.utils.Progbar(3)._dynamic_display == keras.utils.Progbar(3)._dynamic_display
