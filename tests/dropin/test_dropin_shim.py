"""`keras` / `tensorflow.keras` / `tensorflow` resolve to minikeras under `minikeras run`."""

import pytest

IMPORT_FORMS = {
    "import keras": "import keras\nresult = keras.layers.Dense",
    "import keras.layers": "import keras.layers\nresult = keras.layers.Dense",
    "import keras.layers as L": "import keras.layers as L\nresult = L.Dense",
    "from keras.models import Sequential": "from keras.models import Sequential\nresult = Sequential",
    "from keras.layers import Dense": "from keras.layers import Dense\nresult = Dense",
    "from keras import layers": "from keras import layers\nresult = layers.Dense",
    "from tensorflow import keras": "from tensorflow import keras\nresult = keras.layers.Dense",
    "import tensorflow as tf": "import tensorflow as tf\nresult = tf.keras.layers.Dense",
    "from tensorflow.keras.layers import Dense": "from tensorflow.keras.layers import Dense\nresult = Dense",
    "from tensorflow.keras import optimizers": "from tensorflow.keras import optimizers\nresult = optimizers.Adam",
    "import tensorflow.keras.backend as K": "import tensorflow.keras.backend as K\nresult = K",
    "keras.utils.set_random_seed": "import keras\nresult = keras.utils.set_random_seed",
}

EXPECTED = {
    "from keras.models import Sequential": "minikeras.models.sequential.Sequential",
    "from tensorflow.keras import optimizers": "minikeras.optimizers.adam.Adam",
    "import tensorflow.keras.backend as K": "minikeras.backend",
    "keras.utils.set_random_seed": "minikeras.utils.rng_utils.set_random_seed",
}


@pytest.mark.parametrize("form", sorted(IMPORT_FORMS))
def test_import_form_resolves_to_minikeras(runner, form):
    script = runner.script(IMPORT_FORMS[form] + """
import minikeras
name = getattr(result, "__module__", None)
qual = getattr(result, "__qualname__", None)
print("RESOLVED", f"{name}.{qual}" if qual else result.__name__)
""")
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    resolved = proc.stdout.split("RESOLVED ")[1].strip()
    assert resolved == EXPECTED.get(form, "minikeras.layers.core.dense.Dense")


def test_aliases_are_the_same_objects_as_minikeras(runner):
    script = runner.script("""
        import keras, keras.layers, minikeras
        import tensorflow as tf
        from tensorflow import keras as tfk
        assert keras.layers is minikeras.layers
        assert tf.keras.layers is minikeras.layers and tfk.Model is minikeras.Model
        assert keras.Sequential is minikeras.Sequential
        # minikeras's module keeps its own identity
        assert minikeras.layers.__spec__.name == "minikeras.layers", minikeras.layers.__spec__
        print("OK")
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    assert "OK" in proc.stdout


def test_tensorflow_stand_in_provides_its_names(runner):
    script = runner.script("""
        import numpy as np
        import tensorflow as tf
        import minikeras
        print("VERSION", tf.__version__, tf.version.VERSION)
        assert tf.GradientTape is minikeras.GradientTape
        assert tf.constant([1.0, 2.0]).dtype == np.float32
        assert tf.constant(3).dtype == np.int32
        assert tf.constant(np.arange(3.0)).dtype == np.float64
        assert tf.constant(1.5, shape=(2, 2)).shape == (2, 2)
        assert tf.convert_to_tensor([[1, 2]], dtype="float64").dtype == np.float64
        x = minikeras.Variable(np.array([3.0], dtype="float32"))
        with tf.GradientTape() as tape:
            y = minikeras.ops.square(x)
        print("GRAD", float(np.asarray(tape.gradient(y, x))[0]))
        tf.random.set_seed(7)
        from minikeras.random import fit_shuffle
        print("SEED", fit_shuffle.get_tf_global_seed())
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    assert "VERSION 2.21.0 2.21.0" in proc.stdout
    assert "GRAD 6.0" in proc.stdout
    assert "SEED 7" in proc.stdout


@pytest.mark.parametrize("statement, missing", [
    ("import tensorflow as tf\ntf.data.Dataset", "tensorflow.data"),
    ("import tensorflow as tf\ntf.nn.relu", "tensorflow.nn"),
    ("import tensorflow as tf\ntf.random.normal((2,))", "tensorflow.random.normal"),
    ("from tensorflow import data", "tensorflow.data"),
    ("import tensorflow.lite", "tensorflow.lite"),
    ("from tensorflow.data import Dataset", "tensorflow.data"),
    ("import keras.datasets", "keras.datasets"),
    ("import keras\nkeras.applications.ResNet50", "keras.applications"),
    ("from tensorflow.keras.applications import ResNet50", "tensorflow.keras.applications"),
])
def test_unsupported_names_raise_one_clear_error(runner, statement, missing):
    proc = runner.run(runner.script(statement + "\n"))
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert f"{missing} is not provided by minikeras; run this script with TensorFlow" in last, proc.stderr
    assert "NotProvided" in last


def test_hasattr_on_missing_tensorflow_name_is_false(runner):
    proc = runner.run(runner.script("import tensorflow as tf\nprint('HAS', hasattr(tf, 'data'), hasattr(tf, 'keras'))\n"))
    assert proc.returncode == 0, proc.stderr
    assert "HAS False True" in proc.stdout


def test_plain_python_is_untouched_by_minikeras_import(runner):
    # Without the drop-in, `import minikeras` must not install any alias.
    proc = runner.python("""
        import sys, minikeras, minikeras.layers
        print("ALIASED", "keras" in sys.modules and getattr(sys.modules["keras"], "__minikeras_dropin__", False))
    """)
    assert proc.returncode == 0, proc.stderr
    assert "ALIASED False" in proc.stdout
