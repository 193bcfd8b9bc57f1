"""The comparison behind `diff`: pair the two runs' events and measure how far apart they are.

Relative difference of two numbers (curves, evaluate results):

    rel(tf, mk) = |tf - mk| / max(|tf|, |mk|)        (0 when both are 0)

For a predict output (an array) the norm-wise version, so that entries near
zero do not dominate: `max|tf - mk| / max|tf|`. Parameter counts must be equal.
"""

import math

import numpy as np


def rel_diff(a, b):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return 0.0 if math.isnan(a) and math.isnan(b) else math.inf
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def _events(record, kind):
    return [e for e in record.get("events", []) if e["kind"] == kind]


def _evaluate_values(event):
    result = event["result"]
    if isinstance(result, dict):
        return {k: float(v) for k, v in result.items() if isinstance(v, (int, float))}
    if isinstance(result, (int, float)):
        return {"loss": float(result)}
    names = event.get("names") or [f"value_{i}" for i in range(len(result))]
    if len(names) != len(result):
        names = [f"value_{i}" for i in range(len(result))]
    return {n: float(v) for n, v in zip(names, result) if isinstance(v, (int, float))}


class Comparison:
    """Rows (one per compared number) and problems (structural mismatches) for one TF/minikeras pair.

    Each row: `{"where", "metric", "epoch", "tensorflow", "minikeras", "abs", "rel"}`.
    With `bands` (TF under several seeds), each fit row also gets `low`/`high` and `inside`.
    """

    def __init__(self, tf_record, mk_record, rtol, tf_records=None):
        self.rtol = rtol
        self.rows = []
        self.problems = []
        self.fits = []
        self._compare_fits(tf_record, mk_record, tf_records)
        self._compare_evaluates(tf_record, mk_record)
        self._compare_predicts(tf_record, mk_record)
        self._compare_summaries(tf_record, mk_record)

    def _count_mismatch(self, kind, tf_list, mk_list):
        if len(tf_list) != len(mk_list):
            self.problems.append(f"{kind}: TensorFlow made {len(tf_list)} call(s), minikeras {len(mk_list)}")

    def _compare_fits(self, tf_record, mk_record, tf_records):
        tf_fits, mk_fits = _events(tf_record, "fit"), _events(mk_record, "fit")
        self._count_mismatch("fit", tf_fits, mk_fits)
        seeded = [_events(r, "fit") for r in (tf_records or [])]
        for i, (tf_fit, mk_fit) in enumerate(zip(tf_fits, mk_fits)):
            where = f"fit {i + 1}"
            rows = []
            metrics = list(tf_fit["history"])
            missing = sorted(set(metrics) ^ set(mk_fit["history"]))
            if missing:
                self.problems.append(f"{where}: metrics only on one side: {missing}")
            for metric in metrics:
                if metric not in mk_fit["history"]:
                    continue
                tf_curve, mk_curve = tf_fit["history"][metric], mk_fit["history"][metric]
                if len(tf_curve) != len(mk_curve):
                    self.problems.append(f"{where}: {metric} has {len(tf_curve)} epochs in TensorFlow, "
                                         f"{len(mk_curve)} in minikeras")
                band = [run[i]["history"].get(metric) for run in seeded if i < len(run)]
                band = [c for c in band if c is not None]
                for epoch, (a, b) in enumerate(zip(tf_curve, mk_curve)):
                    row = {"where": where, "metric": metric, "epoch": epoch + 1, "tensorflow": a, "minikeras": b,
                           "abs": abs(a - b), "rel": rel_diff(a, b)}
                    values = [c[epoch] for c in band if epoch < len(c)]
                    if values:
                        low, high = min(values), max(values)
                        slack = self.rtol * max(abs(low), abs(high))
                        row.update(low=low, high=high, inside=bool(low - slack <= b <= high + slack))
                    rows.append(row)
            self.rows.extend(rows)
            self.fits.append({"where": where, "rows": rows, "params_tf": tf_fit["params"],
                              "params_mk": mk_fit["params"]})
            if tf_fit["params"] != mk_fit["params"]:
                self.problems.append(f"{where}: parameter counts differ: TensorFlow {tf_fit['params']}, "
                                     f"minikeras {mk_fit['params']}")

    def _compare_evaluates(self, tf_record, mk_record):
        tf_evals, mk_evals = _events(tf_record, "evaluate"), _events(mk_record, "evaluate")
        self._count_mismatch("evaluate", tf_evals, mk_evals)
        for i, (t, m) in enumerate(zip(tf_evals, mk_evals)):
            tv, mv = _evaluate_values(t), _evaluate_values(m)
            for name in tv:
                if name in mv:
                    self.rows.append({"where": f"evaluate {i + 1}", "metric": name, "epoch": None,
                                      "tensorflow": tv[name], "minikeras": mv[name],
                                      "abs": abs(tv[name] - mv[name]), "rel": rel_diff(tv[name], mv[name])})

    def _compare_predicts(self, tf_record, mk_record):
        tf_preds, mk_preds = _events(tf_record, "predict"), _events(mk_record, "predict")
        self._count_mismatch("predict", tf_preds, mk_preds)
        for i, (t, m) in enumerate(zip(tf_preds, mk_preds)):
            for j, (to, mo) in enumerate(zip(t["outputs"], m["outputs"])):
                where = f"predict {i + 1}" + (f" output {j + 1}" if len(t["outputs"]) > 1 else "")
                if to["shape"] != mo["shape"]:
                    self.problems.append(f"{where}: shape {to['shape']} in TensorFlow, {mo['shape']} in minikeras")
                    continue
                if "values" in to and "values" in mo:
                    a, b = np.asarray(to["values"]), np.asarray(mo["values"])
                    err = float(np.max(np.abs(a - b))) if a.size else 0.0
                    scale = float(np.max(np.abs(a))) if a.size else 0.0
                    rel = 0.0 if err == 0 else (err / scale if scale else math.inf)
                    self.rows.append({"where": where, "metric": "outputs, max-norm", "epoch": None,
                                      "tensorflow": scale, "minikeras": float(np.max(np.abs(b))) if b.size else 0.0,
                                      "abs": err, "rel": rel})

    def _compare_summaries(self, tf_record, mk_record):
        tf_sums, mk_sums = _events(tf_record, "summary"), _events(mk_record, "summary")
        self._count_mismatch("summary", tf_sums, mk_sums)
        for i, (t, m) in enumerate(zip(tf_sums, mk_sums)):
            if t["params"] != m["params"]:
                self.problems.append(f"summary {i + 1}: parameter counts differ: TensorFlow {t['params']}, "
                                     f"minikeras {m['params']}")

    # -- the verdict --------------------------------------------------------------------------
    def worst(self):
        return max(self.rows, key=lambda r: r["rel"], default=None)

    def banded(self):
        return any("inside" in r for r in self.rows)

    def agrees(self):
        if self.problems:
            return False
        if self.banded():
            # Across seeds only the curves have a band; evaluate/predict are shown, not judged.
            return all(r.get("inside", True) for r in self.rows if r["epoch"] is not None)
        return all(r["rel"] <= self.rtol for r in self.rows)

    def verdict(self):
        worst = self.worst()
        if worst is None:
            largest = "nothing numeric to compare (no fit, evaluate or predict was called)"
        else:
            at = f"{worst['where']}, {worst['metric']}" + (f", epoch {worst['epoch']}" if worst["epoch"] else "")
            largest = f"largest relative difference {worst['rel']:.3g} ({at})"
        if self.banded():
            inside = [r["inside"] for r in self.rows if "inside" in r]
            band = f"; minikeras inside TensorFlow's seed-to-seed band at {sum(inside)} of {len(inside)} epoch values"
        else:
            band = ""
        problems = f"; {len(self.problems)} mismatch(es): " + "; ".join(self.problems) if self.problems else ""
        word = "agree" if self.agrees() else "differ"
        return f"verdict: {word} — {largest}, rtol {self.rtol:g}{band}{problems}"
