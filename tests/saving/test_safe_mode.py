"""Malicious and corrupted files are refused with errors that say what was found."""

import io
import json
import pickle
import zipfile

import h5py
import numpy as np
import pytest

import minikeras
from minikeras import layers
from minikeras.models import load_model


def small_model():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def archive_members(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_archive(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "good.keras"
    small_model().save(path)
    return path


# -- code in the config ---------------------------------------------------------------------------
def lambda_model():
    inputs = minikeras.Input((3,))
    return minikeras.Model(inputs, layers.Lambda(lambda x: x * 2.0)(inputs))


def test_lambda_bytecode_refused_in_safe_mode(tmp_path):
    path = tmp_path / "lambda.keras"
    lambda_model().save(path)
    with pytest.raises(ValueError, match=r"arbitrary code execution.*safe_mode=False"):
        load_model(path)
    loaded = load_model(path, safe_mode=False)
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 3), "float32"), verbose=0), [[2.0, 2.0, 2.0]])
    with pytest.raises(ValueError, match="arbitrary code execution"):
        load_model(path)  # the unsafe load did not leave safe mode switched off


def test_handcrafted_malicious_lambda_never_runs(tmp_path, saved):
    """A config whose Lambda bytecode would write a file: refused before any code runs."""
    import base64
    import marshal

    marker = tmp_path / "pwned"
    evil = compile(f"lambda x: open({str(marker)!r}, 'w') or x", "<evil>", "eval").co_consts[0]
    members = archive_members(saved)
    config = json.loads(members["config.json"])
    config["config"]["layers"].append({
        "module": "keras.layers", "class_name": "Lambda", "registered_name": None,
        "config": {"name": "evil", "trainable": True, "dtype": "float32", "arguments": {},
                   "function": {"class_name": "__lambda__", "config": {
                       "code": base64.encodebytes(marshal.dumps(evil)).decode(), "defaults": None,
                       "closure": None}}},
    })
    members["config.json"] = json.dumps(config)
    path = tmp_path / "evil.keras"
    write_archive(path, members)
    with pytest.raises(ValueError, match="arbitrary code execution"):
        load_model(path)
    assert not marker.exists()


def test_unknown_layer_is_named(tmp_path, saved):
    members = archive_members(saved)
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["class_name"] = "Danse"
    members["config.json"] = json.dumps(config)
    path = tmp_path / "unknown.keras"
    write_archive(path, members)
    with pytest.raises(TypeError, match="Could not locate class 'Danse'"):
        load_model(path)


# -- archives that are not what they claim --------------------------------------------------------
@pytest.mark.parametrize("name", ["evil.py", "../escape.txt", "/abs/path", "assets/../../x", "model.pkl"])
def test_unexpected_members_refused(tmp_path, saved, name):
    members = archive_members(saved)
    members[name] = b"print('hello')"
    path = tmp_path / "extra.keras"
    write_archive(path, members)
    with pytest.raises(ValueError, match=r"unexpected members \[.*\]"):
        load_model(path)


def test_missing_weights_member(tmp_path, saved):
    members = archive_members(saved)
    del members["model.weights.h5"]
    path = tmp_path / "noweights.keras"
    write_archive(path, members)
    with pytest.raises(ValueError, match=r"missing \['model.weights.h5'\]"):
        load_model(path)


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.6, 0.95])
def test_truncated_archive(tmp_path, saved, fraction):
    data = saved.read_bytes()
    path = tmp_path / "cut.keras"
    path.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ValueError, match="expected a `.keras` archive|corrupted|empty file"):
        load_model(path)


def test_text_file_named_keras(tmp_path):
    path = tmp_path / "notes.keras"
    path.write_text("these are my notes, not a model\n")
    with pytest.raises(ValueError, match=r"found a text file of 32 bytes starting with 'these are my notes"):
        load_model(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.keras"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty file \(0 bytes\)"):
        load_model(path)


def test_hdf5_file_named_keras(tmp_path):
    path = tmp_path / "weights.keras"
    with h5py.File(path, "w") as f:
        f["x"] = np.zeros(3)
    with pytest.raises(ValueError, match="found an HDF5 file"):
        load_model(path)


def test_pickle_named_keras(tmp_path):
    path = tmp_path / "p.keras"
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="Python pickle"):
        load_model(path)


def test_corrupted_weights_member(tmp_path, saved):
    members = archive_members(saved)
    members["model.weights.h5"] = members["model.weights.h5"][:200]
    path = tmp_path / "badweights.keras"
    write_archive(path, members)
    with pytest.raises(ValueError, match="truncated or corrupted"):
        load_model(path)


def test_weights_member_of_another_kind(tmp_path, saved):
    members = archive_members(saved)
    members["model.weights.h5"] = b"not hdf5 at all"
    path = tmp_path / "textweights.keras"
    write_archive(path, members)
    with pytest.raises(ValueError, match=r"expected an HDF5 file, found 15 bytes starting with b'not hdf5"):
        load_model(path)


def test_invalid_config_json(tmp_path, saved):
    members = archive_members(saved)
    members["config.json"] = b"{not json"
    path = tmp_path / "badconfig.keras"
    write_archive(path, members)
    with pytest.raises(ValueError, match="config.json is not valid JSON"):
        load_model(path)


def test_config_of_a_non_model(tmp_path, saved):
    members = archive_members(saved)
    members["config.json"] = json.dumps(minikeras.saving.serialization.serialize_keras_object(layers.Dense(2)))
    path = tmp_path / "layer.keras"
    write_archive(path, members)
    with pytest.raises(ValueError, match="describes a Dense, not a model"):
        load_model(path)


def _weights_with(tmp_path, saved, edit):
    members = archive_members(saved)
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "a") as f:
        edit(f)
    members["model.weights.h5"] = buffer.getvalue()
    path = tmp_path / "linked.keras"
    write_archive(path, members)
    return path


def test_external_link_refused(tmp_path, saved):
    def edit(f):
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.ExternalLink("/etc/passwd", "/x")

    with pytest.raises(ValueError, match="Not allowed: H5 file .* ExternalLink"):
        load_model(_weights_with(tmp_path, saved, edit))


def test_soft_link_refused(tmp_path, saved):
    def edit(f):
        del f["layers/dense/vars/1"]
        f["layers/dense/vars/1"] = h5py.SoftLink("/layers/dense/vars/0")

    with pytest.raises(ValueError, match="Not allowed: H5 file .* SoftLink"):
        load_model(_weights_with(tmp_path, saved, edit))


def test_legacy_h5_that_is_not_a_model(tmp_path):
    path = tmp_path / "m.h5"
    path.write_text("plain text")
    with pytest.raises(ValueError, match="Could not read .* as an HDF5 file: found a text file"):
        load_model(path)
