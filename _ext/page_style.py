"""The book's own CSS (``_ext/static/page.css``): code sized so that 88 columns fit the
text column, and styles for ``lib.display`` tables and sliders.

The folder is added to ``html_static_path`` here rather than in ``_config.yml`` because
it belongs to the extensions; it is not ``_static/``, into which Jupyter Book would
inject every file on every page.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

STATIC = Path(__file__).parent / "static"


def add_static_path(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_static_path)
    app.add_css_file("page.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
