"""Adam (`keras.optimizers.Adam`), Kingma & Ba 2014, with Keras's folded bias correction."""

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer, base_optimizer_keyword_args, keras_cast, nd_view
from minikeras.optimizers.flat_slots import FlatSlots


class Adam(Optimizer):
    """Adaptive moment estimation.

    At step `t = iterations + 1`, with `m`, `v` starting at 0:

        m <- m + (g - m) * (1 - beta_1)
        v <- v + (g**2 - v) * (1 - beta_2)
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - m * alpha / (sqrt(v) + epsilon)

    The bias correction is folded into the step size, so `epsilon` is added to
    the uncorrected `sqrt(v)` ("epsilon hat" in the paper). With `amsgrad=True`,
    `v_hat <- max(v_hat, v)` replaces `v` in the last line.

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first moment. Defaults to 0.9.
        beta_2: decay rate of the second moment. Defaults to 0.999.
        epsilon: added to `sqrt(v)`. Defaults to 1e-7.
        amsgrad: use the running maximum of `v` (AMSGrad). Defaults to False.
        {{base_optimizer_keyword_args}}
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _scalars(self, f, step, learning_rate):
        # The hyperparameters' casts once per (dtype, values); only the powers change per step.
        key = (f, type(self.beta_1), self.beta_1, type(self.beta_2), self.beta_2, self.epsilon)
        fixed = self.__dict__.get("_fixed_scalars")
        if fixed is None or fixed[0] != key:
            fixed = self._fixed_scalars = (key, keras_cast(self.beta_1, f), keras_cast(self.beta_2, f), f(1),
                                           (f(1 - self.beta_1), f(1 - self.beta_2), f(self.epsilon)))
        _, beta_1, beta_2, one, rest = fixed
        t = f(step + 1)
        alpha = f(learning_rate) * np.sqrt(one - np.power(beta_2, t)) / (one - np.power(beta_1, t))
        return (alpha,) + rest

    def update_step(self, gradient, variable, learning_rate):
        f = variable._value.dtype.type
        self._update_one(gradient, variable, self._constants(f, learning_rate, self._scalars))

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        # The step's scalars once for all variables (they depend on the dtype, which all share
        # in the common case), then the same per-variable arithmetic as `update_step`.
        if type(self).update_step is not Adam.update_step:
            return super()._backend_update_step(grads, trainable_variables, learning_rate)
        constants = None
        for gradient, variable in zip(grads, trainable_variables):
            f = variable._value.dtype.type
            if constants is None or constants[0] is not f:
                constants = (f, self._constants(f, learning_rate, self._scalars))
            self._update_one(gradient, variable, constants[1])

    def _flat_update(self, variables):
        if type(self).update_step is not Adam.update_step:
            return None
        kinds = [self._momentums, self._velocities] + ([self._velocity_hats] if self.amsgrad else [])
        flat = FlatSlots.for_optimizer(self, kinds, variables)
        if flat is None:
            return None
        g, delta = np.empty(flat.size, flat.dtype), np.empty(flat.size, flat.dtype)
        v_hat = flat.buffers[2] if self.amsgrad else None

        def update(grads, learning_rate):
            if not flat.intact():
                return False
            flat.gather(grads, g)
            constants = self._constants(flat.dtype.type, learning_rate, self._scalars)
            _adam_step(g, flat.buffers[0], flat.buffers[1], v_hat, constants, delta, flat.step)
            flat.subtract_step()
            return True

        return update

    def _update_one(self, gradient, variable, constants):
        """One variable's Adam update, in place."""
        w = nd_view(variable._value)
        g = gradient if gradient.dtype == w.dtype else gradient.astype(w.dtype)
        g = nd_view(g)
        i = self._trainable_variables_indices[id(variable)]
        v_hat = nd_view(self._velocity_hats[i]._value) if self.amsgrad else None
        step = np.empty_like(w)
        _adam_step(g, nd_view(self._momentums[i]._value), nd_view(self._velocities[i]._value), v_hat, constants,
                   np.empty_like(w), step)
        w -= step

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config


def _adam_step(g, m, v, v_hat, constants, delta, step):
    """Adam's arithmetic in Keras's order: `m`, `v` (and `v_hat`) updated in place, and
    `step = m * alpha / (sqrt(v) + epsilon)` written into `step` (`delta` is scratch).

    Elementwise, so one call on variables laid end to end gives each variable's numbers.
    """
    alpha, one_minus_beta_1, one_minus_beta_2, epsilon = constants
    np.subtract(g, m, out=delta)
    delta *= one_minus_beta_1
    m += delta
    np.square(g, out=delta)
    delta -= v
    delta *= one_minus_beta_2
    v += delta
    if v_hat is not None:
        np.maximum(v_hat, v, out=v_hat)
        v = v_hat
    np.sqrt(v, out=delta)
    delta += epsilon
    np.multiply(m, alpha, out=step)
    step /= delta


Adam.__doc__ = Adam.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
