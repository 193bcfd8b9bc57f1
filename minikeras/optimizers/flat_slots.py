"""Optimizer state laid end to end, so one update runs as a few array operations for all variables.

An optimizer's per-variable rule is elementwise (`m <- m + (g - m)(1 - beta_1)`
and so on), so applying it once to the concatenation of every variable's
gradient and slots gives, element for element, the same numbers as applying
it variable by variable — with a handful of NumPy calls instead of a handful
per variable, which is what dominates the step of a small network.

`FlatSlots` copies each slot kind (momentums, velocities, ...) into one
contiguous buffer and makes every slot Variable's array a view of its part.
Variables are only ever updated in place, so the views stay live; anything
that rebinds an array (unpickling, a deep copy) is detected by `intact()` and
the caller falls back to the per-variable update.
"""

import operator

import numpy as np

_VALUE = operator.attrgetter("_value")


class FlatSlots:
    """Contiguous buffers behind the slots of `variables`, plus a scratch `step` buffer.

    Args:
        slot_lists: one list per slot kind, aligned with `variables` (from
            `add_optimizer_variables`).
        variables: the model variables being updated, all of one float dtype.

    Attributes:
        buffers: one flat array per slot kind.
        step: a flat scratch array; `step_views[i]` is its part shaped like `variables[i]`.
        dtype: the common dtype.
    """

    def __init__(self, slot_lists, variables):
        self.variables = list(variables)
        self.dtype = self.variables[0]._value.dtype
        sizes = [v._value.size for v in self.variables]
        bounds = np.cumsum([0] + sizes).tolist()
        self.size = bounds[-1]
        self.buffers = []
        self._views = []
        for slots in slot_lists:
            buffer = np.empty(self.size, dtype=self.dtype)
            for slot, start, stop in zip(slots, bounds[:-1], bounds[1:]):
                buffer[start:stop] = slot._value.reshape(-1)
                slot._value = buffer[start:stop].reshape(slot._value.shape)
                self._views.append((slot, slot._value))
            self.buffers.append(buffer)
        self._slots = [slot for slot, _ in self._views]
        self._slot_views = [view for _, view in self._views]
        self.step = np.empty(self.size, dtype=self.dtype)
        self.step_views = [self.step[start:stop].reshape(v._value.shape)
                           for v, start, stop in zip(self.variables, bounds[:-1], bounds[1:])]

    @classmethod
    def build(cls, slot_lists, variables):
        """`FlatSlots`, or None when the variables or slots do not share one float dtype."""
        variables = list(variables)
        if not variables:
            return None
        dtypes = {v._value.dtype for v in variables}
        for slots in slot_lists:
            if len(slots) != len(variables) or any(s is None for s in slots):
                return None
            dtypes.update(s._value.dtype for s in slots)
        if len(dtypes) != 1 or next(iter(dtypes)).kind != "f":
            return None
        if any(type(v._value) is not np.ndarray for v in variables):
            return None
        return cls(slot_lists, variables)

    @classmethod
    def for_optimizer(cls, optimizer, slot_lists, variables):
        """`build` with each of `slot_lists` (indexed like the optimizer's variables) taken in the
        order of `variables`; None if the optimizer was not built for all of them."""
        indices = [optimizer._trainable_variables_indices.get(id(v)) for v in variables]
        if None in indices:
            return None
        return cls.build([[slots[i] for i in indices] for slots in slot_lists], variables)

    def intact(self):
        """Whether every slot Variable still holds its view of the buffers."""
        return all(map(operator.is_, map(_VALUE, self._slots), self._slot_views))

    def gather(self, grads, out=None):
        """The gradients end to end in one flat array (in the variables' order)."""
        out = np.empty(self.size, dtype=self.dtype) if out is None else out
        np.concatenate([g.reshape(-1) for g in grads], out=out)
        return out

    def subtract_step(self):
        """`w -= step` for every variable, from the scratch buffer."""
        for variable, step in zip(self.variables, self.step_views):
            variable._value -= step
