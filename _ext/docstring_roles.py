"""Let lib's docstrings link to the book's equations in the API reference.

Docstrings name equations the MyST way, ``{eq}`eq-adam```, which reads well in the source
and in ``help()``. Autodoc parses docstrings as reStructuredText, so this extension
rewrites each such role into a link to the equation in its chapter, shown with its label
(``eq-adam``) rather than a bare equation number that would not say which chapter it is
in; other MyST roles become their reST forms, and ``|`` is escaped (absolute values such
as ``|g|`` would otherwise be read as substitutions).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from sphinx.application import Sphinx

MYST_ROLE = re.compile(r"\{(eq|cite|doc|ref)\}`([^`]+)`")
BAR = re.compile(r"(?<!\\)\|")
LABEL = re.compile(r"\$\$\s*\((eq-[\w-]+)\)")


def equation_pages(srcdir: Path) -> dict[str, str]:
    """label -> docname of the chapter that defines it."""
    pages = {}
    for nb in sorted((srcdir / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        for label in LABEL.findall(text):
            pages.setdefault(label, f"chapters/{nb.stem}")
    return pages


def setup(app: Sphinx) -> dict:
    pages: dict[str, str] = {}

    def collect(app: Sphinx) -> None:
        pages.update(equation_pages(Path(app.srcdir)))

    def to_rst(line: str, docname: str) -> str:
        parts = MYST_ROLE.split(line)
        out = []
        for i in range(0, len(parts), 3):
            out.append(BAR.sub(r"\\|", parts[i]))
            if i + 2 < len(parts):
                role, target = parts[i + 1], parts[i + 2]
                if role == "eq" and target in pages:
                    url = os.path.relpath(pages[target], os.path.dirname(docname) or ".") + ".html"
                    out.append(f"`{target} <{url}#equation-{target}>`__")
                else:
                    out.append(f":{role}:`{target}`")
        return "".join(out)

    def rewrite(app: Sphinx, what: str, name: str, obj: object, options: dict, lines: list[str]) -> None:
        lines[:] = [to_rst(line, app.env.docname) for line in lines]

    app.connect("builder-inited", collect)
    app.connect("autodoc-process-docstring", rewrite)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
