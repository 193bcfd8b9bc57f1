"""Offline lesson data: `seaborn.load_dataset("penguins")` without a network.

seaborn downloads its example tables from GitHub and caches them in its data
home (`data_home=`, else `$SEABORN_DATA`, else the user's cache folder). Under
the drop-in, when penguins is not cached there and GitHub cannot be reached
(or `MINIKERAS_OFFLINE=1`), the table is built from the `palmerpenguins`
package — the same 344 penguins in seaborn's layout:

* rows in seaborn's order (Adelie, then Chinstrap, then Gentoo; each species
  in the order the two sources share);
* columns species, island, bill_length_mm, bill_depth_mm, flipper_length_mm,
  body_mass_g, sex (no year); sex written MALE/FEMALE as in seaborn's CSV;

written as `penguins.csv` into a temporary data home (removed at exit), and
read back through seaborn's own `load_dataset(..., data_home=<that folder>)`,
so seaborn's own processing (sex becoming 'Male'/'Female') applies. The
user's folders are never written.
"""

import atexit
import importlib.abc
import importlib.machinery
import os
import shutil
import socket
import sys
import tempfile

SEABORN_COLUMNS = ["species", "island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g",
                   "sex"]
SEABORN_SPECIES_ORDER = ["Adelie", "Chinstrap", "Gentoo"]
DATA_HOST = ("raw.githubusercontent.com", 443)

_STATE = {"home": None, "reachable": None}


def seaborn_penguins_csv_frame():
    """The penguins table as seaborn's CSV holds it (before seaborn's `str.title()` of sex).

    Raises:
        ImportError: if `palmerpenguins` (the `data` extra) is not installed.
    """
    try:
        from palmerpenguins import load_penguins
    except ImportError as exc:
        raise ImportError(
            "seaborn cannot download 'penguins' (no network) and minikeras's offline copy needs the "
            "palmerpenguins package: pip install 'minikeras[data]'"
        ) from exc
    import pandas as pd

    frame = load_penguins()
    order = pd.Categorical(frame["species"], SEABORN_SPECIES_ORDER, ordered=True)
    frame = frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)
    frame = frame[SEABORN_COLUMNS].copy()
    frame["sex"] = frame["sex"].str.upper()
    return frame


def offline_data_home():
    """A temporary seaborn data home holding penguins.csv (created once per process, removed at exit)."""
    home = _STATE["home"]
    if home is not None and os.path.exists(os.path.join(home, "penguins.csv")):
        return home
    frame = seaborn_penguins_csv_frame()
    home = tempfile.mkdtemp(prefix="minikeras-seaborn-data-")
    atexit.register(shutil.rmtree, home, True)
    # '%g' writes 39.1 and 3750 as seaborn's CSV does; missing values stay empty fields.
    frame.to_csv(os.path.join(home, "penguins.csv"), index=False, float_format="%g")
    _STATE["home"] = home
    return home


def network_reachable(timeout=3.0):
    """Whether seaborn's data host answers (checked once per process; MINIKERAS_OFFLINE=1 says no)."""
    if os.environ.get("MINIKERAS_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    if _STATE["reachable"] is None:
        try:
            socket.create_connection(DATA_HOST, timeout=timeout).close()
            _STATE["reachable"] = True
        except OSError:
            _STATE["reachable"] = False
    return _STATE["reachable"]


def _seaborn_cache_path(name, data_home):
    """Where seaborn would look for `name`.csv — computed without creating the folder, as seaborn would."""
    if data_home is None:
        from seaborn.utils import user_cache_dir

        data_home = os.environ.get("SEABORN_DATA", user_cache_dir("seaborn"))
    return os.path.join(os.path.expanduser(data_home), f"{name}.csv")


def _wrap_load_dataset(original):
    def load_dataset(name, cache=True, data_home=None, **kws):
        if name == "penguins" and not (cache and os.path.exists(_seaborn_cache_path(name, data_home))):
            if not network_reachable():
                return original(name, cache=True, data_home=offline_data_home(), **kws)
        return original(name, cache=cache, data_home=data_home, **kws)

    load_dataset.__doc__ = original.__doc__
    load_dataset.__wrapped__ = original
    load_dataset._minikeras_offline = True
    return load_dataset


def patch_seaborn(seaborn_module):
    """Make `seaborn.load_dataset` (and `seaborn.utils.load_dataset`) fall back to the offline penguins."""
    utils = sys.modules.get("seaborn.utils")
    original = getattr(utils, "load_dataset", None) or seaborn_module.load_dataset
    if getattr(original, "_minikeras_offline", False):
        return
    wrapped = _wrap_load_dataset(original)
    if utils is not None:
        utils.load_dataset = wrapped
    seaborn_module.load_dataset = wrapped


class _PatchAfterImport(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        # Put the real loader back on the module before running it, so it looks untouched.
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        patch_seaborn(module)


class _SeabornFinder(importlib.abc.MetaPathFinder):
    """Finds the real seaborn, and patches it right after it is imported."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "seaborn":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _PatchAfterImport(spec.loader)
        return spec


_FINDER = _SeabornFinder()


def install_offline_penguins():
    """Patch seaborn now if it is imported, else as soon as it is (idempotent)."""
    if "seaborn" in sys.modules:
        patch_seaborn(sys.modules["seaborn"])
    elif _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
