"""The documentation site builds in strict mode: no broken link, no missing page or reference."""

import importlib.util
import logging
import pathlib
import subprocess
import sys
import types

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "_hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mkdocs_build_strict(tmp_path):
    pytest.importorskip("mkdocs", reason="the `docs` extra (mkdocs, mkdocstrings[python]) is not installed")
    pytest.importorskip("mkdocstrings", reason="the `docs` extra (mkdocs, mkdocstrings[python]) is not installed")
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    for page in ("index.html", "lesson/index.html", "how-training-works/index.html", "dropin/index.html",
                 "sklearn/index.html", "saving/index.html", "benchmarks/index.html", "api/index.html"):
        assert (site / page).exists(), page
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("explain_backprop", "GradientMonitor", "plot_history", "Sequential", "SGD", "EarlyStopping"):
        assert name in api, f"{name} missing from the API reference"


def test_every_page_is_in_the_nav():
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    in_nav = {next(iter(item.values())) for item in config["nav"]}
    generated = {page for _, page in _hooks().GENERATED}
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert pages - generated <= in_nav, f"pages missing from the nav: {sorted(pages - generated - in_nav)}"
    assert in_nav <= pages, f"nav entries without a page: {sorted(in_nav - pages)}"


def test_generated_compatibility_page_joins_the_nav_only_when_present(tmp_path):
    hooks = _hooks()
    nav = [{"Getting started": "index.md"}, {"API reference": "api.md"}]
    config = {"docs_dir": str(tmp_path), "nav": list(nav)}
    assert hooks.on_config(config)["nav"] == nav
    (tmp_path / "compatibility.md").write_text("# Compatibility\n")
    assert hooks.on_config(config)["nav"][1] == {"Compatibility with TF Keras": "compatibility.md"}
    assert len(hooks.on_config(config)["nav"]) == 3  # idempotent


def test_benchmark_results_are_included_when_measured(tmp_path):
    hooks = _hooks()
    docs = tmp_path / "docs"
    docs.mkdir()
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="benchmarks.md"))
    markdown = "# Benchmarks\n\n<!-- benchmarks-results -->\n*placeholder*\n"
    config = {"docs_dir": str(docs)}
    assert hooks.on_page_markdown(markdown, page, config, None) == markdown
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "results.md").write_text("# Results\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    out = hooks.on_page_markdown(markdown, page, config, None)
    assert "## Results" in out and "| 1 | 2 |" in out and "placeholder" not in out
    other = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="index.md"))
    assert hooks.on_page_markdown(markdown, other, config, None) == markdown


@pytest.mark.parametrize("message, downgraded", [
    ("griffe: m.py:3: Parameter 'kernel_constraint, bias_constraint' does not appear in the function signature", True),
    ("griffe: m.py:3: Parameter 'Others' does not appear in the function signature", True),
    ("griffe: m.py:3: Failed to get 'name: description' pair from 'beta_initializer, gamma_initializer,'", True),
    ("griffe: m.py:3: Parameter 'units' does not appear in the function signature", False),
    ("griffe: m.py:3: Could not find cross-reference target 'minikeras.Nope'", False),
])
def test_docstring_style_filter(message, downgraded):
    record = logging.LogRecord("mkdocs.plugins.griffe", logging.WARNING, "x", 1, message, None, None)
    assert _hooks()._GroupedNamesAreNotErrors().filter(record)
    assert (record.levelno == logging.INFO) == downgraded
