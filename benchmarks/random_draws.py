"""How long seeded random draws take: the TF-exact streams of `minikeras.random`.

    python -m benchmarks.random_draws                 # 1,000,000 elements, 60,000-item permutation
    python -m benchmarks.random_draws --size 1000 --permutation 100 --repeats 1   # a smoke run

Prints a markdown table with one row per draw kind (uniform, normal and truncated normal in float32 and
float64, a seeded initializer, and the `fit(shuffle=True)` permutation): the kind, the number of
elements and the median wall time of the repeats in milliseconds. Each kind runs once untimed first so
that imports and lazy set-up are not counted. Set `OPENBLAS_NUM_THREADS=1` for numbers comparable
across machines (the draws do not use BLAS, but NumPy's import does start its threads).
"""

import argparse
import gc
import statistics
import sys
import time

import numpy as np

from minikeras import initializers
from minikeras.random import fit_shuffle, stateless

SEED = (1, 0)


def draw_kinds(size, permutation):
    """`(name, elements, fn)` for each measured draw; `fn()` performs one draw."""
    side = max(1, int(round(size ** 0.5)))
    kinds = []
    for dtype in ("float32", "float64"):
        kinds += [
            (f"uniform {dtype}", size, lambda d=dtype: stateless.stateless_uniform((size,), SEED, -1.0, 1.0, d)),
            (f"normal {dtype}", size, lambda d=dtype: stateless.stateless_normal((size,), SEED, 0.0, 1.0, d)),
            (f"truncated normal {dtype}", size,
             lambda d=dtype: stateless.stateless_truncated_normal((size,), SEED, 0.0, 1.0, d)),
        ]
    kinds += [
        ("GlorotUniform(seed=1) kernel", side * side, lambda: initializers.GlorotUniform(seed=1)((side, side))),
        ("GlorotNormal(seed=1) kernel", side * side, lambda: initializers.GlorotNormal(seed=1)((side, side))),
        ("fit shuffle permutation", permutation,
         lambda: fit_shuffle.shuffle_permutation(permutation, fit_shuffle.op_seeds(1))),
    ]
    return kinds


def _time_ms(fn):
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def measure(size=1_000_000, permutation=60_000, repeats=5):
    """Rows `(name, elements, median_ms)`, one per draw kind."""
    rows = []
    for name, elements, fn in draw_kinds(size, permutation):
        fn()  # warm-up, untimed
        times = [_time_ms(fn) for _ in range(repeats)]
        rows.append((name, elements, statistics.median(times)))
    return rows


def markdown_table(rows, repeats):
    lines = [f"| draw | elements | median of {repeats} (ms) |", "|---|---:|---:|"]
    lines += [f"| {name} | {elements:,} | {ms:.1f} |" for name, elements, ms in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="elements per draw (default 1,000,000)")
    parser.add_argument("--permutation", type=int, default=60_000, help="items to permute (default 60,000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per draw (default 5)")
    args = parser.parse_args(argv)
    rows = measure(args.size, args.permutation, args.repeats)
    print(f"NumPy {np.__version__}, Python {sys.version.split()[0]}\n")
    print(markdown_table(rows, args.repeats))
    return rows


if __name__ == "__main__":
    main()
