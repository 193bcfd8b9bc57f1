import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _fresh_session():
    """Each test starts with fresh auto-names and float32."""
    import minikeras

    try:
        minikeras.utils.clear_session()
    except AttributeError:
        pass
    minikeras.config.set_floatx("float32")
    yield
    minikeras.config.set_floatx("float32")
