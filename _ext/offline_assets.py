"""Serve MathJax from the built site instead of a CDN, so the book renders offline,
and keep every page free of JavaScript console errors.

MathJax 3 comes from the pinned PyPI package ``django-static-mathjax`` (files only, no
Django needed). After the HTML build, its ``es5`` folder is copied to
``_static/mathjax`` in the output, which ``mathjax_path`` in ``_config.yml`` points to.
The files are copied at the end of the build, not listed in ``html_static_path``, so that
Jupyter Book does not inject every MathJax component into every page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx

SKIP = ("*svg*", "*-full*", "mml-*", "node-main.js", "latest.js")


def mathjax_source() -> Path:
    import mathjax

    return Path(next(iter(mathjax.__path__))) / "static" / "mathjax" / "es5"


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(mathjax_source(), target, ignore=shutil.ignore_patterns(*SKIP))


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-thebe registers its inline configuration script twice under Jupyter Book, which
    redeclares a ``const`` and logs a console error on every page; keep the first copy."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", None) or "", repr(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Sphinx) -> dict:
    if not (mathjax_source() / "tex-chtml.js").exists():
        raise RuntimeError(f"MathJax not found at {mathjax_source()}; install requirements.txt")
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
