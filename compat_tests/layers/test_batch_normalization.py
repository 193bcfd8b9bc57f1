"""BatchNormalization against TF Keras: forward, gradients, moving statistics, config."""

import numpy as np
import pytest

import minikeras
from compat_tests.layers.layer_compat import assert_same_config, compare_layers
from compat_tests.recording import assert_close
from compat_tests.tolerances import F32

rng = np.random.default_rng(10)

CASES = {
    "default_2d": ({}, (8, 3)),
    "axis1_3d": ({"axis": 1}, (4, 3, 5)),
    "axis_last_4d": ({}, (2, 3, 3, 4)),
    "no_center": ({"center": False}, (6, 2)),
    "no_scale": ({"scale": False}, (6, 2)),
    "neither": ({"center": False, "scale": False}, (6, 2)),
    "momentum_eps": ({"momentum": 0.5, "epsilon": 1e-5}, (5, 4)),
    "renorm": ({"renorm": True, "renorm_momentum": 0.7}, (8, 3)),
    "renorm_clipped": ({"renorm": True, "renorm_clipping": {"rmax": 1.2, "rmin": 0.9, "dmax": 0.1}}, (8, 3)),
}


def _weights(layer_kwargs, shape, axis=-1):
    c = shape[layer_kwargs.get("axis", axis)]
    out = []
    if layer_kwargs.get("scale", True):
        out.append(rng.uniform(0.5, 2.0, c))
    if layer_kwargs.get("center", True):
        out.append(rng.normal(size=c))
    out += [rng.normal(size=c) * 0.3, rng.uniform(0.5, 2.0, c)]
    if layer_kwargs.get("renorm"):
        out += [rng.uniform(0.5, 2.0, c), rng.normal(size=c) * 0.3, rng.uniform(0.8, 1.5, c)]
    return [w.astype("float32") for w in out]


@pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
@pytest.mark.parametrize("case", list(CASES))
def test_forward_gradients_and_statistics(keras, case, training):
    kwargs, shape = CASES[case]
    x = rng.normal(1.0, 2.0, size=shape).astype("float32")
    compare_layers(minikeras.layers.BatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs), x,
                   training=training, weights=_weights(kwargs, shape), output_shape_of=(None,) + shape[1:])


@pytest.mark.parametrize("case", ["default_2d", "axis1_3d", "renorm"])
def test_moving_statistics_after_three_training_calls(keras, case):
    kwargs, shape = CASES[case]
    mk, k = minikeras.layers.BatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs)
    k.build(shape)
    mk.build(shape)
    weights = _weights(kwargs, shape)
    k.set_weights(weights)
    mk.set_weights(weights)
    for _ in range(3):
        x = rng.normal(0.5, 3.0, size=shape).astype("float32")
        assert_close(np.asarray(mk(x, training=True)), k(x, training=True).numpy(), **F32,
                     item="layers.BatchNormalization")
    for a, b in zip(mk.weights, k.weights):
        assert_close(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7, err_msg=a.name, item="layers.BatchNormalization")
    x = rng.normal(size=shape).astype("float32")
    assert_close(np.asarray(mk(x)), k(x).numpy(), **F32, item="layers.BatchNormalization")


def test_float64(keras):
    x = rng.normal(size=(6, 3))
    compare_layers(minikeras.layers.BatchNormalization(dtype="float64"),
                   keras.layers.BatchNormalization(dtype="float64"), x, training=True)


def test_mask(keras):
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 0]], dtype=bool)
    compare_layers(minikeras.layers.BatchNormalization(momentum=0.6), keras.layers.BatchNormalization(momentum=0.6),
                   x, training=True, call_kwargs={"mask": mask})


def test_frozen_layer_uses_moving_statistics(keras):
    x = rng.normal(size=(4, 3)).astype("float32")
    mk, k = minikeras.layers.BatchNormalization(), keras.layers.BatchNormalization()
    mk.trainable = False
    k.trainable = False
    compare_layers(mk, k, x, training=True, weights=_weights({}, (4, 3)))


@pytest.mark.parametrize("kwargs", [{}, {"axis": 1, "momentum": 0.9, "epsilon": 1e-5, "center": False,
                                         "gamma_regularizer": "l2", "beta_constraint": "non_neg"},
                                    {"renorm": True, "renorm_clipping": {"rmax": 2.0}, "synchronized": True}])
def test_config_matches(keras, kwargs):
    assert_same_config(minikeras.layers.BatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs))


def test_weight_paths(keras):
    mk, k = minikeras.layers.BatchNormalization(), keras.layers.BatchNormalization()
    mk.build((None, 3))
    k.build((None, 3))
    assert [w.path for w in mk.weights] == [w.path for w in k.weights]
