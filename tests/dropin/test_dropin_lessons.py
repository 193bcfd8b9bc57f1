"""The lesson scripts in examples/ run unchanged via `minikeras run` (offline, no display)."""

import os

import pytest

from conftest import REPO

pytest.importorskip("seaborn")
pytest.importorskip("sklearn")
pytest.importorskip("palmerpenguins")


def test_carpentries_episode(runner, tmp_path):
    proc = runner.run(os.path.join(REPO, "examples", "lesson_carpentries.py"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Total params: 83" in proc.stdout
    assert "Epoch 100/100" in proc.stdout
    # the episode saves the model and loads it back
    assert (tmp_path / "my_first_model.keras").exists()
    assert [f for f in runner.home_files() if "seaborn" in f] == []


def test_course_script(runner):
    proc = runner.run(os.path.join(REPO, "examples", "lesson_course.py"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "keras.Input(shape=4) with an int is a Keras 2 idiom" in proc.stderr
    assert "Total params: 131" in proc.stdout
    accuracy = float(proc.stdout.split("test accuracy ")[1].split()[0])
    assert accuracy >= 0.95
