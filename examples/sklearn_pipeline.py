"""The lesson's penguin network inside scikit-learn: Pipeline + GridSearchCV over hidden units and learning rate.

    pip install -e ".[data,sklearn]" && python examples/sklearn_pipeline.py

`StandardScaler -> KerasClassifier` is tuned by 3-fold cross-validation over
the hidden layer's width (`model__hidden`, routed to the build function) and
Adam's learning rate (`optimizer__learning_rate`, routed to the optimizer).
`random_state` makes every fit repeatable, so the search is too. Species names
are the targets as they are: the wrapper encodes them.
"""

import argparse
import sys

import minikeras as keras

FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def load_data():
    """The measurements (a DataFrame) and the species (a Series), rows with missing values dropped."""
    try:
        from palmerpenguins import load_penguins
    except ImportError:
        sys.exit("This example needs the `data` extra: pip install -e '.[data]'")
    frame = load_penguins().dropna(subset=FEATURES)
    return frame[FEATURES], frame["species"]


def build_model(meta, hidden=10):
    """Input -> Dense(hidden, relu) -> Dense(n_classes, softmax), sized from the fitted metadata."""
    inputs = keras.Input(shape=(meta["n_features_in_"],))
    h = keras.layers.Dense(hidden, activation="relu")(inputs)
    outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax")(h)
    return keras.Model(inputs, outputs, name="penguins")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--hidden", type=int, nargs="+", default=[4, 10, 20])
    parser.add_argument("--learning-rate", type=float, nargs="+", default=[0.001, 0.01, 0.05])
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel fits (joblib processes)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from sklearn.model_selection import GridSearchCV, train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from minikeras.wrappers import KerasClassifier

    X, y = load_data()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=args.seed)
    print(f"{len(X)} penguins, species {sorted(y.unique())}: {len(X_train)} for training, {len(X_test)} for testing")

    classifier = KerasClassifier(
        build_model, loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"],
        epochs=args.epochs, batch_size=32, verbose=0, random_state=args.seed,
    )
    pipeline = Pipeline([("scale", StandardScaler()), ("net", classifier)])
    grid = {"net__model__hidden": args.hidden, "net__optimizer__learning_rate": args.learning_rate}
    search = GridSearchCV(pipeline, grid, cv=args.cv, n_jobs=args.n_jobs)
    search.fit(X_train, y_train)

    print("Cross-validated accuracy per setting:")
    for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
        print(f"  hidden={params['net__model__hidden']:<3d} learning_rate={params['net__optimizer__learning_rate']:<6g}"
              f" accuracy={score:.4f}")
    best = {k.split("__", 1)[1]: v for k, v in search.best_params_.items()}
    test_accuracy = search.score(X_test, y_test)
    print(f"Best parameters: {best} (cross-validated accuracy {search.best_score_:.4f})")
    print(f"Test accuracy: {test_accuracy:.4f}")
    return search, test_accuracy


if __name__ == "__main__":
    main()
