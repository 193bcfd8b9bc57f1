"""Nadam (`keras.optimizers.Nadam`): Adam with Nesterov momentum (Dozat 2015)."""

import numpy as np

from minikeras import config
from minikeras.backend.variables import Variable
from minikeras.optimizers.base_optimizer import Optimizer, base_optimizer_keyword_args, keras_cast, nd_view


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Dozat's momentum schedule.

    At step `t = iterations + 1`, with `m`, `v` starting at 0 and the running
    product `P` starting at 1:

        u_t = beta_1 * (1 - 0.5 * 0.96 ** t)
        P_t = P_{t-1} * u_t          (kept in an optimizer variable)
        m <- m + (g - m) * (1 - beta_1)
        v <- v + (g**2 - v) * (1 - beta_2)
        m_hat = u_{t+1} * m / (1 - P_t * u_{t+1}) + (1 - u_t) * g / (1 - P_t)
        v_hat = v / (1 - beta_2**t)
        w <- w - lr * m_hat / (sqrt(v_hat) + epsilon)

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first moment. Defaults to 0.9.
        beta_2: decay rate of the second moment. Defaults to 0.999.
        epsilon: added to `sqrt(v_hat)`. Defaults to 1e-7.
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
        dtype = var_list[0].dtype if var_list else config.floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        # Keras makes this a plain (trainable, auto-named) Variable; it is tracked on assignment.
        u_product = Variable(1.0, dtype=dtype)
        if self._scoped_build:
            u_product.path = f"{self.name}/{u_product.name}"
        self._u_product = u_product

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        # The running product advances once per step, before the per-variable updates.
        p = self._u_product._value
        f = p.dtype.type
        t = f(self._step_count() + 1)
        p *= f(self.beta_1)
        p *= f(1.0) - f(0.5) * np.power(f(0.96), t)
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def _scalars(self, f, step, learning_rate):
        decay, beta_1, beta_2 = keras_cast(0.96, f), keras_cast(self.beta_1, f), keras_cast(self.beta_2, f)
        u_t = beta_1 * (f(1.0) - f(0.5) * np.power(decay, f(step + 1)))
        u_t_1 = beta_1 * (f(1.0) - f(0.5) * np.power(decay, f(step + 2)))
        return beta_1, beta_2, u_t, u_t_1, np.power(beta_2, f(step + 1))

    def update_step(self, gradient, variable, learning_rate):
        w = nd_view(variable._value)
        f = w.dtype.type
        g = nd_view(gradient if gradient.dtype == w.dtype else gradient.astype(w.dtype))
        beta_1, beta_2, u_t, u_t_1, beta_2_power = self._constants(f, learning_rate, self._scalars)
        u_product_t = f(self._u_product._value)
        u_product_t_1 = u_product_t * u_t_1
        i = self._trainable_variables_indices[id(variable)]
        m = nd_view(self._momentums[i]._value)
        v = nd_view(self._velocities[i]._value)

        delta = np.subtract(g, m)
        delta *= f(1) - beta_1
        m += delta
        np.square(g, out=delta)
        delta -= v
        delta *= f(1) - beta_2
        v += delta
        m_hat = np.multiply(m, u_t_1)
        m_hat /= f(1) - u_product_t_1
        np.multiply(g, f(1) - u_t, out=delta)
        delta /= f(1) - u_product_t
        m_hat += delta
        np.divide(v, f(1) - beta_2_power, out=delta)
        np.sqrt(delta, out=delta)
        delta += f(self.epsilon)
        m_hat *= f(learning_rate)
        m_hat /= delta
        w -= m_hat

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config


Nadam.__doc__ = Nadam.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
