"""Zero-edit activation: `%load_ext minikeras` and MINIKERAS_DROPIN=1 at start-up."""


def test_load_ipython_extension_activates(runner):
    proc = runner.python("""
        from minikeras.dropin.ipython import load_ipython_extension, unload_ipython_extension
        load_ipython_extension(None)
        import keras, minikeras
        from tensorflow import keras as tfk
        print("SAME", keras.layers is minikeras.layers, tfk.Model is minikeras.Model)
        keras.Input(shape=4)
        unload_ipython_extension(None)
        import sys
        print("UNLOADED", "keras" not in sys.modules)
    """)
    assert proc.returncode == 0, proc.stderr
    assert "SAME True True" in proc.stdout
    assert "UNLOADED True" in proc.stdout


def test_activate_from_env(runner):
    code = """
        from minikeras.dropin import activate_from_env
        print("ACTIVE", activate_from_env())
        import sys
        import keras
        print("MINIKERAS", getattr(keras, "__minikeras_dropin__", False))
    """
    on = runner.python(code, env={"MINIKERAS_DROPIN": "1"})
    assert on.returncode == 0, on.stderr
    assert "ACTIVE True" in on.stdout and "MINIKERAS True" in on.stdout
    off = runner.python(code.replace("import keras\n", "keras = None\n"))
    assert "ACTIVE False" in off.stdout


def test_install_startup_writes_the_hook_where_asked(tmp_path):
    from minikeras.dropin import ipython

    path = ipython.install_startup(profile_dir=str(tmp_path / "profile"))
    text = open(path).read()
    assert ipython.STARTUP_CODE in text
    assert path.endswith("00-minikeras-dropin.py")
