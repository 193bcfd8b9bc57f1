"""Adadelta (`keras.optimizers.Adadelta`), Zeiler 2012."""

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer, base_optimizer_keyword_args, nd_view


class Adadelta(Optimizer):
    """Adaptive step sizes from running averages of squared gradients and squared updates.

    With `E[g2]`, `E[dx2]` starting at 0 and `rms(x) = sqrt(x + epsilon)`:

        E[g2] <- rho * E[g2] + (1 - rho) * g**2
        dx = -rms(E[dx2]) * g / rms(E[g2])
        E[dx2] <- rho * E[dx2] + (1 - rho) * dx**2
        w <- w + lr * dx

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001
            (Keras's default; the paper's method corresponds to 1.0).
        rho: decay rate of the running averages. Defaults to 0.95.
        epsilon: added under the square roots. Defaults to 1e-7.
        {{base_optimizer_keyword_args}}
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, grad, variable, learning_rate):
        w = nd_view(variable._value)
        f = w.dtype.type
        g = nd_view(grad if grad.dtype == w.dtype else grad.astype(w.dtype))
        i = self._trainable_variables_indices[id(variable)]
        rho, one_minus_rho, eps = f(self.rho), f(1 - self.rho), f(self.epsilon)
        acc_g = nd_view(self._accumulated_grads[i]._value)
        acc_dx = nd_view(self._accumulated_delta_vars[i]._value)

        acc_g *= rho
        sq = np.square(g)
        sq *= one_minus_rho
        acc_g += sq
        delta = np.add(acc_dx, eps)
        np.sqrt(delta, out=delta)
        delta *= g
        np.add(acc_g, eps, out=sq)
        np.sqrt(sq, out=sq)
        delta /= sq
        np.negative(delta, out=delta)
        acc_dx *= rho
        np.square(delta, out=sq)
        sq *= one_minus_rho
        acc_dx += sq
        delta *= f(learning_rate)
        w += delta

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config


Adadelta.__doc__ = Adadelta.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
