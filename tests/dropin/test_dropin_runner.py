"""`minikeras run SCRIPT ARGS...` behaves as `python SCRIPT ARGS...` for argv, __file__, paths and exit codes."""

import sys

import pytest

PROBE = """
import os, sys
print("ARGV", sys.argv)
print("FILE", __file__)
print("PATH0", sys.path[0])
print("NAME", __name__)
print("CWD", os.getcwd())
with open("data.txt") as f:
    print("DATA", f.read().strip())
"""


def test_argv_file_path_and_relative_paths(runner, tmp_path):
    folder = tmp_path / "lesson"
    script = runner.script(PROBE, name="probe.py", folder=folder)
    (tmp_path / "data.txt").write_text("from the working directory\n")
    proc = runner.run("lesson/probe.py", "--epochs", "3", "-v", "x")
    assert proc.returncode == 0, proc.stderr
    assert f"ARGV {['lesson/probe.py', '--epochs', '3', '-v', 'x']}" in proc.stdout
    assert f"FILE {script}" in proc.stdout
    assert f"PATH0 {folder}" in proc.stdout
    assert "NAME __main__" in proc.stdout
    assert f"CWD {tmp_path}" in proc.stdout
    assert "DATA from the working directory" in proc.stdout


def test_sibling_modules_import(runner, tmp_path):
    folder = tmp_path / "pkg"
    runner.script("VALUE = 41\n", name="helper.py", folder=folder)
    runner.script("import helper\nprint('VALUE', helper.VALUE + 1)\n", name="main.py", folder=folder)
    proc = runner.run("pkg/main.py")
    assert proc.returncode == 0, proc.stderr
    assert "VALUE 42" in proc.stdout


@pytest.mark.parametrize("body, status", [
    ("print('done')", 0),
    ("import sys; sys.exit()", 0),
    ("import sys; sys.exit(0)", 0),
    ("import sys; sys.exit(3)", 3),
    ("raise SystemExit(7)", 7),
    ("import sys; sys.exit('stopping here')", 1),
    ("raise ValueError('boom')", 1),
])
def test_exit_status_matches_plain_python(runner, body, status):
    script = runner.script(body + "\n")
    proc = runner.run(script)
    import subprocess

    plain = subprocess.run([sys.executable, str(script)], env=runner.env, capture_output=True, timeout=300)
    assert proc.returncode == status, proc.stderr
    assert plain.returncode == status


def test_traceback_shows_the_script_not_the_runner(runner):
    script = runner.script("def f():\n    raise ValueError('boom')\nf()\n")
    proc = runner.run(script)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Traceback (most recent call last):")
    assert f'File "{script}", line 3, in <module>' in proc.stderr
    assert "runner.py" not in proc.stderr
    assert proc.stderr.strip().endswith("ValueError: boom")


def test_sys_exit_message_goes_to_stderr(runner):
    proc = runner.run(runner.script("import sys; sys.exit('stopping here')\n"))
    assert proc.stderr.strip() == "stopping here"


def test_missing_script(runner):
    proc = runner.run("no_such_script.py")
    assert proc.returncode == 2
    assert "can't open file 'no_such_script.py'" in proc.stderr


def test_main_guard_and_pickling_of_main_classes(runner):
    script = runner.script("""
        import pickle
        class Point:
            def __init__(self, x):
                self.x = x
        if __name__ == "__main__":
            print("X", pickle.loads(pickle.dumps(Point(5))).x)
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    assert "X 5" in proc.stdout


def test_plt_show_neither_blocks_nor_fails_without_display(runner):
    script = runner.script("""
        import matplotlib
        import matplotlib.pyplot as plt
        plt.plot([1, 2, 3])
        plt.show()
        print("BACKEND", matplotlib.get_backend().lower())
    """)
    proc = runner.run(script)
    assert proc.returncode == 0, proc.stderr
    assert "BACKEND agg" in proc.stdout
    assert "cannot be shown" not in proc.stderr and "non-interactive" not in proc.stderr


def test_console_script_entry_point_is_main():
    from minikeras.__main__ import main

    assert callable(main)
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0


def test_run_requires_a_script(capsys):
    from minikeras.__main__ import main

    with pytest.raises(SystemExit) as exc:
        main(["run"])
    assert exc.value.code == 2
    assert "script" in capsys.readouterr().err


def test_main_module_runs(runner):
    script = runner.script("print('HELLO')\n")
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "minikeras", "run", str(script)], capture_output=True, text=True,
                          env=runner.env, timeout=300)
    assert proc.returncode == 0 and "HELLO" in proc.stdout
