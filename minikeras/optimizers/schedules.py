"""Learning-rate schedules (`keras.optimizers.schedules`): step -> learning rate.

An optimizer given a schedule calls it with its iteration counter before every
update, so the learning rate used at step `t` (counting from 0) is
`schedule(t)`. As in Keras with TensorFlow, a schedule computes in float32
whenever its `initial_learning_rate` is a Python number (whatever `floatx` is),
and returns a NumPy scalar.
"""

import math

import numpy as np

from minikeras.ops.autodiff import value as _value
from minikeras.utils.registry import closest_names


def _dtype_of(x):
    """The dtype TensorFlow gives `convert_to_tensor(x)`: float32 for Python floats."""
    if isinstance(x, (np.generic, np.ndarray)):
        return x.dtype
    if isinstance(x, bool):
        return np.dtype("bool")
    if isinstance(x, int):
        return np.dtype("int32")
    if isinstance(x, float):
        return np.dtype("float32")
    return np.asarray(_value(x)).dtype


def _step(step, dtype):
    """The step (int, NumPy value or iteration Variable) as a scalar of `dtype`."""
    return dtype.type(np.asarray(_value(step)))


class LearningRateSchedule:
    """Base class: subclasses define `__call__(step)` and `get_config()`.

    Example:

        class MySchedule(LearningRateSchedule):
            def __init__(self, initial_learning_rate):
                self.initial_learning_rate = initial_learning_rate

            def __call__(self, step):
                return self.initial_learning_rate / (step + 1)
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `get_config()` "
            "in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_positive(name, steps):
    if steps <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={steps}")


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    With `staircase=True` the exponent is floored, so the rate drops in steps.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps (the exponent's unit).
        decay_rate: the factor applied every `decay_steps` steps.
        staircase: floor `step / decay_steps`.
        name: kept in the config.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive("decay_steps", decay_steps)

    def __call__(self, step):
        dt = _dtype_of(self.initial_learning_rate)
        p = _step(step, dt) / dt.type(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return dt.type(self.initial_learning_rate) * np.power(dt.type(self.decay_rate), p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` for `step <= boundaries[0]`, `values[i]` for `boundaries[i-1] < step <= boundaries[i]`,
    `values[-1]` for `step > boundaries[-1]`.

    Args:
        boundaries: increasing steps, one fewer than `values`.
        values: the learning rates of the intervals.
        name: kept in the config.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, "
                f"and values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = np.asarray(_value(step))
        if np.issubdtype(step.dtype, np.integer):
            # Keras casts the boundaries to the step's integer dtype (truncating floats).
            bounds = [int(b) for b in self.boundaries]
            step = int(step)
        else:
            bounds = [float(b) for b in self.boundaries]
            step = float(step)
        dt = _dtype_of(self.values[0])
        index = len(bounds)
        for i, b in enumerate(bounds):
            if step <= b:
                index = i
                break
        return dt.type(self.values[index])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """`(initial - end) * (1 - s / decay_steps) ** power + end`, with `s = min(step, decay_steps)`.

    With `cycle=True` the horizon grows to the next multiple of `decay_steps`
    instead: `decay_steps * ceil(step / decay_steps)` (1 at step 0), and `s = step`.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps.
        end_learning_rate: the rate reached at `decay_steps`.
        power: the polynomial's power (1.0: linear).
        cycle: restart the decay after `decay_steps`.
        name: kept in the config.
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_positive("decay_steps", decay_steps)

    def __call__(self, step):
        dt = _dtype_of(self.initial_learning_rate)
        f = dt.type
        initial, end = f(self.initial_learning_rate), f(self.end_learning_rate)
        s = _step(step, dt)
        horizon = f(self.decay_steps)
        if self.cycle:
            multiplier = f(1.0) if s == 0 else np.ceil(s / f(self.decay_steps))
            horizon = horizon * multiplier
        else:
            s = np.minimum(s, horizon)
        p = s / horizon
        return (initial - end) * np.power(f(1) - p, f(self.power)) + end

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    With `staircase=True`, `step / decay_steps` is floored.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of steps.
        decay_rate: how fast the rate falls.
        staircase: floor `step / decay_steps`.
        name: kept in the config.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_positive("decay_steps", decay_steps)

    def __call__(self, step):
        dt = _dtype_of(self.initial_learning_rate)
        f = dt.type
        p = _step(step, dt) / f(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return f(self.initial_learning_rate) / (f(1) + f(self.decay_rate) * p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay, optionally after a linear warmup.

    Without warmup (`warmup_target=None`), with `s = min(step, decay_steps)`:
    `initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)`.

    With warmup, the rate rises linearly from `initial_learning_rate` to
    `warmup_target` over `warmup_steps` steps, then decays from `warmup_target`
    by the formula above with `s = min(step, warmup_steps + decay_steps) - warmup_steps`.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: a positive number of decay steps.
        alpha: the floor, as a fraction of the starting rate.
        name: kept in the config.
        warmup_target: the rate reached at the end of warmup (None: no warmup).
        warmup_steps: the number of warmup steps.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_positive("decay_steps", decay_steps)

    def _decay(self, s, decay_steps, start, f):
        fraction = s / decay_steps
        cosine = f(0.5) * (f(1.0) + np.cos(f(math.pi) * fraction))
        return start * (f(1 - self.alpha) * cosine + f(self.alpha))

    def __call__(self, step):
        dt = _dtype_of(self.initial_learning_rate)
        f = dt.type
        initial = f(self.initial_learning_rate)
        decay_steps = f(self.decay_steps)
        s = _step(step, dt)
        if self.warmup_target is None:
            return self._decay(np.minimum(s, decay_steps), decay_steps, initial, f)
        target = f(self.warmup_target)
        warmup_steps = f(self.warmup_steps)
        s = np.minimum(s, decay_steps + warmup_steps)
        if s < warmup_steps:
            return (target - initial) * (s / warmup_steps) + initial
        return self._decay(s - warmup_steps, decay_steps, target, f)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

    Period `i` lasts `first_decay_steps * t_mul ** i` steps and starts from
    `initial * m_mul ** i`; within a period at fraction `c`:
    `initial * ((1 - alpha) * m_mul ** i * 0.5 * (1 + cos(pi * c)) + alpha)`.

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: the length of the first period.
        t_mul: how much longer each period is than the previous.
        m_mul: how much lower each period starts than the previous.
        alpha: the floor, as a fraction of the starting rate.
        name: kept in the config.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_positive("first_decay_steps", first_decay_steps)

    def __call__(self, step):
        dt = _dtype_of(self.initial_learning_rate)
        f = dt.type
        alpha, t_mul, m_mul = f(self.alpha), f(self._t_mul), f(self._m_mul)
        fraction = _step(step, dt) / f(self.first_decay_steps)
        if t_mul == f(1.0):
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:
            # Periods grow geometrically: find which one `fraction` falls in.
            restart = np.floor(np.log(f(1.0) - fraction * (f(1.0) - t_mul)) / np.log(t_mul))
            done = (f(1.0) - np.power(t_mul, restart)) / (f(1.0) - t_mul)
            fraction = (fraction - done) / np.power(t_mul, restart)
        m_fac = np.power(m_mul, restart)
        cosine = f(0.5) * m_fac * (f(1.0) + np.cos(f(math.pi) * fraction))
        return f(self.initial_learning_rate) * ((f(1) - alpha) * cosine + alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def _unknown_schedule(name):
    # Class names are CamelCase: match case-insensitively, suggest the real spelling.
    by_lower = {n.lower(): n for n in _SCHEDULES}
    close = [by_lower[c] for c in closest_names(name, by_lower)]
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(
        f"Could not interpret learning rate schedule identifier: {name!r}.{hint} "
        f"Expected one of: {', '.join(sorted(_SCHEDULES))}."
    )


def serialize(learning_rate_schedule):
    """The schedule as a Keras config dict (`{"module", "class_name", "config", "registered_name"}`)."""
    from minikeras.saving.object_registration import get_registered_name

    cls = type(learning_rate_schedule)
    if _SCHEDULES.get(cls.__name__) is cls:
        module, registered = "keras.optimizers.schedules", None
    else:
        module, registered = cls.__module__, get_registered_name(cls)
    return {
        "module": module,
        "class_name": cls.__name__,
        "config": learning_rate_schedule.get_config(),
        "registered_name": registered,
    }


def deserialize(config, custom_objects=None):
    """Rebuild a schedule from `serialize`'s dict (custom classes via `custom_objects` or registration)."""
    from minikeras.saving.object_registration import get_registered_object

    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Could not interpret learning rate schedule config: {config!r}. "
            "Expected a dict with keys 'class_name' and 'config'."
        )
    name = config["class_name"]
    cls = _SCHEDULES.get(name)
    if cls is None:
        for key in (config.get("registered_name"), name):
            if key:
                cls = get_registered_object(key, custom_objects=custom_objects)
                if cls is not None:
                    break
    if cls is None:
        raise _unknown_schedule(name)
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier):
    """None, a schedule instance, a config dict or a class name -> a schedule (or None)."""
    if identifier is None or isinstance(identifier, LearningRateSchedule):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    raise ValueError(
        f"Could not interpret learning rate schedule identifier: {identifier!r}. "
        "Expected a LearningRateSchedule, a config dict or None."
    )
