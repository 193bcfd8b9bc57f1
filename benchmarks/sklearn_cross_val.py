"""Benchmark: 5-fold `cross_val_score` of the lesson network (100 epochs per fit) on the penguins.

    python benchmarks/sklearn_cross_val.py [--repeat 3] [--epochs 100]

Prints the wall time of the whole cross-validation and the time per fit (the
best of `--repeat` runs). Target: under 2 s on an idle machine. A benchmark,
not a test: nothing is asserted.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)

    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from minikeras.wrappers import KerasClassifier
    from sklearn_pipeline import build_model, load_data

    X, y = load_data()
    estimator = make_pipeline(
        StandardScaler(),
        KerasClassifier(build_model, model__hidden=10, loss="sparse_categorical_crossentropy", optimizer="adam",
                        epochs=args.epochs, batch_size=32, verbose=0, random_state=0),
    )
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        scores = cross_val_score(estimator, X, y, cv=args.folds)
        times.append(time.perf_counter() - start)
    best = min(times)
    print(f"{args.folds}-fold cross_val_score, {args.epochs} epochs per fit, {len(X)} penguins")
    print(f"accuracy per fold: {', '.join(f'{s:.4f}' for s in scores)} (mean {scores.mean():.4f})")
    print(f"wall time: {best:.3f} s (best of {args.repeat}: {', '.join(f'{t:.3f}' for t in times)}), "
          f"{best / args.folds:.3f} s per fit")


if __name__ == "__main__":
    main()
