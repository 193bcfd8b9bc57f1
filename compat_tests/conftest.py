"""Shared set-up for the comparisons with real TensorFlow Keras.

Without TensorFlow the suite skips with a reason; under CI (`CI=true`) a
missing TensorFlow is an error, never a silent skip.
"""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def _import_tf():
    try:
        import tensorflow as tf  # noqa: F401
        import keras  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise RuntimeError(
                "compat_tests need TensorFlow under CI; install the `compat` extra "
                "(pip install -e '.[test]')."
            ) from exc
        return None
    return tf


TF = _import_tf()


SKIP_REASON = "TensorFlow is not installed (pip install 'minikeras[compat]')"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """Without TensorFlow (outside CI), a compat module that cannot even be imported
    (it needs another test-only extra: palmerpenguins, hypothesis...) skips too, instead
    of stopping the whole run with a collection error."""
    outcome = yield
    report = outcome.get_result()
    if TF is None and report.failed and isinstance(collector, pytest.Module):
        report.outcome = "skipped"
        report.longrepr = (str(collector.path), None, f"Skipped: {SKIP_REASON}")


def pytest_collection_modifyitems(config, items):
    if TF is not None:
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "compat_tests" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def tf():
    return TF


@pytest.fixture
def keras():
    import keras

    return keras


@pytest.fixture(autouse=True)
def _fresh_sessions():
    """Each comparison starts from fresh name counters on both sides."""
    if TF is not None:
        import keras

        # free_memory=False: the name counters and global state reset without a full
        # garbage collection (0.05 ms instead of about 0.5 s per test).
        keras.backend.clear_session(free_memory=False)
    try:
        import minikeras

        minikeras.utils.clear_session()
    except (ImportError, AttributeError):
        pass
    yield
