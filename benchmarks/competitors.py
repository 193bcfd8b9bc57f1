"""The libraries a workload runs on: minikeras, TensorFlow Keras, PyTorch eager, scikit-learn, bare NumPy.

Every competitor trains the same network (`spec`: layer sizes, ReLU hidden
layers, a softmax output, categorical cross-entropy, Adam or plain SGD, batch
size, epochs, reshuffled every epoch) from the same starting weights, and
reports the same numbers (the epoch's mean loss, and accuracy when the spec
asks for it). `prepare_fit` / `prepare_predict` do the untimed setup (model,
optimizer, compile) and return the zero-argument callable that is timed.

The bare NumPy loop is the floor: the same math written out plainly and
efficiently — forward, softmax cross-entropy with its delta rule
`(softmax(z) - y) / batch`, backward, the same optimizer update — with no
framework around it.
"""

import importlib
import importlib.util
import os
import warnings

import numpy as np

# -- the floor: the same math in plain NumPy ------------------------------------------------------


def numpy_fit(spec, x, y, params, seed=0):
    """Train `params` ([W1, b1, W2, b2, ...], float32, updated in place); returns the last epoch's mean loss."""
    f = x.dtype.type
    kernels, biases = params[0::2], params[1::2]
    depth = len(kernels)
    n, batch = len(x), spec.batch_size
    lr = f(spec.learning_rate)
    adam = spec.optimizer == "adam"
    if adam:
        beta_1, beta_2, eps, one = f(0.9), f(0.999), f(1e-7), f(1)
        moments = [np.zeros_like(p) for p in params]
        velocities = [np.zeros_like(p) for p in params]
        t = 0
    rng = np.random.default_rng(seed)
    grads = [None] * len(params)
    mean_loss = 0.0
    for _ in range(spec.epochs):
        order = rng.permutation(n) if spec.shuffle else None
        total, correct = 0.0, 0
        for start in range(0, n, batch):
            if order is None:
                xb, yb = x[start:start + batch], y[start:start + batch]
            else:
                idx = order[start:start + batch]
                xb, yb = x[idx], y[idx]
            nb = f(len(xb))
            # forward
            acts = [xb]
            h = xb
            for i in range(depth - 1):
                h = h @ kernels[i]
                h += biases[i]
                np.maximum(h, 0, out=h)
                acts.append(h)
            z = h @ kernels[-1]
            z += biases[-1]
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            s = e.sum(axis=1, keepdims=True)
            z -= np.log(s)  # log-softmax
            z *= yb
            loss = -z.sum() / nb
            # backward: the softmax cross-entropy delta, then the chain rule layer by layer
            e /= s
            d = e - yb
            d /= nb
            for i in range(depth - 1, -1, -1):
                grads[2 * i] = acts[i].T @ d
                grads[2 * i + 1] = d.sum(axis=0)
                if i:
                    d = d @ kernels[i].T
                    d *= acts[i] > 0
            # update
            if adam:
                t += 1
                alpha = lr * np.sqrt(one - beta_2 ** t) / (one - beta_1 ** t)
                for p, g, m, v in zip(params, grads, moments, velocities):
                    m += (g - m) * (one - beta_1)
                    v += (g * g - v) * (one - beta_2)
                    p -= m * alpha / (np.sqrt(v) + eps)
            else:
                for p, g in zip(params, grads):
                    g *= lr
                    p -= g
            total += float(loss) * len(xb)
            if spec.accuracy:
                correct += int(np.count_nonzero(e.argmax(axis=1) == yb.argmax(axis=1)))
        mean_loss = total / n
    return mean_loss


def numpy_predict(x, params, batch_size):
    """Softmax outputs for `x`, batch by batch, into one preallocated array."""
    kernels, biases = params[0::2], params[1::2]
    out = np.empty((len(x), kernels[-1].shape[1]), dtype=x.dtype)
    for start in range(0, len(x), batch_size):
        h = x[start:start + batch_size]
        for i in range(len(kernels) - 1):
            h = h @ kernels[i]
            h += biases[i]
            np.maximum(h, 0, out=h)
        z = h @ kernels[-1]
        z += biases[-1]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        out[start:start + len(z)] = z
    return out


# -- competitors -------------------------------------------------------------------------------------


class Competitor:
    """One library. `kinds` says which workloads it takes part in."""

    name = ""
    label = ""
    module = None
    kinds = ("fit", "predict")

    def available(self):
        return importlib.util.find_spec(self.module) is not None

    def version(self):
        return getattr(importlib.import_module(self.module), "__version__", "?")

    def supports(self, kind, workload):
        return kind in self.kinds


class NumpyFloor(Competitor):
    name, label, module = "numpy", "bare NumPy (floor)", "numpy"

    def prepare_fit(self, spec, data, weights):
        x, y, _ = data
        params = [w.copy() for w in weights]
        return lambda: numpy_fit(spec, x, y, params)

    def prepare_predict(self, spec, x, weights, batch_size):
        params = [w.copy() for w in weights]
        return lambda: numpy_predict(x, params, batch_size)


class _KerasLike(Competitor):
    """minikeras and TensorFlow Keras take the very same code: that is the point of minikeras."""

    def lib(self):
        return importlib.import_module(self.module)

    def model(self, spec, weights):
        lib = self.lib()
        layers = [lib.Input(shape=(spec.sizes[0],))]
        layers += [lib.layers.Dense(units, activation="relu") for units in spec.sizes[1:-1]]
        layers.append(lib.layers.Dense(spec.sizes[-1], activation="softmax"))
        model = lib.Sequential(layers)
        model.set_weights([w.copy() for w in weights])
        return model

    def prepare_fit(self, spec, data, weights):
        lib = self.lib()
        x, y, _ = data
        model = self.model(spec, weights)
        if spec.optimizer == "adam":
            optimizer = lib.optimizers.Adam(learning_rate=spec.learning_rate)
        else:
            optimizer = lib.optimizers.SGD(learning_rate=spec.learning_rate)
        model.compile(optimizer=optimizer, loss="categorical_crossentropy",
                      metrics=["accuracy"] if spec.accuracy else None)
        return lambda: model.fit(x, y, batch_size=spec.batch_size, epochs=spec.epochs, verbose=0,
                                 shuffle=spec.shuffle)

    def prepare_predict(self, spec, x, weights, batch_size):
        model = self.model(spec, weights)
        return lambda: model.predict(x, batch_size=batch_size, verbose=0)


class Minikeras(_KerasLike):
    name, label, module = "minikeras", "minikeras", "minikeras"


class TFKeras(_KerasLike):
    name, label, module = "tensorflow", "TensorFlow Keras", "keras"

    def available(self):
        return importlib.util.find_spec("tensorflow") is not None and importlib.util.find_spec("keras") is not None

    def lib(self):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow  # noqa: F401  (the backend Keras runs on)

        return importlib.import_module("keras")

    def version(self):
        import keras
        import tensorflow

        return f"tensorflow {tensorflow.__version__}, keras {keras.__version__}"


class Torch(Competitor):
    """PyTorch eager: `nn.Sequential`, `F.cross_entropy` on the logits, `torch.optim`."""

    name, label, module = "torch", "PyTorch eager", "torch"

    def model(self, spec, weights):
        import torch

        layers = []
        kernels, biases = weights[0::2], weights[1::2]
        for i, (w, b) in enumerate(zip(kernels, biases)):
            linear = torch.nn.Linear(w.shape[0], w.shape[1])
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
                linear.bias.copy_(torch.from_numpy(b))
            layers.append(linear)
            if i < len(kernels) - 1:
                layers.append(torch.nn.ReLU())
        return torch.nn.Sequential(*layers)

    def prepare_fit(self, spec, data, weights):
        import torch
        import torch.nn.functional as F

        x, _, labels = data
        xs, ys = torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))
        model = self.model(spec, weights)
        if spec.optimizer == "adam":
            optimizer = torch.optim.Adam(model.parameters(), lr=spec.learning_rate, eps=1e-7)
        else:
            optimizer = torch.optim.SGD(model.parameters(), lr=spec.learning_rate)
        generator = torch.Generator().manual_seed(0)

        def run():
            n, batch = len(xs), spec.batch_size
            mean_loss = 0.0
            for _ in range(spec.epochs):
                order = torch.randperm(n, generator=generator) if spec.shuffle else None
                total, correct = 0.0, 0
                for start in range(0, n, batch):
                    if order is None:
                        xb, yb = xs[start:start + batch], ys[start:start + batch]
                    else:
                        idx = order[start:start + batch]
                        xb, yb = xs[idx], ys[idx]
                    logits = model(xb)
                    loss = F.cross_entropy(logits, yb)
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    total += loss.item() * len(xb)
                    if spec.accuracy:
                        correct += int((logits.argmax(dim=1) == yb).sum())
                mean_loss = total / n
            return mean_loss

        return run

    def prepare_predict(self, spec, x, weights, batch_size):
        import torch

        model = self.model(spec, weights)
        xs = torch.from_numpy(x)

        def run():
            out = np.empty((len(x), spec.sizes[-1]), dtype=x.dtype)
            with torch.inference_mode():
                for start in range(0, len(xs), batch_size):
                    probs = torch.softmax(model(xs[start:start + batch_size]), dim=1)
                    out[start:start + len(probs)] = probs.numpy()
            return out

        return run


class Sklearn(Competitor):
    """scikit-learn's `MLPClassifier` (SGD without momentum or L2 penalty, `max_iter` = epochs)."""

    name, label, module = "sklearn", "scikit-learn MLPClassifier", "sklearn"
    kinds = ("fit",)

    def supports(self, kind, workload):
        return kind == "fit" and workload == "mnist_mlp"

    def prepare_fit(self, spec, data, weights):
        from sklearn.neural_network import MLPClassifier

        x, _, labels = data
        clf = MLPClassifier(hidden_layer_sizes=tuple(spec.sizes[1:-1]), activation="relu", solver=spec.optimizer,
                            alpha=0.0, batch_size=spec.batch_size, learning_rate_init=spec.learning_rate,
                            max_iter=spec.epochs, shuffle=spec.shuffle, momentum=0.0, nesterovs_momentum=False,
                            tol=0.0, n_iter_no_change=10 ** 9, epsilon=1e-7, random_state=0)

        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ConvergenceWarning: max_iter reached, as intended
                clf.fit(x, labels)
            return clf.loss_

        return run


ALL = (Minikeras(), NumpyFloor(), TFKeras(), Torch(), Sklearn())


def get(names=None):
    """The available competitors, optionally restricted to `names` (minikeras and the floor first)."""
    chosen = [c for c in ALL if names is None or c.name in names]
    return [c for c in chosen if c.available()]
