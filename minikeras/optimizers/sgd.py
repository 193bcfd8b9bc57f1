"""Stochastic gradient descent, with optional (Nesterov) momentum (`keras.optimizers.SGD`)."""

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer, base_optimizer_keyword_args, keras_cast, nd_view
from minikeras.optimizers.flat_slots import FlatSlots


class SGD(Optimizer):
    """Gradient descent (with momentum).

    Without momentum: `w <- w - lr * g`.

    With momentum `m` (velocity `v`, starting at 0):

        v <- m * v - lr * g
        w <- w + v                      (nesterov=False)
        w <- w + m * v - lr * g         (nesterov=True)

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.01.
        momentum: float in [0, 1]. Defaults to 0.0.
        nesterov: whether to apply Nesterov momentum. Defaults to False.
        {{base_optimizer_keyword_args}}
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        w = nd_view(variable._value)
        f = w.dtype.type
        g = nd_view(gradient if gradient.dtype == w.dtype else gradient.astype(w.dtype))
        step = np.multiply(g, f(learning_rate))
        if self.momentum == 0:
            w -= step
            return
        v = nd_view(self.momentums[self._trainable_variables_indices[id(variable)]]._value)
        momentum = keras_cast(self.momentum, f)
        v *= momentum
        v -= step
        if self.nesterov:
            ahead = np.multiply(v, momentum)
            ahead -= step
            w += ahead
        else:
            w += v

    def _flat_update(self, variables):
        # Plain SGD is already two operations per variable: gathering would only add a copy.
        if type(self).update_step is not SGD.update_step or self.momentum == 0:
            return None
        flat = FlatSlots.for_optimizer(self, [self.momentums], variables)
        if flat is None:
            return None
        g, ahead = np.empty(flat.size, flat.dtype), np.empty(flat.size, flat.dtype)

        def update(grads, learning_rate):
            if not flat.intact():
                return False
            f = flat.dtype.type
            flat.gather(grads, g)
            step = flat.step
            np.multiply(g, f(learning_rate), out=step)
            # `update_step`'s operations on every variable at once; `w += u` is applied as
            # `w -= (-u)`, which IEEE arithmetic makes the very same number.
            v = flat.buffers[0]
            momentum = keras_cast(self.momentum, f)
            v *= momentum
            v -= step
            if self.nesterov:
                np.multiply(v, momentum, out=ahead)
                np.subtract(step, ahead, out=step)  # -(v * momentum - step)
            else:
                np.negative(v, out=step)
            flat.subtract_step()
            return True

        return update

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config


SGD.__doc__ = SGD.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
