"""compat_tests.recording and compat_tests.report without TensorFlow: the numbers and the table."""

import json

import numpy as np
import pytest

from compat_tests import recording, report


@pytest.fixture
def record_to(tmp_path, monkeypatch):
    path = tmp_path / "rec.json"
    monkeypatch.setenv(recording.ENV_VAR, str(path))
    recording._observations.clear()
    yield path
    recording._observations.clear()


def test_deviation_numbers():
    max_abs, max_rel, share = recording.deviation([1.0, 2.5, 0.0], [1.0, 2.0, 0.0], rtol=0.1, atol=0.0)
    assert max_abs == 0.5 and max_rel == 0.25 and share == pytest.approx(2.5)
    assert recording.deviation([np.nan, np.inf], [np.nan, np.inf]) == (0.0, 0.0, 0.0)
    assert recording.deviation([1.0], [1.0 + 1e-9])[2] == np.inf  # any deviation at zero tolerance


def test_assert_close_is_assert_allclose(record_to):
    recording.assert_close([1.0, 2.0], [1.0, 2.0 + 1e-7], rtol=1e-6, item="ops.add")
    with pytest.raises(AssertionError, match="Not equal to tolerance"):
        recording.assert_close([1.0], [1.1], rtol=1e-6, item="ops.add", kind="gradient")
    with pytest.raises(AssertionError):
        recording.assert_close([1.0], [1.0 + 1e-6], item="ops.add")  # numpy's default rtol=1e-7
    with pytest.raises(ValueError, match="kind"):
        recording.assert_close([1.0], [1.0], item="ops.add", kind="backward")
    recording.flush()
    data = json.loads(record_to.read_text())
    forward, gradient = data["ops.add"]["forward"], data["ops.add"]["gradient"]
    assert forward["comparisons"] == 2 and forward["failed"] == 1
    assert forward["max_abs"] == pytest.approx(1e-7, rel=1e-3)  # among passing comparisons only
    assert gradient["failed"] == 1 and gradient["max_rel"] == 0.0
    assert gradient["failed_tests"] == ["tests/test_compat_recording.py::test_assert_close_is_assert_allclose"]


def test_flush_merges_runs(record_to):
    recording.assert_equal([1, 2], [1, 2], item=["random.uniform", "random.normal"])
    recording.flush()
    recording.assert_close([2.0], [2.0 + 2e-6], rtol=1e-5, item="random.uniform")
    recording.flush()
    data = recording.load(record_to)
    assert data["random.uniform"]["forward"]["comparisons"] == 2
    assert data["random.uniform"]["forward"]["tolerances"] == ["exact", "rtol=1e-05, atol=0"]
    assert data["random.normal"]["forward"]["comparisons"] == 1


def test_nothing_recorded_without_the_variable(monkeypatch):
    monkeypatch.delenv(recording.ENV_VAR, raising=False)
    recording._observations.clear()
    recording.assert_close([1.0], [1.0], item="ops.add")
    assert recording._observations == {}


def test_report_lists_every_public_item_and_why():
    observations = {"ops.absolute": {"forward": dict(recording._empty(), comparisons=3, max_abs=1e-7, max_rel=2e-7,
                                                     max_share=0.5, tolerances=["rtol=1e-05, atol=1e-06"])}}
    text = report.render(observations)
    assert "| `ops.absolute` | compared | 3 | 1.0e-07 / 2.0e-07 | — | F32 (rtol=1e-05, atol=1e-06)" in text
    assert "| `ops.abs` | compared (same object as `ops.absolute`)" in text
    assert "| `Model.save` | not compared: file format" in text
    items = [item for _, item, _ in report.public_items()]
    assert len(items) == len(set(items))
    for expected in ("layers.Dense", "losses.categorical_crossentropy", "optimizers.schedules.ExponentialDecay",
                     "utils.to_categorical", "Model.fit", "random.uniform", "constraints.MaxNorm"):
        assert expected in items and f"`{expected}`" in text
    assert not any(item.endswith((".np", ".math", ".resolve", ".to_snake_case")) for item in items)


def test_report_lists_known_mismatches():
    text = report.render({}, "1 passed", ["compat_tests/x.py::test_a[l1_l2{}] - minikeras 0.434 vs Keras 0.0 (l1_l2)"])
    assert "## Known mismatches" in text
    assert "- `compat_tests/x.py::test_a[l1_l2{}]`: minikeras 0.434 vs Keras 0.0 (l1\\_l2)" in text
    assert "## Known mismatches" not in report.render({})
