"""Drop-in mode for Jupyter/IPython notebooks, with no change to the notebook.

Two ways:

* `%load_ext minikeras` in a cell (IPython calls `minikeras.load_ipython_extension`,
  which is `load_ipython_extension` below); run it before the first `import keras` /
  `import tensorflow` cell — a real TensorFlow imported earlier stays in the
  objects that already hold it.
* `MINIKERAS_DROPIN=1` in the environment the kernel starts with, plus a
  start-up hook that calls `minikeras.dropin.activate_from_env()`. IPython runs
  every file in its profile's startup folder, so once per machine:

      python -m minikeras.dropin.ipython --install-startup

  writes `~/.ipython/profile_default/startup/00-minikeras-dropin.py` (two lines,
  doing nothing unless MINIKERAS_DROPIN is set). Then
  `MINIKERAS_DROPIN=1 jupyter lab` runs every notebook on minikeras. For plain
  `python`, the same two lines go in a `sitecustomize.py` on the path, or in the
  file named by PYTHONSTARTUP (interactive sessions only).

No `.pth` file is installed: activation is always something the user chose.
"""

import os
import sys

STARTUP_CODE = ("from minikeras.dropin import activate_from_env\n"
                "activate_from_env()\n")


def load_ipython_extension(ipython=None):
    """`%load_ext minikeras`: keras / tensorflow.keras / tensorflow resolve to minikeras from now on."""
    from minikeras import dropin

    dropin.activate()
    print("minikeras drop-in active: `import keras` and `tensorflow.keras` now use minikeras.")


def unload_ipython_extension(ipython=None):
    """`%unload_ext minikeras`: later imports of keras/tensorflow find the real packages again."""
    from minikeras.dropin import shim

    shim.uninstall()


def startup_file(profile_dir=None):
    """The IPython startup file path for the default profile (or `profile_dir`)."""
    if profile_dir is None:
        ipython_dir = os.environ.get("IPYTHONDIR") or os.path.join(os.path.expanduser("~"), ".ipython")
        profile_dir = os.path.join(ipython_dir, "profile_default")
    return os.path.join(profile_dir, "startup", "00-minikeras-dropin.py")


def install_startup(profile_dir=None):
    """Write the start-up hook (see module docstring); return its path."""
    path = startup_file(profile_dir)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Written by `python -m minikeras.dropin.ipython --install-startup`.\n"
                "# Does nothing unless MINIKERAS_DROPIN=1 is set when IPython starts.\n" + STARTUP_CODE)
    return path


if __name__ == "__main__":
    if sys.argv[1:] == ["--install-startup"]:
        print(f"wrote {install_startup()}")
    else:
        print(__doc__)
