"""Hinge metrics: running means of the hinge losses (labels in {-1, 1} or {0, 1})."""

from minikeras.metrics import reduction_metrics
from minikeras.metrics.metrics_utils import lazy_loss

hinge = lazy_loss("hinge")
squared_hinge = lazy_loss("squared_hinge")
categorical_hinge = lazy_loss("categorical_hinge")


class _HingeMetric(reduction_metrics.MeanMetricWrapper):
    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Hinge(_HingeMetric):
    """Running mean of `mean(max(1 - y_true * y_pred, 0), axis=-1)` ({0, 1} labels become {-1, 1})."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=hinge, name=name, dtype=dtype)
        self._direction = "down"


class SquaredHinge(_HingeMetric):
    """Running mean of `mean(square(max(1 - y_true * y_pred, 0)), axis=-1)`."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)
        self._direction = "down"


class CategoricalHinge(_HingeMetric):
    """Running mean of `max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"
