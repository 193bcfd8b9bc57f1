"""Adamax (`keras.optimizers.Adamax`): Adam with the infinity norm (Kingma & Ba 2014, section 7)."""

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer, base_optimizer_keyword_args, keras_cast, nd_view


class Adamax(Optimizer):
    """A variant of Adam based on the infinity norm.

    At step `t = iterations + 1`, with `m`, `u` starting at 0:

        m <- m + (g - m) * (1 - beta_1)
        u <- max(beta_2 * u, |g|)
        w <- w - lr * m / ((1 - beta_1**t) * (u + epsilon))

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first moment. Defaults to 0.9.
        beta_2: decay rate of the infinity norm. Defaults to 0.999.
        epsilon: added to `u`. Defaults to 1e-7.
        {{base_optimizer_keyword_args}}
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        w = nd_view(variable._value)
        f = w.dtype.type
        g = nd_view(gradient if gradient.dtype == w.dtype else gradient.astype(w.dtype))
        beta_1_power = np.power(keras_cast(self.beta_1, f), f(self._step_count() + 1))
        i = self._trainable_variables_indices[id(variable)]
        m = nd_view(self._m[i]._value)
        u = nd_view(self._u[i]._value)

        delta = np.subtract(g, m)
        delta *= f(1 - self.beta_1)
        m += delta
        u *= f(self.beta_2)
        np.maximum(u, np.abs(g, out=delta), out=u)
        np.add(u, f(self.epsilon), out=delta)
        delta *= f(1) - beta_1_power
        step = np.multiply(m, f(learning_rate))
        step /= delta
        w -= step

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config


Adamax.__doc__ = Adamax.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
