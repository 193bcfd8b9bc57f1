"""`python -m minikeras run|diff SCRIPT [ARGS...]` (also the `minikeras` console script).

    minikeras run SCRIPT [ARGS...]     run an unmodified Keras / tf.keras script on minikeras
    minikeras diff [--rtol R] [--plot FILE.png] [--json FILE] [--align] [--seeds N] SCRIPT [ARGS...]
                                       run it with TensorFlow Keras and with minikeras, compare the curves

The work lives in `minikeras.dropin`; this module only parses the command line.
"""

import argparse
import sys


def _parser():
    parser = argparse.ArgumentParser(
        prog="minikeras", description="Run Keras scripts on minikeras, or compare them with TensorFlow Keras.")
    commands = parser.add_subparsers(dest="command", metavar="{run,diff}")
    commands.required = True
    run = commands.add_parser("run", help="run SCRIPT as `python SCRIPT ARGS...` would, with keras = minikeras")
    run.add_argument("script", help="the Python script")
    run.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    diff = commands.add_parser("diff", help="run SCRIPT with TensorFlow Keras and with minikeras and compare")
    diff.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance (default 1e-4)")
    diff.add_argument("--plot", metavar="FILE.png", help="overlay the training curves in this image")
    diff.add_argument("--json", metavar="FILE", dest="json_path", help="write everything recorded to this file")
    diff.add_argument("--align", action="store_true",
                      help="start minikeras's fits from TensorFlow's initial weights and batch order")
    diff.add_argument("--seeds", type=int, metavar="N",
                      help="run TensorFlow under N seeds; is minikeras inside the seed-to-seed band?")
    diff.add_argument("-v", "--verbose", action="store_true", help="show the scripts' own output")
    diff.add_argument("script", help="the Python script")
    diff.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    return parser


def main(argv=None):
    options = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if options.command == "run":
        from minikeras.dropin.runner import run_path

        return run_path(options.script, options.args)
    from minikeras.dropin.diff import diff

    return diff(options.script, options.args, rtol=options.rtol, plot=options.plot, json_path=options.json_path,
                align=options.align, seeds=options.seeds, verbose=options.verbose)


if __name__ == "__main__":
    sys.exit(main())
