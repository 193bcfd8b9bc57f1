"""Keras 2 idioms accepted under the drop-in with a deprecation warning (and rejected without it)."""

import numpy as np
import pytest


def test_input_with_an_int_shape(runner):
    script = runner.script("""
        import keras
        x = keras.Input(shape=4)
        print("SHAPE", x.shape)
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    assert "SHAPE (None, 4)" in proc.stdout
    warning_lines = [line for line in proc.stderr.splitlines() if "DeprecationWarning" in line]
    assert len(warning_lines) == 1
    assert "keras.Input(shape=4)" in warning_lines[0] and "Keras 2 idiom" in warning_lines[0]


def test_input_with_an_int_shape_is_rejected_without_the_dropin(runner):
    proc = runner.python("import minikeras as keras\nkeras.Input(shape=4)\n")
    assert proc.returncode != 0


@pytest.mark.parametrize("arg", ["input_dim=4", "input_shape=(4,)"])
def test_dense_input_dim_and_input_shape(runner, arg):
    script = runner.script(f"""
        import keras
        model = keras.Sequential([keras.layers.Dense(3, {arg}), keras.layers.Dense(2)])
        print("PARAMS", model.count_params())
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    assert "PARAMS 23" in proc.stdout


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad", "Nadam", "Adamax"])
def test_optimizer_lr_means_learning_rate(runner, name):
    script = runner.script(f"""
        import numpy as np
        from keras import optimizers
        opt = optimizers.{name}(lr=0.05)
        print("LR", float(np.asarray(opt.learning_rate)), float(np.asarray(opt.lr)))
        opt.lr = 0.01
        print("LR2", float(np.asarray(opt.learning_rate)))
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    assert "LR 0.05000000074505806 0.05000000074505806" in proc.stdout
    assert "LR2 0.009999999776482582" in proc.stdout
    assert f"{name}(lr=0.05) means learning_rate=0.05" in proc.stderr


def test_optimizer_lr_is_rejected_without_the_dropin(runner):
    proc = runner.python("import minikeras\nminikeras.optimizers.SGD(lr=0.1)\n")
    assert proc.returncode != 0
    assert "lr" in proc.stderr


def _keras2_sgd_steps(w0, grads, lr, decay, momentum, nesterov):
    """Keras 2's SGD with time-based decay, written out in float32."""
    f = np.float32
    w, v = np.array(w0, dtype=f), np.zeros_like(np.array(w0, dtype=f))
    for it, g in enumerate(grads):
        lr_t = f(lr) / (f(1) + f(decay) * f(it))
        g = np.asarray(g, dtype=f)
        v = f(momentum) * v - lr_t * g
        w = w + (f(momentum) * v - lr_t * g if nesterov else v)
    return w


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_decay_is_keras2_time_based_decay(runner, nesterov):
    grads = [[0.5, -1.0], [0.25, 2.0], [-1.5, 0.75], [1.0, 1.0], [0.1, -0.3]]
    script = runner.script(f"""
        import numpy as np
        import keras
        opt = keras.optimizers.SGD(lr=0.1, decay=0.5, momentum=0.9, nesterov={nesterov})
        w = keras.Variable(np.array([1.0, -2.0], dtype="float32"))
        for g in {grads!r}:
            opt.apply([np.array(g, dtype="float32")], [w])
        print("W", repr(np.asarray(w.numpy()).tolist()))
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    got = np.array(eval(proc.stdout.split("W ")[1]), dtype=np.float32)
    expected = _keras2_sgd_steps([1.0, -2.0], grads, 0.1, 0.5, 0.9, nesterov)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    # and it is not plain SGD (decay matters)
    plain = _keras2_sgd_steps([1.0, -2.0], grads, 0.1, 0.0, 0.9, nesterov)
    assert not np.allclose(got, plain, rtol=1e-4)
    assert "time-based decay" in proc.stderr


def test_fit_with_keras2_sgd(runner):
    script = runner.script("""
        import numpy as np
        import keras
        keras.utils.set_random_seed(0)
        x = np.random.rand(32, 3).astype("float32"); y = x.sum(axis=1, keepdims=True)
        model = keras.Sequential([keras.layers.Dense(4, input_dim=3, activation="relu"), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True), loss="mse")
        h = model.fit(x, y, epochs=3, verbose=0)
        print("EPOCHS", len(h.history["loss"]))
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    assert "EPOCHS 3" in proc.stdout
