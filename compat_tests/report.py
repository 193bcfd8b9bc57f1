"""Write docs/compatibility.md: every public minikeras item, compared with TF Keras or not, and by how much.

Usage:
    python -m compat_tests.report                 # run the compat suite (recording), then write the table
    python -m compat_tests.report --from rec.json # write the table from a recording made earlier
    python -m compat_tests.report -- -k losses    # extra arguments after `--` go to pytest

The run sets `MINIKERAS_COMPAT_RECORD` (see compat_tests/recording.py), so every
`assert_close` / `assert_equal` of the suite notes the largest deviation per item.
The items are enumerated from the package itself (public names of each module,
the public methods of `Model`), so a new public name shows up as
"not compared: no test yet" until a comparison records it.
"""

import argparse
import datetime
import importlib
import inspect
import os
import subprocess
import sys
import tempfile
import types

from compat_tests import recording
from compat_tests import tolerances

MODULES = ["activations", "layers", "losses", "metrics", "optimizers", "optimizers.schedules", "initializers",
           "regularizers", "constraints", "callbacks", "ops", "models", "utils", "random"]

NO_KERAS_COUNTERPART_SHORT = "minikeras helper with no public Keras counterpart"

# Items deliberately not compared with TF Keras, and why. Anything public that is
# neither recorded nor listed here reads "not compared: no test yet".
STRUCTURAL = "structure, not numbers: checked by unit tests (tests/)"
REASONS = {
    "activations.get": "registry lookup: " + STRUCTURAL,
    "activations.serialize": "serialization: " + STRUCTURAL,
    "activations.deserialize": "serialization: " + STRUCTURAL,
    "layers.Layer": "base class: compared through every concrete layer",
    "layers.Input": "creates a symbolic input: compared through the models built on it",
    "layers.InputLayer": "holds no computation: compared through the models built on it",
    "layers.InputSpec": "shape/dtype contract: " + STRUCTURAL,
    "losses.Loss": "base class: compared through every concrete loss",
    "metrics.Metric": "base class: compared through every concrete metric",
    "optimizers.Optimizer": "base class: compared through every concrete optimizer",
    "optimizers.schedules.LearningRateSchedule": "base class: compared through every concrete schedule",
    "initializers.Initializer": "base class: compared through every concrete initializer",
    "regularizers.Regularizer": "base class: compared through every concrete regularizer",
    "constraints.Constraint": "base class: compared through every concrete constraint",
    "callbacks.Callback": "base class: compared through every concrete callback",
    "callbacks.CallbackList": "dispatch only: exercised by the callback comparisons",
    "callbacks.ProgbarLogger": "prints progress text: no numbers beyond the History compared",
    "callbacks.CSVLogger": "writes the History to a file: the History itself is compared",
    "callbacks.ModelCheckpoint": "file output: " + STRUCTURAL,
    "callbacks.BackupAndRestore": "file output: " + STRUCTURAL,
    "callbacks.LambdaCallback": "calls user functions: nothing of its own to compare",
}
# Compared with Keras, but as whole traces with `==` (not through the recorder): no deviation to show.
_TRACES = ("compared as exact traces (stop epoch, learning rate, best/wait state, History, printed text) in "
           "compat_tests/callbacks/test_callbacks_compat.py; exact equality, not recorded")
REASONS.update({
    "callbacks.EarlyStopping": _TRACES,
    "callbacks.LearningRateScheduler": _TRACES,
    "callbacks.ReduceLROnPlateau": _TRACES,
    "callbacks.TerminateOnNaN": _TRACES,
    "models.load_model": "file format: " + STRUCTURAL,
    "models.model_from_json": "config round trip: " + STRUCTURAL,
    "models.clone_model": "architecture copy with fresh weights: " + STRUCTURAL,
    "utils.CustomObjectScope": "registry: " + STRUCTURAL,
    "utils.custom_object_scope": "registry: " + STRUCTURAL,
    "utils.get_custom_objects": "registry: " + STRUCTURAL,
    "utils.get_registered_name": "registry: " + STRUCTURAL,
    "utils.get_registered_object": "registry: " + STRUCTURAL,
    "utils.register_keras_serializable": "registry: " + STRUCTURAL,
    "utils.clear_session": "resets name counters: every compat test uses it on both sides (conftest)",
    "utils.plot_model": ("draws the model (DOT graph / image), not numbers: Keras's layout checked by "
                         "tests/utils/test_model_visualization.py"),
    "utils.model_to_dot": ("builds the DOT graph, not numbers: Keras's layout checked by "
                           "tests/utils/test_model_visualization.py"),
    "losses.LossFunctionWrapper": NO_KERAS_COUNTERPART_SHORT + "; every loss function goes through it (compared)",
    "losses.reduce_weighted_values": NO_KERAS_COUNTERPART_SHORT + "; every loss reduction goes through it (compared)",
    "losses.squeeze_or_expand_to_same_rank": NO_KERAS_COUNTERPART_SHORT + "; compared through every loss",
    "initializers.compute_fans": NO_KERAS_COUNTERPART_SHORT + "; compared through the variance-scaling initializers",
    "initializers.RandomInitializer": NO_KERAS_COUNTERPART_SHORT + "; base of the seeded initializers (compared)",
    "random.draw_seed": NO_KERAS_COUNTERPART_SHORT + "; compared through every seeded draw",
    "random.make_default_seed": (NO_KERAS_COUNTERPART_SHORT
                                 + "; compared through the unseeded draws after set_random_seed"),
    "random.global_seed_generator": NO_KERAS_COUNTERPART_SHORT + "; compared through the unseeded draws",
    "models.Functional": ("Keras's class of the same name is internal; compared through `models.Model` "
                          "built functionally"),
    "ops.GradientTape": NO_KERAS_COUNTERPART_SHORT + " (the autodiff engine); compared through every gradient",
    "ops.Tensor": NO_KERAS_COUNTERPART_SHORT + " (the autodiff engine); compared through every gradient",
    "ops.record": NO_KERAS_COUNTERPART_SHORT + " (the autodiff engine); compared through every gradient",
    "ops.unbroadcast": NO_KERAS_COUNTERPART_SHORT + " (the autodiff engine); compared through the broadcasting ops",
    "ops.is_tensor": ("type predicate, not numbers: plain Python values give False on both sides "
                      "(compat_tests/ops/test_ops_more_compat.py); a NumPy array is a minikeras tensor (True) "
                      "where Keras on TensorFlow says False"),
    "utils.Progbar": "prints text; compared as text in compat_tests/utils/test_progbar_compat.py (no numbers)",
    "Model.save": "file format: " + STRUCTURAL,
    "Model.save_weights": "file format: " + STRUCTURAL,
    "Model.load_weights": "file format: " + STRUCTURAL,
    "Model.to_json": "config: " + STRUCTURAL,
    "Model.summary": "text: compared as text in compat_tests/utils/test_summary.py (no numbers)",
})
for _kind in ("get", "serialize", "deserialize"):
    for _module in ("losses", "metrics", "optimizers", "optimizers.schedules", "initializers", "regularizers",
                    "constraints"):
        REASONS.setdefault(f"{_module}.{_kind}", "registry/serialization: " + STRUCTURAL)
for _name in ("get_config", "from_config", "get_build_config", "build_from_config", "get_weights", "set_weights",
              "weights", "variables", "trainable_weights", "trainable_variables", "non_trainable_weights",
              "non_trainable_variables", "layers", "get_layer", "input", "output", "path", "dtype", "dtype_policy",
              "compute_dtype", "variable_dtype", "trainable", "add_weight", "add_loss", "build", "count_params",
              "compute_output_spec", "metrics_names", "metrics", "losses", "compile"):
    REASONS.setdefault(f"Model.{_name}", "model structure/bookkeeping: " + STRUCTURAL)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NO_KERAS_COUNTERPART = "minikeras extension: no Keras counterpart to compare with"


# -- the public items -----------------------------------------------------------------------------------------------

def _candidate_names(module):
    names = {n for n in dir(module) if not n.startswith("_")}
    names |= set(getattr(module, "__all__", ()))
    names |= set(getattr(module, "_LAZY", {}))  # lazily resolved names (utils)
    names |= set(getattr(module, "_LOSS_FUNCTIONS", ()))  # loss functions re-exported by metrics
    return sorted(names)


def _is_public_item(module, short, name, obj):
    if isinstance(obj, types.ModuleType) or not callable(obj):
        return False  # submodules, registries, constants
    defined_in = getattr(obj, "__module__", None) or ""
    if not defined_in.startswith("minikeras"):
        return False  # np, math, inspect ...
    package = f"minikeras.{short}"
    if defined_in == package or defined_in.startswith(package + "."):
        return True
    # Defined elsewhere in minikeras: a deliberate re-export, or an import helper?
    declared = set(getattr(module, "__all__", ())) | set(getattr(module, "_LAZY", {})) | set(
        getattr(module, "_LOSS_FUNCTIONS", ()))
    return short == "utils" or name in declared


def public_items():
    """[(section, item name, object)] for every public item, in a stable order."""
    out = []
    for short in MODULES:
        module = importlib.import_module(f"minikeras.{short}")
        for name in _candidate_names(module):
            try:
                obj = getattr(module, name)
            except AttributeError:
                continue
            if _is_public_item(module, short, name, obj):
                out.append((short, f"{short}.{name}", obj))
    from minikeras.models import Model

    for name in sorted(n for n in dir(Model) if not n.startswith("_")):
        out.append(("Model methods", f"Model.{name}", inspect.getattr_static(Model, name)))
    return out


def _keras_has(item):
    try:
        import keras
    except ImportError:
        return True  # unknown: do not claim it has no counterpart
    module, _, name = item.rpartition(".")
    target = keras.Model if module == "Model" else keras
    for part in ([] if module == "Model" else module.split(".")):
        target = getattr(target, part, None)
        if target is None:
            return False
    return hasattr(target, name)


# -- formatting -----------------------------------------------------------------------------------------------------

def _tolerance_name(text):
    names = {f"rtol={t['rtol']:g}, atol={t['atol']:g}": name for name, t in vars(tolerances).items()
             if isinstance(t, dict) and set(t) == {"rtol", "atol"}}
    return f"{names[text]} ({text})" if text in names else text


def _fmt(x):
    if isinstance(x, str):
        return x
    if x != x:
        return "n/a"
    return "0" if x == 0 else f"{x:.1e}"


def _deviation_cell(summary):
    if summary is None:
        return "—"
    return f"{_fmt(summary['max_abs'])} / {_fmt(summary['max_rel'])}"


def _row(item, observations, alias_of):
    kinds = observations.get(item)
    note = ""
    if kinds is None and item in alias_of:
        kinds = observations[alias_of[item]]
        note = f" (same object as `{alias_of[item]}`)"
    if kinds is None:
        reason = REASONS.get(item) or (None if _keras_has(item) else NO_KERAS_COUNTERPART) or "no test yet"
        status = reason if reason.startswith("compared") else f"not compared: {reason}"
        return f"| `{item}` | {status} | | | | |", reason.startswith("compared")
    comparisons = sum(s["comparisons"] for s in kinds.values())
    failed = sum(s["failed"] for s in kinds.values())
    status = "compared" + note
    if failed:
        failing = sorted({t for s in kinds.values() for t in s.get("failed_tests", ())})
        shown = ", ".join(f"`{t.split('::', 1)[-1]}`" for t in failing[:3]) + (" ..." if len(failing) > 3 else "")
        status = f"**{failed} FAILED** ({shown}){note}"
    tols = []
    for s in kinds.values():
        tols += [t for t in s["tolerances"] if t not in tols]
    share = max(s["max_share"] for s in kinds.values())
    return (f"| `{item}` | {status} | {comparisons} | {_deviation_cell(kinds.get('forward'))} | "
            f"{_deviation_cell(kinds.get('gradient'))} | {'; '.join(_tolerance_name(t) for t in tols)} "
            f"(worst {_fmt(share)} of it) |"), True


def render(observations, run_summary="", known_mismatches=()):
    items = public_items()
    by_object = {}
    for _, item, obj in items:
        if item in observations:
            by_object.setdefault(id(obj), item)
    alias_of = {item: by_object[id(obj)] for _, item, obj in items
                if item not in observations and id(obj) in by_object}

    sections, counts = {}, {}
    for section, item, _ in items:
        line, compared = _row(item, observations, alias_of)
        sections.setdefault(section, []).append(line)
        done, total = counts.get(section, (0, 0))
        counts[section] = (done + compared, total + 1)

    versions = _versions()
    lines = [
        "# Compatibility with TensorFlow Keras",
        "",
        "Generated by `python -m compat_tests.report` — do not edit by hand.",
        "",
        f"Reference: {versions}. Each comparison gives minikeras and TF Keras the same weights and the same "
        "inputs; gradients come from minikeras's backward pass and from `tf.GradientTape`.",
        "",
        "Columns: *comparisons* counts the recorded `assert_allclose`/`assert_array_equal` calls naming the "
        "item (one call may compare a whole array); *forward* and *gradient* give the largest deviation seen, "
        "absolute / relative (relative over non-zero reference values), among the passing comparisons; "
        "*tolerance* is the one the assertions used (named as in `compat_tests/tolerances.py`) and the largest "
        "share of it any element used (below 1 passes). Failing comparisons are counted and their tests named "
        "in *status*: in a passing suite they are known mismatches with TF Keras, kept as strict `xfail` tests "
        "(listed under *Known mismatches*) until the core is fixed. Items exercised only inside a larger "
        "computation (a training run) carry that computation's deviation.",
        "",
    ]
    if run_summary:
        lines += [f"Suite run: `{run_summary}`", ""]
    total_done = sum(d for d, _ in counts.values())
    total = sum(t for _, t in counts.values())
    lines += ["## Summary", "", "| Section | Compared | Public items |", "|---|---:|---:|"]
    lines += [f"| {s} | {d} | {t} |" for s, (d, t) in counts.items()]
    lines += [f"| **all** | **{total_done}** | **{total}** |", ""]
    header = ["| Item | Status | Comparisons | Forward max abs / rel | Gradient max abs / rel | Tolerance |",
              "|---|---|---:|---|---|---|"]
    for section, rows in sections.items():
        lines += [f"## {section}", ""] + header + rows + [""]
    if known_mismatches:
        lines += ["## Known mismatches", "",
                  "Tests marked `xfail(strict=True)`: minikeras computes something different from TF Keras here "
                  "(they start failing, and must be unmarked, once the core is fixed).", ""]
        for entry in known_mismatches:
            test, _, reason = entry.partition(" - ")
            lines.append(f"- `{test.replace('`', '')}`" + (f": {_escape(reason)}" if reason else ""))
        lines.append("")
    known = {item for _, item, _ in items}
    stray = sorted(set(observations) - known)
    if stray:
        lines += ["## Recorded names that are not public items", "",
                  "Comparisons recorded under these names (internal helpers, or a misspelt item):", ""]
        lines += [f"- `{name}`" for name in stray] + [""]
    return "\n".join(lines)


def _escape(text):
    """Markdown-safe text for a list item: test ids carry brackets, reasons carry underscores and stars."""
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def _versions():
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for label, dists in (("Keras", ("keras",)), ("TensorFlow", ("tensorflow-cpu", "tensorflow"))):
        for dist in dists:
            try:
                parts.append(f"{label} {version(dist)}")
                break
            except PackageNotFoundError:
                continue
    return ", ".join(parts) or "TensorFlow Keras"


# -- running ----------------------------------------------------------------------------------------------------------

def run_suite(record_path, pytest_args):
    """Run pytest over compat_tests with recording on.

    Returns (exit code, pytest's last summary line, ["test id - reason"] of the xfailed tests).
    """
    # COLUMNS: pytest cuts the short summary (the xfail reasons) to the terminal width.
    env = dict(os.environ, COLUMNS="2000", **{recording.ENV_VAR: record_path})
    cmd = [sys.executable, "-m", "pytest", "compat_tests", "-q", "-rx", "-p", "no:cacheprovider", *pytest_args]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout[-4000:])
    lines = proc.stdout.strip().splitlines()
    summary = [line for line in lines if line.strip()][-1:] or [""]
    xfails = sorted(line[len("XFAIL "):].strip() for line in lines if line.startswith("XFAIL "))
    return proc.returncode, summary[0].strip("= "), xfails


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m compat_tests.report", description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", metavar="FILE",
                        help="read a recording (JSON) instead of running the suite")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "compatibility.md"),
                        help="where to write the table (default: docs/compatibility.md of the repository)")
    parser.add_argument("--keep", metavar="FILE", help="also keep the recording of this run in FILE")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)

    run_summary = ""
    code = 0
    xfails = []
    if args.source:
        observations = recording.load(args.source)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = args.keep or os.path.join(tmp, "compat_record.json")
            if os.path.exists(path):
                os.remove(path)
            code, run_summary, xfails = run_suite(path, args.pytest_args)
            run_summary = f"{run_summary} ({datetime.date.today().isoformat()})"
            observations = recording.load(path) if os.path.exists(path) else {}
    text = render(observations, run_summary, xfails)
    os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(f"wrote {args.output}: {len(observations)} items with recorded comparisons")
    return 0 if code in (0, 5) or args.source else code


if __name__ == "__main__":
    sys.exit(main())
