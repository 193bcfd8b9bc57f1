"""Lion (`keras.optimizers.Lion`): the sign of an interpolated momentum (Chen et al. 2023)."""

import numpy as np

from minikeras.optimizers.base_optimizer import Optimizer, base_optimizer_keyword_args, keras_cast, nd_view


class Lion(Optimizer):
    """EvoLved sign momentum: every element moves by exactly `lr`.

    With `m` starting at 0:

        w <- w - lr * sign(beta_1 * m + (1 - beta_1) * g)
        m <- beta_2 * m + (1 - beta_2) * g

    Its updates are larger than Adam's, so it usually wants a 3-10x smaller
    learning rate.

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        beta_1: interpolation for the update direction, in (0, 1]. Defaults to 0.9.
        beta_2: decay rate of the momentum. Defaults to 0.99.
        {{base_optimizer_keyword_args}}
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates to "
                f"SignSGD. Received: beta_1={beta_1}."
            )

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        w = nd_view(variable._value)
        f = w.dtype.type
        g = nd_view(gradient if gradient.dtype == w.dtype else gradient.astype(w.dtype))
        beta_1, beta_2 = keras_cast(self.beta_1, f), keras_cast(self.beta_2, f)
        m = nd_view(self._momentums[self._trainable_variables_indices[id(variable)]]._value)

        direction = np.multiply(m, beta_1)
        direction += np.multiply(g, f(1.0) - beta_1)
        np.sign(direction, out=direction)
        direction *= f(learning_rate)
        w -= direction
        m *= beta_2
        m += np.multiply(g, f(1.0) - beta_2)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config


Lion.__doc__ = Lion.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
