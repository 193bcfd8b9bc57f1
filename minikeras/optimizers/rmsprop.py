"""RMSprop (`keras.optimizers.RMSprop`), Hinton's lecture 6e, with Keras's epsilon placement."""

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer, base_optimizer_keyword_args, nd_view


class RMSprop(Optimizer):
    """Divide the gradient by a running root mean square of its recent values.

    With `s` (and `a`, `mom`) starting at 0:

        s <- rho * s + (1 - rho) * g**2
        a <- rho * a + (1 - rho) * g                      (centered only)
        denominator = s - a**2 + epsilon   (centered)  |  s + epsilon
        increment = lr * g / sqrt(denominator)
        mom <- momentum * mom + increment                 (momentum > 0 only)
        w <- w - mom                       (momentum > 0)  |  w - increment

    `epsilon` sits inside the square root.

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        rho: discounting factor of the gradient history. Defaults to 0.9.
        momentum: momentum of the increments. Defaults to 0.0.
        epsilon: added under the square root. Defaults to 1e-7.
        centered: normalise by the estimated variance instead of the second
            moment. Defaults to False.
        {{base_optimizer_keyword_args}}
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        w = nd_view(variable._value)
        f = w.dtype.type
        g = nd_view(gradient if gradient.dtype == w.dtype else gradient.astype(w.dtype))
        i = self._trainable_variables_indices[id(variable)]
        rho, one_minus_rho = f(self.rho), f(1 - self.rho)

        s = nd_view(self._velocities[i]._value)
        s *= rho
        denominator = np.square(g)
        denominator *= one_minus_rho
        s += denominator
        if self.centered:
            a = nd_view(self._average_gradients[i]._value)
            a *= rho
            a += np.multiply(g, one_minus_rho)
            np.square(a, out=denominator)
            np.subtract(s, denominator, out=denominator)
        else:
            denominator[...] = s
        denominator += f(self.epsilon)
        np.sqrt(denominator, out=denominator)
        increment = np.multiply(g, f(learning_rate))
        increment /= denominator
        if self.momentum > 0:
            mom = nd_view(self._momentums[i]._value)
            mom *= f(self.momentum)
            mom += increment
            w -= mom
        else:
            w -= increment

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config


RMSprop.__doc__ = RMSprop.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
