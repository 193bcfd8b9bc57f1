"""Keras 2 idioms that lesson code still contains, accepted under the drop-in with a deprecation warning.

Keras 3 rejects them; plain `import minikeras` behaves as Keras 3. Under
`minikeras run` / `diff` (and the IPython extension):

* `keras.Input(shape=4)` (an int) means `shape=(4,)` — handled by
  `minikeras.layers.core.input_layer`, switched on here through
  `minikeras.utils.legacy.enable_keras2_idioms()`;
* `Dense(..., input_dim=...)` / `input_shape=` are accepted by Keras 3 itself
  (with its UserWarning), so nothing is needed for them;
* optimizer `lr=` means `learning_rate=`, and `optimizer.lr` reads/sets the
  learning rate;
* optimizer `decay=d` is Keras 2's time-based decay, applied to every step:

      lr_t = lr / (1 + d * iterations)          (iterations = 0 at the first step)

  computed in float32 as Keras 2's `_decayed_lr` did; the base learning rate
  stays settable (ReduceLROnPlateau, `optimizer.lr = ...`).

The optimizer part wraps `Optimizer.__init__` and `Optimizer._learning_rate_value`
at run time (see `enable`). The same translation is applied to real Keras in
`diff`'s TensorFlow child (`patch_tf_keras`), so both sides read the script alike.
"""

import warnings

import numpy as np

_MESSAGE_PREFIX = "Keras 2 idiom"
_STATE = {"patched": False}


def _warn(text, stacklevel):
    warnings.warn(f"{text} ({_MESSAGE_PREFIX}, rejected by Keras 3; accepted by the minikeras drop-in).",
                  DeprecationWarning, stacklevel=stacklevel)


def translate_optimizer_kwargs(class_name, learning_rate, kwargs, stacklevel=4):
    """Keras 2 optimizer arguments -> Keras 3 ones.

    Args:
        class_name: the optimizer's class name (for the warning).
        learning_rate: the `learning_rate` the constructor received.
        kwargs: the remaining keyword arguments (`lr`, `decay` are taken out).
        stacklevel: where the warning points (the user's call).

    Returns:
        `(learning_rate, decay, kwargs)`: decay is a float (0.0 when not given).
    """
    kwargs = dict(kwargs)
    if "lr" in kwargs:
        lr = kwargs.pop("lr")
        _warn(f"{class_name}(lr={lr!r}) means learning_rate={lr!r}", stacklevel)
        learning_rate = float(lr) if isinstance(lr, (int, np.integer)) and not isinstance(lr, bool) else lr
    decay = kwargs.pop("decay", None)
    if decay:
        _warn(f"{class_name}(decay={decay!r}) applies Keras 2's time-based decay lr / (1 + decay * iterations)",
              stacklevel)
    return learning_rate, float(decay or 0.0), kwargs


def _patch_minikeras_optimizers():
    from minikeras.optimizers import base_optimizer

    Optimizer = base_optimizer.Optimizer
    if getattr(Optimizer, "_minikeras_dropin_patched", False):
        return
    original_init = Optimizer.__init__
    original_lr_value = Optimizer._learning_rate_value

    def __init__(self, learning_rate=0.001, *args, **kwargs):
        learning_rate, decay, kwargs = translate_optimizer_kwargs(type(self).__name__, learning_rate, kwargs)
        original_init(self, learning_rate, *args, **kwargs)
        self._keras2_decay = decay

    def _learning_rate_value(self):
        lr = original_lr_value(self)
        decay = self.__dict__.get("_keras2_decay", 0.0)
        if not decay:
            return lr
        f = np.float32
        return np.asarray(f(lr) / (f(1) + f(decay) * f(self._step_count())), dtype=np.float32)

    def _get_lr(self):
        return self.learning_rate

    def _set_lr(self, value):
        self.learning_rate = value

    __init__.__doc__ = original_init.__doc__
    Optimizer.__init__ = __init__
    Optimizer._learning_rate_value = _learning_rate_value
    Optimizer.lr = property(_get_lr, _set_lr, doc="Keras 2's name for `learning_rate` (drop-in only).")
    Optimizer._minikeras_dropin_patched = True


def enable():
    """Accept the Keras 2 idioms in this interpreter (idempotent)."""
    from minikeras.utils import legacy as _switch

    _switch.enable_keras2_idioms(True)
    # DeprecationWarnings are hidden outside __main__ by default; these must be seen once.
    warnings.filterwarnings("default", message=rf".*{_MESSAGE_PREFIX}", category=DeprecationWarning)
    if not _STATE["patched"]:
        _patch_minikeras_optimizers()
        _STATE["patched"] = True


def patch_tf_keras(keras):
    """The same Keras 2 idioms for real Keras 3 (used by `diff` in its TensorFlow child).

    `Input(shape=int)` and optimizer `lr=` / `decay=` as above; decay becomes
    `InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)`, which is
    `lr / (1 + decay * iterations)`.
    """
    from keras.src.layers.core import input_layer
    from keras.src.optimizers import base_optimizer

    original_input_init = input_layer.InputLayer.__init__

    def input_init(self, shape=None, *args, **kwargs):
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            _warn(f"keras.Input(shape={shape}) with an int means shape=({shape},)", 4)
            shape = (int(shape),)
        original_input_init(self, shape, *args, **kwargs)

    input_layer.InputLayer.__init__ = input_init

    original_opt_init = base_optimizer.BaseOptimizer.__init__

    def opt_init(self, learning_rate, *args, **kwargs):
        learning_rate, decay, kwargs = translate_optimizer_kwargs(type(self).__name__, learning_rate, kwargs)
        if decay:
            learning_rate = keras.optimizers.schedules.InverseTimeDecay(
                float(learning_rate), decay_steps=1, decay_rate=decay)
        original_opt_init(self, learning_rate, *args, **kwargs)

    base_optimizer.BaseOptimizer.__init__ = opt_init
    warnings.filterwarnings("default", message=rf".*{_MESSAGE_PREFIX}", category=DeprecationWarning)
