"""A compiled train step for the lesson's kind of model: a plain stack of Dense layers.

Keras traces `train_step` once per `fit` into a graph; minikeras's counterpart
for the most common model in teaching — `Dense(relu) → … → Dense(softmax)`
trained with categorical cross-entropy — is this hand-derived step. It runs
the forward pass, the delta rule and the layer-by-layer chain rule directly on
the weight arrays, with no tape and no per-layer call machinery:

    h_0 = x,   h_l = relu(h_{l-1} @ W_l + b_l),   z = h_{L-1} @ W_L + b_L
    loss = mean_i CE(y_i, softmax(z_i))
    d_L = (softmax(z) - y) / n                           # the delta rule
    dW_l = h_{l-1}ᵀ @ d_l,   db_l = sum(d_l),   d_{l-1} = (d_l @ W_lᵀ) * (h_{l-1} > 0)

Every array operation is the one the recorded ops perform (the same kernels
from `ops/nn.py`, in the same order), so losses, gradients and weights are
bitwise those of the general step (tests/trainers/test_dense_stack.py checks
it). `plan(model)` returns a step only for models and compile settings where
that holds; anything else — other layers or activations, regularizers,
constraints, sample weights, gradient clipping, a custom `train_step` — runs
the general step.
"""

import numpy as np

from minikeras import activations
from minikeras.ops.nn import (_with_logits, dense_backward, dense_forward, softmax_cross_entropy_mean_backward,
                              softmax_cross_entropy_mean_forward)


def _mean_type():
    from minikeras.metrics.reduction_metrics import Mean

    return Mean


def _dense_type():
    from minikeras.layers.core.dense import Dense

    return Dense


def _chain_layers(model):
    """The model's layers in call order if it is a single-input, single-output chain, else None."""
    from minikeras.models.functional import Functional
    from minikeras.models.sequential import Sequential

    graph = model
    if type(model).call is Sequential.call:
        graph = model._functional
    elif type(model).call is not Functional.call:
        return None
    if graph is None or len(graph.inputs) != 1 or tuple(graph.inputs[0].shape)[:1] != (None,):
        return None
    plan = graph._chain_plan()
    if not plan:
        return None
    source = id(graph.inputs[0])
    layers = []
    for layer, input_id, output_id in plan:
        if input_id != source:
            return None
        layers.append(layer)
        source = output_id
    if source != id(graph._outputs_struct):
        return None
    return layers


def _plain_dense(layer, dtype, last):
    """Whether `layer` is a Dense the compiled step reproduces exactly."""
    if type(layer) is not _dense_type() or not layer.built or not layer.trainable or "call" in vars(layer):
        return False
    if layer.lora_rank or layer.activity_regularizer is not None:
        return False
    weights = [layer.kernel] + ([layer.bias] if layer.use_bias else [])
    for v in weights:
        if v.regularizer is not None or v.constraint is not None or not v.trainable:
            return False
        if type(v._value) is not np.ndarray or v._value.dtype != dtype:
            return False
    if layer.compute_dtype != dtype.name:
        return False
    act = layer.activation
    if last:
        return act is activations.softmax or act is activations.linear or act is None
    return act is activations.relu or act is activations.linear or act is None


def _plain_loss(model, dtype):
    """`(from_logits, sparse)` of a default (sparse) categorical cross-entropy on the single output,
    or None for any other loss."""
    from minikeras.losses.functions import categorical_crossentropy, sparse_categorical_crossentropy
    from minikeras.losses.loss import Loss

    compiled = model._compile_loss
    if compiled is None or compiled.multi or compiled.loss_weights[0] is not None:
        return None
    loss = compiled.losses[0]
    fn = getattr(loss, "fn", None)
    if not isinstance(loss, Loss) or fn not in (categorical_crossentropy, sparse_categorical_crossentropy):
        return None
    if type(loss).__call__ is not Loss.__call__ or np.dtype(loss.dtype) != dtype:
        return None
    options = dict(loss._fn_kwargs)
    if options.pop("axis", -1) != -1 or options.pop("label_smoothing", 0.0) or (
            options.pop("ignore_class", None) is not None):
        return None
    from_logits = bool(options.pop("from_logits", False))
    if options or loss.reduction not in ("sum_over_batch_size", "mean"):
        return None
    return from_logits, fn is sparse_categorical_crossentropy


def _plain_optimizer(optimizer):
    """Whether `optimizer.apply` reduces to clip-free `update_step`s plus the iteration count.

    An `apply` replaced on the instance or overridden by a subclass (e.g. `GradientMonitor`
    watching the gradients) must see every step, so it rules the compiled step out.
    """
    return not (optimizer is None or not optimizer.built or optimizer.clipnorm or optimizer.clipvalue
                or optimizer.global_clipnorm or optimizer.weight_decay or optimizer.use_ema
                or optimizer.gradient_accumulation_steps or optimizer.loss_scale_factor
                or "apply" in optimizer.__dict__ or type(optimizer).apply is not _optimizer_type().apply)


def _optimizer_type():
    from minikeras.optimizers.base_optimizer import Optimizer

    return Optimizer


def _lone_accuracy(model, dtype, sparse):
    """The compiled metrics' only metric when it is a plain (sparse) categorical accuracy in `dtype`
    (what `metrics=['accuracy']` gives with these losses), else None."""
    from minikeras.metrics.accuracy_metrics import categorical_accuracy, sparse_categorical_accuracy
    from minikeras.metrics.reduction_metrics import Mean, MeanMetricWrapper

    metrics = model._compile_metrics
    if metrics is None or not metrics.built or len(metrics._flat) != 1:
        return None
    _, metric, weighted = metrics._flat[0]
    fn = sparse_categorical_accuracy if sparse else categorical_accuracy
    if weighted or not isinstance(metric, MeanMetricWrapper) or metric._fn is not fn:
        return None
    if metric._fn_kwargs or type(metric).update_state is not MeanMetricWrapper.update_state or (
            type(metric).reset_state is not Mean.reset_state) or np.dtype(metric.dtype) != dtype:
        return None
    return metric


class DenseStackStep:
    """`step(x, y)`: one training step of a Dense stack, or False when this batch needs the general step."""

    def __init__(self, model, layers, trainable, sparse, dtype):
        self.model = model
        self.dtype = dtype
        self.sparse = sparse
        # The Variables, not their arrays: a callback may `set_weights`, which writes in place,
        # but reading `_value` at each step costs nothing and assumes less.
        self.kernels = [layer.kernel for layer in layers]
        self.biases = [layer.bias if layer.use_bias else None for layer in layers]
        self.relu = [layer.activation is activations.relu for layer in layers]
        self.softmax_output = layers[-1].activation is activations.softmax
        self.trainable = trainable
        self.accuracy = _lone_accuracy(model, dtype, sparse)
        self.flat_update = model.optimizer._flat_update(trainable)
        self.n_in = layers[0].kernel.shape[0]
        self.n_out = layers[-1].kernel.shape[1]
        # Integer targets become rows of the identity, as the sparse loss does.
        self.eye = np.eye(self.n_out, dtype=dtype) if sparse else None

    def __call__(self, x, y):
        dtype = self.dtype
        if not (type(x) is np.ndarray and type(y) is np.ndarray and x.dtype == dtype and x.ndim == 2
                and x.shape[1] == self.n_in):
            return False
        labels, original_y = None, y
        if self.sparse:
            labels = self._labels(y, x.shape[0])
            if labels is None:
                return False
            y = self.eye[labels]
        elif y.dtype != dtype or y.shape != (x.shape[0], self.n_out):
            return False
        model = self.model
        optimizer = model.optimizer
        if not _plain_optimizer(optimizer):
            return False
        kernels = [w._value for w in self.kernels]
        biases = [None if b is None else b._value for b in self.biases]
        relu = self.relu
        # Forward: keep each layer's input for the backward pass.
        inputs = []
        h = x
        for w, b, r in zip(kernels, biases, relu):
            inputs.append(h)
            h = dense_forward(h, w, b, r)
        z = h
        metrics = model._compile_metrics
        probabilities = metrics is not None and self.softmax_output
        loss, log_probs, *probs = softmax_cross_entropy_mean_forward(y, z, probabilities)
        # Backward: the delta rule at the output, then the chain rule layer by layer. The tape
        # seeds the loss's gradient with ones; the same seed keeps the arithmetic identical.
        _, d = softmax_cross_entropy_mean_backward(np.ones_like(loss), y, log_probs, False, True)
        grads = []
        for i in range(len(kernels) - 1, -1, -1):
            # A layer's relu mask is its own output: the next layer's input (or z for the last).
            out = inputs[i + 1] if i + 1 < len(inputs) else z
            gx, gw, gb = dense_backward(d, inputs[i], kernels[i], out, relu[i], i > 0, True, biases[i] is not None)
            if gb is not None:
                grads.append(gb)
            grads.append(gw)
            d = gx
        grads.reverse()
        # What `optimizer.apply` does when nothing is clipped, decayed or averaged.
        learning_rate = optimizer._learning_rate_value()
        if self.flat_update is None or not self.flat_update(grads, learning_rate):
            optimizer._backend_update_step(grads, self.trainable, learning_rate)
        optimizer._iterations._value += 1
        # `Mean.update_state(loss, sample_weight=batch size)`, inlined.
        tracker = model._loss_tracker
        weight = np.asarray(x.shape[0], dtype=tracker.dtype)
        tracker.total._value += loss * weight
        tracker.count._value += weight
        if metrics is not None:
            accuracy = self.accuracy
            if accuracy is not None:
                # `categorical_accuracy` + `Mean`: a sum of ones and zeros is exact in floating point.
                y_pred = probs[0] if probabilities else z
                hits = np.count_nonzero((y.argmax(axis=-1) if labels is None else labels) == y_pred.argmax(axis=-1))
                accuracy.total._value += weight.dtype.type(hits)
                accuracy.count._value += weight
            else:
                # The model's output: softmax(z), remembering its logits, as the layer returns it.
                metrics.update_state(y if labels is None else original_y, _with_logits(probs[0], z) if probabilities
                                     else z, None)
        return True

    def _labels(self, y, rows):
        """Integer class indices from sparse targets, or None when the general step must handle them
        (a shape it reshapes or rejects, non-integral or out-of-range labels: its errors, its numbers)."""
        if y.shape == (rows, 1):
            y = y[:, 0]
        if y.shape != (rows,) or y.dtype.kind not in "fiu":
            return None
        labels = y.astype(np.int64) if y.dtype != np.int64 else y
        if y.dtype.kind == "f" and not np.array_equal(labels, y):
            return None
        if rows and (labels.min() < 0 or labels.max() >= self.n_out):
            return None
        return labels


def plan(model, trainable):
    """A `DenseStackStep` for `model` when its compiled step reproduces the general one exactly, else None.

    Called once per `fit`, after the first (general) step has built the layers,
    the optimizer and the metrics.
    """
    from minikeras.trainers.trainer import Trainer

    if type(model).train_step is not Trainer.train_step or type(model).compute_loss is not Trainer.compute_loss:
        return None
    if {"call", "compute_loss"} & set(vars(model)):  # replaced on the instance
        return None
    if model.losses or not _plain_optimizer(model.optimizer):
        return None
    layers = _chain_layers(model)
    if not layers:
        return None
    kernel = getattr(layers[0], "kernel", None)
    if kernel is None or type(kernel._value) is not np.ndarray or kernel._value.dtype.kind != "f":
        return None
    dtype = kernel._value.dtype
    if not all(_plain_dense(layer, dtype, i == len(layers) - 1) for i, layer in enumerate(layers)):
        return None
    loss = _plain_loss(model, dtype)
    if loss is None:
        return None
    from_logits, sparse = loss
    softmax_output = layers[-1].activation is activations.softmax
    if from_logits == softmax_output:  # softmax probabilities read as logits, or logits as probabilities
        return None
    expected = []
    for layer in layers:
        expected.append(layer.kernel)
        if layer.use_bias:
            expected.append(layer.bias)
    if len(expected) != len(trainable) or any(a is not b for a, b in zip(expected, trainable)):
        return None
    # The optimizer must know every variable (else `apply` raises its error) and none may be
    # overwritten with its gradient.
    indices = getattr(model.optimizer, "_trainable_variables_indices", None)
    if indices is None or any(id(v) not in indices or getattr(v, "overwrite_with_gradient", False)
                              for v in trainable):
        return None
    if type(model._loss_tracker) is not _mean_type() or np.dtype(model._loss_tracker.dtype) != dtype:
        return None
    return DenseStackStep(model, layers, trainable, sparse, dtype)
