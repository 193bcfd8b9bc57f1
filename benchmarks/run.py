"""Run the workloads side by side and write `results.md` (and `results.png` when matplotlib is present).

    python -m benchmarks.run                      # everything, full size, median of 5 repeats
    python -m benchmarks.run --quick              # tiny sizes (a smoke run, not a measurement)
    python -m benchmarks.run --only lesson_fit    # one workload (repeat --only for more)

Within a repeat every competitor runs once, in a rotating order, so that load from other processes on a
shared machine falls on all of them alike; the table reports the median of the repeats and the ratios of
those medians. Setup (building and compiling the model, making the data) is never timed; each timed run
starts from a freshly built model with the same starting weights. Before the repeats each competitor runs
once on a small slice, untimed, so that imports and lazy initialisation are not counted.
"""

import argparse
import dataclasses
import datetime
import gc
import os
import platform
import statistics
import sys
import time

from benchmarks import competitors as comps
from benchmarks import workloads as wl

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
                    "TF_NUM_INTEROP_THREADS")
TARGETS_NOTE = "Targets from issue 8; ratios are of medians measured in this same run."


def _time(fn):
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _warm_case(case, data):
    """A one-epoch run on a couple of batches: loads modules and caches without timing them."""
    n = min(case.n_samples, 2 * case.spec.batch_size)
    spec = dataclasses.replace(case.spec, epochs=1)
    return dataclasses.replace(case, spec=spec, n_samples=n), tuple(a[:n] for a in data)


def run_fit_case(case, chosen, repeats, log):
    data = wl.case_data(case)
    weights = wl.make_weights(case.spec.sizes)
    runners = [(c.name, (lambda c=c: c.prepare_fit(case.spec, data, weights))) for c in chosen
               if c.supports("fit", case.workload)]
    if case.workload == "large_batch":
        runners.append(("matmul", lambda: wl.prepare_matmul_reference(case)))
    warm_case, warm_data = _warm_case(case, data)
    for c in chosen:
        if c.supports("fit", case.workload):
            c.prepare_fit(warm_case.spec, warm_data, weights)()
    times = {name: [] for name, _ in runners}
    for r in range(repeats):
        shift = r % len(runners)
        for name, prepare in runners[shift:] + runners[:shift]:
            run = prepare()
            times[name].append(_time(run))
        log(f"  repeat {r + 1}/{repeats}: " + ", ".join(f"{k} {v[-1]:.3f}s" for k, v in times.items()))
    return times


def run_predict_case(case, chosen, repeats, log):
    x, _, _ = wl.make_data(case.n_samples, case.spec.sizes[0], case.spec.sizes[-1])
    weights = wl.make_weights(case.spec.sizes)
    runners = [c for c in chosen if c.supports("predict", case.workload)]
    for c in runners:
        c.prepare_predict(case.spec, x[:4 * case.predict_batch], weights, case.predict_batch)()
    times = {c.name: [] for c in runners}
    for r in range(repeats):
        shift = r % len(runners)
        for c in runners[shift:] + runners[:shift]:
            run = c.prepare_predict(case.spec, x, weights, case.predict_batch)
            times[c.name].append(_time(run))
        log(f"  repeat {r + 1}/{repeats}: " + ", ".join(f"{k} {v[-1]:.3f}s" for k, v in times.items()))
    memory = {}
    for c in runners:
        memory[c.name] = wl.measure_predict_memory(c.name, case.n_samples, case.predict_batch)
        log(f"  memory {c.name}: {memory[c.name]}")
    return times, memory


def run_import_case(chosen, repeats, log):
    names = {c.name for c in chosen}
    labels = [label for label in wl.IMPORTS if label.split(" ")[0] in names]
    results = {label: [] for label in labels}
    for label in labels:  # untimed: writes the bytecode cache, as an install would
        wl.measure_import(label)
    for r in range(repeats):
        for label in labels:
            results[label].append(wl.measure_import(label))
        log(f"  repeat {r + 1}/{repeats}: " + ", ".join(f"{k} {v[-1]['seconds']:.3f}s" for k, v in results.items()))
    return results


# -- report ---------------------------------------------------------------------------------------------

LABELS = {c.name: c.label for c in comps.ALL}
LABELS["matmul"] = "np.matmul of the same shapes only (ceiling)"


def _median(values):
    return statistics.median(values)


def _fmt_ratio(r):
    if r is None:
        return "—"
    return f"{r:.3g}x"


def machine_info():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{platform.platform()}; {cpu}; {os.cpu_count()} CPUs; {mem} RAM; Python {platform.python_version()}"


def _load():
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def build_report(sections, chosen, args, load_before, load_after, elapsed):
    import numpy

    lines = ["# minikeras benchmarks", "",
             f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
             f"- Machine: {machine_info()}",
             f"- Load average before / after: {load_before} / {load_after} (a shared machine: compare ratios)",
             f"- Versions: numpy {numpy.__version__}; " + "; ".join(
                 f"{c.label}: {c.version()}" for c in chosen if c.name != "numpy"),
             f"- Command: `python -m benchmarks.run {' '.join(sys.argv[1:])}`".replace("  ", " "),
             "- Threads: " + (f"{args.threads} per library (" + ", ".join(THREAD_VARIABLES) + ")"
                              if args.threads else "each library's default") + f"; {os.cpu_count()} CPUs",
             f"- Repeats: median of {args.repeats}; total wall time {elapsed:.0f} s"
             + (" — QUICK MODE: tiny sizes, not a measurement" if args.quick else ""),
             ""]
    for section in sections:
        lines += section["lines"] + [""]
    lines += ["## Targets", "", TARGETS_NOTE, "", "| target | measured | met |", "|---|---|---|"]
    for target, measured, met in evaluate_targets(sections):
        lines.append(f"| {target} | {measured} | {met} |")
    return "\n".join(lines) + "\n"


def fit_section(case, times):
    med = {k: _median(v) for k, v in times.items()}
    mk, floor = med.get("minikeras"), med.get("numpy")
    flops = case.flops
    head = "| competitor | median time (s) | time / minikeras | time / floor |"
    sep = "|---|---|---|---|"
    if case.workload == "large_batch":
        head += " GFLOP/s | share of matmul throughput |"
        sep += "---|---|"
    lines = [f"### {case.title}", "", head, sep]
    for name, t in med.items():
        row = (f"| {LABELS[name]} | {t:.4g} | {_fmt_ratio(t / mk if mk else None)} | "
               f"{_fmt_ratio(t / floor if floor else None)} |")
        if case.workload == "large_batch":
            share = med["matmul"] / t if "matmul" in med else None
            row += f" {flops / t / 1e9:.1f} | {'—' if share is None else f'{100 * share:.0f}%'} |"
        lines.append(row)
    return {"case": case, "median": med, "lines": lines}


def predict_section(case, times, memory):
    med = {k: _median(v) for k, v in times.items()}
    mk = med.get("minikeras")
    lines = [f"### {case.title}", "",
             "| competitor | median time (s) | time / minikeras | input (MB) | output (MB) | "
             "peak RSS increase (MB) | peak traced NumPy memory (MB) | peak / input |",
             "|---|---|---|---|---|---|---|---|"]
    for name, t in med.items():
        m = memory[name]
        peak = m["traced_peak_mb"] if m["traced_peak_mb"] is not None else m["rss_delta_mb"]
        traced = "—" if m["traced_peak_mb"] is None else f"{m['traced_peak_mb']:.1f}"
        lines.append(f"| {LABELS[name]} | {t:.4g} | {_fmt_ratio(t / mk if mk else None)} | {m['input_mb']:.1f} | "
                     f"{m['output_mb']:.1f} | {m['rss_delta_mb']:.1f} | {traced} | {peak / m['input_mb']:.2f} |")
    return {"case": case, "median": med, "memory": memory, "lines": lines}


def import_section(results):
    lines = ["### import (fresh interpreter each time)", "",
             "| what is imported | median time (s) | median peak RSS (MB) |", "|---|---|---|"]
    med = {}
    for label, runs in results.items():
        med[label] = (_median([r["seconds"] for r in runs]), _median([r["peak_rss_mb"] for r in runs]))
        code = wl.IMPORTS[label].replace("\n", "; ")
        lines.append(f"| {label}: `{code}` | {med[label][0]:.3f} | {med[label][1]:.1f} |")
    return {"case": wl.cases("import")[0], "median": med, "lines": lines}


def evaluate_targets(sections):
    out = []

    def verdict(ok):
        return "n/a" if ok is None else ("yes" if ok else "**NO**")

    for s in sections:
        case, med = s["case"], s["median"]
        mk, floor = med.get("minikeras"), med.get("numpy")
        if case.workload == "import" and "minikeras" in med:
            t, rss = med["minikeras"]
            out.append(("import minikeras (+ the lesson's API) <= 0.2 s and <= 60 MB peak RSS",
                        f"{t:.3f} s, {rss:.1f} MB", verdict(t <= 0.2 and rss <= 60)))
        if case.kind == "fit" and mk is not None:
            label = case.title.split(":")[0] + (f", batch {case.spec.batch_size}" if case.workload == "mnist_mlp" else "")
            if floor is not None and case.workload in ("lesson_fit", "mnist_mlp"):
                out.append((f"{label}: within 1.2x of the bare-NumPy floor", f"{mk / floor:.2f}x",
                            verdict(mk / floor <= 1.2)))
            if case.workload == "lesson_fit":
                tf = med.get("tensorflow")
                out.append((f"{label}: >= 100x faster than TensorFlow Keras",
                            "—" if tf is None else f"{tf / mk:.0f}x", verdict(None if tf is None else tf / mk >= 100)))
            if case.workload == "mnist_mlp":
                for other in ("sklearn", "torch"):
                    t = med.get(other)
                    out.append((f"{label}: faster than {LABELS[other]}", "—" if t is None else f"{t / mk:.2f}x",
                                verdict(None if t is None else mk < t)))
            if case.workload == "large_batch" and "matmul" in med:
                share = med["matmul"] / mk
                out.append((f"{label}: >= 60% of the matmul throughput", f"{100 * share:.0f}%", verdict(share >= 0.6)))
        if case.kind == "predict" and "minikeras" in s.get("memory", {}):
            m = s["memory"]["minikeras"]
            peak = m["traced_peak_mb"]
            out.append(("predict on 1M rows: peak memory <= ~2x the input array",
                        f"{peak:.1f} MB traced ({m['rss_delta_mb']:.1f} MB RSS) for {m['input_mb']:.1f} MB input",
                        verdict(peak <= 2 * m["input_mb"])))
    return out


def write_chart(sections, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(len(sections), 1, figsize=(9, 2.0 + 1.1 * sum(len(s["median"]) for s in sections) / 2),
                             squeeze=False)
    for ax, s in zip(axes[:, 0], sections):
        med = s["median"]
        names = list(med)
        values = [v[0] if isinstance(v, tuple) else v for v in med.values()]
        colors = ["tab:red" if n.startswith("minikeras") else "tab:gray" if n in ("numpy", "matmul") else "tab:blue"
                  for n in names]
        labels = names if s["case"].kind == "import" else [LABELS.get(n, n) for n in names]
        ax.barh(labels, values, color=colors)
        ax.set_xscale("log")
        ax.invert_yaxis()
        ax.set_title(s["case"].title, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("seconds (median, log scale)", fontsize=7)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:.3g}s", va="center", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat: checks the harness runs")
    parser.add_argument("--only", action="append", choices=wl.WORKLOADS, help="run only this workload (repeatable)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per competitor (default 5, quick 1)")
    parser.add_argument("--competitors", default=None,
                        help="comma-separated subset of: " + ", ".join(c.name for c in comps.ALL))
    parser.add_argument("--output", default=os.path.dirname(os.path.abspath(__file__)),
                        help="directory for results.md and results.png (default: benchmarks/)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for every library (BLAS, OpenMP, TensorFlow); default: each library's own. "
                             "On a busy shared machine --threads 1 avoids BLAS thread oversubscription")
    args = parser.parse_args(argv)
    if args.threads is not None and os.environ.get("MINIKERAS_BENCH_THREADS") != str(args.threads):
        # Thread pools are sized when the libraries load: start again with the environment set.
        env = dict(os.environ, MINIKERAS_BENCH_THREADS=str(args.threads))
        env.update({name: str(args.threads) for name in THREAD_VARIABLES})
        os.execve(sys.executable, [sys.executable, "-m", "benchmarks.run"] + list(
            sys.argv[1:] if argv is None else argv), env)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 5
    names = None if args.competitors is None else {n.strip() for n in args.competitors.split(",")}
    chosen = comps.get(names)

    def log(msg):
        print(msg, flush=True)

    start, load_before = time.perf_counter(), _load()
    sections = []
    for workload in args.only or wl.WORKLOADS:
        for case in wl.cases(workload, args.quick):
            log(f"{case.title}")
            if case.kind == "import":
                sections.append(import_section(run_import_case(chosen, args.repeats, log)))
            elif case.kind == "fit":
                sections.append(fit_section(case, run_fit_case(case, chosen, args.repeats, log)))
            else:
                sections.append(predict_section(case, *run_predict_case(case, chosen, args.repeats, log)))
    report = build_report(sections, chosen, args, load_before, _load(), time.perf_counter() - start)
    os.makedirs(args.output, exist_ok=True)
    with open(os.path.join(args.output, "results.md"), "w") as f:
        f.write(report)
    charted = write_chart(sections, os.path.join(args.output, "results.png"))
    print(report)
    if charted:
        print(f"chart: {os.path.join(args.output, 'results.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
