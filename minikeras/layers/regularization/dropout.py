"""`Dropout`: zero a random fraction `rate` of the inputs in training, scaling the rest by `1 / (1 - rate)`."""

import numbers

from minikeras.layers.layer import Layer


class Dropout(Layer):
    """Randomly set inputs to 0 with probability `rate` while training.

    In training the kept entries are scaled up so the expected sum is unchanged:

        output = inputs * mask / (1 - rate),  mask ~ Bernoulli(1 - rate)

    In inference (`training=False` or unset) the layer is the identity.

    Args:
        rate: float in [0, 1], the fraction of the inputs to drop.
        noise_shape: optional shape of the binary mask, broadcast against the
            inputs (e.g. `(batch, 1, features)` drops the same features at
            every timestep); `None` entries take the input's size.
        seed: int, the seed of the layer's random stream (drawn at construction).
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                f"Received: rate={rate}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = self._validate_noise_shape(noise_shape)
        if rate > 0:
            from minikeras import random

            # The stream is made now, so two layers built from the same global seed differ (Keras).
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    @staticmethod
    def _validate_noise_shape(noise_shape):
        if noise_shape is None:
            return None
        if isinstance(noise_shape, str):
            raise ValueError(
                "Invalid value received for argument `noise_shape`. Expected a tuple or list of integers. "
                f"Received: noise_shape={noise_shape}"
            )
        if not isinstance(noise_shape, tuple):
            try:
                noise_shape = tuple(noise_shape)
            except TypeError:
                raise ValueError(
                    "Invalid value received for argument `noise_shape`. Expected an iterable of integers "
                    f"(e.g., a tuple or list). Received: noise_shape={noise_shape}"
                ) from None
        for i, dim in enumerate(noise_shape):
            if dim is None:
                continue
            if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
                raise ValueError(
                    "Invalid value received for argument `noise_shape`. Expected all elements to be integers "
                    f"or None. Received element at index {i}: {dim} (type: {type(dim).__name__})"
                )
            if dim <= 0:
                raise ValueError(
                    "Invalid value received for argument `noise_shape`. Expected all dimensions to be positive "
                    f"integers or None. Received negative or zero value at index {i}: {dim}"
                )
        return noise_shape

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            from minikeras import random

            return random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
