"""Initializers: the starting values of weights (keras `initializers/`).

Random initializers draw through `minikeras.random` and so reproduce
TensorFlow Keras's numbers bit for bit. Their seed semantics are Keras's:

* `seed=int`: the same values on every call;
* `seed=None`: a seed is drawn from Python's global `random` *when the
  initializer is constructed* (`random.randint(1, 10**9)`), then fixed, so
  repeated calls give the same values and `set_random_seed(S)` before building
  a model reproduces TF Keras's weights;
* `seed=SeedGenerator(...)`: new values on every call.

`VarianceScaling` draws with `scale' = scale / max(1, n)`, `n` = fan_in,
fan_out or (fan_in + fan_out) / 2:
uniform on `[-sqrt(3 scale'), sqrt(3 scale'))`, normal with stddev
`sqrt(scale')`, or truncated normal with stddev `sqrt(scale') / .87962566103423978`.
"""

import math

import numpy as np

from minikeras import config
from minikeras.utils.registry import resolve


def _random():
    """`minikeras.random`, imported on first use so that `import minikeras` stays fast."""
    from minikeras import random

    return random


def _dtype(dtype):
    return config.standardize_dtype(dtype)


class Initializer:
    """Base class: `__call__(shape, dtype=None)` returns an array; configs round-trip."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())


# -- constants -------------------------------------------------------------------------------------


class Constant(Initializer):
    """Every value equal to `value`."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype)
        value = self.value
        if type(value) is float:
            # Keras casts with `tf.cast`, which makes a Python float a float32 tensor first.
            value = np.float32(value)
        return np.asarray(value).astype(dtype) * np.ones(tuple(shape), dtype=dtype)

    def get_config(self):
        value = self.value
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, np.generic):
            value = value.item()
        return {"value": value}

    @classmethod
    def from_config(cls, config):
        return cls(config["value"])


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(tuple(shape), dtype=_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(tuple(shape), dtype=_dtype(dtype))


class Identity(Initializer):
    """`gain * I` for 2-D shapes (rectangular shapes get ones on the main diagonal)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = _dtype(dtype)
        return (self.gain * np.eye(*shape, dtype=dtype)).astype(dtype, copy=False)

    def get_config(self):
        # Keras 3.15 returns {} here (dropping `gain`); keeping it makes the config round-trip.
        return {"gain": self.gain}


# -- random ----------------------------------------------------------------------------------------


def _serialize_seed(seed):
    if isinstance(seed, _random().SeedGenerator):
        return {"module": "keras.random", "class_name": "SeedGenerator", "config": seed.get_config(),
                "registered_name": None}
    return seed


class RandomInitializer(Initializer):
    """Base of the random initializers: owns the seed (see the module docstring)."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = _random().make_default_seed()
        elif isinstance(seed, dict):
            seed = _random().SeedGenerator.from_config(seed.get("config", seed))
        elif not isinstance(seed, (int, np.integer, _random().SeedGenerator)):
            raise ValueError(
                "`seed` argument should be an instance of `keras.random.SeedGenerator()` or an integer. "
                f"Received: seed={seed}"
            )
        self.seed = seed

    def get_config(self):
        return {"seed": _serialize_seed(self._init_seed)}


class RandomNormal(RandomInitializer):
    """Normal values: `normal(shape) * stddev + mean`."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _random().normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Normal values within two standard deviations of the mean (others redrawn)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _random().truncated_normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Uniform values in `[minval, maxval)`."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _random().uniform(shape, minval=self.minval, maxval=self.maxval, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape, input_axes=None, output_axes=None):
    """`(fan_in, fan_out)` of a weight shape: 2-D `(in, out)`; conv kernels multiply by the receptive field."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[a] for a in input_axes)
        fan_out = math.prod(shape[a] for a in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive = math.prod(shape[:-2])
    return int(shape[-2] * receptive), int(shape[-1] * receptive)


class VarianceScaling(RandomInitializer):
    """Values whose variance is `scale / n` (see the module docstring for `n` and the distributions).

    Args:
        scale: a positive float.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`.
        distribution: `"truncated_normal"` (alias `"normal"`), `"untruncated_normal"` or `"uniform"`.
        seed: None, an int or a `SeedGenerator`.
        input_axes, output_axes: optional axes that define the fans.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None,
                 output_axes=None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        allowed_modes = {"fan_in", "fan_out", "fan_avg"}
        if mode not in allowed_modes:
            raise ValueError(f"Invalid `mode` argument: {mode}. Please use one of {allowed_modes}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        allowed = {"uniform", "truncated_normal", "untruncated_normal"}
        if distribution not in allowed:
            raise ValueError(f"Invalid `distribution` argument: {distribution}.Please use one of {allowed}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        # Same float operations, in the same order, as Keras: the limit's last bit matters.
        scale = self.scale
        if self.mode == "fan_in":
            scale /= max(1.0, fan_in)
        elif self.mode == "fan_out":
            scale /= max(1.0, fan_out)
        else:
            scale /= max(1.0, (fan_in + fan_out) / 2.0)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / 0.87962566103423978
            return _random().truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return _random().normal(shape, mean=0.0, stddev=math.sqrt(scale), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return _random().uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


def _preset(class_name, scale, mode, distribution, doc):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution, seed=seed,
                                 input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": _serialize_seed(self._init_seed), "input_axes": self.input_axes,
                "output_axes": self.output_axes}

    return type(class_name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                                                 "__module__": __name__})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform",
                        "Uniform on `[-limit, limit)`, `limit = sqrt(6 / (fan_in + fan_out))` (Glorot & Bengio, 2010).")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                       "Truncated normal, stddev `sqrt(2 / (fan_in + fan_out))` (Glorot & Bengio, 2010).")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal",
                      "Truncated normal, stddev `sqrt(1 / fan_in)` (Klambauer et al., 2017).")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform",
                       "Uniform on `[-limit, limit)`, `limit = sqrt(3 / fan_in)`.")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal",
                   "Truncated normal, stddev `sqrt(2 / fan_in)` (He et al., 2015).")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform",
                    "Uniform on `[-limit, limit)`, `limit = sqrt(6 / fan_in)` (He et al., 2015).")


class Orthogonal(RandomInitializer):
    """An orthogonal matrix (times `gain`) from the QR decomposition of a normal draw.

    The draw has shape `(max(rows, cols), min(rows, cols))` with `rows` the
    product of all but the last dimension; `Q` is multiplied by the signs of
    `diag(R)` (making it unique), transposed when rows < cols, and reshaped.
    The normal draw is bit-exact with TF; the QR is NumPy's (LAPACK), so the
    result equals TF's up to float rounding, not bit for bit.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                f"The tensor to initialize must be at least two-dimensional. Received: shape={shape} "
                f"of rank {len(shape)}."
            )
        dtype = _dtype(dtype)
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        a = _random().normal((max(rows, cols), min(rows, cols)), seed=self.seed, dtype=dtype)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r)).astype(dtype)
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(tuple(shape))).astype(dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


# -- lookup ----------------------------------------------------------------------------------------

ALL_OBJECTS = (Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
               LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,
               VarianceScaling)


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({_snake(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({"IdentityInitializer": Identity, "normal": RandomNormal, "one": Ones,
                         "OrthogonalInitializer": Orthogonal, "uniform": RandomUniform, "zero": Zeros})

# Function-style aliases, as `keras.initializers.glorot_uniform`...
constant, zeros, ones, identity = Constant, Zeros, Ones, Identity
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_uniform, lecun_normal, orthogonal, variance_scaling = LecunUniform, LecunNormal, Orthogonal, VarianceScaling
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
IdentityInitializer, OrthogonalInitializer = Identity, Orthogonal


def serialize(initializer):
    """The Keras config dict of an initializer (`module`, `class_name`, `config`, `registered_name`)."""
    if initializer is None:
        return None
    from minikeras.saving.object_registration import get_registered_name

    cls = type(initializer)
    builtin = ALL_OBJECTS_DICT.get(cls.__name__) is cls
    return {"module": "keras.initializers", "class_name": cls.__name__, "config": initializer.get_config(),
            "registered_name": None if builtin else get_registered_name(cls)}


def deserialize(config, custom_objects=None):
    """An initializer from `serialize`'s dict (or a name)."""
    from minikeras.saving.object_registration import CustomObjectScope

    with CustomObjectScope(custom_objects or {}):
        return resolve("initializer", config, ALL_OBJECTS_DICT, base=Initializer)


def get(identifier):
    """An initializer from None, a name, a config dict, an instance, a class, a callable or an array.

    A name or class is instantiated (so an unseeded random initializer draws
    its seed now); an array becomes a function returning it for its own shape.
    """
    if identifier is None:
        return None
    if isinstance(identifier, (np.ndarray, np.generic)) or type(identifier).__name__ in ("Tensor", "Variable"):
        from minikeras.ops.autodiff import value

        fixed = np.asarray(value(identifier))

        def initialize_fn(shape, dtype=None):
            if tuple(shape) != fixed.shape:
                raise ValueError(
                    f"Expected `shape` to be {fixed.shape} for direct tensor as initializer. Received shape={shape}"
                )
            return fixed.astype(_dtype(dtype))

        return initialize_fn
    if isinstance(identifier, type):
        return identifier()
    if isinstance(identifier, (str, dict)):
        return resolve("initializer", identifier, ALL_OBJECTS_DICT, base=Initializer)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")
