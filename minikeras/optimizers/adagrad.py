"""Adagrad (`keras.optimizers.Adagrad`), Duchi et al. 2011."""

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer, base_optimizer_keyword_args, nd_view


class Adagrad(Optimizer):
    """Per-parameter learning rates scaled by the accumulated squared gradients.

    With the accumulator `acc` starting at `initial_accumulator_value`:

        acc <- acc + g**2
        w <- w - lr * g / sqrt(acc + epsilon)

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        initial_accumulator_value: starting value of the accumulators (>= 0).
            Defaults to 0.1.
        epsilon: added under the square root. Defaults to 1e-7.
        {{base_optimizer_keyword_args}}
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=float(self.initial_accumulator_value)
        )

    def update_step(self, gradient, variable, learning_rate):
        w = nd_view(variable._value)
        f = w.dtype.type
        g = nd_view(gradient if gradient.dtype == w.dtype else gradient.astype(w.dtype))
        acc = nd_view(self._accumulators[self._trainable_variables_indices[id(variable)]]._value)
        acc += np.square(g)
        denominator = np.add(acc, f(self.epsilon))
        np.sqrt(denominator, out=denominator)
        step = np.multiply(g, f(learning_rate))
        step /= denominator
        w -= step

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon})
        return config


Adagrad.__doc__ = Adagrad.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
