"""The five workloads, their sizes, data, and the measurements that need a fresh process.

1. `import`      — `import minikeras` (and the API a training script touches): time and peak RSS,
                   each in a fresh subprocess.
2. `lesson_fit`  — the lesson: 273 x 4 -> Dense(10, relu) -> Dense(3, softmax), Adam, batch 32,
                   100 epochs, categorical cross-entropy with accuracy, verbose=0.
3. `mnist_mlp`   — 60,000 x 784 -> 128 relu -> 10 softmax, SGD, one epoch, batch 32 and batch 256
                   (synthetic data of MNIST's shape).
4. `large_batch` — 784 -> 1024 -> 1024 -> 10, batch 1024: FLOP/s against the machine's float32
                   matrix-multiply throughput, measured on `np.matmul` of the same shapes.
5. `predict`     — `predict` of the lesson network on 1,000,000 rows: time, and peak memory measured in
                   a subprocess (RSS sampled during the call; tracemalloc for the NumPy-based ones).

`python -m benchmarks.workloads predict-memory NAME N BATCH` and `... import NAME` are the
subprocess entry points `run.py` uses.
"""

import dataclasses
import json
import os
import resource
import subprocess
import sys
import threading
import time

import numpy as np

WORKLOADS = ("import", "lesson_fit", "mnist_mlp", "large_batch", "predict")


@dataclasses.dataclass(frozen=True)
class NetSpec:
    """A ReLU MLP with a softmax output trained with categorical cross-entropy."""

    sizes: tuple
    optimizer: str = "sgd"
    learning_rate: float = 0.01
    batch_size: int = 32
    epochs: int = 1
    accuracy: bool = False
    shuffle: bool = True


@dataclasses.dataclass(frozen=True)
class Case:
    """One measured row group: a workload at one setting."""

    workload: str
    title: str
    kind: str  # "import" | "fit" | "predict"
    spec: NetSpec = None
    n_samples: int = 0
    predict_batch: int = 0

    @property
    def flops(self):
        """Multiply-add FLOPs of training: forward, the backward of every matmul (no input gradient)."""
        if self.kind != "fit":
            return None
        pairs = list(zip(self.spec.sizes[:-1], self.spec.sizes[1:]))
        per_sample = 6 * sum(a * b for a, b in pairs) - 2 * pairs[0][0] * pairs[0][1]
        return float(per_sample) * self.n_samples * self.spec.epochs


def cases(workload, quick=False):
    """The cases of `workload` at full size, or tiny ones for `--quick`."""
    if workload == "import":
        return [Case("import", "import (fresh process)", "import")]
    if workload == "lesson_fit":
        spec = NetSpec((4, 10, 3), "adam", 0.001, 32, 2 if quick else 100, accuracy=True)
        return [Case(workload, "lesson fit: 273x4 -> 10 relu -> 3 softmax, Adam, batch 32, "
                     f"{spec.epochs} epochs", "fit", spec, 273)]
    if workload == "mnist_mlp":
        n, sizes = (512, (64, 16, 10)) if quick else (60000, (784, 128, 10))
        return [Case(workload, f"MNIST-shaped MLP: {n}x{sizes[0]} -> {sizes[1]} relu -> 10 softmax, SGD, "
                     f"1 epoch, batch {b}", "fit", NetSpec(sizes, "sgd", 0.01, b), n) for b in (32, 256)]
    if workload == "large_batch":
        n, sizes, b = (256, (32, 64, 64, 10), 64) if quick else (8192, (784, 1024, 1024, 10), 1024)
        return [Case(workload, f"large batch: {n}x{sizes[0]} -> {sizes[1]} -> {sizes[2]} -> 10, SGD, "
                     f"1 epoch, batch {b}", "fit", NetSpec(sizes, "sgd", 0.01, b), n)]
    if workload == "predict":
        n = 10000 if quick else 1_000_000
        return [Case(workload, f"predict on {n:,} rows (lesson network, batch 1024)", "predict",
                     NetSpec((4, 10, 3)), n, predict_batch=1024)]
    raise ValueError(f"Unknown workload {workload!r}. Expected one of {WORKLOADS}.")


# -- data and weights -------------------------------------------------------------------------------


def make_data(n, n_features, n_classes, seed=0):
    """Synthetic float32 inputs, one-hot float32 targets and the integer labels."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, n_features), dtype=np.float32)
    labels = rng.integers(0, n_classes, size=n)
    y = np.eye(n_classes, dtype=np.float32)[labels]
    return x, y, labels


def make_weights(sizes, seed=1):
    """Glorot-uniform kernels and zero biases, Keras's layout: [W1 (in, out), b1, W2, b2, ...]."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32))
        weights.append(np.zeros(fan_out, dtype=np.float32))
    return weights


def case_data(case):
    return make_data(case.n_samples, case.spec.sizes[0], case.spec.sizes[-1])


# -- the matmul reference ---------------------------------------------------------------------------


def prepare_matmul_reference(case):
    """The matrix products of one training epoch alone (same shapes and count): the throughput ceiling."""
    sizes, batch = case.spec.sizes, case.spec.batch_size
    rng = np.random.default_rng(2)
    kernels = [rng.standard_normal((a, b), dtype=np.float32) for a, b in zip(sizes[:-1], sizes[1:])]
    acts = [rng.standard_normal((batch, a), dtype=np.float32) for a in sizes[:-1]]
    deltas = [rng.standard_normal((batch, b), dtype=np.float32) for b in sizes[1:]]
    steps = -(-case.n_samples // batch) * case.spec.epochs

    def run():
        for _ in range(steps):
            for a, w in zip(acts, kernels):
                np.matmul(a, w)
            for i in range(len(kernels) - 1, -1, -1):
                np.matmul(acts[i].T, deltas[i])
                if i:
                    np.matmul(deltas[i], kernels[i].T)

    return run


# -- fresh-process measurements ---------------------------------------------------------------------

IMPORTS = {
    "minikeras": ("import minikeras as k\n"
                  "k.Sequential, k.Input, k.layers.Dense, k.optimizers.Adam, k.losses.CategoricalCrossentropy\n"
                  "k.metrics.Accuracy, k.callbacks.History, k.utils.to_categorical"),
    "minikeras (bare import)": "import minikeras",
    "numpy": "import numpy",
    "tensorflow": "import tensorflow as tf\nimport keras\nkeras.layers.Dense, keras.Sequential",
    "torch": "import torch\ntorch.nn.Linear, torch.optim.Adam",
    "sklearn": "from sklearn.neural_network import MLPClassifier",
}


_PYCACHE = None


def _bytecode_env(env):
    """`env` with Python's bytecode cache on, in a directory of this run.

    The libraries compared are loaded from site-packages with compiled bytecode
    (`pip install` writes it), whereas a source checkout run with
    `PYTHONDONTWRITEBYTECODE` (set on some machines) would recompile minikeras in
    every process. Caching it the same way measures what an installed
    minikeras costs; `run.py` makes one untimed warm-up import first.
    """
    global _PYCACHE
    if _PYCACHE is None:
        import tempfile

        _PYCACHE = tempfile.mkdtemp(prefix="minikeras-bench-pycache-")
    env = dict(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE
    return env


def measure_import(label, env=None):
    """`{"seconds", "peak_rss_mb"}` of importing `IMPORTS[label]` in a fresh interpreter (bytecode cached)."""
    code = ("import time, resource\nt0 = time.perf_counter()\n" + IMPORTS[label] + "\n"
            "t1 = time.perf_counter()\n"
            "import json; print(json.dumps({'seconds': t1 - t0, "
            "'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    env = _bytecode_env(dict(os.environ if env is None else env, TF_CPP_MIN_LOG_LEVEL="3"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _RssSampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak = _rss_bytes()
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            self.peak = max(self.peak, _rss_bytes())
            time.sleep(0.0005)


def predict_memory(name, n, batch):
    """Peak memory of one `predict` call on `n` rows (run inside a fresh process)."""
    import tracemalloc

    from benchmarks import competitors

    comp = next(c for c in competitors.ALL if c.name == name)
    case = cases("predict")[0]
    x, _, _ = make_data(n, case.spec.sizes[0], case.spec.sizes[-1])
    weights = make_weights(case.spec.sizes)
    comp.prepare_predict(case.spec, x[:4 * batch], weights, batch)()  # warm up imports and caches
    run = comp.prepare_predict(case.spec, x, weights, batch)
    traced = name in ("minikeras", "numpy")  # their arrays are NumPy's, which tracemalloc sees
    base = _rss_bytes()
    max_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sampler = _RssSampler()
    sampler.start()
    if traced:
        tracemalloc.start()
    out = run()
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
    sampler.done.set()
    sampler.join()
    max_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    peak = max(sampler.peak, max_after if max_after > max_before else 0)
    mb = 1024 * 1024
    return {"input_mb": x.nbytes / mb, "output_mb": np.asarray(out).nbytes / mb,
            "rss_delta_mb": max(peak - base, 0) / mb,
            "traced_peak_mb": None if traced_peak is None else traced_peak / mb}


def measure_predict_memory(name, n, batch):
    out = subprocess.run([sys.executable, "-m", "benchmarks.workloads", "predict-memory", name, str(n), str(batch)],
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    if sys.argv[1] == "predict-memory":
        print(json.dumps(predict_memory(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    else:
        raise SystemExit(f"unknown command {sys.argv[1]!r}")
