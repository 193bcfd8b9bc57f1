"""`minikeras run SCRIPT [ARGS...]`: run an unmodified script as `python SCRIPT ARGS...` would, on minikeras.

What the script sees is what `python SCRIPT` gives it: `__name__ == "__main__"`,
`__file__` the script's absolute path, `sys.argv == [SCRIPT, *ARGS]`,
`sys.path[0]` the script's folder (so its sibling modules import), relative
paths resolved from the current directory. The exit code is the script's:
0 when it ends, `sys.exit(n)`'s code, 1 after an uncaught exception (whose
traceback is printed without the runner's own frames).
"""

import os
import sys
import traceback


def _script_error(path):
    return f"minikeras run: can't open file '{path}': [Errno 2] No such file or directory"


def run_path(script, args=(), activate=True, before_run=None):
    """Run `script` as `__main__` with `sys.argv = [script, *args]`; return its exit code.

    Args:
        script: path of the Python file (as the user typed it).
        args: the script's command-line arguments.
        activate: turn the drop-in on first (False runs the script as plain Python would,
            which `diff` uses for its TensorFlow side).
        before_run: optional callable run after activation, just before the script.

    Returns:
        The exit status, as `python SCRIPT` would end with.
    """
    if not os.path.isfile(script):
        print(_script_error(script), file=sys.stderr)
        return 2
    if activate:
        from minikeras import dropin

        dropin.activate()
    if before_run is not None:
        before_run()
    saved_argv, saved_path0 = sys.argv[:], sys.path[0] if sys.path else None
    sys.argv = [script, *args]
    script_dir = os.path.dirname(os.path.abspath(script))
    if sys.path:
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    try:
        _exec_as_main(os.path.abspath(script))
    except SystemExit as exc:
        return _exit_status(exc.code)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - reported as Python reports it
        _print_script_traceback(exc, os.path.abspath(script))
        return 1
    finally:
        sys.argv = saved_argv
        if saved_path0 is not None and sys.path:
            sys.path[0] = saved_path0
        _flush()
    return 0


def _exec_as_main(path):
    """Execute the file at `path` as the `__main__` module, as the interpreter does for `python path`.

    (`runpy.run_path` would rewrite `sys.argv[0]` to the path; `python SCRIPT` keeps it as typed.)
    """
    import builtins
    import importlib.machinery
    import types

    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__cached__ = None
    main.__builtins__ = builtins
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", path)
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = main
    try:
        exec(code, main.__dict__)
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _exit_status(code):
    """`sys.exit(code)`'s status: None -> 0, an int as is, anything else printed to stderr -> 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _print_script_traceback(exc, script):
    """The traceback from the script's first frame on, as `python SCRIPT` prints it."""
    tb = exc.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != script:
        tb = tb.tb_next
    if tb is None:
        tb = exc.__traceback__
    traceback.print_exception(type(exc), exc, tb, file=sys.stderr)


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError, OSError):
            pass
