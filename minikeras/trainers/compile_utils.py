"""What `compile` resolves: the per-output losses (with weights) and the metrics.

Matches Keras 3's rules: `'accuracy'`/`'acc'` becomes Binary-, SparseCategorical- or
CategoricalAccuracy from the shapes of `y_true` and `y_pred`; with several
outputs, each output's loss is tracked as `<output>_loss` and its metrics are
named `<output>_<metric>`.
"""

import numpy as np

from minikeras.ops.autodiff import value


def is_binary_or_sparse_categorical(y_true, y_pred):
    """Keras's shape rule: binary if `y_pred` has one column; sparse if `y_true` is rank-lower or one column."""
    t_shape, p_shape = np.shape(value(y_true)), np.shape(value(y_pred))
    is_binary = p_shape[-1:] == (1,)
    is_sparse = len(t_shape) < len(p_shape) or (t_shape[-1:] == (1,) and p_shape[-1:] != (1,) and len(p_shape) > 0 and p_shape[-1] > 1)
    return is_binary, is_sparse


def get_metric(identifier, y_true, y_pred):
    """Resolve one metric identifier for one output (Keras's `compile_utils.get_metric`)."""
    from minikeras import metrics as metrics_module

    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            metric = metrics_module.BinaryAccuracy(name=str(identifier))
        elif is_sparse:
            metric = metrics_module.SparseCategoricalAccuracy(name=str(identifier))
        else:
            metric = metrics_module.CategoricalAccuracy(name=str(identifier))
    else:
        metric = metrics_module.get(identifier)
    if isinstance(identifier, str):
        name = identifier
    elif isinstance(metric, metrics_module.Metric):
        name = metric.name
    else:
        name = getattr(metric, "__name__", type(metric).__name__)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric, name=name)
    metric.name = name
    return metric


def _per_output(spec, output_names, what):
    """Spread a compile argument over the outputs: one shared value, a list, or a dict by name."""
    n = len(output_names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in output_names]
        if unknown:
            raise ValueError(
                f"In the dict argument `{what}`, key '{unknown[0]}' does not correspond to any model output. "
                f"Received:\n{what}={spec}"
            )
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if len(spec) != n:
            raise ValueError(
                f"For a model with multiple outputs, when providing the `{what}` argument as a list, it should "
                f"have as many entries as the model has outputs. Received:\n{what}={spec}\nof length "
                f"{len(spec)} whereas the model has {n} outputs."
            )
        return list(spec)
    return [spec] * n


class CompileLoss:
    """The total compiled loss: `sum_i weight_i * loss_i(y_true_i, y_pred_i, sample_weight_i)`."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        from minikeras import losses as losses_module

        self.output_names = list(output_names or ["output"])
        self._user_loss = loss
        specs = _per_output(loss, self.output_names, "loss")
        weights = _per_output(loss_weights, self.output_names, "loss_weights") if loss_weights is not None else [None] * len(specs)
        self.losses = []
        for spec in specs:
            if spec is None:
                self.losses.append(None)
                continue
            fn = losses_module.get(spec)
            if not isinstance(fn, losses_module.Loss):
                fn = losses_module.LossFunctionWrapper(fn, name=getattr(fn, "__name__", None))
            self.losses.append(fn)
        self.loss_weights = weights
        self.multi = len(self.output_names) > 1
        self.trackers = []
        if self.multi:
            from minikeras.metrics import Mean

            self.trackers = [Mean(name=f"{name}_loss") if fn is not None else None
                             for name, fn in zip(self.output_names, self.losses)]

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The weighted total, updating each output's loss tracker when there are several outputs."""
        from minikeras import ops

        total = None
        for i, fn in enumerate(self.losses):
            if fn is None:
                continue
            sw = sample_weight[i] if isinstance(sample_weight, list) else sample_weight
            yt = y_true[i] if self.multi else y_true
            yp = y_pred[i] if self.multi else y_pred
            if yt is None:
                raise ValueError(f"Missing target for output '{self.output_names[i]}', which has a loss.")
            v = fn(yt, yp, sw)
            if self.multi and self.trackers[i] is not None:
                # TensorFlow Keras weights these per-output trackers by the *static*
                # batch size, which is unknown (None) in its compiled step, so each
                # batch counts once: a plain mean over batches, unlike the main loss.
                self.trackers[i].update_state(value(v))
            w = self.loss_weights[i]
            if w is not None:
                v = ops.multiply(v, w)
            total = v if total is None else ops.add(total, v)
        return total

    @property
    def metrics(self):
        return [t for t in self.trackers if t is not None]


class CompileMetrics:
    """The compiled metrics of every output, built on the first batch (when shapes are known)."""

    name = "compile_metrics"

    def __init__(self, metrics, weighted_metrics, output_names):
        self.output_names = list(output_names or ["output"])
        self._user_metrics = metrics
        self._user_weighted = weighted_metrics
        self.multi = len(self.output_names) > 1
        self.built = False
        self._flat = []  # (output index, metric, weighted)

    def _specs(self, spec, what):
        if spec is None:
            return [[] for _ in self.output_names]
        if isinstance(spec, dict):
            per = _per_output(spec, self.output_names, what)
        elif self.multi and isinstance(spec, (list, tuple)) and len(spec) == len(self.output_names) and all(
                isinstance(s, (list, tuple)) or s is None for s in spec):
            per = list(spec)
        elif isinstance(spec, (list, tuple)):
            per = [list(spec)] * len(self.output_names) if not self.multi else [list(spec)] * len(self.output_names)
        else:
            raise TypeError(
                f"Expected `{what}` argument to be a list, tuple, or dict. Received instead: {what}={spec} of type "
                f"{type(spec)}"
            )
        return [[] if s is None else (list(s) if isinstance(s, (list, tuple)) else [s]) for s in per]

    def build(self, y_true, y_pred):
        plain = self._specs(self._user_metrics, "metrics")
        weighted = self._specs(self._user_weighted, "weighted_metrics")
        for weighted_flag, per_output in ((False, plain), (True, weighted)):
            for i, ids in enumerate(per_output):
                yt = y_true[i] if self.multi else y_true
                yp = y_pred[i] if self.multi else y_pred
                for identifier in ids:
                    metric = get_metric(identifier, yt, yp)
                    self._flat.append((i, metric, weighted_flag))
        self.built = True

    @property
    def metrics(self):
        return [m for _, m, _ in self._flat]

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        for i, metric, weighted in self._flat:
            yt = y_true[i] if self.multi else y_true
            yp = y_pred[i] if self.multi else y_pred
            if yt is None:
                continue
            sw = None
            if weighted:
                sw = sample_weight[i] if isinstance(sample_weight, list) else sample_weight
            metric.update_state(yt, yp, sample_weight=sw)

    def reset_state(self):
        for _, metric, _ in self._flat:
            metric.reset_state()

    def result(self):
        """`{name: value}`; several outputs prefix `<output>_`; repeated names get `_1`, `_2`."""
        results, counts = {}, {}
        for i, metric, weighted in self._flat:
            name = metric.name
            if self.multi:
                name = f"{self.output_names[i]}_{name}"
            if weighted and any(not w and m.name == metric.name and j == i for j, m, w in self._flat):
                name = f"weighted_{name}" if not self.multi else name
            if name in counts:
                counts[name] += 1
                name = f"{name}_{counts[name] - 1}"
            else:
                counts[name] = 1
            results[name] = metric.result()
        return results
