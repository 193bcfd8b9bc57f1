"""The lesson's network on the Palmer penguins: classify species from four body measurements.

Runs offline on the data bundled with the `palmerpenguins` package:

    pip install -e ".[data,plot]" && python examples/penguins.py

Steps: drop rows with missing measurements, one-hot encode the species, split
train/test stratified by species, standardise the features with the training
statistics, then train `Input((4,)) -> Dense(10, relu) -> Dense(3, softmax)`
with categorical cross-entropy and report the test accuracy and confusion matrix.
"""

import argparse
import os
import sys

import numpy as np

import minikeras as keras

FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def load_data():
    """Features (float32) and species names, rows with a missing measurement dropped."""
    try:
        from palmerpenguins import load_penguins
    except ImportError:
        sys.exit("This example needs the `data` extra: pip install -e '.[data]'")
    frame = load_penguins()
    frame = frame.dropna(subset=FEATURES)
    return frame[FEATURES].to_numpy(dtype="float32"), frame["species"].to_numpy()


def stratified_split(labels, test_size, seed):
    """Train/test indices keeping each class's proportion (as sklearn's stratify=)."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        n_test = int(round(len(idx) * test_size))
        test.extend(idx[:n_test])
        train.extend(idx[n_test:])
    return rng.permutation(train), rng.permutation(test)


def build_model(n_features, n_classes):
    inputs = keras.Input(shape=(n_features,))
    hidden = keras.layers.Dense(10, activation="relu")(inputs)
    outputs = keras.layers.Dense(n_classes, activation="softmax")(hidden)
    return keras.Model(inputs=inputs, outputs=outputs, name="penguins")


def confusion_matrix(true, pred, n_classes):
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(matrix, (true, pred), 1)
    return matrix


def save_curves(history, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no training-curve plot; pip install -e '.[plot]')")
        return
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for key, ax in (("loss", ax_loss), ("accuracy", ax_acc)):
        ax.plot(history.history[key], label=f"training {key}")
        ax.plot(history.history[f"val_{key}"], label=f"validation {key}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        ax.legend()
    fig.tight_layout()
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=100)
    os.replace(tmp, path)  # never leave a half-written plot behind
    plt.close(fig)
    print(f"Training curves written to {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--optimizer", default="adam")
    parser.add_argument("--plot", default="penguins_training.png", help="where to write the curves ('' for none)")
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    features, species = load_data()
    classes = np.unique(species)
    labels = np.searchsorted(classes, species)
    targets = keras.utils.to_categorical(labels, num_classes=len(classes))

    train_idx, test_idx = stratified_split(labels, test_size=0.2, seed=args.seed)
    mean, std = features[train_idx].mean(axis=0), features[train_idx].std(axis=0)
    x = (features - mean) / std
    x_train, y_train, x_test, y_test = x[train_idx], targets[train_idx], x[test_idx], targets[test_idx]
    print(f"{len(features)} penguins, {len(classes)} species {list(classes)}: "
          f"{len(x_train)} for training, {len(x_test)} for testing")

    model = build_model(x.shape[1], len(classes))
    model.summary()
    model.compile(loss="categorical_crossentropy", optimizer=args.optimizer, metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, validation_split=0.2,
                        verbose=args.verbose)

    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    predicted = np.argmax(model.predict(x_test, verbose=0), axis=1)
    matrix = confusion_matrix(np.argmax(y_test, axis=1), predicted, len(classes))
    print(f"\nTest loss: {test_loss:.4f}   test accuracy: {test_accuracy:.4f}")
    print("Confusion matrix (rows: true species, columns: predicted):")
    width = max(len(c) for c in classes)
    print(" " * (width + 2) + "  ".join(f"{c:>{width}}" for c in classes))
    for name, row in zip(classes, matrix):
        print(f"{name:>{width}}  " + "  ".join(f"{v:>{width}d}" for v in row))
    if args.plot:
        save_curves(history, args.plot)
    return test_accuracy


if __name__ == "__main__":
    main()
