"""Switch for the Keras 2 idioms that lesson code still contains.

Keras 3 rejects `keras.Input(shape=4)`, optimizer `lr=` and `decay=`. The drop-in
runner turns this on so unmodified lessons run (with a deprecation warning);
plain `import minikeras` behaves as Keras 3.
"""

import os

_ENABLED = os.environ.get("MINIKERAS_KERAS2_IDIOMS", "") not in ("", "0")


def keras2_idioms_enabled():
    return _ENABLED


def enable_keras2_idioms(enabled=True):
    global _ENABLED
    _ENABLED = bool(enabled)
