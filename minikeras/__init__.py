"""minikeras: Keras 3's API on NumPy."""

__version__ = "0.1.0"

from minikeras import config, ops  # noqa: F401,E402
from minikeras.backend.variables import Variable  # noqa: F401,E402
