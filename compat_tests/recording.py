"""Comparisons that leave a trace: the numbers behind docs/compatibility.md.

`assert_close` is `numpy.testing.assert_allclose` (same arguments, same defaults,
same failure) that also notes, for the public minikeras item(s) under test, the
largest deviation it saw. `assert_equal` does the same for
`numpy.testing.assert_array_equal` (bitwise-equal draws, exact counts).

Recording is off unless the environment variable `MINIKERAS_COMPAT_RECORD`
names a JSON file; the observations of a pytest run are merged into that file
when the process exits. `python -m compat_tests.report` sets it, runs the suite
and turns the file into the compatibility table.

Items are named as a user reaches them, relative to the package:
`"layers.Dense"`, `"losses.categorical_crossentropy"`, `"ops.matmul"`,
`"optimizers.schedules.ExponentialDecay"`, `"Model.fit"`. An `item` may be a
string or a list of strings (a training run exercises several items at once).
"""

import atexit
import json
import math
import os

import numpy as np

ENV_VAR = "MINIKERAS_COMPAT_RECORD"
KINDS = ("forward", "gradient")

_observations = {}  # item -> kind -> summary dict


def assert_close(actual, desired, *, item, kind="forward", rtol=1e-7, atol=0, equal_nan=True, err_msg="",
                 verbose=True):
    """`numpy.testing.assert_allclose(actual, desired, ...)`, recorded under `item`.

    Args:
        actual: the minikeras value.
        desired: the TensorFlow Keras value.
        item: the public item(s) compared, e.g. `"layers.Dense"` or `["Model.fit", "optimizers.Adam"]`.
        kind: `"forward"` (values, states, curves) or `"gradient"`.
        rtol, atol, equal_nan, err_msg, verbose: as in `numpy.testing.assert_allclose` (same defaults).
    """
    _check(item, kind)
    try:
        np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol, equal_nan=equal_nan, err_msg=err_msg,
                                   verbose=verbose)
    except AssertionError:
        _record(item, kind, actual, desired, rtol, atol, passed=False)
        raise
    _record(item, kind, actual, desired, rtol, atol, passed=True)


def assert_equal(actual, desired, *, item, kind="forward", err_msg="", verbose=True):
    """`numpy.testing.assert_array_equal(actual, desired)`, recorded under `item` with tolerance "exact"."""
    _check(item, kind)
    try:
        np.testing.assert_array_equal(actual, desired, err_msg=err_msg, verbose=verbose)
    except AssertionError:
        _record(item, kind, actual, desired, 0.0, 0.0, passed=False, exact=True)
        raise
    _record(item, kind, actual, desired, 0.0, 0.0, passed=True, exact=True)


def _check(item, kind):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, received kind={kind!r}")
    for name in _items(item):
        if not isinstance(name, str) or not name:
            raise TypeError(f"item must be a non-empty string or a list of them, received {item!r}")


def _items(item):
    return [item] if isinstance(item, str) else list(item)


def deviation(actual, desired, rtol=0.0, atol=0.0):
    """(max |a - d|, max |a - d| / |d| over d != 0, max |a - d| / (atol + rtol |d|)) as floats.

    Non-finite positions that match (nan/nan, inf/inf) count as no deviation. The
    last number is the share of the allowed tolerance used (> 1 fails); it is 0
    for exact agreement and inf for any deviation at zero tolerance.
    """
    try:
        a = np.asarray(actual, dtype=np.float64)
        d = np.asarray(desired, dtype=np.float64)
        a, d = np.broadcast_arrays(a, d)
    except (TypeError, ValueError):
        return math.nan, math.nan, math.nan
    if a.size == 0:
        return 0.0, 0.0, 0.0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        same = (a == d) | (np.isnan(a) & np.isnan(d))
        diff = np.where(same, 0.0, np.abs(a - d))
        diff = np.where(np.isnan(diff), np.inf, diff)
        scale = np.where(np.isfinite(d), np.abs(d), 0.0)
        nonzero = scale != 0
        max_rel = float((diff[nonzero] / scale[nonzero]).max()) if nonzero.any() else 0.0
        share = np.where(diff == 0, 0.0, diff / (atol + rtol * scale))
    return float(diff.max()), max_rel, float(np.nan_to_num(share, nan=np.inf, posinf=np.inf).max())


def _current_test():
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    return current.rsplit(" (", 1)[0]


def _record(item, kind, actual, desired, rtol, atol, passed, exact=False):
    if not os.environ.get(ENV_VAR):
        return
    max_abs, max_rel, share = deviation(actual, desired, rtol, atol)
    tolerance = "exact" if exact else f"rtol={rtol:g}, atol={atol:g}"
    test = _current_test()
    for name in _items(item):
        entry = _observations.setdefault(name, {}).setdefault(kind, _empty())
        _merge_one(entry, max_abs, max_rel, share, tolerance, passed, test)


def _empty():
    return {"comparisons": 0, "failed": 0, "max_abs": 0.0, "max_rel": 0.0, "max_share": 0.0, "tolerances": [],
            "tests": [], "failed_tests": []}


def _worse(a, b):
    """max that treats nan (values not numeric) as unknown rather than winning."""
    if isinstance(a, float) and math.isnan(a):
        return b
    if isinstance(b, float) and math.isnan(b):
        return a
    return max(a, b)


def _merge_one(entry, max_abs, max_rel, share, tolerance, passed, test):
    """Deviations are the largest among passing comparisons; a failure is counted and its test named
    (one failing part of a composite run, e.g. a regularizer inside `fit`, must not set the
    deviation shown for every other item of that run)."""
    entry["comparisons"] += 1
    if passed:
        entry["max_abs"] = _worse(entry["max_abs"], max_abs)
        entry["max_rel"] = _worse(entry["max_rel"], max_rel)
        entry["max_share"] = _worse(entry["max_share"], share)
    else:
        entry["failed"] += 1
        if test and test not in entry["failed_tests"]:
            entry["failed_tests"].append(test)
    if tolerance not in entry["tolerances"]:
        entry["tolerances"].append(tolerance)
    if test and test not in entry["tests"]:
        entry["tests"].append(test)


def merge(into, other):
    """Merge the observations `other` into `into` (both item -> kind -> summary)."""
    for name, kinds in other.items():
        for kind, summary in kinds.items():
            entry = into.setdefault(name, {}).setdefault(kind, _empty())
            entry["comparisons"] += summary["comparisons"]
            entry["failed"] += summary["failed"]
            for key in ("max_abs", "max_rel", "max_share"):
                entry[key] = _worse(entry[key], _from_json(summary[key]))
            for key in ("tolerances", "tests", "failed_tests"):
                entry[key] += [x for x in summary.get(key, ()) if x not in entry[key]]
    return into


def _to_json(x):
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)  # "inf" / "nan": JSON has no such numbers
    return x


def _from_json(x):
    return float(x) if isinstance(x, str) else x


def load(path):
    """The observations stored in `path` (item -> kind -> summary, numbers as floats)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return merge({}, data)


def flush(path=None):
    """Merge this process's observations into the JSON file (under a lock: runs may share it)."""
    path = path or os.environ.get(ENV_VAR)
    if not path or not _observations:
        return
    import fcntl

    with open(path, "a+", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        text = f.read()
        data = merge({}, json.loads(text)) if text.strip() else {}
        merge(data, _observations)
        serial = {name: {kind: {k: _to_json(v) for k, v in s.items()} for kind, s in kinds.items()}
                  for name, kinds in data.items()}
        f.seek(0)
        f.truncate()
        json.dump(serial, f, indent=1, sort_keys=True)
    _observations.clear()


atexit.register(flush)
