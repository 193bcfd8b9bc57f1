"""AdamW (`keras.optimizers.AdamW`): Adam with decoupled weight decay (Loshchilov & Hutter 2019)."""

from minikeras.optimizers.adam import Adam
from minikeras.optimizers.base_optimizer import base_optimizer_keyword_args


class AdamW(Adam):
    """Adam whose weight decay is applied to the weights directly, not through the gradient.

    Each step, before the Adam update of `Adam`:

        w <- w - w * weight_decay * lr

    Args:
        learning_rate: float, schedule or callable. Defaults to 0.001.
        weight_decay: the decoupled decay rate (required). Defaults to 0.004.
        beta_1: decay rate of the first moment. Defaults to 0.9.
        beta_2: decay rate of the second moment. Defaults to 0.999.
        epsilon: added to `sqrt(v)`. Defaults to 1e-7.
        amsgrad: use the running maximum of `v` (AMSGrad). Defaults to False.
        {{base_optimizer_keyword_args}}
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")


AdamW.__doc__ = AdamW.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
