"""`minikeras diff SCRIPT [ARGS...]`: run a script with TensorFlow Keras and with minikeras, compare the numbers.

Each side runs in a child process (`minikeras.dropin.child`) that records every
`fit` History, `evaluate` result, `predict` output and `summary` parameter
counts. Then, per fit, an epoch-by-epoch table (metric, TensorFlow, minikeras,
abs and rel difference) and one verdict line.

Exit status: 0 everything agrees within `--rtol`, 1 something differs,
2 either side failed (its traceback is shown) or TensorFlow is missing.

* A seeded script (`keras.utils.set_random_seed`) must agree as it is.
* `--align`: minikeras starts each fit from TensorFlow's initial weights, and
  both sides shuffle with the same TensorFlow global seed (so minikeras uses
  TensorFlow's batch order) unless the script sets its own.
* `--seeds N`: TensorFlow runs N times under `keras.utils.set_random_seed(0..N-1)`;
  the verdict says whether minikeras's curves lie in TensorFlow's seed-to-seed band.
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile

from minikeras.dropin.compare import Comparison

ALIGN_SHUFFLE_SEED = 1337
INSTALL_HINT = ("minikeras diff needs TensorFlow to compare against; install it with: "
                "pip install 'minikeras[compat]'")


def tensorflow_available():
    return importlib.util.find_spec("tensorflow") is not None and importlib.util.find_spec("keras") is not None


def _child_env():
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    env.pop("MINIKERAS_DROPIN", None)  # each child decides for itself
    return env


def run_child(backend, script, args, workdir, tag, seed=None, shuffle_seed=None, weights_out=None,
              weights_in=None, verbose=False):
    """Run one side; return its record (a dict, with the exit status and captured output)."""
    record_path = os.path.join(workdir, f"{tag}.json")
    cmd = [sys.executable, "-m", "minikeras.dropin.child", "--backend", backend, "--record", record_path]
    for flag, value in (("--seed", seed), ("--shuffle-seed", shuffle_seed), ("--weights-out", weights_out),
                        ("--weights-in", weights_in)):
        if value is not None:
            cmd += [flag, str(value)]
    cmd += [script, "--", *args]
    proc = subprocess.run(cmd, env=_child_env(), stdout=None if verbose else subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if os.path.exists(record_path):
        with open(record_path, encoding="utf-8") as f:
            record = json.load(f)
    else:
        record = {"backend": backend, "events": [], "error": "the child process wrote no record"}
    record["status"] = proc.returncode
    record["stdout"] = (proc.stdout or "")[-20000:]
    record["stderr"] = (proc.stderr or "")[-20000:]
    return record


def _fmt(x):
    return f"{x:.7g}" if isinstance(x, float) else str(x)


def format_tables(comparison):
    """The per-fit tables, then evaluate/predict rows, as text lines."""
    lines = []
    for fit in comparison.fits:
        banded = any("inside" in r for r in fit["rows"])
        lines.append("")
        lines.append(f"{fit['where']} — {fit['params_tf']['total']} parameters")
        head = f"{'epoch':>5}  {'metric':<24} {'TensorFlow':>14} {'minikeras':>14} {'abs diff':>10} {'rel diff':>10}"
        if banded:
            head += f"  {'TF band low':>12} {'TF band high':>12} inside"
        lines.append(head)
        for r in sorted(fit["rows"], key=lambda r: (r["epoch"], r["metric"])):
            line = (f"{r['epoch']:>5}  {r['metric']:<24} {_fmt(r['tensorflow']):>14} {_fmt(r['minikeras']):>14} "
                    f"{r['abs']:>10.3g} {r['rel']:>10.3g}")
            if "inside" in r:
                line += f"  {_fmt(r['low']):>12} {_fmt(r['high']):>12} {'yes' if r['inside'] else 'NO'}"
            lines.append(line)
    others = [r for r in comparison.rows if r["epoch"] is None]
    if others:
        lines.append("")
        lines.append(f"{'call':<20} {'value':<24} {'TensorFlow':>14} {'minikeras':>14} {'abs diff':>10} {'rel diff':>10}")
        for r in others:
            lines.append(f"{r['where']:<20} {r['metric']:<24} {_fmt(r['tensorflow']):>14} {_fmt(r['minikeras']):>14} "
                         f"{r['abs']:>10.3g} {r['rel']:>10.3g}")
    return lines


def save_plot(comparison, path):
    """Overlay each fit's curves: TensorFlow solid, minikeras dashed (TF seed band shaded)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fits = comparison.fits or [{"where": "no fit", "rows": []}]
    fig, axes = plt.subplots(len(fits), 1, figsize=(7, 3.5 * len(fits)), squeeze=False)
    for ax, fit in zip(axes[:, 0], fits):
        metrics = list(dict.fromkeys(r["metric"] for r in fit["rows"]))
        for k, metric in enumerate(metrics):
            rows = [r for r in fit["rows"] if r["metric"] == metric]
            epochs = [r["epoch"] for r in rows]
            color = f"C{k % 10}"
            ax.plot(epochs, [r["tensorflow"] for r in rows], color=color, label=f"{metric} (TensorFlow)")
            ax.plot(epochs, [r["minikeras"] for r in rows], color=color, linestyle="--",
                    label=f"{metric} (minikeras)")
            if rows and "low" in rows[0]:
                ax.fill_between(epochs, [r["low"] for r in rows], [r["high"] for r in rows], color=color, alpha=0.2)
        ax.set_title(fit["where"])
        ax.set_xlabel("epoch")
        if metrics:
            ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _failed(records):
    return [r for r in records if r.get("status", 1) != 0]


def _show_failure(record, out):
    side = "TensorFlow" if record.get("backend") == "tensorflow" else "minikeras"
    print(f"minikeras diff: the script failed under {side} (exit status {record.get('status')}):", file=out)
    text = record.get("error") or record.get("stderr") or ""
    print(text.rstrip() or "(no output)", file=out)


def diff(script, args=(), rtol=1e-4, plot=None, json_path=None, align=False, seeds=None, verbose=False,
         out=None):
    """Run the comparison; print tables and the verdict; return the exit status (0, 1 or 2)."""
    out = out or sys.stdout
    if not os.path.isfile(script):
        print(f"minikeras diff: can't open file '{script}': [Errno 2] No such file or directory", file=sys.stderr)
        return 2
    if not tensorflow_available():
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    if seeds is not None and seeds < 2:
        print("minikeras diff: --seeds needs at least 2 seeds to make a band", file=sys.stderr)
        return 2
    args = list(args)
    with tempfile.TemporaryDirectory(prefix="minikeras-diff-") as workdir:
        shuffle_seed = ALIGN_SHUFFLE_SEED if align else None
        weights = os.path.join(workdir, "tf_initial_weights.npz") if align else None
        print(f"running {script} with TensorFlow Keras ...", file=out, flush=True)
        tf_record = run_child("tensorflow", script, args, workdir, "tensorflow", shuffle_seed=shuffle_seed,
                              weights_out=weights, verbose=verbose)
        tf_records = []
        if seeds:
            for s in range(seeds):
                print(f"running {script} with TensorFlow Keras, seed {s} ...", file=out, flush=True)
                tf_records.append(run_child("tensorflow", script, args, workdir, f"tensorflow_seed{s}", seed=s,
                                            verbose=verbose))
        print(f"running {script} with minikeras ...", file=out, flush=True)
        mk_record = run_child("minikeras", script, args, workdir, "minikeras", shuffle_seed=shuffle_seed,
                              weights_in=weights if weights and os.path.exists(weights) else None, verbose=verbose)
    failed = _failed([tf_record, *tf_records, mk_record])
    comparison = None if failed else Comparison(tf_record, mk_record, rtol, tf_records=tf_records or None)
    if json_path:
        payload = {"script": script, "args": args, "rtol": rtol, "align": align, "seeds": seeds,
                   "tensorflow": tf_record, "tensorflow_seeds": tf_records, "minikeras": mk_record,
                   "comparison": None if comparison is None else {
                       "rows": comparison.rows, "problems": comparison.problems,
                       "agree": comparison.agrees(), "verdict": comparison.verdict()}}
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=1)
    if failed:
        for record in failed:
            _show_failure(record, sys.stderr)
        return 2
    for line in format_tables(comparison):
        print(line, file=out)
    if plot:
        save_plot(comparison, plot)
        print(f"\ncurves plotted to {plot}", file=out)
    print("", file=out)
    print(comparison.verdict(), file=out, flush=True)
    return 0 if comparison.agrees() else 1
