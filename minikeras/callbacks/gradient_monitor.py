"""`GradientMonitor`: per-layer gradient norms during `fit`, to see vanishing or exploding gradients."""

import numpy as np

from minikeras.callbacks.callback import Callback


class GradientMonitor(Callback):
    """Record the gradient norm of every layer at every training step.

    The norm of a layer is the L2 norm of all its trainable weights' gradients
    together, `sqrt(sum_v ||∂L/∂v||²)`. Vanishing gradients show as norms that
    shrink towards the first layers; exploding ones as norms that grow.

    How it sees the gradients: for the duration of `fit` (from `on_train_begin`
    to `on_train_end`) the callback wraps `model.optimizer.apply`, the single
    call through which the trainer hands every step's gradients to the
    optimizer, records them, then calls the original method unchanged. The
    wrapper is removed at the end of training, so the model and optimizer are
    left as they were. (This is a minikeras learning aid; Keras has no such
    callback.)

    Args:
        record_gradients: also keep a copy of every step's full gradients
            (`gradients`: a list of `{variable path: array}`), which costs memory.

    Attributes:
        layer_norms: `{layer name: [norm at step 0, step 1, ...]}`.
        epoch_layer_norms: `{layer name: [mean norm over epoch 0, epoch 1, ...]}`.
        variable_norms: `{variable path: [norm per step]}`.
        gradients: the full gradients per step when `record_gradients=True`, else `[]`.

    Example:
        >>> monitor = GradientMonitor()
        >>> model.fit(x, y, epochs=5, callbacks=[monitor])  # doctest: +SKIP
        >>> monitor.epoch_layer_norms["dense"]  # doctest: +SKIP
    """

    def __init__(self, record_gradients=False):
        super().__init__()
        if not isinstance(record_gradients, bool):
            raise TypeError(f"`record_gradients` must be a bool. Received: record_gradients={record_gradients!r}")
        self.record_gradients = record_gradients
        self._reset()
        self._optimizer = None

    def _reset(self):
        self.layer_norms = {}
        self.epoch_layer_norms = {}
        self.variable_norms = {}
        self.gradients = []
        self._epoch_start = 0

    def _layer_of(self):
        owner = {}
        for layer in getattr(self.model, "layers", []):
            for v in layer.trainable_weights:
                owner.setdefault(id(v), layer.name)
        return owner

    def on_train_begin(self, logs=None):
        self._reset()
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            raise ValueError("GradientMonitor needs a compiled model: `model.optimizer` is None.")
        self._owner = self._layer_of()
        original = optimizer.apply
        self._had_instance_apply = "apply" in vars(optimizer)
        self._original_apply = original
        self._optimizer = optimizer

        def apply(grads, trainable_variables=None):
            grads = list(grads)
            variables = list(trainable_variables) if trainable_variables is not None else None
            self._record(grads, variables)
            return original(grads, variables)

        optimizer.apply = apply

    def _record(self, grads, variables):
        if variables is None:
            variables = list(getattr(self._optimizer, "_trainable_variables", []) or [])
        squared = {}
        full = {}
        for g, v in zip(grads, variables):
            path = getattr(v, "path", None) or getattr(v, "name", "variable")
            if g is None:
                continue
            g = np.asarray(g)
            sq = float(np.sum(np.square(g, dtype=np.float64)))
            self.variable_norms.setdefault(path, []).append(float(np.sqrt(sq)))
            layer = self._owner.get(id(v), path.split("/")[0])
            squared[layer] = squared.get(layer, 0.0) + sq
            if self.record_gradients:
                full[path] = g.copy()
        for layer, sq in squared.items():
            self.layer_norms.setdefault(layer, []).append(float(np.sqrt(sq)))
        if self.record_gradients:
            self.gradients.append(full)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = {k: len(v) for k, v in self.layer_norms.items()}

    def on_epoch_end(self, epoch, logs=None):
        start = self._epoch_start if isinstance(self._epoch_start, dict) else {}
        for layer, norms in self.layer_norms.items():
            steps = norms[start.get(layer, 0):]
            if steps:
                self.epoch_layer_norms.setdefault(layer, []).append(float(np.mean(steps)))

    def on_train_end(self, logs=None):
        optimizer = self._optimizer
        if optimizer is not None:
            if self._had_instance_apply:
                optimizer.apply = self._original_apply
            else:
                del optimizer.apply  # the class's method shows through again
        self._optimizer = None

    def plot(self, ax=None, per="epoch"):
        """Plot the norms per layer on a log scale with matplotlib; returns the Axes.

        Args:
            ax: a matplotlib Axes to draw on (a new figure when None).
            per: `"epoch"` (mean per epoch) or `"step"`.
        """
        if per not in ("epoch", "step"):
            raise ValueError(f"`per` must be 'epoch' or 'step'. Received: per={per!r}")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        data = self.epoch_layer_norms if per == "epoch" else self.layer_norms
        for layer, norms in data.items():
            ax.plot(range(1, len(norms) + 1), norms, label=layer)
        ax.set_yscale("log")
        ax.set_xlabel(per)
        ax.set_ylabel("gradient norm")
        ax.legend()
        return ax

    def get_config(self):
        return {"record_gradients": self.record_gradients}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
