"""`compile`, `fit`, `evaluate`, `predict` and the one-batch variants (Keras 3's Trainer).

One training step is the lesson's loop written out:

    with GradientTape():            # record the forward pass
        y_pred = model(x, training=True)
        loss = compiled_loss(y, y_pred, sample_weight) + sum(model.losses)
    grads = tape.gradient(loss, model.trainable_weights)   # the chain rule, backwards
    optimizer.apply(grads, model.trainable_weights)        # w <- w - lr * grad (or Adam...)

The logged loss is the batch-size-weighted running mean over the epoch's
steps, and validation runs at the end of the epoch, as in Keras.
"""

import numpy as np

from minikeras import config
from minikeras.layers.layer import _HOLDING_LOSSES
from minikeras.ops.autodiff import GradientTape, value
from minikeras.trainers import data_adapters as da
from minikeras.trainers.compile_utils import CompileLoss, CompileMetrics


def _python_value(v):
    v = value(v)
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return float(v)
    if isinstance(v, (np.floating, np.integer)):
        return float(v)
    return v


def _resolve_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"Invalid value for `verbose`: {verbose!r}. Expected 'auto', 0, 1 or 2.")
    return int(verbose)


class _StepCache:
    """What one `fit` reads once rather than at every step (Keras traces its train step once per
    fit too, so a change of `trainable` takes effect at the next `compile`/`fit`): the trainable
    weights, and whether any weight has a regularizer. Filled after the first forward pass.
    `compiled` is the Dense-stack step (`trainers/dense_stack.py`) when it applies, planned after the
    first step has built the optimizer and the metrics."""

    __slots__ = ("trainable", "regularized", "compiled", "planned")

    def __init__(self):
        self.trainable = None
        self.regularized = True
        self.compiled = None
        self.planned = False

    def fill(self, model):
        self.trainable = model.trainable_weights
        self.regularized = any(getattr(v, "regularizer", None) is not None
                               for layer in model._flatten_layers() for v in layer._own_variables())


class Trainer:
    """Mixed into `Model`: the training and inference loops."""

    _fit_step_cache = None  # a `_StepCache` while `fit` runs

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._metrics = []
        self._run_eagerly = False

    # -- compile --------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configure training: the optimizer, the loss(es) and the metrics to report."""
        from minikeras import metrics as metrics_module
        from minikeras import optimizers

        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        output_names = self._output_names()
        self._compile_loss = CompileLoss(loss, loss_weights, output_names) if loss is not None else None
        self._compile_metrics = None
        if metrics is not None or weighted_metrics is not None:
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics, output_names)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True
        self._run_eagerly = run_eagerly
        self.steps_per_execution = steps_per_execution
        self.jit_compile = False

    def _output_names(self):
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return ["output"]

    def _assert_compile_called(self):
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model.")

    @property
    def metrics(self):
        """Loss tracker, compiled metrics, per-output loss trackers (Keras's order)."""
        out = []
        if self.compiled:
            out.append(self._loss_tracker)
            if self._compile_metrics is not None:
                out.append(self._compile_metrics)
            if self._compile_loss is not None:
                out.extend(self._compile_loss.metrics)
        out.extend(self._metrics)
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """`{name: float}` of every metric, keys sorted as TensorFlow Keras returns them."""
        logs = {}
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                if m.built:
                    logs.update(m.result())
            else:
                logs[m.name] = m.result()
        return {k: _python_value(logs[k]) for k in sorted(logs)}

    # -- one step ---------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus every added loss (regularizers, activity penalties)."""
        from minikeras import ops

        total = None
        if self._compile_loss is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        for extra in self._extra_losses():
            extra = ops.sum(extra)
            total = extra if total is None else ops.add(total, extra)
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total

    def _extra_losses(self):
        """`self.losses`, skipping the walk over every layer when a fit knows there can be none."""
        cache = self._fit_step_cache
        if cache is not None and cache.trainable is not None and not cache.regularized and not _HOLDING_LOSSES:
            return ()
        return self.losses

    def _prepare_targets(self, y, y_pred):
        if isinstance(y, dict) and getattr(self, "output_names", None):
            return [y.get(name) for name in self.output_names]
        if isinstance(y, tuple):
            return list(y)
        return y

    def _flat_outputs(self, y_pred):
        if isinstance(y_pred, dict):
            return [y_pred[k] for k in y_pred]
        if isinstance(y_pred, tuple):
            return list(y_pred)
        return y_pred

    def train_step(self, data):
        """Forward under a tape, backward, one optimizer update, metrics."""
        x, y, sample_weight = data
        cache = self._fit_step_cache
        if cache is not None and cache.compiled is not None and sample_weight is None and cache.compiled(x, y):
            return
        with GradientTape() as tape:
            y_pred = self._flat_outputs(self(x, training=True))
            y = self._prepare_targets(y, y_pred)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
            scaled = loss
            if getattr(self.optimizer, "loss_scale_factor", None):
                scaled = self.optimizer.scale_loss(loss)
        if cache is None:
            trainable = self.trainable_weights
        else:
            if cache.trainable is None:  # after the first forward pass, so lazily built layers count
                cache.fill(self)
            trainable = cache.trainable
        if trainable:
            grads = tape.gradient(scaled, trainable)
            self.optimizer.apply(grads, trainable)
        self._loss_tracker.update_state(value(loss), sample_weight=_batch_size(x))
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        if cache is not None and not cache.planned and trainable:
            from minikeras.trainers import dense_stack

            cache.planned = True
            cache.compiled = dense_stack.plan(self, trainable)

    def test_step(self, data):
        x, y, sample_weight = data
        # A softmax/sigmoid output arrives as a KerasArray carrying its logits, so
        # the loss is computed from logits exactly as in TensorFlow's compiled step.
        y_pred = self._flat_outputs(self(x, training=False))
        y = self._prepare_targets(y, y_pred)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(value(loss), sample_weight=_batch_size(x))
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)

    def predict_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return self(x, training=False)

    # -- data ----------------------------------------------------------------------------------------
    def _convert_data(self, x, y=None, sample_weight=None, class_weight=None):
        if x is None:
            raise ValueError("Missing data: `x` is None. Pass the input data as `x`.")
        floatx = config.floatx()
        x = da.convert_inputs(x, floatx, "x")
        y = da.convert_inputs(y, floatx, "y")
        if sample_weight is not None:
            if class_weight is not None:
                raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
            sample_weight = da.convert_inputs(sample_weight, floatx, "sample_weight")
        if class_weight is not None:
            if isinstance(y, (list, tuple, dict)):
                raise ValueError("`class_weight` is only supported for Models with a single output.")
            sample_weight = da.class_weight_to_sample_weights(y, class_weight)
        for a in da.flatten((x, y)):
            if a is not None and np.ndim(a) > 0 and a.shape[0] == 0:
                raise ValueError(
                    f"Expected a non-empty array as input, but received an array of shape {a.shape}. "
                    "Provide at least one sample."
                )
        if self._compile_loss is not None and len(self._compile_loss.output_names) > 1 and isinstance(y, list):
            if isinstance(sample_weight, np.ndarray):
                sample_weight = [sample_weight] * len(y)
        if isinstance(sample_weight, dict):
            sample_weight = [sample_weight.get(n) for n in self._output_names()]
        return x, y, sample_weight

    def _maybe_build_from(self, x):
        if not self.built and hasattr(self, "_build_from_data"):
            self._build_from_data(x)
        elif not all(layer.built for layer in self._flatten_layers()):
            # A subclassed model: build it on one sample the way Keras's symbolic build
            # does, so layers record a free batch axis rather than this batch's size.
            from minikeras.layers.layer import _context

            _context.free_batch = True
            try:
                self(da.map_structure(lambda a: a[:1], x), training=False)
            finally:
                _context.free_batch = False

    # -- fit ---------------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None, sample_weight=None,
            initial_epoch=0, steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
            validation_freq=1):
        """Train for `epochs` passes over the data; returns a `History`."""
        from minikeras.callbacks import CallbackList

        self._assert_compile_called()
        verbose = _resolve_verbose(verbose)
        if validation_split and validation_data is None:
            if not 0 < validation_split < 1:
                raise ValueError(f"`validation_split` must be in the range [0, 1). Received: {validation_split}")
            x_c, y_c, sw_c = self._convert_data(x, y, sample_weight, class_weight)
            (x_c, y_c, sw_c), validation_data = da.train_validation_split((x_c, y_c, sw_c), validation_split)
        else:
            x_c, y_c, sw_c = self._convert_data(x, y, sample_weight, class_weight)
        if y_c is None and self._compile_loss is not None:
            raise ValueError("Missing target data: `fit` received `x` but no `y`. Pass the targets as `y`.")
        val = None
        if validation_data is not None:
            val = self._unpack_validation(validation_data)
        data = da.ArrayBatches(x_c, y_c, sw_c, batch_size=batch_size, steps=steps_per_epoch, shuffle=bool(shuffle))
        self._maybe_build_from(x_c)
        steps = steps_per_epoch or data.num_batches
        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, verbose=verbose, epochs=epochs, steps=steps,
            model=self)
        self.stop_training = False
        self._fit_step_cache = _StepCache()
        # A callback may move the start (BackupAndRestore resuming), as in Keras.
        self._initial_epoch = initial_epoch
        cbs.on_train_begin()
        training_logs = None
        batch_hooks = _wants_batch_hooks(cbs, "train")
        iterator = None
        for epoch in range(self._initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            if steps_per_epoch:
                iterator = iterator or _cycle(data)
                batch_source = (next(iterator) for _ in range(steps_per_epoch))
            else:
                batch_source = data.batches(data.order())
            logs = None
            for step, batch in enumerate(batch_source):
                if batch_hooks:
                    cbs.on_train_batch_begin(step)
                self.train_step(batch)
                if batch_hooks:
                    logs = self.get_metrics_result()
                    cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = self.get_metrics_result()
            if val is not None and _should_validate(epoch, validation_freq):
                val_logs = self.evaluate(val[0], val[1], sample_weight=val[2],
                                         batch_size=validation_batch_size or data.batch_size, steps=validation_steps,
                                         callbacks=cbs, return_dict=True, _internal=True)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        self._fit_step_cache = None
        if self.optimizer is not None and epochs > initial_epoch:
            # Copies EMA averages into the weights when use_ema is on (a no-op otherwise).
            self.optimizer.finalize_variable_values(self.trainable_weights)
        cbs.on_train_end(logs=training_logs)
        return self.history

    def _unpack_validation(self, validation_data):
        if isinstance(validation_data, tuple) and len(validation_data) == 3 and not isinstance(validation_data[0], tuple):
            vx, vy, vsw = validation_data
        elif isinstance(validation_data, (tuple, list)) and len(validation_data) == 2:
            vx, vy = validation_data
            vsw = None
        elif isinstance(validation_data, tuple) and len(validation_data) == 3:
            vx, vy, vsw = validation_data
        else:
            raise ValueError(
                "When passing a `validation_data` argument, it must contain either 2 items (x_val, y_val), or "
                f"3 items (x_val, y_val, val_sample_weights). Received: validation_data={validation_data!r}"
            )
        if isinstance(vx, np.ndarray) and isinstance(vy, np.ndarray) and vx.dtype == config.floatx() and (
                vy.dtype == config.floatx()):
            return vx, vy, vsw
        return self._convert_data(vx, vy, vsw)

    # -- evaluate ----------------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, _internal=False, **kwargs):
        """The loss and metrics over the data: a scalar, a list (`metrics_names` order), or a dict."""
        from minikeras.callbacks import CallbackList

        self._assert_compile_called()
        verbose = _resolve_verbose(verbose)
        if _internal:
            x_c, y_c, sw_c = x, y, sample_weight
        else:
            x_c, y_c, sw_c = self._convert_data(x, y, sample_weight)
        data = da.ArrayBatches(x_c, y_c, sw_c, batch_size=batch_size, steps=steps, shuffle=False)
        self._maybe_build_from(x_c)
        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1, steps=steps or data.num_batches,
            model=self)
        self.reset_metrics()
        cbs.on_test_begin()
        batch_hooks = _wants_batch_hooks(cbs, "test")
        for step, batch in enumerate(data.batches()):
            if steps is not None and step >= steps:
                break
            if batch_hooks:
                cbs.on_test_batch_begin(step)
            self.test_step(batch)
            if batch_hooks:
                cbs.on_test_batch_end(step, self.get_metrics_result())
        logs = self.get_metrics_result()
        cbs.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def _flatten_metrics_in_order(self, logs):
        names = []
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                names.extend(m.result().keys() if m.built else [])
            else:
                names.append(m.name)
        results = [logs[n] for n in names if n in logs]
        results += [logs[k] for k in sorted(logs) if k not in names]
        return results[0] if len(results) == 1 else results

    # -- predict -------------------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for `x`, batch by batch, gathered into NumPy arrays (one preallocated buffer each)."""
        from minikeras.callbacks import CallbackList

        verbose = _resolve_verbose(verbose)
        x_c = da.convert_inputs(x, config.floatx(), "x")
        data = da.ArrayBatches(x_c, batch_size=batch_size, steps=steps, shuffle=False)
        self._maybe_build_from(x_c)
        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1, steps=steps or data.num_batches,
            model=self)
        cbs.on_predict_begin()
        batch_hooks = _wants_batch_hooks(cbs, "predict")
        outputs = None
        n = data.num_samples
        filled = 0
        for step, (bx, _, _) in enumerate(data.batches()):
            if steps is not None and step >= steps:
                break
            if batch_hooks:
                cbs.on_predict_batch_begin(step)
            out = self.predict_step(bx)
            flat = [np.asarray(value(o)) for o in da.flatten(out)]
            if outputs is None:
                outputs = [np.empty((n,) + f.shape[1:], dtype=f.dtype) for f in flat]
                structure = out
            for buf, f in zip(outputs, flat):
                buf[filled:filled + f.shape[0]] = f
            filled += flat[0].shape[0]
            if batch_hooks:
                cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if outputs is None:
            raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs). Please use "
                             "`Model.compile(..., run_eagerly=True)`, or `tf.config.run_functions_eagerly(True)` "
                             "for more information of where went wrong, or file a issue/bug to `keras`.")
        outputs = [o[:filled] for o in outputs]
        return _pack_like(structure, outputs)

    # -- one batch -----------------------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One optimizer step on one batch; returns the (running) loss and metrics."""
        self._assert_compile_called()
        if class_weight is not None and sample_weight is not None:
            raise ValueError(
                "Arguments `sample_weight` and `class_weight` cannot be specified at the same time. "
                f"Received: sample_weight={sample_weight}, class_weight={class_weight}"
            )
        x, y, sample_weight = self._convert_data(x, y, sample_weight, class_weight)
        self._maybe_build_from(x)
        self._fit_step_cache = None  # read the weights afresh, as every Keras train_on_batch call does
        self.reset_metrics()  # each call reports its own batch, as Keras does
        self.train_step((x, y, sample_weight))
        logs = self.get_metrics_result()
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compile_called()
        x, y, sample_weight = self._convert_data(x, y, sample_weight)
        self._maybe_build_from(x)
        self.reset_metrics()
        self.test_step((x, y, sample_weight))
        logs = self.get_metrics_result()
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict_on_batch(self, x):
        x = da.convert_inputs(x, config.floatx(), "x")
        self._maybe_build_from(x)
        out = self.predict_step(x)
        return _pack_like(out, [np.asarray(value(o)) for o in da.flatten(out)])


def _batch_size(x):
    for a in da.flatten(x):
        if a is not None:
            return a.shape[0]
    return 0


def _should_validate(epoch, validation_freq):
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


def _wants_batch_hooks(callbacks, mode):
    check = getattr(callbacks, "_should_call_batch_hooks", None)
    if check is None:
        return True
    return check(mode) if callable(check) else bool(check)


def _cycle(data):
    while True:
        yield from data.batches(data.order())


def _pack_like(structure, flat):
    it = iter(flat)

    def pack(s):
        if isinstance(s, list):
            return [pack(v) for v in s]
        if isinstance(s, tuple):
            return tuple(pack(v) for v in s)
        if isinstance(s, dict):
            return {k: pack(v) for k, v in s.items()}
        return next(it)

    return pack(structure)
