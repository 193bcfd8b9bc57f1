"""Drop-in mode: run unmodified Keras / `tf.keras` scripts on minikeras, and diff them against TensorFlow.

* `python -m minikeras run SCRIPT [ARGS...]` (runner.py): the script runs as
  `__main__` with `keras` / `tensorflow` resolved to minikeras (shim.py),
  Keras 2 idioms accepted with a deprecation warning (legacy.py), offline
  seaborn penguins (datasets.py) and non-interactive plotting.
* `python -m minikeras diff SCRIPT [ARGS...]` (diff.py): the script runs in
  TensorFlow Keras and in minikeras; the training curves are compared.
* Jupyter/IPython: `%load_ext minikeras`, or `MINIKERAS_DROPIN=1` in the
  environment with `activate_from_env()` run at start-up (ipython.py).
"""

import os


def activate(plotting=True, datasets=True):
    """Turn drop-in mode on in this interpreter (idempotent).

    Args:
        plotting: use matplotlib's non-interactive Agg backend when there is no display.
        datasets: serve seaborn's penguins offline when it cannot be downloaded.
    """
    from minikeras.dropin import legacy, shim

    shim.install()
    legacy.enable()
    if plotting:
        from minikeras.dropin import plotting as _plotting

        _plotting.use_agg_without_display()
    if datasets:
        from minikeras.dropin import datasets as _datasets

        _datasets.install_offline_penguins()


def activate_from_env():
    """`activate()` when the environment variable MINIKERAS_DROPIN is set to a true value ("1", "true", "yes")."""
    if os.environ.get("MINIKERAS_DROPIN", "").strip().lower() in ("1", "true", "yes", "on"):
        activate()
        return True
    return False
