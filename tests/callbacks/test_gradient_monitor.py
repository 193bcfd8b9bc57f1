"""GradientMonitor records the gradients fit hands to the optimizer, then unwraps itself."""

import numpy as np
import pytest

import minikeras as keras
from minikeras.callbacks.gradient_monitor import GradientMonitor
from minikeras.ops.autodiff import GradientTape


def _model_and_data(optimizer="sgd"):
    keras.utils.set_random_seed(3)
    x = np.random.rand(32, 4).astype("float32")
    y = (x.sum(axis=1) > 2).astype("float32")[:, None]
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(5, activation="relu", name="hidden"),
                              keras.layers.Dense(1, activation="sigmoid", name="out")])
    model.compile(loss="binary_crossentropy", optimizer=optimizer)
    return model, x, y


def test_first_step_norms_equal_tape_gradients():
    model, x, y = _model_and_data()
    with GradientTape() as tape:
        loss = keras.losses.BinaryCrossentropy()(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    expected = {
        "hidden": np.sqrt(sum(np.sum(np.square(g.astype(np.float64))) for g in grads[:2])),
        "out": np.sqrt(sum(np.sum(np.square(g.astype(np.float64))) for g in grads[2:])),
    }
    monitor = GradientMonitor(record_gradients=True)
    model.fit(x, y, epochs=1, batch_size=32, shuffle=False, callbacks=[monitor], verbose=0)
    for layer, norm in expected.items():
        np.testing.assert_allclose(monitor.layer_norms[layer][0], norm, rtol=1e-5)
    for w, g in zip(model.trainable_weights, grads):
        np.testing.assert_allclose(monitor.gradients[0][w.path], g, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(monitor.variable_norms[w.path][0], np.linalg.norm(g), rtol=1e-5)


def test_counts_per_step_and_epoch_means():
    model, x, y = _model_and_data()
    monitor = GradientMonitor()
    model.fit(x, y, epochs=3, batch_size=8, callbacks=[monitor], verbose=0)
    assert set(monitor.layer_norms) == {"hidden", "out"}
    assert all(len(v) == 12 for v in monitor.layer_norms.values())
    assert all(len(v) == 3 for v in monitor.epoch_layer_norms.values())
    np.testing.assert_allclose(monitor.epoch_layer_norms["out"][1], np.mean(monitor.layer_norms["out"][4:8]))
    assert monitor.gradients == []


def test_optimizer_is_unwrapped_and_training_unchanged():
    model_a, x, y = _model_and_data()
    model_b, _, _ = _model_and_data()
    ha = model_a.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    hb = model_b.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0, callbacks=[GradientMonitor()])
    np.testing.assert_array_equal(ha.history["loss"], hb.history["loss"])
    assert "apply" not in vars(model_b.optimizer)


def test_reuse_resets_state():
    model, x, y = _model_and_data()
    monitor = GradientMonitor()
    model.fit(x, y, epochs=1, batch_size=16, callbacks=[monitor], verbose=0)
    model.fit(x, y, epochs=1, batch_size=16, callbacks=[monitor], verbose=0)
    assert len(monitor.layer_norms["out"]) == 2


def test_uncompiled_model_and_bad_argument():
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    monitor = GradientMonitor()
    monitor.set_model(model)
    with pytest.raises(ValueError, match="compiled"):
        monitor.on_train_begin()
    with pytest.raises(TypeError, match="record_gradients"):
        GradientMonitor(record_gradients="yes")


def test_config_round_trip():
    m = GradientMonitor(record_gradients=True)
    assert GradientMonitor.from_config(m.get_config()).get_config() == {"record_gradients": True}


def test_plot(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    model, x, y = _model_and_data()
    monitor = GradientMonitor()
    model.fit(x, y, epochs=2, batch_size=16, callbacks=[monitor], verbose=0)
    ax = monitor.plot()
    assert len(ax.get_lines()) == 2 and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="per"):
        monitor.plot(per="batch")
