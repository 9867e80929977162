"""Let lib's docstrings link to the book's equations in the API reference.

Docstrings name equations the MyST way, ``{eq}`eq-adam```, which reads well in the source
and in ``help()``. Autodoc parses docstrings as reStructuredText, so this extension
rewrites the MyST role into the reST ``:eq:`` role before parsing, and escapes ``|``
(absolute values such as ``|g|`` would otherwise be read as substitutions).
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

MYST_ROLE = re.compile(r"\{(eq|cite|doc|ref)\}`([^`]+)`")
BAR = re.compile(r"(?<!\\)\|")


def to_rst(line: str) -> str:
    parts = MYST_ROLE.split(line)
    out = []
    for i in range(0, len(parts), 3):
        out.append(BAR.sub(r"\\|", parts[i]))
        if i + 2 < len(parts):
            out.append(f":{parts[i + 1]}:`{parts[i + 2]}`")
    return "".join(out)


def rewrite(app: Sphinx, what: str, name: str, obj: object, options: dict, lines: list[str]) -> None:
    lines[:] = [to_rst(line) for line in lines]


def setup(app: Sphinx) -> dict:
    app.connect("autodoc-process-docstring", rewrite)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
