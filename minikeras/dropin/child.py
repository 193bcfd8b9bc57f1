"""One side of `diff`: run a script under TensorFlow Keras or minikeras, recording what `diff` compares.

    python -m minikeras.dropin.child --backend tensorflow|minikeras --record OUT.json
        [--seed S] [--shuffle-seed S] [--weights-out W.npz] [--weights-in W.npz] -- SCRIPT [ARGS...]

Both sides get the same environment: matplotlib without a display, the
offline seaborn penguins, Keras 2 idioms accepted. The record is written even
when the script fails (with its traceback), and the exit status is the script's.
"""

import argparse
import io
import os
import sys
import traceback


def _parser():
    parser = argparse.ArgumentParser(prog="python -m minikeras.dropin.child")
    parser.add_argument("--backend", choices=("tensorflow", "minikeras"), required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--seed", type=int, default=None, help="keras.utils.set_random_seed(S) before the script")
    parser.add_argument("--shuffle-seed", type=int, default=None,
                        help="TensorFlow's global seed (fit's shuffle order) before the script")
    parser.add_argument("--weights-out", default=None)
    parser.add_argument("--weights-in", default=None)
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _prepare_tensorflow(recorder, options):
    import keras
    import tensorflow as tf

    from minikeras.dropin import datasets, legacy, plotting

    plotting.use_agg_without_display()
    datasets.install_offline_penguins()
    legacy.patch_tf_keras(keras)
    recorder.patch(keras.Model)
    if options.shuffle_seed is not None:
        tf.random.set_seed(options.shuffle_seed)
    if options.seed is not None:
        keras.utils.set_random_seed(options.seed)


def _prepare_minikeras(recorder, options):
    import minikeras
    from minikeras.random import fit_shuffle

    recorder.patch(minikeras.models.Model)
    if options.shuffle_seed is not None:
        fit_shuffle.set_tf_global_seed(options.shuffle_seed)
    if options.seed is not None:
        minikeras.utils.set_random_seed(options.seed)


class _Tee(io.TextIOBase):
    """Writes to the real stderr and keeps a copy (the traceback shown by `diff`)."""

    def __init__(self, stream):
        self.stream = stream
        self.copy = io.StringIO()

    def write(self, text):
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def main(argv=None):
    options = _parser().parse_args(argv)
    if options.args and options.args[0] == "--":
        options.args = options.args[1:]
    from minikeras.dropin.recorder import Recorder
    from minikeras.dropin.runner import run_path

    recorder = Recorder(weights_out=options.weights_out, weights_in=options.weights_in)
    tee = _Tee(sys.stderr)
    sys.stderr = tee
    status, error = 1, None
    try:
        if options.backend == "tensorflow":
            status = run_path(options.script, options.args, activate=False,
                              before_run=lambda: _prepare_tensorflow(recorder, options))
        else:
            status = run_path(options.script, options.args, activate=True,
                              before_run=lambda: _prepare_minikeras(recorder, options))
    except BaseException:  # noqa: BLE001 - set-up failures are reported like script failures
        error = traceback.format_exc()
        print(error, file=sys.stderr)
        status = 1
    finally:
        sys.stderr = tee.stream
        recorder.dump(options.record, backend=options.backend, status=status, seed=options.seed,
                      stderr=tee.copy.getvalue()[-20000:], error=error)
    return status


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
