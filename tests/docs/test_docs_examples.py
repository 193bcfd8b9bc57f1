"""Every ```python block of docs/*.md runs, so the documentation cannot rot.

Conventions (for page authors):

* The blocks of one page run in order in one namespace, like a notebook: later blocks use what earlier
  ones defined. Each page starts fresh (`clear_session`, a temporary working directory).
* A ```text block that directly follows a ```python block is that block's expected output: the printed
  text must match it exactly (trailing spaces aside).
* `<!-- docs-test: skip -->` on the line before a block skips it (say why in the page).

Pages written before these conventions get their missing variables from `SETUP` below, and blocks that
need infrastructure a test machine lacks (a Dask cluster) are listed in `SKIP`.
"""

import contextlib
import io
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

FENCE = re.compile(r"^```([\w+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
SKIP_MARK = "<!-- docs-test: skip -->"

# The variables sklearn.md's snippets assume (X, y, X_train, y_train): a small labelled data set.
SETUP = {
    "sklearn.md": (
        "import numpy as np\n"
        "_rng = np.random.RandomState(0)\n"
        "X = _rng.rand(48, 4).astype('float32')\n"
        "y = np.where(X[:, 0] + X[:, 1] > 1.0, 'gentoo', 'adelie')\n"
        "X_train, y_train = X, y\n"
    ),
}
SKIP = {
    ("sklearn.md", "dask.distributed"): "needs a Dask cluster",
}


def extract_blocks(text):
    """`[(code, expected output or None, skip reason or None)]` for each ```python block."""
    fences = [(m.group(1), m.group(2), m.start(), m.end()) for m in FENCE.finditer(text)]
    blocks = []
    for i, (lang, body, start, end) in enumerate(fences):
        if lang != "python":
            continue
        expected = None
        if i + 1 < len(fences) and fences[i + 1][0] == "text" and not text[end:fences[i + 1][2]].strip():
            expected = fences[i + 1][1]
        skip = "marked in the page" if text[:start].rstrip().endswith(SKIP_MARK) else None
        blocks.append((body, expected, skip))
    return blocks


def _pages():
    return sorted(p.name for p in DOCS.glob("*.md") if "```python" in p.read_text(encoding="utf-8"))


def _normalise(text):
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def test_extract_blocks():
    page = (
        "```python\nprint(1)\n```\n\n```text\n1\n```\n"
        "```sh\nls\n```\n"
        f"{SKIP_MARK}\n```python\nraise SystemExit\n```\n"
        "```python\nx = 2\n```\nprose\n```text\nnot output\n```\n"
    )
    assert extract_blocks(page) == [
        ("print(1)\n", "1\n", None),
        ("raise SystemExit\n", None, "marked in the page"),
        ("x = 2\n", None, None),
    ]


def test_every_page_with_code_is_collected():
    assert {"index.md", "lesson.md", "how-training-works.md", "saving.md", "dropin.md"} <= set(_pages())


@pytest.mark.parametrize("page", _pages())
def test_page_examples_run(page, tmp_path, monkeypatch):
    import minikeras as keras

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    keras.utils.clear_session()
    text = (DOCS / page).read_text(encoding="utf-8")
    namespace = {"__name__": f"docs_{page[:-3].replace('-', '_')}"}
    if page in SETUP:
        exec(compile(SETUP[page], f"<setup for {page}>", "exec"), namespace)
    ran = 0
    for index, (code, expected, skip) in enumerate(extract_blocks(text), start=1):
        if skip is None:
            skip = next((why for (p, marker), why in SKIP.items() if p == page and marker in code), None)
        if skip is not None:
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(code, f"<{page} block {index}>", "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"{page}, python block {index} failed:\n{code}") from exc
        ran += 1
        if expected is not None:
            assert _normalise(out.getvalue()) == _normalise(expected), (
                f"{page}, python block {index}: the printed output differs from the page's text block")
    assert ran, f"no runnable block in {page}"
    try:
        import matplotlib.pyplot as plt

        plt.close("all")
    except ImportError:
        pass
