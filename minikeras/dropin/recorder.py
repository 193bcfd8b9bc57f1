"""What `diff` records in each child: every fit History, evaluate result, predict output, summary's counts.

`Recorder.patch(Model)` wraps `Model.fit/evaluate/predict/summary` on one side
(minikeras's or TensorFlow Keras's `Model`). Only top-level calls are recorded
(Keras's `fit` may call `evaluate` for validation data; that one is part of the
History already). Optionally, at the start of each `fit`, the model's weights
are saved (TensorFlow side of `--align`) or replaced by saved ones (minikeras side).
"""

import json

import numpy as np

_PREDICT_LIMIT = 200_000  # values kept per predict output; beyond that only shape and summary statistics


def to_jsonable(value):
    """Floats, lists and dicts from NumPy/TF results (tensors through `.numpy()`)."""
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value).tolist()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return repr(value)


def _param_counts(model):
    def count(weights):
        return int(sum(int(np.prod(w.shape)) for w in weights))

    return {"total": count(model.weights), "trainable": count(model.trainable_weights),
            "non_trainable": count(model.non_trainable_weights)}


class Recorder:
    """Collects the events of one run; `dump(path)` writes them as JSON.

    Args:
        weights_out: path of an .npz to save each fit's starting weights to (or None).
        weights_in: path of an .npz with starting weights to impose on each fit (or None).
    """

    def __init__(self, weights_out=None, weights_in=None):
        self.events = []
        self.weights_out = weights_out
        self.weights_in = dict(np.load(weights_in)) if weights_in else None
        self._saved_weights = {}
        self._depth = 0
        self._fits = 0

    def _top_level(self, method):
        recorder = self

        def call(model, *args, **kwargs):
            if recorder._depth:
                return method(model, *args, **kwargs)
            recorder._depth += 1
            try:
                return getattr(recorder, "_record_" + method.__name__)(method, model, *args, **kwargs)
            finally:
                recorder._depth -= 1

        call.__name__ = method.__name__
        call.__doc__ = method.__doc__
        call.__wrapped__ = method
        return call

    def patch(self, model_class):
        for name in ("fit", "evaluate", "predict", "summary"):
            setattr(model_class, name, self._top_level(getattr(model_class, name)))

    # -- the events -----------------------------------------------------------------------------
    def _record_fit(self, method, model, *args, **kwargs):
        index = self._fits
        self._fits += 1
        if self.weights_in is not None:
            keys = sorted((k for k in self.weights_in if k.startswith(f"fit{index}_")),
                          key=lambda k: int(k.rsplit("_w", 1)[1]))
            if keys:
                model.set_weights([self.weights_in[k] for k in keys])
        if self.weights_out is not None:
            for i, w in enumerate(model.get_weights()):
                self._saved_weights[f"fit{index}_w{i}"] = np.asarray(w)
            np.savez(self.weights_out, **self._saved_weights)
        history = method(model, *args, **kwargs)
        curves = {k: [float(v) for v in np.ravel(np.asarray(to_jsonable(vals), dtype=float))]
                  for k, vals in getattr(history, "history", {}).items()}
        self.events.append({"kind": "fit", "index": index, "model": getattr(model, "name", ""),
                            "history": curves, "params": _param_counts(model)})
        return history

    def _record_evaluate(self, method, model, *args, **kwargs):
        result = method(model, *args, **kwargs)
        names = None
        if not isinstance(result, dict):
            try:
                names = list(model.metrics_names)
            except (AttributeError, ValueError):
                names = None
        self.events.append({"kind": "evaluate", "model": getattr(model, "name", ""),
                            "result": to_jsonable(result), "names": names})
        return result

    def _record_predict(self, method, model, *args, **kwargs):
        result = method(model, *args, **kwargs)
        outputs = result if isinstance(result, (list, tuple)) else [result]
        recorded = []
        for out in outputs:
            array = np.asarray(to_jsonable(out), dtype=float)
            entry = {"shape": list(array.shape), "mean": float(array.mean()) if array.size else 0.0}
            if array.size <= _PREDICT_LIMIT:
                entry["values"] = array.ravel().tolist()
            recorded.append(entry)
        self.events.append({"kind": "predict", "model": getattr(model, "name", ""), "outputs": recorded})
        return result

    def _record_summary(self, method, model, *args, **kwargs):
        result = method(model, *args, **kwargs)
        self.events.append({"kind": "summary", "model": getattr(model, "name", ""), "params": _param_counts(model)})
        return result

    def dump(self, path, **extra):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({**extra, "events": self.events}, f)
