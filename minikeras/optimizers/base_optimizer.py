"""The optimizer base class (`keras.optimizers.Optimizer`).

A subclass writes only `build(variables)` (its slot variables),
`update_step(gradient, variable, learning_rate)` (the rule for one variable)
and `get_config()`. This class owns everything around the rule, in Keras's
order for each `apply(grads, variables)`:

    grads <- grads / loss_scale_factor                 (if set)
    grads <- clip(grads)                               (clipnorm | global_clipnorm | clipvalue)
    w     <- w - w * weight_decay * lr                 (if weight_decay, per non-excluded w)
    w     <- update_step(grad, w, lr)                  (the subclass's rule, lr = schedule(iterations))
    w     <- w.constraint(w)                           (if the variable has a constraint)
    ema   <- m * ema + (1 - m) * w                     (if use_ema; m = 0 at the first step)
    iterations <- iterations + 1

With `gradient_accumulation_steps=k`, gradients are summed for k calls and the
steps above (from clipping on) run on their mean every k-th call.

Updates happen in place on the variables' NumPy arrays, in the variables'
dtype: no float64 detour for float32 weights.
"""

import re
import warnings

import numpy as np

from minikeras import config
from minikeras.backend.variables import Variable
from minikeras.ops.autodiff import value as _value
from minikeras.optimizers import schedules as _schedules
from minikeras.optimizers.optimizer_utils import (  # noqa: F401 (some re-exported, as in Keras)
    as_array,
    base_optimizer_keyword_args,
    clip_by_global_norm,
    clip_by_norm,
    global_norm,
    initial_array,
    keras_cast,
    nd_view,
)
from minikeras.utils.naming import auto_name, to_snake_case


class Optimizer:
    """Base class of the optimizers: iterations, learning rate, clipping, weight decay, EMA.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable taking
            no arguments that returns the learning rate.
        {{base_optimizer_keyword_args}}

    Example:

        class PlainSGD(Optimizer):
            def __init__(self, learning_rate=0.01, **kwargs):
                super().__init__(learning_rate=learning_rate, **kwargs)

            def update_step(self, gradient, variable, learning_rate):
                self.assign_sub(variable, ops.multiply(gradient, learning_rate))
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        self._lock = False
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")

        self.name = name if name is not None else auto_name(to_snake_case(self.__class__.__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._scoped_build = False
        self._step_constants = {}

        self._iterations = self._make_variable(np.array(0, dtype=np.int64), "int64", "iteration")

        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if not isinstance(learning_rate, float):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                    "or a callable (that takes in the current iteration value and returns the "
                    f"corresponding learning rate value). Received instead: learning_rate={learning_rate}"
                )
            self._learning_rate = self._make_variable(learning_rate, config.floatx(), "learning_rate")

    # -- attribute tracking ------------------------------------------------------------------
    def __setattr__(self, name, value):
        if name != "_lock":
            self._check_super_called()
        # A Variable stored on the optimizer (e.g. Nadam's running product) is one of its variables.
        if isinstance(value, Variable) and "_variables" in self.__dict__:
            self._track_variable(value)
        object.__setattr__(self, name, value)

    def _check_super_called(self):
        if "_lock" not in self.__dict__:
            raise RuntimeError(
                f"In optimizer '{self.__class__.__name__}', you forgot to call `super().__init__()` as the "
                "first statement in the `__init__()` method. Go add it!"
            )

    def _track_variable(self, variable):
        if not any(v is variable for v in self._variables):
            self._variables.append(variable)

    def _untrack_variable(self, variable):
        self._variables = [v for v in self._variables if v is not variable]

    def _make_variable(self, initial, dtype, name):
        variable = Variable(initial, dtype=dtype, trainable=False, name=name)
        variable.path = f"{self.name}/{variable.name}"
        self._track_variable(variable)
        return variable

    # -- state ----------------------------------------------------------------------------------
    @property
    def iterations(self):
        """The number of `apply` calls (divided by `gradient_accumulation_steps` when accumulating)."""
        if self.gradient_accumulation_steps:
            return self._iterations._value // self.gradient_accumulation_steps
        return self._iterations

    def _step_count(self):
        """`iterations` as a Python int."""
        n = int(self._iterations._value)
        return n // self.gradient_accumulation_steps if self.gradient_accumulation_steps else n

    @property
    def variables(self):
        return self._variables[:]

    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[id(variable)]

    def build(self, variables):
        """Create the optimizer's variables for `variables` (subclasses add their slots after calling this)."""
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = []
        for i, variable in enumerate(variables):
            self._trainable_variables_indices[id(variable)] = i
            if self.gradient_accumulation_steps:
                self._accumulated_gradients.append(
                    self.add_variable_from_reference(variable, name="gradient_accumulator")
                )
        self._trainable_variables = list(variables)
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None):
        """A new non-trainable optimizer variable named `"<optimizer>/<name>"`."""
        self._check_super_called()
        dtype = np.dtype(dtype or config.floatx())
        variable = Variable(initial_array(initializer, shape, dtype), dtype=dtype, trainable=False,
                            aggregation=aggregation, name=name)
        variable.path = f"{self.name}/{variable.name}"
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like `reference_variable`, named `"<ref path with _>_<name>"` (`dense_kernel_momentum`)."""
        name = name or "var"
        if hasattr(reference_variable, "path"):
            name = f"{reference_variable.path.replace('/', '_')}_{name}"
        else:
            name = f"{str(reference_variable.name).replace('/', '_').replace(':', '_')}_{name}"
        return self.add_variable(shape=reference_variable.shape, initializer=initializer,
                                 dtype=reference_variable.dtype, name=name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name in `name`; slots of one variable are created together.

        Returns a list (one name) or a tuple of lists (several names). Variables
        with `overwrite_with_gradient` get `None`.
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(name, str):
            inits = [initializer]
        elif isinstance(initializer, (list, tuple)):
            inits = list(initializer)
        else:
            inits = [initializer] * len(names)
        if len(names) != len(inits):
            raise ValueError(
                "The number of provided names must match the number of provided initializers.  "
                f"Received name='{name}', initializer='{initializer}'"
            )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            skip = getattr(variable, "overwrite_with_gradient", False)
            for i, (n, init) in enumerate(zip(names, inits)):
                slots[i].append(None if skip else self.add_variable_from_reference(variable, name=n, initializer=init))
        return slots[0] if isinstance(name, str) else slots

    def _check_variables_are_known(self, variables):
        known = self._trainable_variables_indices
        for v in variables:
            if id(v) not in known:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer can only be called for the variables it was "
                    "originally built with. When working with a new set of variables, you should recreate "
                    "a new optimizer instance."
                )

    # -- writing (in place) --------------------------------------------------------------------
    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    # -- the update ---------------------------------------------------------------------------
    def update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError

    def apply_gradients(self, grads_and_vars):
        """`apply` for a list of `(gradient, variable)` pairs; returns `iterations`."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Update `trainable_variables` (or the variables the optimizer was built with) from `grads`.

        Gradients are aligned with the variables; a `None` gradient skips its
        variable with a warning (all `None` is an error). The first call builds
        the optimizer.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a "
                    "list of variables. Call `optimizer.build(trainable_variables)` first. "
                )
            if len(grads) != len(self._trainable_variables_indices):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must match "
                    f"`optimizer.variables` one-to-on. Received a list of {len(grads)} gradients, but the "
                    f"optimizer is tracking {len(self._trainable_variables)} trainable variables."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self._scoped_build = True
                self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)

        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        grads, trainable_variables = self._overwrite_variables_directly_with_gradients(grads, trainable_variables)
        if grads:
            scale = self.loss_scale_factor
            if scale is not None:
                grads = [g / scale for g in grads]
            self._backend_apply_gradients(grads, trainable_variables)
            for variable in trainable_variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable))
        self._iterations._value += 1

    def _filter_empty_gradients(self, grads, variables):
        """Drop `None` gradients (warning which variables have none); arrays out, shapes checked."""
        kept_grads, kept_vars, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", None) or v.name)
                continue
            g = as_array(g)
            if g.shape != v.shape:
                raise ValueError(
                    f"Gradient for variable {getattr(v, 'path', v.name)!r} has shape {g.shape}, "
                    f"but the variable has shape {tuple(v.shape)}."
                )
            kept_grads.append(g)
            kept_vars.append(v)
        if not kept_grads:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                "`model.compile()`, did you forget to provide a `loss` argument?"
            )
        return kept_grads, kept_vars

    def _overwrite_variables_directly_with_gradients(self, grads, variables):
        """Variables flagged `overwrite_with_gradient` take their gradient as their new value."""
        if not any(getattr(v, "overwrite_with_gradient", False) for v in variables):
            return grads, variables
        if self.gradient_accumulation_steps:
            raise NotImplementedError(
                "`overwrite_with_gradient` variables are not supported with `gradient_accumulation_steps`."
            )
        kept = [(g, v) for g, v in zip(grads, variables) if not getattr(v, "overwrite_with_gradient", False)]
        for g, v in zip(grads, variables):
            if getattr(v, "overwrite_with_gradient", False):
                v.assign(g)
        return [g for g, _ in kept], [v for _, v in kept]

    def _backend_apply_gradients(self, grads, trainable_variables):
        if self.gradient_accumulation_steps:
            steps = self.gradient_accumulation_steps
            accumulators = [self._accumulated_gradients[self._get_variable_index(v)] for v in trainable_variables]
            if (int(self._iterations._value) + 1) % steps == 0:
                grads = [(g + acc._value) / steps for g, acc in zip(grads, accumulators)]
                self._update(grads, trainable_variables)
                for acc in accumulators:
                    acc._value[...] = 0
            else:
                for g, acc in zip(grads, accumulators):
                    acc._value += g
        else:
            self._update(grads, trainable_variables)

        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency and (self._step_count() + 1) % self.ema_overwrite_frequency == 0:
                self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _update(self, grads, trainable_variables):
        """Clip, decay, then the subclass's rule: one real update."""
        grads = self._clip_gradients(grads)
        learning_rate = self._learning_rate_value()
        self._apply_weight_decay(trainable_variables, learning_rate)
        self._backend_update_step(grads, trainable_variables, learning_rate)

    def _constants(self, f, learning_rate, compute):
        """`compute(f, step, learning_rate)` once per (dtype, learning rate, step): a step's scalars."""
        step = self._step_count()
        key = (f, float(learning_rate), step)
        constants = self._step_constants.get(key)
        if constants is None:
            if len(self._step_constants) > 8:
                self._step_constants.clear()
            constants = self._step_constants[key] = compute(f, step, learning_rate)
        return constants

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(grad, variable, learning_rate)

    def _flat_update(self, variables):
        """`update(grads, learning_rate) -> bool`: `_backend_update_step` for exactly `variables`, run on
        their slots laid end to end (`flat_slots.FlatSlots`); it returns False, doing nothing, when the
        layout was disturbed. None when this optimizer has no such form (the default)."""
        return None

    # -- clipping ---------------------------------------------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            return [np.clip(g, -v, v) for g in grads]
        return grads

    def _clip_by_norm(self, g):
        return clip_by_norm(g, self.clipnorm)

    # -- weight decay ----------------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables from weight decay: those in `var_list`, and those whose name contains any of `var_names`."""
        self._exclude_from_weight_decay = {id(v) for v in var_list} if var_list else set()
        if var_names:
            self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names)))
        else:
            self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        cache = self.__dict__.get("_exclude_from_weight_decay_cache")
        if cache is None:
            cache = self._exclude_from_weight_decay_cache = {}
        key = id(variable)
        if key in cache:
            return cache[key]
        use = True
        if key in getattr(self, "_exclude_from_weight_decay", ()):
            use = False
        else:
            pattern = getattr(self, "_exclude_from_weight_decay_pattern", None)
            if pattern is not None and re.search(pattern, variable.name) is not None:
                use = False
        cache[key] = use
        return use

    def _apply_weight_decay(self, variables, learning_rate=None):
        """`w <- w - w * weight_decay * lr` for every variable not excluded."""
        if self.weight_decay is None:
            return
        if learning_rate is None:
            learning_rate = self._learning_rate_value()
        for variable in variables:
            if self._use_weight_decay(variable):
                w = variable._value
                f = w.dtype.type
                decay = np.multiply(w, keras_cast(self.weight_decay, f))
                decay *= f(learning_rate)
                w -= decay

    # -- moving average of the weights ------------------------------------------------------------
    def _update_model_variables_moving_average(self, trainable_variables):
        first = self._step_count() == 0
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            f = variable._value.dtype.type
            momentum = f(0.0) if first else f(self.ema_momentum)
            avg = average._value
            avg *= momentum
            avg += (f(1) - momentum) * variable._value

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        if len(trainable_variables) != len(self._model_variables_moving_average):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override does not match the "
                "length of model variables stored in the optimizer "
                f"({len(self._model_variables_moving_average)}). Please check if the optimizer was called "
                "on your model."
            )
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is not None:
                variable.assign(average._value)

    def finalize_variable_values(self, var_list):
        """At the end of training: with `use_ema`, the weights take their moving averages."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    def scale_loss(self, loss):
        """`loss * loss_scale_factor` when a factor is set."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- learning rate -----------------------------------------------------------------------------
    @property
    def learning_rate(self):
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        previous = self._learning_rate if isinstance(self._learning_rate, Variable) else None
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        elif isinstance(self._learning_rate, _schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                "constructor argument, hence its learning rate is not settable. If you need the learning "
                "rate to be settable, you should instantiate the optimizer with a float `learning_rate` argument."
            )
        elif previous is None:
            self._learning_rate = self._make_variable(float(_value(learning_rate)), config.floatx(), "learning_rate")
        else:
            previous.assign(_value(learning_rate))
        if previous is not None and self._learning_rate is not previous:
            self._untrack_variable(previous)

    def _get_current_learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    def _learning_rate_value(self):
        """The current learning rate as a NumPy value (what `update_step` receives)."""
        lr = self._learning_rate
        if type(lr) is Variable:
            return lr._value
        lr = self._get_current_learning_rate()
        if type(lr) is float:
            # A Python float reaches the update through `ops.cast`: a float32 tensor first.
            return np.asarray(lr, dtype=np.float32)
        return np.asarray(_value(lr))

    # -- weights and config ------------------------------------------------------------------------
    def set_weights(self, weights):
        """Set the optimizer's variables, in `variables` order."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. Please call "
                "`optimizer.build(trainable_variables)` to create the optimizer weights before calling "
                "`set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            weight = np.asarray(weight)
            if tuple(variable.shape) != weight.shape:
                raise ValueError(
                    f"Optimizer variable {variable.path} has shape {tuple(variable.shape)} not compatible "
                    f"with provided weight shape {weight.shape}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self.variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self.variables)} variables whereas the saved optimizer has {len(store.keys())} variables. "
            )
            if not self.variables:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    def get_config(self):
        """The constructor arguments (a schedule as its serialized dict, a float lr as stored: float32)."""
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            learning_rate = _schedules.serialize(lr)
        elif isinstance(lr, Variable):
            learning_rate = float(lr._value)
        else:
            # A plain callable stays a callable (Keras would serialize its bytecode).
            learning_rate = lr
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _schedules.deserialize(config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)


Optimizer.__doc__ = Optimizer.__doc__.replace("{{base_optimizer_keyword_args}}", base_optimizer_keyword_args)
BaseOptimizer = Optimizer
