"""MkDocs hooks: generated pages join the navigation only once they exist.

`docs/compatibility.md` is written by `python -m compat_tests.report`; until it
has been generated, the site builds (in strict mode) without it.
"""

import logging
import os

GENERATED = [("Compatibility with TF Keras", "compatibility.md")]


def on_config(config):
    nav = config.get("nav")
    if nav is None:
        return config
    present = {next(iter(item.values())) for item in nav if isinstance(item, dict)}
    for title, page in GENERATED:
        if page not in present and os.path.exists(os.path.join(config["docs_dir"], page)):
            nav.insert(len(nav) - 1, {title: page})  # before the API reference
    return config


RESULTS_MARKER = "<!-- benchmarks-results -->"


def on_page_markdown(markdown, page, config, files):
    """Put the measured table of `benchmarks/results.md` (when it exists) into the benchmarks page."""
    if page.file.src_uri != "benchmarks.md" or RESULTS_MARKER not in markdown:
        return markdown
    results = os.path.join(os.path.dirname(config["docs_dir"]), "benchmarks", "results.md")
    if not os.path.exists(results):
        return markdown
    with open(results, encoding="utf-8") as f:
        table = f.read()
    # Demote the results' headings below this page's; the placeholder after the marker goes.
    table = "\n".join("#" + line if line.startswith("#") else line for line in table.splitlines())
    return markdown.partition(RESULTS_MARKER)[0] + table + "\n"


class _GroupedNamesAreNotErrors(logging.Filter):
    """Downgrade griffe's complaints about `a, b: description` lines in Google-style docstrings to INFO.

    Also prose entries such as `Others: see BaseWrapper.` under `Args:`.

    Several modules document related arguments together (`kernel_constraint, bias_constraint: ...`), as
    Keras's own docstrings do; griffe's Google parser reads one name per line and warns, which strict mode
    would turn into a failed build. Only messages about such grouped names (containing a comma) are
    downgraded: unknown single parameters, broken cross-references and links still fail the build.
    """

    PATTERNS = ("does not appear in the function signature", "Failed to get 'name: description' pair")

    def filter(self, record):
        if record.levelno == logging.WARNING:
            message = record.getMessage()
            if any(p in message for p in self.PATTERNS):
                quoted = message.split("'")[1] if message.count("'") >= 2 else ""
                if self.PATTERNS[1] in message:
                    quoted = message.rsplit(" from ", 1)[-1]
                # Grouped names ("a, b") or a prose entry ("Others: see ...") — never a Python parameter.
                if "," in quoted or quoted[:1].isupper():
                    record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def on_startup(command, dirty):
    logger = logging.getLogger("mkdocs.plugins.griffe")
    if not any(isinstance(f, _GroupedNamesAreNotErrors) for f in logger.filters):
        logger.addFilter(_GroupedNamesAreNotErrors())
